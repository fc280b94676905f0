"""What a template carries besides its headers: one example row per canvas tab, the « Mode d'emploi » tab, column widths.

Every word comes from ``crmcanvas/i18n/setup.toml``. The example rows point at
each other (the need's role is the example role R000, its stake E000…), so a
template loads with no unresolved reference and no finding but the
``example_row`` infos that ask for them to be deleted. Enum cells hold the very
labels the drop-down lists offer. The six canvas tabs (``REQUIRED_TAB_KEYS``)
get an example row; the optional checklist gets none: its rows are the real
template (:func:`crmcanvas.setup.plan.starting_rows`). The guide describes all
seven tabs (``SETUP_TAB_KEYS``).
"""

from __future__ import annotations

from crmcanvas.core.schema import CHECKLIST, REQUIRED_TAB_KEYS, SETUP_TAB_KEYS, TABS, Column, value_label
from crmcanvas.i18n import has, t
from crmcanvas.setup.rules import choices, list_rule, range_target

EXAMPLE_NUMBER = "000"  # an ID whose number is zero reads as an example (build/load.py is_example_row)

# The value-set codes of the example rows; their texts are in setup.toml ([example.<tab>.<column>]).
_EXAMPLE_CODES: dict[tuple[str, str], str] = {
    ("enjeux", "priorite"): "haute",
    ("besoins", "priorite"): "must",
    ("besoins", "statut"): "nouveau",
    ("besoins", "type"): "standard",
    ("applications", "statut"): "a_remplacer",
    ("applications", "interne_externe"): "interne",
    ("personnes", "implication"): "pilote",
    ("roles", "type"): "interne",
}

_WIDE = {"besoin": 60, "definition": 48, "situation_actuelle": 42, "situation_desiree": 42, "description": 42,
         "persona": 42, "attributs": 36,
         "chapitre": 24, "item": 40, "sous_item": 50, "commentaire": 40}  # long texts: wrapped in a wide column
WRAPPED = frozenset(_WIDE)


def example_id(tab: str) -> str:
    return TABS[tab].id_prefix + EXAMPLE_NUMBER


def example_row(tab: str, lang: str) -> dict[str, str]:
    """The example row of a canvas tab (one of ``REQUIRED_TAB_KEYS``): canonical column -> cell text."""
    if tab not in REQUIRED_TAB_KEYS:
        raise ValueError(f"{tab!r} has no example row: its new rows are its own template (setup.plan.starting_rows)")
    row: dict[str, str] = {}
    for col in TABS[tab].columns:
        row[col.key] = _example_cell(tab, col, lang)
    return row


def _example_cell(tab: str, col: Column, lang: str) -> str:
    if col.key == "id":
        return example_id(tab)
    code = _EXAMPLE_CODES.get((tab, col.key))
    if code is not None:
        return value_label(code, lang)
    if col.kind == "ref":
        target = col.targets[0]
        return "" if target == tab else example_id(target)
    key = f"setup.example.{tab}.{col.key}"
    return t(key, lang) if has(key) else ""


def column_width(col: Column, lang: str) -> float:
    """A readable width (in characters) for a column: its header, or its longest drop-down value, or a text."""
    if col.key in _WIDE:
        return _WIDE[col.key]
    if col.key == TABS[col.tab].name_column:  # what the row is called: « Fidéliser les donateurs »
        return 30.0
    width = len(col.label_in(lang)) + 4
    rule = list_rule(col, lang)
    if rule is not None:
        width = max(width, max(len(v) for v in rule.values) + 5)
    if col.kind == "ref":
        width = max(width, 16)
    return float(max(12, min(width, 40)))


def date_format(lang: str) -> str:
    """The number format a new date column gets (Excel and Google alike): day first in French, as the loader reads
    dates; ISO in English (unambiguous, read too)."""
    return t("setup.date_format", lang)


def guide_rows(lang: str, titles: dict[str, str]) -> list[list[str]]:
    """The « Mode d'emploi » tab: a few lines of method, then one line per tab and per column (the checklist too)."""
    rows = [
        [t("setup.guide.heading", lang)],
        [],
        [t("setup.guide.intro", lang)],
        [t("setup.guide.references", lang)],
        [t("setup.guide.examples", lang)],
        [t("setup.guide.ids", lang)],
        [t("setup.guide.checklist", lang, title=titles[CHECKLIST.key])],
        [],
        [t("setup.guide.col.tab", lang), t("setup.guide.col.column", lang), t("setup.guide.col.what", lang),
         t("setup.guide.col.list", lang)],
    ]
    for key in SETUP_TAB_KEYS:
        tab = TABS[key]
        rows.append([titles[key], "", t(f"setup.guide.tabs.{key}", lang), ""])
        for col in tab.columns:
            rows.append(["", col.label_in(lang), t(f"setup.guide.columns.{key}.{col.key}", lang), _list_text(col, lang, titles)])
    return rows


GUIDE_TABLE_ROW = 9  # 1-based row of the guide's table header (bold)


def _list_text(col: Column, lang: str, titles: dict[str, str]) -> str:
    if col.kind == "enum" and col.enum:
        return ", ".join(choices(col.enum, lang))
    target = range_target(col)
    if target is not None:
        return t("setup.guide.list_range", lang, target=titles[target])
    return ""


__all__ = ["EXAMPLE_NUMBER", "GUIDE_TABLE_ROW", "WRAPPED", "column_width", "date_format", "example_id", "example_row",
           "guide_rows"]
