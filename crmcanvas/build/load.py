"""Raw grids -> typed frames + findings. Never raises on content.

A stakeholder's sheet is messy: a title row above the headers (or a whole page
of instructions), renamed or accented headers (« Objets de données » for
« Données », read by their words and said so), blank rows, IDs missing or
duplicated, ``#REF!`` left by a broken formula, "Indispensable" where we
expected "Must", a cell longer than Excel allows. Each of those becomes a
finding with the row number a person sees and a way to fix it, and the row
still loads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from crmcanvas.core.canvas import PROVISIONAL, ROW, Canvas, empty_frame
from crmcanvas.core.config import Settings
from crmcanvas.core.dates import parse_date
from crmcanvas.core.findings import Finding, finding
from crmcanvas.core.schema import ENUMS, FORMULA_ERRORS, TAB_ALIASES, TAB_KEYS, TABS, Tab, value_label
from crmcanvas.core.shape import CELL_MAX_CHARS, HEADER_EXPECTED_ROWS, HeaderMatcher, header_row
from crmcanvas.core.text import clean, fold, id_key, name_key
from crmcanvas.i18n import LANGUAGES, Text, msg, t

Grid = list[list[str]]



def _enum_index(values: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Folded spelling -> code: the code, its spellings, then its labels in every language.

    The labels are what a template's drop-down lists offer (« Must (indispensable) »,
    "Must (essential)"), so a value picked from a list always loads; a spelling
    already given to a code keeps it.
    """
    index = {fold(spelling): code for code, spellings in values.items() for spelling in (code, *spellings)}
    for code in values:
        for lang in LANGUAGES:
            index.setdefault(fold(value_label(code, lang)), code)
    return index


_ENUM_INDEX: dict[str, dict[str, str]] = {name: _enum_index(values) for name, values in ENUMS.items()}

# An example row a template ships: an ID whose number is zero (E0, E000, B000), or a name starting « Exemple : ».
_EXAMPLE_ID = re.compile(r"^[a-z]{1,4}0$")
_EXAMPLE_TEXT = re.compile(r"^(?:exemple|example)\s*:", re.IGNORECASE)


def is_example_row(row_id: str, name: str) -> bool:
    """Whether a row is a template's example (see :data:`_EXAMPLE_ID`), to be deleted once real rows exist."""
    return bool(_EXAMPLE_ID.match(id_key(row_id) or "") or _EXAMPLE_TEXT.match(clean(name)))


def header_matcher(tab: Tab, settings: Settings) -> HeaderMatcher:
    """How this tab's headers are read: the config's extra spellings first, then the schema's."""
    spellings = [(col, spelling) for col, extra in settings.headers.get(tab.key, {}).items() for spelling in extra]
    for col in tab.columns:
        spellings += [(col.key, s) for s in (col.key, *(col.label_in(lang) for lang in LANGUAGES), *col.aliases)]
    return HeaderMatcher(spellings, tab_names=(tab.key, *(tab.label_in(lang) for lang in LANGUAGES), *TAB_ALIASES[tab.key]))


def _enum_suggestion(enum: str, value: str, lang: str) -> tuple[Text, str | None]:
    """"Did you mean" among the value set's labels, and the label to write when there is a close one."""
    codes = list(ENUMS[enum])
    accepted = ", ".join(value_label(c, lang) for c in codes)
    match = process.extractOne(fold(value), {c: fold(value_label(c, lang)) for c in codes}, scorer=fuzz.WRatio, score_cutoff=70)
    if match:
        guess = value_label(match[2], lang)
        return msg("findings.did_you_mean_value", guess=guess, accepted=accepted), guess
    return msg("findings.accepted_values", accepted=accepted), None


def _unique_headers(headers: list[str], lang: str) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, header in enumerate(headers):
        name = header or t("schema.blank_column", lang, n=i + 1)
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


