"""Partial ISO dates: `2025`, `2025-03`, `2025-03-12`.

A learner often remembers only the year of a job or the month of a training. A partial date
sorts at the start of its period and is displayed as written ("mars 2025", not
"1 mars 2025"), so the portfolio never claims a precision the learner did not give.

A full date may carry a time (`2024-03-12T10:30`, as Obsidian's "Date & time" property
writes it, or a YAML timestamp `2024-03-12 10:30:00+01:00`): the time is checked, then
dropped. A portfolio tells what happened on which day; the hour adds nothing to a timeline.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache, total_ordering

from babel.dates import format_date


@lru_cache(maxsize=8192)
def _display(year: int, month: int | None, day: int | None, lang: str) -> str:
    # Cached: the same dates are shown again and again (cards, timeline, backlinks).
    if month is None:
        return str(year)
    start = dt.date(year, month, day or 1)
    if day is None:
        return format_date(start, "LLLL y", locale=lang)
    if lang == "fr" and day == 1:
        # French writes the first day of a month as an ordinal: « 1er mars 2025 ».
        return "1er " + format_date(start, "MMMM y", locale=lang)
    return format_date(start, "d MMMM y", locale=lang)


_ISO = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")  # ASCII digits only
# The time of a full date: `T10:30`, `t10:30:00.5`, ` 10:30:00 +01:00`, `T10:30Z` (ISO 8601
# and YAML's timestamp, whose hour may have one digit and whose zone may follow a space).
_TIME = re.compile(
    r"(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,][0-9]+)?)?"
    r"(?:[ \t]*(?:Z|z|[-+](?P<zone_hour>[0-9]{1,2})(?::?(?P<zone_minute>[0-9]{2}))?))?"
)


@total_ordering
@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read a YAML value (`2025` arrives as an int) or raise ValueError."""
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(value)
        text = str(value).strip()
        match = _ISO.match(text)
        if not match or (match.end() < len(text) and not (match.group(3) and _valid_time(text[match.end():]))):
            raise ValueError(value)
        year = int(match.group(1))
        month, day = (int(part) if part else None for part in match.groups()[1:])
        if month == 0 or day == 0:
            raise ValueError(value)
        # datetime.date validates month and day ranges, including 29 February.
        dt.date(year, month or 1, day or 1)
        return cls(year, month, day)

    @property
    def start(self) -> dt.date:
        """The first day of the period, used for sorting."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period: an end written `2005` means the end of 2005."""
        if self.day is not None:
            return self.start
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    @property
    def iso(self) -> str:
        """The value for `<time datetime>`, as precise as the learner wrote it."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self, lang: str) -> str:
        """The date in words, with only the precision given ("mars 2025", "March 2025")."""
        return _display(self.year, self.month, self.day, lang)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return (self.start, self.iso) < (other.start, other.iso)

    def __str__(self) -> str:
        return self.iso


def _valid_time(text: str) -> bool:
    """Whether `text` is the time part of a full date (see `_TIME`), with sensible values."""
    match = _TIME.fullmatch(text)
    if match is None:
        return False
    second = int(match.group("second") or 0)
    zone_hour, zone_minute = int(match.group("zone_hour") or 0), int(match.group("zone_minute") or 0)
    # A second of 60 is a leap second, which ISO 8601 allows.
    return int(match.group("hour")) <= 23 and int(match.group("minute")) <= 59 and second <= 60 \
        and zone_hour <= 23 and zone_minute <= 59


YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)  # years between labelled ticks on a time axis


def year_step(first_year: int, last_year: int, most: int) -> int:
    """The smallest round step that labels at most `most` years of a span (charts, timeline)."""
    years = last_year - first_year + 1
    return next((step for step in YEAR_STEPS if years / step <= most), YEAR_STEPS[-1])
