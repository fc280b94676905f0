"""The shape of a sheet, decided in one place: where the header row is, which column a header names,
when two IDs are the same, and which tab of a workbook is the one we want.

The loader (reading a whole canvas) and both writable sources (finding a row to
write) must agree on these answers, or a write could land in a column the
dashboard does not show. So they all ask this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from crmcanvas.core.text import clean, fold, id_key, name_key

HEADER_SCAN_ROWS = 10  # the header may sit below a title row or two; past this, rows are data


def header_row(rows: Sequence[Sequence[str]], hits: Callable[[Sequence[str]], int],
               scan: int = HEADER_SCAN_ROWS) -> int | None:
    """0-based index of the header row: among the first ``scan`` rows, the one with most ``hits``.

    With no hit at all, the first non-blank row (so an error can list its
    columns); ``None`` when those rows are all blank.
    """
    best, best_hits, first = None, 0, None
    for index, row in enumerate(rows[:scan]):
        if not any(clean(c) for c in row):
            continue
        if first is None:
            first = index
        count = hits(row)
        if count > best_hits:
            best, best_hits = index, count
    return best if best is not None else first


def header_row_naming(rows: Sequence[Sequence[str]], names: Sequence[str]) -> int | None:
    """The header row for a write: the row that names most of the columns the write uses."""
    wanted = [n for n in names if n]
    return header_row(rows, lambda row: sum(1 for name in wanted if column_index(row, name) is not None))


def column_index(headers: Sequence[str], wanted: str) -> int | None:
    """0-based index of the header naming ``wanted``: exact, then case-insensitive, then folded."""
    for same in (
        lambda h: h == wanted,
        lambda h: clean(h).casefold() == clean(wanted).casefold(),
        lambda h: fold(h) != "" and fold(h) == fold(wanted),
    ):
        for index, header in enumerate(headers):
            if same(header):
                return index
    return None


def id_match_key(text: object) -> str:
    """How row IDs are compared: "B12" == "b-012" == "B 12"; a value that is not ID-shaped by its folded text."""
    return id_key(text) or fold(text)


def match_titles(wanted: Mapping[str, str], available: Sequence[str],
                 aliases: Mapping[str, Sequence[str]] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Pair each wanted tab with a title the source has, forgiving case, accents and plurals.

    Order of preference: exact title, folded title, singular-folded title, then
    the tab's well-known aliases ("Backlog" for besoins, "Lexique" for données).
    Returns (found: key -> actual title, missing: key -> title looked for).
    """
    if aliases is None:
        from crmcanvas.core.schema import TAB_ALIASES

        aliases = TAB_ALIASES
    found: dict[str, str] = {}
    missing: dict[str, str] = {}
    taken: set[str] = set()
    for key, title in wanted.items():
        candidates = [t for t in available if t not in taken]
        match = next((t for t in candidates if t == title), None)
        if match is None:
            match = next((t for t in candidates if fold(t) == fold(title)), None)
        if match is None:
            match = next((t for t in candidates if name_key(t) == name_key(title)), None)
        if match is None:
            known = {name_key(a) for a in aliases.get(key, ())}
            match = next((t for t in candidates if name_key(t) in known), None)
        if match is None:
            missing[key] = title
        else:
            found[key] = match
            taken.add(match)
    return found, missing
