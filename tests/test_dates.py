"""Dates as people type them in a sheet; a month or a quarter stands for its last day (a deadline)."""

from __future__ import annotations

from datetime import date

import pytest

from crmcanvas.core.dates import date_text, parse_date


@pytest.mark.parametrize(("typed", "meant"), [
    ("31/03/2027", date(2027, 3, 31)),
    ("1/4/27", date(2027, 4, 1)),
    ("31.03.2027", date(2027, 3, 31)),
    ("31-03-2027", date(2027, 3, 31)),
    ("2027-03-31", date(2027, 3, 31)),
    ("2027-03-31 00:00:00", date(2027, 3, 31)),  # a date cell read by a workbook source
    ("03/2027", date(2027, 3, 31)),
    ("2027-02", date(2027, 2, 28)),
    ("mars 2027", date(2027, 3, 31)),
    ("Février 2028", date(2028, 2, 29)),
    ("1er mars 2027", date(2027, 3, 1)),
    ("15 déc. 2026", date(2026, 12, 15)),
    ("March 15, 2027", date(2027, 3, 15)),
    ("T2 2027", date(2027, 6, 30)),
    ("Q4 2026", date(2026, 12, 31)),
])
def test_dates_people_type_are_read(typed, meant):
    assert parse_date(typed) == meant


@pytest.mark.parametrize("typed", ["", "fin du mois", "31/02/2027", "13/2027", "2027", "bientôt", "12 mois", "45000"])
def test_what_is_not_a_date_reads_as_none(typed):
    assert parse_date(typed) is None


def test_dates_are_written_as_each_language_reads_them():
    assert date_text(date(2027, 3, 1), "fr") == "01/03/2027"
    assert date_text(date(2027, 3, 1), "en") == "2027-03-01"
