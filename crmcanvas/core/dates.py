"""Dates as people type them in a sheet: « 31/03/2027 », « 2027-03-31 », « mars 2027 », « T2 2027 ».

A deadline is compared with today, so a date that names a period (a month, a
quarter) stands for its last day: « mars 2027 » is overdue on 1 April, not on
1 March. Day-first is the rule (French sheets); ISO dates and the ISO date a
workbook source writes for a date cell (``2027-03-31``, with or without a time)
are read too. Anything else reads as no date, and the loader says so.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from crmcanvas.core.text import fold

MONTHS: dict[str, int] = {
    # French then English, folded (no accents), with the usual abbreviations.
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5, "juin": 6,
    "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5, "june": 6,
    "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "october": 10, "november": 11,
    "december": 12,
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[/.\-](\d{1,2})$")
_QUARTER = re.compile(r"^(?:t|q)([1-4]) (\d{4})$")
_WORDS_DAY = re.compile(r"^(\d{1,2})(?: ?er)? ([a-z]+) (\d{4})$")  # « 1er mars 2027 », « 15 march 2027 »
_WORDS_MONTH_DAY = re.compile(r"^([a-z]+) (\d{1,2}) (\d{4})$")  # "March 15 2027" (comma folded away)
_WORDS_MONTH = re.compile(r"^([a-z]+) (\d{4})$")  # « mars 2027 »


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def parse_date(value: object) -> date | None:
    """The date a cell means (the last day of a month or quarter it names), else None."""
    text = str(value or "").strip().lower()
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        return _day(int(match[1]), int(match[2]), int(match[3]))
    match = _DAY_FIRST.match(text)
    if match:
        return _day(_year(match[3]), int(match[2]), int(match[1]))
    match = _MONTH_YEAR.match(text)
    if match:
        return _month_end(int(match[2]), int(match[1]))
    match = _YEAR_MONTH.match(text)
    if match:
        return _month_end(int(match[1]), int(match[2]))
    words = fold(text)
    match = _QUARTER.match(words)
    if match:
        return _month_end(int(match[2]), 3 * int(match[1]))
    match = _WORDS_DAY.match(words)
    if match and match[2] in MONTHS:
        return _day(int(match[3]), MONTHS[match[2]], int(match[1]))
    match = _WORDS_MONTH_DAY.match(words)
    if match and match[1] in MONTHS:
        return _day(int(match[3]), MONTHS[match[1]], int(match[2]))
    match = _WORDS_MONTH.match(words)
    if match and match[1] in MONTHS:
        return _month_end(int(match[2]), MONTHS[match[1]])
    return None


def date_text(day: date, lang: str = "fr") -> str:
    """A date as the reader writes it: 31/03/2027 (fr) or 2027-03-31 (en, unambiguous)."""
    return day.strftime("%d/%m/%Y") if lang == "fr" else day.isoformat()


__all__ = ["MONTHS", "date_text", "parse_date"]
