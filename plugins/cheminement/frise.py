"""The timeline's layout: where each period, story and piece of evidence sits on the frise.

Pure Python over the public views, so it can be tested without a browser: positions are
percentages of the axis, which the template writes into CSS custom properties. The same
numbers draw a horizontal frise on wide screens and a vertical one on phones (a media
query swaps the axis); only the phones' label column needs a scale, in rem (below).

Dates are turned into half-open day ranges: a period that ends "2006-02" covers February
2006 entirely and touches, without overlapping, a period that starts "2006-03". An ongoing
period runs to `today` (the build's one "now"); a parcours entry with neither an end nor
`en cours` is a one-off event, drawn as a mark.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from .dates import PartialDate, year_step
from .model import Kind, Note, Parcours
from .views import TimelineEntry, Views

# Room kept after each item's start in its lane, as a share of the axis: a short period or
# a one-off event still gets a readable label before the next item of its lane.
LABEL_ROOM = 8.0
# Points closer than this (share of the axis) go on another row, so that none hides another.
POINT_SPACING = 1.6
# Uncovered spans shorter than this are rounding (day- versus month-precise dates), not gaps.
MIN_GAP_DAYS = 28
# The vertical frise of phones (frise.css): rem per year, and the height of one label there.
# Labels sit in a column of their own; one that would cover the previous one moves down.
PHONE_YEAR_REM = 1.2
PHONE_LABEL_REM = 1.1
# The year ticks' step: the smallest that keeps the axis to about a dozen labels.
MAX_TICKS = 12

_DAY = dt.timedelta(days=1)
_At = Callable[[dt.date], float]  # a day -> its place on the axis, in %


@dataclass(frozen=True)
class Bar:
    """A parcours entry in its lane: a period, or a one-off event (`event`)."""

    entry: TimelineEntry
    first: dt.date
    last: dt.date  # exclusive
    lane: int = 0
    left: float = 0.0  # % of the axis
    right: float = 0.0  # % of the axis
    room: float = 0.0  # % of the axis free for the label, from `left`
    label_top: float = 0.0  # on phones: where the label sits in its column, % of the axis

    @property
    def note(self) -> Note:
        return self.entry.note

    @property
    def event(self) -> bool:
        return self.entry.end is None and not self.entry.ongoing

    @property
    def share(self) -> float:
        """The bar's length as a % of the room it owns (the label may run past the bar)."""
        return round(100 * (self.right - self.left) / self.room, 3) if self.room else 100.0


@dataclass(frozen=True)
class Point:
    """A récit or a trace: one date, on one of its kind's rows."""

    entry: TimelineEntry
    row: int
    left: float

    @property
    def note(self) -> Note:
        return self.entry.note


@dataclass(frozen=True)
class PointRow:
    kind: Kind
    points: list[Point]
    depth: int  # how many rows its points need


@dataclass(frozen=True)
class Gap:
    """A span no parcours period covers, between the end of one and the start of the next."""

    after: PartialDate
    before: PartialDate
    left: float
    right: float


@dataclass(frozen=True)
class Tick:
    year: int
    left: float


@dataclass(frozen=True)
class Frise:
    bars: list[Bar]
    lanes: int
    rows: list[PointRow]
    gaps: list[Gap]
    ticks: list[Tick]
    years: int  # the axis' length in years, for the vertical frise's height
    overflow: float = 0.0  # on phones: how far (rem) the last labels run past the axis' end

    @property
    def phone_height(self) -> float:
        """The vertical frise's height in rem."""
        return round(self.years * PHONE_YEAR_REM, 3)


def layout(views: Views, today: dt.date, points: bool = True) -> Frise:
    """The frise of the public portfolio's timeline, with ongoing periods running to `today`.

    Without `points` (the home page's strip), récits and traces are left out, axis included.
    """
    entries = sorted((e for year in views.timeline for e in year.entries),
                     key=lambda e: (e.start, e.note.title.lower(), e.note.path))
    bars = [_bar(e, today) for e in entries if isinstance(e.note, Parcours)]
    dated = [e for e in entries if points and not isinstance(e.note, Parcours)]
    if not bars and not dated:
        return Frise([], 0, [], [], [], 0)
    first_year = min([b.first.year for b in bars] + [e.start.year for e in dated])
    last_year = max([(b.last - _DAY).year for b in bars] + [e.start.year for e in dated])
    origin = dt.date(first_year, 1, 1).toordinal()
    length = dt.date(last_year + 1, 1, 1).toordinal() - origin

    def at(day: dt.date) -> float:
        return round(100 * (day.toordinal() - origin) / length, 3)

    placed, lanes = _lanes(bars, at)
    placed, overflow = _phone_labels(placed, last_year + 1 - first_year)
    rows = [_row(kind, [e for e in dated if e.note.kind is kind], at) for kind in (Kind.RECIT, Kind.TRACE)]
    return Frise(
        bars=placed,
        lanes=lanes,
        rows=[row for row in rows if row.points],
        gaps=[Gap(a, b, at(start), at(end)) for a, b, start, end in _gaps(placed)],
        ticks=_ticks(first_year, last_year, at),
        years=last_year + 1 - first_year,
        overflow=overflow,
    )