class _TabLoader:
    """Loads one tab. Kept as a class only to share the many bits of per-tab state."""

    def __init__(self, tab: Tab, title: str, settings: Settings):
        self.tab = tab
        self.title = title
        self.settings = settings
        self.findings: list[Finding] = []
        self.headers: dict[str, str] = {}
        self.extra: list[str] = []

    def add(self, code: str, message: Text, **kw) -> None:
        self.findings.append(finding(code, message, lang=self.settings.language, tab=self.title, **kw))

    def load(self, grid: Grid) -> pd.DataFrame:
        tab = self.tab
        lang = self.settings.language
        matcher = header_matcher(tab, self.settings)
        h = header_row(grid, matcher.hits, most=matcher.columns)
        if h is None:
            self.add("missing_column", msg("findings.empty_tab", title=self.title),
                     suggestion=msg("findings.empty_tab_hint", headers=", ".join(c.label_in(lang) for c in tab.columns[:6])))
            return empty_frame(tab.key)
        written = _unique_headers([clean(c) for c in grid[h]], lang)
        matched = matcher.match(grid[h])
        mapping: dict[int, str] = {}  # column index -> canonical key or extra header
        for i, header in enumerate(written):
            if i in matched:
                key = matched[i][0]
                self.headers[key] = header
                mapping[i] = key
            else:
                if header in self.tab.keys or header in (ROW, PROVISIONAL):
                    header = t("schema.clashing_column", lang, header=header, n=i + 1)
                mapping[i] = header
                self.extra.append(header)
        if h >= HEADER_EXPECTED_ROWS and matched:
            self._report_deep_header(h, [written[i] for i in matched])
        for i, (key, inferred) in matched.items():
            if inferred:
                label = tab.column(key).label_in(lang)
                self.add("header_inferred", msg("findings.header_inferred", header=written[i], column=label),
                         row=h + 1, column=written[i], value=written[i],
                         suggestion=msg("findings.header_inferred_hint", header=written[i], column=label, tab=tab.key, key=key))
        self._check_columns(header_row=h + 1)

        records: dict[str, list] = {c.key: [] for c in tab.columns}
        for header in self.extra:
            records[header] = []
        rows: list[int] = []
        width = len(written)
        for r in range(h + 1, len(grid)):
            raw = grid[r]
            cells = [clean(c) for c in raw[:width]]
            overflow = [clean(c) for c in raw[width:]]
            if not any(cells) and not any(overflow):
                continue
            sheet_row = r + 1
            cells += [""] * (width - len(cells))
            if max(map(len, cells), default=0) >= CELL_MAX_CHARS:
                self._cut_long_cells(cells, raw, written, sheet_row)
            for i, value in enumerate(cells):
                if value in FORMULA_ERRORS or (value.startswith("#") and value.upper() in FORMULA_ERRORS):
                    self.add("formula_error", msg("findings.formula_error", value=value, column=written[i], row=sheet_row),
                             row=sheet_row, column=written[i], value=value, suggestion=msg("findings.formula_error_hint"))
                    cells[i] = ""
            for i, value in enumerate(cells):
                records[mapping[i]].append(value)
            for col in tab.columns:
                if col.key not in self.headers:
                    records[col.key].append("")
            rows.append(sheet_row)
        blank_extras = [written[i] for i in mapping if mapping[i] == written[i] and not clean(grid[h][i] if i < len(grid[h]) else "")]
        for header in blank_extras:  # a blank header over an empty column is layout, not data
            if not any(records[header]):
                del records[header]
                self.extra.remove(header)
        provisional = self._assign_ids(records, rows)
        self._normalise_values(records, rows)
        self._report_examples(records, rows)
        frame = pd.DataFrame(records, dtype="str")  # one construction: far cheaper than per column
        frame.insert(len(frame.columns), ROW, np.array(rows, dtype="int64"))  # insert: cheaper than frame[ROW] = …
        frame.insert(len(frame.columns), PROVISIONAL, np.array(provisional, dtype=bool))
        return frame

    def _report_deep_header(self, h: int, named: list[str]) -> None:
        """The header row sits below the first rows: say where, and that the rows above are not read."""
        shown = ", ".join(named[:4]) + ("…" if len(named) > 4 else "")
        self.add("header_too_deep", msg("findings.header_too_deep", title=self.title, expected=HEADER_EXPECTED_ROWS,
                                        row=h + 1, headers=shown, above=h),
                 row=h + 1, suggestion=msg("findings.header_too_deep_hint", above=h))

    def _cut_long_cells(self, cells: list[str], raw: list, written: list[str], sheet_row: int) -> None:
        """Cut cells past an Excel cell's size, saying so: exports and workbooks would cut them silently.

        Sources hand over one character more than the limit, so a cell that long
        (blanks included) was longer in the sheet and its end is lost. Only
        blanks past the limit lose nothing and go unsaid.
        """
        for i, value in enumerate(cells):
            source = raw[i] if i < len(raw) and isinstance(raw[i], str) else value
            if len(value) > CELL_MAX_CHARS or len(source) > CELL_MAX_CHARS:
                self.add("cell_too_long", msg("findings.cell_too_long", column=written[i], row=sheet_row),
                         row=sheet_row, column=written[i], suggestion=msg("findings.cell_too_long_hint"))
                cells[i] = value[:CELL_MAX_CHARS]

    def _check_columns(self, header_row: int) -> None:
        lang = self.settings.language
        for col in self.tab.columns:
            if col.key in self.headers:
                continue
            label = col.label_in(lang)
            if col.key == "id":
                if self.tab.id_from:  # its rows are named by other cells (a solution and a need): no ID column expected
                    continue
                self.add("no_id_column", msg("findings.no_id_column", title=self.title), row=header_row,
                         suggestion=msg("findings.no_id_column_hint", prefix=self.tab.id_prefix))
            elif col.need == "required":
                self.add("missing_column", msg("findings.missing_required_column", column=label, title=self.title),
                         row=header_row, column=label, severity="error",
                         suggestion=msg("findings.missing_required_column_hint", column=label, aliases=", ".join(col.aliases[:4])))
            elif col.need == "recommended":
                self.add("missing_column", msg("findings.missing_recommended_column", column=label, title=self.title),
                         row=header_row, column=label, severity="warning",
                         suggestion=msg("findings.missing_recommended_column_hint", column=label))

    def _assign_ids(self, records: dict[str, list], rows: list[int]) -> list[bool]:
        """Make ``records["id"]`` unique and non-empty; returns which IDs are provisional."""
        tab = self.tab
        has_id_col = "id" in self.headers
        ids = records["id"]
        names = records[tab.name_column]
        if tab.key == "personnes" and not has_id_col:
            names = [f"{p} {n}".strip() for p, n in zip(records["prenom"], names, strict=True)]
        if tab.key == "checklist" and not has_id_col:  # an item has several rows, one per sub-item
            names = [f"{i} — {s}" if s else i for i, s in zip(names, records["sous_item"], strict=True)]
        if tab.id_from and not has_id_col:  # one row per (solution, need): « Solution A — B01 »
            names = [" — ".join(part for part in parts if part) for parts in zip(*(records[c] for c in tab.id_from), strict=True)]
        out_ids: list[str] = []
        provisional: list[bool] = []
        seen: dict[str, tuple[str, int]] = {}
        id_header = self.headers.get("id", "ID")
        for i, row in enumerate(rows):
            value = ids[i] if has_id_col else names[i]
            made_up = False
            if not value:
                value = f"{tab.id_prefix}?L{row}"
                made_up = True
                if has_id_col:
                    self.add("missing_id", msg("findings.missing_id", row=row, title=self.title, provisional=value),
                             row=row, column=id_header, suggestion=msg("findings.missing_id_hint"))
            key = id_key(value) or (name_key(value) if not has_id_col else fold(value))
            if key in seen and not made_up:
                first, first_row = seen[key]
                renamed = t("schema.duplicate_row_id", self.settings.language, value=value, row=row)
                self.add("duplicate_id", msg("findings.duplicate_id", value=value, title=self.title, first_row=first_row, row=row),
                         row=row, column=id_header if has_id_col else self.headers.get(tab.name_column), value=value,
                         suggestion=msg("findings.duplicate_id_hint", row=row, renamed=renamed))
                value = renamed
            else:
                seen[key] = (value, row)
            out_ids.append(value)
            provisional.append(made_up)
        records["id"] = out_ids
        return provisional

    def _report_examples(self, records: dict[str, list], rows: list[int]) -> None:
        """One info per example row left from a template: the facilitator deletes it once real rows exist."""
        names = records[self.tab.name_column]
        for row_id, name, row in zip(records["id"], names, rows, strict=True):
            if is_example_row(row_id, name):
                self.add("example_row", msg("findings.example_row", row=row, title=self.title, id=row_id), row=row,
                         value=row_id, suggestion=msg("findings.example_row_hint"))

    def _normalise_values(self, records: dict[str, list], rows: list[int]) -> None:
        for col in self.tab.columns:
            if col.key not in self.headers:
                continue
            if col.kind == "enum" and col.enum:
                index = _ENUM_INDEX[col.enum]
                out = []
                for value, row in zip(records[col.key], rows, strict=True):
                    code = index.get(fold(value)) if value else ""
                    if code is None:
                        hint, guess = _enum_suggestion(col.enum, value, self.settings.language)
                        self.add("invalid_value", msg("findings.invalid_value", value=value, column=self.headers[col.key], row=row),
                                 row=row, column=self.headers[col.key], value=value, suggestion=hint, fix=guess)
                        code = value
                    out.append(code)
                records[col.key] = out
            elif col.kind == "date":
                for value, row in zip(records[col.key], rows, strict=True):
                    if value and parse_date(value) is None:
                        self.add("invalid_value", msg("schema.date_unreadable", value=value, column=self.headers[col.key], row=row),
                                 row=row, column=self.headers[col.key], value=value, suggestion=msg("schema.date_unreadable_hint"))
            elif col.kind == "email":
                for value, row in zip(records[col.key], rows, strict=True):
                    if value and ("@" not in value or " " in value or "." not in value.rsplit("@", 1)[-1]):
                        self.add("invalid_value", msg("findings.invalid_email", value=value, row=row), row=row,
                                 column=self.headers[col.key], value=value, severity="info",
                                 suggestion=msg("findings.invalid_email_hint"))


