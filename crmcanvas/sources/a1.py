"""A1 notation as Google Sheets speaks it: parse what clients send, echo what Google answers.

Google echoes ranges with the sheet name quoted only when it has to be
(``Sheet1!A1:D4`` but ``'D3'!A1:D4`` and ``'🌵 test 1'!A1:A10``), with
apostrophes doubled inside the quotes. Clients may send the name quoted or not,
``A:ZZ`` whole columns, ``1:1`` whole rows, ``A5:C`` open ends, or a bare sheet
name meaning the whole sheet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_CELL = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*|[A-Za-z]{1,3}|[0-9]+)$")
_ENDPOINT = re.compile(r"^\$?([A-Za-z]{0,3})\$?([0-9]{0,7})$")


class A1Error(ValueError):
    """The text is not a range Google would parse."""


def column_letters(index: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    if index < 1:
        raise ValueError(index)
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 1, z -> 26, AA -> 27."""
    value = 0
    for ch in letters.upper():
        value = value * 26 + (ord(ch) - 64)
    return value


def quote_title(title: str) -> str:
    """The sheet name as Google writes it in a range: quoted only when needed."""
    if _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_CELL.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def quoted(title: str) -> str:
    """The sheet name always quoted, the safe form to send (``'besoins'``, ``'l''équipe'``)."""
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class Cells:
    """A rectangle in 1-based inclusive coordinates; ``None`` means open (to the grid's edge)."""

    r1: int | None = None
    c1: int | None = None
    r2: int | None = None
    c2: int | None = None


@dataclass(frozen=True)
class ParsedRange:
    """``title`` is None for a bare token that may be a sheet name or a cell range of the first sheet."""

    title: str | None
    cells: Cells | None  # None: the whole sheet
    bare: str | None = None  # the token when neither quoted nor followed by "!"


def _endpoint(text: str) -> tuple[int | None, int | None]:
    match = _ENDPOINT.match(text)
    if not match or not (match.group(1) or match.group(2)):
        raise A1Error(text)
    col = column_index(match.group(1)) if match.group(1) else None
    row = int(match.group(2)) if match.group(2) else None
    if row == 0:
        raise A1Error(text)
    return row, col


def parse_cells(text: str) -> Cells:
    """``A1``, ``A1:D4``, ``A:ZZ``, ``1:3``, ``A5:C`` -> Cells."""
    text = text.strip()
    if not text:
        raise A1Error(text)
    if ":" in text:
        left, right = text.split(":", 1)
        r1, c1 = _endpoint(left)
        r2, c2 = _endpoint(right)
        # "A:B" is whole columns, "1:2" whole rows; "A:2" is not a range.
        if (r1 is None) != (r2 is None) and (c1 is None or c2 is None):
            raise A1Error(text)
        if r1 is None and r2 is not None:
            r1 = 1
        if (c1 is None) != (c2 is None):
            raise A1Error(text)
        cells = Cells(r1, c1, r2, c2)
    else:
        r, c = _endpoint(text)
        if r is None or c is None:  # a lone "A" or "3" is not a range
            raise A1Error(text)
        cells = Cells(r, c, r, c)
    if cells.r1 is not None and cells.r2 is not None and cells.r2 < cells.r1:
        cells = Cells(cells.r2, cells.c1, cells.r1, cells.c2)
    if cells.c1 is not None and cells.c2 is not None and cells.c2 < cells.c1:
        cells = Cells(cells.r1, cells.c2, cells.r2, cells.c1)
    return cells


def parse_range(text: str) -> ParsedRange:
    """Split ``'my sheet'!A1:B2`` / ``Sheet1!A:A`` / ``'données'`` / ``Sheet1`` into title and cells."""
    text = text.strip()
    if not text:
        raise A1Error(text)
    if text.startswith("'"):
        i, title = 1, []
        while True:
            j = text.find("'", i)
            if j < 0:
                raise A1Error(text)
            title.append(text[i:j])
            if text[j + 1:j + 2] == "'":
                title.append("'")
                i = j + 2
                continue
            rest = text[j + 1:]
            break
        name = "".join(title)
        if not name:
            raise A1Error(text)
        if not rest:
            return ParsedRange(name, None)
        if not rest.startswith("!"):
            raise A1Error(text)
        return ParsedRange(name, parse_cells(rest[1:]))
    if "!" in text:
        name, cells = text.rsplit("!", 1)
        if not name:
            raise A1Error(text)
        return ParsedRange(name, parse_cells(cells))
    return ParsedRange(None, None, bare=text)


def format_range(title: str, r1: int, c1: int, r2: int, c2: int) -> str:
    """``'rôles'!A1:F12``; a single cell is written ``Sheet1!B3``, as Google does."""
    start = f"{column_letters(c1)}{r1}"
    end = f"{column_letters(c2)}{r2}"
    cells = start if (r1, c1) == (r2, c2) else f"{start}:{end}"
    return f"{quote_title(title)}!{cells}"
