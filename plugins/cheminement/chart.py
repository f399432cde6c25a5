"""Geometry of the progression chart: time along x (with year ticks), level along y.

Pure arithmetic on dates and ranks, kept out of rendering so it can be unit-tested: the
template only draws what `layout` returns. A period (a job, a training) is drawn as a bar
from its start to its end, or to today when it is ongoing; a récit or a trace is a dated
point. The time range is padded so that a single mark sits inside a readable frame of at
least `MIN_SPAN_DAYS`, instead of being a lonely dot at the edge of empty lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .dates import PartialDate, year_step
from .model import Parcours
from .views import Evidence

MIN_SPAN_DAYS = 2 * 365  # the narrowest time range shown, so one mark has context
PAD = 0.04  # share of the time range added on each side, so marks never touch the frame
MAX_TICKS = 8  # more would make the year labels collide at phone width
YEAR_WIDTH = 60  # plot width per year shown, so a short history makes a compact chart
MIN_PLOT = 180  # the narrowest plot: room for two year labels and a point's date
LABELLED = 3  # up to this many points, each point carries its date next to it


@dataclass(frozen=True)
class Mark:
    """One piece of evidence to draw: a point (`end` is None) or a period."""

    start: dt.date
    level: int
    end: dt.date | None = None
    ongoing: bool = False
    date: PartialDate | None = None  # as the learner wrote it, for a point's label


@dataclass(frozen=True)
class Bar:
    x1: float
    x2: float
    y: float
    level: int
    ongoing: bool


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    level: int
    date: PartialDate | None = None
    anchor: str = ""  # text-anchor of the date label; empty when points are too many to label


@dataclass(frozen=True)
class Tick:
    x: float
    year: int


@dataclass(frozen=True)
class Row:
    y: float
    rank: int


@dataclass(frozen=True)
class Chart:
    """Everything the template draws, in the coordinates of its viewBox."""

    width: int
    height: int
    left: float  # the plot area, right of the level labels
    right: float
    top: float
    bottom: float  # the time axis; year labels go below it
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    bars: tuple[Bar, ...]
    dots: tuple[Dot, ...]
    target: Row | None = None


def period(start: PartialDate, end: PartialDate | None, ongoing: bool, today: dt.date) -> tuple[dt.date, dt.date]:
    """A parcours entry as first and last day: ongoing runs to today, no end means its start's period."""
    if ongoing:
        return start.start, max(today, start.start)
    last = end.end if end else start.end
    return start.start, max(last, start.start)


def layout(
    marks: Sequence[Mark],
    levels: int,
    target: int | None = None,
    width: int = 480,
    row: int = 28,
    left: int = 96,
    margin: int = 16,
    axis: int = 26,
) -> Chart | None:
    """Place marks on a dated x axis and a level y axis; None when there is nothing to draw.

    `width` is the widest chart; a few years of history get a narrower one (`YEAR_WIDTH`
    per year, at least `MIN_PLOT`), so that one point is not lost in a wide empty frame.
    """
    if not marks or levels < 1:
        return None
    first = min(m.start for m in marks)
    last = max(m.end or m.start for m in marks)
    span = (last - first).days
    if span < MIN_SPAN_DAYS:  # widen around the middle, so one mark sits in the centre
        extra = (MIN_SPAN_DAYS - span) / 2
        first -= dt.timedelta(days=extra)
        last += dt.timedelta(days=extra)
    pad = (last - first).days * PAD
    first -= dt.timedelta(days=pad)
    last += dt.timedelta(days=pad)
    days = max((last - first).days, 1)

    plot = min(max(YEAR_WIDTH * days / 365.25, MIN_PLOT), width - left - margin)
    right = round(left + plot, 1)
    top = margin
    bottom = top + row * (levels - 1) + margin

    def x_of(day: dt.date) -> float:
        return round(left + (right - left) * (day - first).days / days, 1)

    def y_of(rank: int) -> float:
        return float(top + row * (levels - min(max(rank, 1), levels)))

    step = year_step(first.year + 1, last.year, MAX_TICKS)
    years = [y for y in range(first.year + 1, last.year + 1) if y % step == 0]
    ticks = tuple(Tick(x_of(dt.date(y, 1, 1)), y) for y in years)
    bars = tuple(
        Bar(x_of(m.start), max(x_of(m.end), x_of(m.start) + 4), y_of(m.level), m.level, m.ongoing)
        for m in marks if m.end is not None
    )
    points = [m for m in marks if m.end is None]
    labelled = len(points) <= LABELLED

    def anchor(x: float) -> str:
        if not labelled:
            return ""
        return "start" if x - left < 40 else "end" if right - x < 40 else "middle"

    dots = tuple(Dot(x, y_of(m.level), m.level, m.date, anchor(x)) for m in points for x in [x_of(m.start)])
    return Chart(
        width=round(right + margin),
        height=bottom + axis,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        rows=tuple(Row(y_of(rank), rank) for rank in range(1, levels + 1)),
        ticks=ticks,
        bars=bars,
        dots=dots,
        target=Row(y_of(target), target) if target else None,
    )


def marks(evidence: Sequence[Evidence], today: dt.date) -> list[Mark]:
    """The marks of a competence's levelled, dated evidence: parcours as periods, others as points."""
    found = []
    for item in evidence:
        note = item.note
        if not item.level:
            continue
        if isinstance(note, Parcours) and note.start:
            first, last = period(note.start, note.end, note.ongoing, today)
            found.append(Mark(first, item.level, last, note.ongoing))
        elif item.date:
            found.append(Mark(item.date.start, item.level, date=item.date))
    return found


# The coverage overview: per domain, three bars (self-assessed, shown, target) on the scale.

@dataclass(frozen=True)
class LevelBar:
    y: float
    width: float  # from the chart's left edge; 0 when the value is missing
    value: float | None


@dataclass(frozen=True)
class LevelGroup:
    title_y: float
    bars: tuple[LevelBar, ...]


@dataclass(frozen=True)
class LevelsChart:
    width: int
    height: int
    left: float
    right: float
    axis: float  # y of the scale labels
    grid: tuple[Tick, ...]  # one vertical line per rank (Tick.year holds the rank)
    groups: tuple[LevelGroup, ...]
    bar: int  # bar thickness


def levels_layout(
    groups: Sequence[Sequence[float | None]],
    levels: int,
    width: int = 420,
    margin: int = 8,
    title: int = 18,
    bar: int = 12,
    gap: int = 3,
    space: int = 12,
    axis: int = 22,
) -> LevelsChart:
    """Bars whose length is a mean level out of `levels`, one group of bars per domain;
    the right margin leaves room for the value written after a full bar."""
    left, right = float(margin), float(width - margin - 24)

    def x_of(value: float) -> float:
        return round((right - left) * value / max(levels, 1), 1)

    placed = []
    y = float(margin)
    for values in groups:
        title_y = y + title - 5
        y += title
        bars = []
        for value in values:
            bars.append(LevelBar(y, x_of(value) if value else 0.0, value))
            y += bar + gap
        placed.append(LevelGroup(title_y, tuple(bars)))
        y += space
    grid = tuple(Tick(round(left + x_of(rank), 1), rank) for rank in range(1, levels + 1))
    return LevelsChart(width, round(y + axis), left, right, round(y + 12, 1), grid, tuple(placed), bar)