def load_grids(
    grids: Mapping[str, Grid],
    *,
    settings: Settings | None = None,
    version: str = "",
    source: str = "",
    titles: Mapping[str, str] | None = None,
    missing: Mapping[str, str] | None = None,
) -> Canvas:
    """Build a Canvas from grids keyed by canonical tab key (header row first)."""
    from crmcanvas.build.links import link_canvas

    settings = settings or Settings()
    titles = dict(titles or {})
    frames: dict[str, pd.DataFrame] = {}
    findings: list[Finding] = []
    headers: dict[str, dict[str, str]] = {}
    extra: dict[str, list[str]] = {}
    for key in TAB_KEYS:
        tab = TABS[key]
        title = titles.setdefault(key, settings.tabs.get(key, tab.title))
        if key not in grids and tab.optional:  # a canvas may leave an optional tab out: nothing to report
            frames[key] = empty_frame(tab.key)
            headers[key], extra[key] = {}, []
            continue
        if key not in grids:
            looked_for = (missing or {}).get(key, title)
            findings.append(finding(
                "missing_tab", msg("findings.missing_tab", title=looked_for, part=tab.label_in(settings.language).lower()),
                lang=settings.language, tab=looked_for, suggestion=msg("findings.missing_tab_hint", title=looked_for, key=key),
            ))
            frames[key] = empty_frame(tab.key)
            headers[key], extra[key] = {}, []
            continue
        loader = _TabLoader(tab, title, settings)
        frames[key] = loader.load(grids[key])
        findings.extend(loader.findings)
        headers[key], extra[key] = loader.headers, loader.extra
    canvas = Canvas(frames=frames, edges=pd.DataFrame(), dangling=pd.DataFrame(), findings=findings,
                    version=version, source=source, tab_titles=titles, headers=headers, extra_columns=extra)
    link_canvas(canvas, settings)
    return canvas
