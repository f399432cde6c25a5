"""Partial dates: parsing, ordering and display in French and English."""

from __future__ import annotations

import datetime as dt

import pytest

from cheminement.dates import PartialDate


@pytest.mark.parametrize(
    ("value", "iso"),
    [(2025, "2025"), ("2025", "2025"), ("2025-03", "2025-03"), ("2025-03-12", "2025-03-12"),
     (dt.date(2024, 2, 29), "2024-02-29"), (" 2025-03 ", "2025-03")],
)
def test_parse_keeps_the_precision_written(value: object, iso: str) -> None:
    assert PartialDate.parse(value).iso == iso


@pytest.mark.parametrize("value", ["2025-13-01", "2025-02-30", "2023-02-29", "mars 2025", "25/03/2025",
                                   "", "20250", True, 2025.5, None, [2025]])
def test_parse_rejects_what_is_not_an_iso_date(value: object) -> None:
    with pytest.raises(ValueError):
        PartialDate.parse(value)


def test_partial_dates_sort_at_the_start_of_their_period() -> None:
    dates = [PartialDate.parse(v) for v in ("2025-03-12", "2025", "2025-03", "2024-12-31")]
    assert [d.iso for d in sorted(dates)] == ["2024-12-31", "2025", "2025-03", "2025-03-12"]
    assert PartialDate.parse("2025").start == dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("value", "fr", "en"),
    [("2025", "2025", "2025"), ("2025-03", "mars 2025", "March 2025"),
     ("2025-03-12", "12 mars 2025", "12 March 2025"), ("2025-03-01", "1er mars 2025", "1 March 2025")],
)
def test_display_as_written(value: str, fr: str, en: str) -> None:
    date = PartialDate.parse(value)
    assert date.display("fr") == fr
    assert date.display("en") == en