def _bar(entry: TimelineEntry, today: dt.date) -> Bar:
    first = entry.start.start
    if entry.ongoing:
        last = max(today, first + _DAY)
    elif entry.end is not None:
        last = max(entry.end.end + _DAY, first + _DAY)  # bars end the day after; an end before the start: one day
    else:
        last = first + _DAY
    return Bar(entry, first, last)


def _lanes(bars: list[Bar], at: _At) -> tuple[list[Bar], int]:
    """Interval partitioning, greedy by start: each bar takes the first lane free by then.

    Taking bars in start order and the lowest free lane uses as few lanes as possible for
    the bars' reserved spans (bar or label room, whichever is longer) and keeps a stable,
    predictable order: the oldest entries on top.
    """
    ends: list[float] = []  # per lane, where its last reserved span ends (% of the axis)
    placed: list[tuple[Bar, int, float, float]] = []
    for bar in bars:
        left, right = at(bar.first), at(bar.last)
        lane = next((i for i, end in enumerate(ends) if end <= left), len(ends))
        reserved = max(right, left + LABEL_ROOM)
        if lane == len(ends):
            ends.append(reserved)
        else:
            ends[lane] = reserved
        placed.append((bar, lane, left, right))
    result = []
    for index, (bar, lane, left, right) in enumerate(placed):
        # The label may run up to the next start in the same lane, or the end of the axis.
        following = next((p[2] for p in placed[index + 1:] if p[1] == lane), 100.0)
        room = round(max(following - left, right - left, 0.001), 3)
        result.append(replace(bar, lane=lane, left=left, right=right, room=room))
    return result, len(ends)


def _phone_labels(bars: list[Bar], years: int) -> tuple[list[Bar], float]:
    """Label tops for the vertical frise: at the bar's start, or just under the label above.

    Returns the bars and how far (rem) the last label runs past the end of the axis.
    """
    slot = 100 * PHONE_LABEL_REM / (years * PHONE_YEAR_REM)  # one label's height, % of the axis
    below = 0.0  # where the previous label ends
    placed = []
    for bar in bars:  # in start order
        top = round(max(bar.left, below), 3)
        below = top + slot
        placed.append(replace(bar, label_top=top))
    overflow = max(0.0, (below - 100) * years * PHONE_YEAR_REM / 100)
    return placed, round(overflow, 3)


def _row(kind: Kind, entries: list[TimelineEntry], at: _At) -> PointRow:
    """Points of one kind in date order, each on the first row where it hides no other."""
    lasts: list[float] = []
    points = []
    for entry in entries:
        left = at(entry.start.start)
        row = next((i for i, last in enumerate(lasts) if left - last >= POINT_SPACING), len(lasts))
        if row == len(lasts):
            lasts.append(left)
        else:
            lasts[row] = left
        points.append(Point(entry, row, left))
    return PointRow(kind, points, len(lasts))


def _gaps(bars: Iterable[Bar]) -> list[tuple[PartialDate, PartialDate, dt.date, dt.date]]:
    """Spans between the first and the last period that no period covers (events aside)."""
    periods = sorted((b for b in bars if not b.event), key=lambda b: b.first)
    found = []
    reach: Bar | None = None  # the period that reaches furthest so far
    for bar in periods:
        if reach is not None and (bar.first - reach.last).days >= MIN_GAP_DAYS:
            end = reach.entry.end or reach.entry.start
            found.append((end, bar.entry.start, reach.last, bar.first))
        if reach is None or bar.last > reach.last:
            reach = bar
    return found


def _ticks(first_year: int, last_year: int, at: _At) -> list[Tick]:
    """Years on the axis every 1, 2, 5 or 10 years, as the span asks; the end year included."""
    step = year_step(first_year, last_year, MAX_TICKS)
    return [Tick(year, at(dt.date(year, 1, 1))) for year in range(first_year, last_year + 2) if year % step == 0]

