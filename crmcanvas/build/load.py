"""Raw grids -> typed frames + findings. Never raises on content.

A stakeholder's sheet is messy: a title row above the headers, renamed or
accented headers, blank rows, IDs missing or duplicated, ``#REF!`` left by a
broken formula, "Indispensable" where we expected "Must". Each of those becomes
a finding with the row number a person sees and a way to fix it, and the row
still loads.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from rapidfuzz import fuzz, process

from crmcanvas.core.canvas import PROVISIONAL, ROW, Canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.findings import Finding, finding
from crmcanvas.core.schema import ENUM_LABELS, ENUMS, FORMULA_ERRORS, TAB_KEYS, TABS, Tab
from crmcanvas.core.shape import header_row
from crmcanvas.core.text import clean, fold, id_key, name_key

Grid = list[list[str]]

_ENUM_INDEX: dict[str, dict[str, str]] = {
    name: {fold(spelling): code for code, spellings in values.items() for spelling in (code, *spellings)}
    for name, values in ENUMS.items()
}


def _alias_index(tab: Tab, settings: Settings) -> dict[str, str]:
    """folded header -> canonical column, extra spellings from config first."""
    index: dict[str, str] = {}
    for col, spellings in settings.headers.get(tab.key, {}).items():
        for spelling in spellings:
            index.setdefault(fold(spelling), col)
    for col in tab.columns:
        for spelling in (col.key, col.label, *col.aliases):
            index.setdefault(fold(spelling), col)
    return {k: (v if isinstance(v, str) else v.key) for k, v in index.items()}


def _find_header(grid: Grid, aliases: dict[str, str]) -> int | None:
    """The header is the row (among the first few) that names the most known columns."""
    return header_row(grid, lambda row: len({aliases[c] for c in (fold(x) for x in row) if c in aliases}))


def _enum_suggestion(enum: str, value: str) -> str:
    codes = list(ENUMS[enum])
    labels = [ENUM_LABELS.get(c, c) for c in codes]
    match = process.extractOne(fold(value), {c: fold(ENUM_LABELS.get(c, c)) for c in codes}, scorer=fuzz.WRatio, score_cutoff=70)
    accepted = ", ".join(labels)
    if match:
        return f"Vouliez-vous dire « {ENUM_LABELS.get(match[2], match[2])} » ? Valeurs acceptées : {accepted}."
    return f"Valeurs acceptées : {accepted}."


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, header in enumerate(headers):
        name = header or f"Colonne {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


def _empty_frame(tab: Tab) -> pd.DataFrame:
    data: dict[str, pd.Series] = {c.key: pd.Series([], dtype="str") for c in tab.columns}
    data[ROW] = pd.Series([], dtype="int64")
    data[PROVISIONAL] = pd.Series([], dtype="bool")
    return pd.DataFrame(data)


class _TabLoader:
    """Loads one tab. Kept as a class only to share the many bits of per-tab state."""

    def __init__(self, tab: Tab, title: str, settings: Settings):
        self.tab = tab
        self.title = title
        self.settings = settings
        self.findings: list[Finding] = []
        self.headers: dict[str, str] = {}
        self.extra: list[str] = []

    def add(self, code: str, message: str, **kw) -> None:
        self.findings.append(finding(code, message, tab=self.title, **kw))

    def load(self, grid: Grid) -> pd.DataFrame:
        tab = self.tab
        aliases = _alias_index(tab, self.settings)
        h = _find_header(grid, aliases)
        if h is None:
            self.add("missing_column", f"L'onglet « {self.title} » est vide : aucune ligne d'en-têtes.",
                     suggestion=f"Ajoutez une ligne d'en-têtes, par exemple : {', '.join(c.label for c in tab.columns[:6])}.")
            return _empty_frame(tab)
        written = _unique_headers([clean(c) for c in grid[h]])
        mapping: dict[int, str] = {}  # column index -> canonical key or extra header
        for i, header in enumerate(written):
            key = aliases.get(fold(header)) if clean(grid[h][i] if i < len(grid[h]) else "") else None
            if key and key not in self.headers:
                self.headers[key] = header
                mapping[i] = key
            else:
                if header in self.tab.keys or header in (ROW, PROVISIONAL):
                    header = f"{header} (colonne {i + 1})"
                mapping[i] = header
                self.extra.append(header)
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
            for i, value in enumerate(cells):
                if value in FORMULA_ERRORS or (value.startswith("#") and value.upper() in FORMULA_ERRORS):
                    self.add("formula_error", f"Erreur de formule {value} dans « {written[i]} », ligne {sheet_row}.",
                             row=sheet_row, column=written[i], value=value,
                             suggestion="Corrigez la formule dans la feuille (référence supprimée ?) ou remplacez-la par une valeur.")
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
        frame = pd.DataFrame(records, dtype="str")  # one construction: far cheaper than per column
        frame[ROW] = pd.Series(rows, dtype="int64")
        frame[PROVISIONAL] = pd.Series(provisional, dtype="bool")
        return frame

    def _check_columns(self, header_row: int) -> None:
        for col in self.tab.columns:
            if col.key in self.headers:
                continue
            if col.key == "id":
                self.add("no_id_column", f"L'onglet « {self.title} » n'a pas de colonne ID : les noms servent d'identifiants.",
                         row=header_row, suggestion=f"Ajoutez une colonne « ID » ({self.tab.id_prefix}01, {self.tab.id_prefix}02…) pour des références stables.")
            elif col.need == "required":
                self.add("missing_column", f"Colonne « {col.label} » introuvable dans l'onglet « {self.title} ».",
                         row=header_row, column=col.label, severity="error",
                         suggestion=f"Ajoutez ou renommez une colonne en « {col.label} » (autres noms acceptés : {', '.join(col.aliases[:4])}).")
            elif col.need == "recommended":
                self.add("missing_column", f"Colonne « {col.label} » absente de l'onglet « {self.title} » : les analyses qui en dépendent seront vides.",
                         row=header_row, column=col.label, severity="warning",
                         suggestion=f"Ajoutez une colonne « {col.label} » si l'information existe.")

    def _assign_ids(self, records: dict[str, list], rows: list[int]) -> list[bool]:
        """Make ``records["id"]`` unique and non-empty; returns which IDs are provisional."""
        tab = self.tab
        has_id_col = "id" in self.headers
        ids = records["id"]
        names = records[tab.name_column]
        if tab.key == "personnes" and not has_id_col:
            names = [f"{p} {n}".strip() for p, n in zip(records["prenom"], names, strict=True)]
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
                    self.add("missing_id", f"Ligne {row} sans ID dans « {self.title} » : un ID provisoire ({value}) est utilisé.",
                             row=row, column=id_header,
                             suggestion="Donnez-lui un ID (ou utilisez « Attribuer les ID manquants ») : les références vers cette ligne en dépendent.")
            key = id_key(value) or (name_key(value) if not has_id_col else fold(value))
            if key in seen and not made_up:
                first, first_row = seen[key]
                self.add("duplicate_id", f"ID « {value} » en double dans « {self.title} » (lignes {first_row} et {row}).",
                         row=row, column=id_header if has_id_col else self.headers.get(tab.name_column), value=value,
                         suggestion=f"Renommez l'un des deux ; en attendant, la ligne {row} est appelée « {value} (ligne {row}) ».")
                value = f"{value} (ligne {row})"
            else:
                seen[key] = (value, row)
            out_ids.append(value)
            provisional.append(made_up)
        records["id"] = out_ids
        return provisional

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
                        self.add("invalid_value", f"Valeur « {value} » inattendue dans « {self.headers[col.key]} », ligne {row}.",
                                 row=row, column=self.headers[col.key], value=value, suggestion=_enum_suggestion(col.enum, value))
                        code = value
                    out.append(code)
                records[col.key] = out
            elif col.kind == "email":
                for value, row in zip(records[col.key], rows, strict=True):
                    if value and ("@" not in value or " " in value or "." not in value.rsplit("@", 1)[-1]):
                        self.add("invalid_value", f"Adresse e-mail « {value} » invalide, ligne {row}.", row=row,
                                 column=self.headers[col.key], value=value, severity="info",
                                 suggestion="Vérifiez l'adresse (forme attendue : prenom.nom@organisation.org).")


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
        if key not in grids:
            looked_for = (missing or {}).get(key, title)
            findings.append(finding(
                "missing_tab", f"Onglet « {looked_for} » introuvable : cette partie du canevas ({tab.label.lower()}) n'est pas analysée.",
                tab=looked_for,
                suggestion=f"Créez l'onglet « {looked_for} » ou indiquez son nom dans config/canvas.toml ([tabs] {key} = \"…\").",
            ))
            frames[key] = _empty_frame(tab)
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
