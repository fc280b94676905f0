"""The shape of a sheet, decided in one place: where the header row is, which column a header names,
when two IDs are the same, and which tab of a workbook is the one we want.

The loader (reading a whole canvas) and both writable sources (finding a row to
write) must agree on these answers, or a write could land in a column the
dashboard does not show. So they all ask this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from crmcanvas.core.text import clean, fold, header_words, id_key, name_key

HEADER_EXPECTED_ROWS = 10  # the header may sit below a title row or two; past this, it is found but reported
HEADER_SCAN_ROWS = 50  # how far down every header search reads (the loader and both writable sources)
CELL_MAX_CHARS = 32_767  # an Excel cell's limit; sources hand over one character more, so a longer cell shows


def header_row(rows: Sequence[Sequence[str]], hits: Callable[[Sequence[str]], int],
               scan: int = HEADER_SCAN_ROWS, expected: int = HEADER_EXPECTED_ROWS, most: int = 0) -> int | None:
    """0-based index of the header row: among the first ``expected`` rows, the one with most ``hits``.

    A row further down (up to ``scan``) wins only when it names at least twice as
    many columns (and at least one): a template's instructions can fill the top
    of a tab, and one title cell such as « Besoins » must not outweigh the real
    headers below it. With no hit at all, the first non-blank row (so an error
    can list its columns); ``None`` when those rows are all blank.

    ``most``, when known, is how many columns a row can name at best: the search stops as soon as no row
    further down could win (on a well-formed tab, after the first row instead of fifty).
    """
    best, best_hits, deep, deep_hits, first = None, 0, None, 0, None
    for index, row in enumerate(rows[:scan]):
        if most and best_hits and (best_hits >= most or (index >= expected and 2 * best_hits > most)):
            break
        if not any(clean(c) for c in row):
            continue
        if first is None:
            first = index
        count = hits(row)
        if index < expected:
            if count > best_hits:
                best, best_hits = index, count
        elif count > deep_hits:
            deep, deep_hits = index, count
    if deep is not None and deep_hits >= max(1, 2 * best_hits):
        return deep
    return best if best is not None else first


def header_row_naming(rows: Sequence[Sequence[str]], names: Sequence[str]) -> int | None:
    """The header row for a write: the row that names most of the columns the write uses."""
    wanted = [n for n in names if n]
    return header_row(rows, lambda row: sum(1 for name in wanted if column_index(row, name) is not None), most=len(wanted))


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


class HeaderMatcher:
    """Which canonical column each header of one tab names.

    Exact spellings first, compared folded (case, accents, spacing and
    punctuation aside); the first column given a spelling keeps it. Then, for a
    header no spelling names, its significant words (:func:`header_words`:
    singular, filler such as « de », « liés », « concerné(s) » dropped): the
    header names a column when it holds one of the column's spellings whole and
    has no word the column does not know, the tab's own name aside
    (« Statut du besoin » on needs is the status). The longest spelling held
    wins; two columns equally named, or a column already named exactly, give
    nothing: an unknown column is kept and shown, a wrong guess would hide data.
    One header never names two columns, one column never takes two headers.
    """

    def __init__(self, spellings: Iterable[tuple[str, str]], tab_names: Iterable[str] = ()):
        """``spellings``: (column, spelling) pairs, most trusted first; ``tab_names``: what the tab itself is called."""
        self._exact: dict[str, str] = {}
        self._spellings: dict[str, set[frozenset[str]]] = {}
        self._known: dict[str, set[str]] = {}
        for column, spelling in spellings:
            folded = fold(spelling)
            if folded:
                self._exact.setdefault(folded, column)
            words = header_words(spelling)
            if words:
                self._spellings.setdefault(column, set()).add(words)
                self._known.setdefault(column, set()).update(words)
        self._tab_words = frozenset(w for name in tab_names for w in header_words(name))
        self._inferred: dict[str, tuple[str, int] | None] = {}
        self.columns = len(set(self._exact.values()) | set(self._spellings))  # the most a row can name

    def exact(self, header: object) -> str | None:
        """The column a header names by one of its spellings, else None."""
        return self._exact.get(fold(header)) if clean(header) else None

    def infer(self, header: object) -> tuple[str, int] | None:
        """(column, strength) the header's words name, or None when none or several columns fit equally."""
        words = header_words(header)
        if not words:
            return None
        key = " ".join(sorted(words))
        if key not in self._inferred:
            self._inferred[key] = self._infer(words)
        return self._inferred[key]

    def _infer(self, words: frozenset[str]) -> tuple[str, int] | None:
        scores: dict[str, int] = {}
        for column, spellings in self._spellings.items():
            if not words <= self._known[column] | self._tab_words:
                continue
            held = [len(s) for s in spellings if s <= words]
            if held:
                scores[column] = max(held)
        if not scores:
            return None
        best = max(scores.values())
        winners = [c for c, score in scores.items() if score == best]
        return (winners[0], best) if len(winners) == 1 else None

    def match(self, row: Sequence[str]) -> dict[int, tuple[str, bool]]:
        """0-based cell index -> (column, inferred?) for the cells of ``row`` that name a column."""
        out: dict[int, tuple[str, bool]] = {}
        named: set[str] = set()
        unnamed: list[int] = []
        for index, cell in enumerate(row):
            column = self.exact(cell)
            if column is None:
                unnamed.append(index)
            elif column not in named:  # a second header spelling a named column stays an unknown column
                out[index] = (column, False)
                named.add(column)
        guesses: dict[str, list[tuple[int, int]]] = {}
        for index in unnamed:
            guess = self.infer(row[index])
            if guess is not None and guess[0] not in named:
                guesses.setdefault(guess[0], []).append((guess[1], index))
        for column, options in guesses.items():
            options.sort(key=lambda o: -o[0])
            if len(options) == 1 or options[0][0] > options[1][0]:
                out[options[0][1]] = (column, True)
        return dict(sorted(out.items()))

    def hits(self, row: Sequence[str]) -> int:
        """How many columns ``row`` names (exact or inferred): how much it looks like the header row."""
        return len(self.match(row))


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


TAB_GID = re.compile(r"^#?gid=(\d+)$")  # a tab named by its id in the sheet's URL (``gid=123``)


def pair_tabs(wanted: Mapping[str, str], tabs: Sequence[tuple[int | None, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """Configured titles (or ``gid=123``) -> the titles the source has (``tabs``: (sheet id, title) pairs).

    One pairing for the reader and ``crmcanvas init``, so both find the same tabs.
    Returns (found: key -> actual title, missing: key -> title looked for).
    """
    by_gid = {sheet_id: title for sheet_id, title in tabs if sheet_id is not None}
    found: dict[str, str] = {}
    missing: dict[str, str] = {}
    by_title: dict[str, str] = {}
    for key, title in wanted.items():
        gid = TAB_GID.match(title.strip())
        if gid:
            actual = by_gid.get(int(gid.group(1)))
            if actual is None:
                missing[key] = title
            else:
                found[key] = actual
        else:
            by_title[key] = title
    available = [title for _, title in tabs if title not in found.values()]
    matched, unmatched = match_titles(by_title, available)
    found.update(matched)
    missing.update(unmatched)
    return found, missing
