"""What ``crmcanvas init`` would add to a sheet: a pure comparison of what the sheet has with the schema.

The input is a :class:`SheetState` (each tab's title, its rows as a read shows
them, frozen rows, the validations found near the top, protected columns); the
output is a :class:`Plan` of **additive** steps only:

* :class:`AddTab` — a canvas tab the sheet lacks, with its header row (the
  optional ``checklist`` tab too, with the rows of the checklist template:
  :func:`crmcanvas.analysis.checklist.template_grid`, the rows the readiness
  page offers; a checklist tab that exists is the project's, and only gets what
  the other tabs get);
* :class:`AddColumns` — the columns a tab lacks, written in its header row
  *after the last used column of the whole tab* (never over anyone's data);
* :class:`FillIds` — a tab that had rows but no ID column gets IDs in the new
  column (the loader then has stable references; names still resolve);
* :class:`SetRule` — a drop-down on a column (see :mod:`crmcanvas.setup.rules`),
  from the first data row to the end of the tab;
* :class:`Freeze` — freeze the header row when nothing is frozen yet;
* :class:`ProtectIds` — a warning-only protection of the ID column (Google only,
  when asked).

Nothing is ever renamed, moved or deleted. Tabs and headers are found with the
loader's own rules (:func:`crmcanvas.core.shape.match_titles`,
:func:`crmcanvas.core.shape.header_row`, the loader's
:func:`~crmcanvas.build.load.header_matcher`), so a column the dashboard reads
(« Objets de données » read as Données) is never added a second time. A
validation, freeze or protection someone already set is left as it is: only
the missing ones are planned, so a second run plans nothing.

Sources turn a plan into writes (:mod:`crmcanvas.sources.workbook_setup`,
:mod:`crmcanvas.sources.gsheets_setup`); ``--dry-run`` prints it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from crmcanvas.analysis.checklist import template_grid
from crmcanvas.build.load import header_matcher
from crmcanvas.core.config import Settings
from crmcanvas.core.ids import next_ids
from crmcanvas.core.schema import CHECKLIST, SETUP_TAB_KEYS, TABS
from crmcanvas.core.shape import HEADER_SCAN_ROWS, TAB_GID, header_row, pair_tabs
from crmcanvas.core.text import clean
from crmcanvas.i18n import Text, msg, t
from crmcanvas.setup.rules import ListRule, OtherRule, RangeRule, Rule, list_rule, range_target

RULE_ROWS = HEADER_SCAN_ROWS + 2  # a reader keeps the validations of these first rows: the first data row is among them


# ---------------------------------------------------------------------- what a sheet has


@dataclass
class TabState:
    """One tab of a sheet as a read shows it (rows of strings, trailing blanks cut)."""

    title: str
    rows: list[list[str]] = field(default_factory=list)
    frozen_rows: int = 0
    rules: dict[tuple[int, int], Rule] = field(default_factory=dict)  # (row, column), 0-based -> validation there
    protected_columns: frozenset[int] = frozenset()  # columns a protected range covers (Google)
    sheet_id: int | None = None  # Google's sheetId (gid)

    @property
    def width(self) -> int:
        """How many columns are used, over every row: new columns go after it."""
        return max((len(r) for r in self.rows), default=0)


@dataclass
class SheetState:
    tabs: list[TabState]
    can_protect: bool = False  # Google Sheets has warning-only protected ranges; a workbook does not

    def tab(self, title: str) -> TabState:
        return next(t for t in self.tabs if t.title == title)


# ---------------------------------------------------------------------- steps


@dataclass(frozen=True)
class AddTab:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()  # written under the headers (the checklist's template); none for the others

    def describe(self) -> Text:
        if self.rows:
            return msg("setup.plan.add_tab_rows", title=self.title, count=len(self.headers), rows=len(self.rows))
        return msg("setup.plan.add_tab", title=self.title, count=len(self.headers))


@dataclass(frozen=True)
class AddColumns:
    key: str
    title: str
    row: int  # 0-based header row
    start: int  # 0-based column of the first new header
    headers: tuple[str, ...]

    def describe(self) -> Text:
        return msg("setup.plan.add_columns", title=self.title, count=len(self.headers),
                   headers=", ".join(f"« {h} »" for h in self.headers), row=self.row + 1)


@dataclass(frozen=True)
class FillIds:
    key: str
    title: str
    column: int  # 0-based
    cells: tuple[tuple[int, str], ...]  # (0-based row, ID)

    def describe(self) -> Text:
        return msg("setup.plan.fill_ids", title=self.title, count=len(self.cells), first=self.cells[0][1], last=self.cells[-1][1])


@dataclass(frozen=True)
class SetRule:
    key: str
    title: str
    column: int  # 0-based
    first_row: int  # 0-based first data row: the rule runs from there to the end of the tab
    header: str
    rule: ListRule | RangeRule

    def describe(self) -> Text:
        if isinstance(self.rule, ListRule):
            return msg("setup.plan.rule_list", title=self.title, column=self.header, values=", ".join(self.rule.values))
        return msg("setup.plan.rule_range", title=self.title, column=self.header, target=self.rule.title)


@dataclass(frozen=True)
class Freeze:
    key: str
    title: str
    rows: int

    def describe(self) -> Text:
        return msg("setup.plan.freeze", title=self.title, rows=self.rows)


@dataclass(frozen=True)
class ProtectIds:
    key: str
    title: str
    column: int  # 0-based
    first_row: int  # 0-based
    header: str

    def describe(self) -> Text:
        return msg("setup.plan.protect", title=self.title, column=self.header)


Step = AddTab | AddColumns | FillIds | SetRule | Freeze | ProtectIds


@dataclass(frozen=True)
class Layout:
    """Where a canvas tab's columns are once the plan is applied."""

    title: str
    header_row: int  # 0-based
    columns: dict[str, int]  # canonical column -> 0-based index
    new: bool = False  # the tab is added by the plan


@dataclass
class Plan:
    steps: list[Step] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)  # what is left as it is, and why
    layout: dict[str, Layout] = field(default_factory=dict)  # canonical tab -> where it is

    @property
    def empty(self) -> bool:
        return not self.steps

    def of(self, kind: type) -> list:
        return [s for s in self.steps if isinstance(s, kind)]

    def lines(self, lang: str) -> list[str]:
        return [s.describe().render(lang) for s in self.steps]

    def note_lines(self, lang: str) -> list[str]:
        return [n.render(lang) for n in self.notes]


# ---------------------------------------------------------------------- planning


def starting_rows(key: str, lang: str) -> tuple[tuple[str, ...], ...]:
    """The rows a new tab starts with: the checklist template's for the checklist, none for the canvas tabs
    (a template's example rows are a template's alone: :mod:`crmcanvas.setup.template`)."""
    if key != CHECKLIST.key:
        return ()
    return tuple(tuple(row) for row in template_grid(lang))


def new_title(key: str, settings: Settings, lang: str) -> str:
    """The title a canvas tab gets when it is created: the configured one, else its label (« Besoins », "Needs")."""
    configured = settings.tabs.get(key, TABS[key].title)
    if configured != TABS[key].title and not TAB_GID.match(configured.strip()):
        return configured
    return TABS[key].label_in(lang)


def find_tabs(state: SheetState, settings: Settings) -> tuple[dict[str, str], dict[str, str]]:
    """(found: key -> title, missing: key -> title looked for), as the sources pair them (``gid=123`` included)."""
    wanted = {key: settings.tabs.get(key, TABS[key].title) for key in SETUP_TAB_KEYS}
    return pair_tabs(wanted, [(t.sheet_id, t.title) for t in state.tabs])


def describe_rule(rule: Rule) -> Text:
    """A validation in a few words, for the note that says it was kept (rendered in the reader's language)."""
    if isinstance(rule, ListRule):
        return msg("setup.rule.list", values=", ".join(rule.values))
    if isinstance(rule, RangeRule):
        return msg("setup.rule.range", title=rule.title)
    return msg("setup.rule.other", kind=rule.kind)


def plan_setup(state: SheetState, settings: Settings | None = None, *, lang: str | None = None,
               protect_ids: bool = False, only: Collection[str] | None = None) -> Plan:
    """The additive steps that give ``state`` the canvas's tabs, columns, drop-downs and frozen headers.

    ``only``: the tab keys to set up (the dashboard's « create the checklist tab »); the others are
    still read, so a list that points at them (a checklist owner among the people) is right.
    """
    settings = settings or Settings()
    lang = lang or settings.language
    plan = Plan()
    found, missing = find_tabs(state, settings)
    taken = {t.title.casefold() for t in state.tabs}
    for key in SETUP_TAB_KEYS:
        tab = TABS[key]
        headers = tuple(c.label_in(lang) for c in tab.columns)
        if key in missing:
            title = new_title(key, settings, lang)
            while title.casefold() in taken:  # a tab of that name exists but was paired with another part
                title = t("setup.new_tab_suffix", lang, title=title)
            taken.add(title.casefold())
            plan.steps.append(AddTab(key, title, headers, starting_rows(key, lang)))
            plan.layout[key] = Layout(title, 0, {c.key: i for i, c in enumerate(tab.columns)}, new=True)
            continue
        _plan_existing_tab(plan, key, state.tab(found[key]), settings, lang)
    _plan_rules(plan, state, lang)
    _plan_freeze(plan, state)
    if protect_ids:
        _plan_protection(plan, state)
    if only is not None:
        plan.steps = [step for step in plan.steps if step.key in only]
    plan.steps.sort(key=lambda s: _ORDER.index(type(s)))
    return plan


_ORDER = [AddTab, AddColumns, FillIds, SetRule, Freeze, ProtectIds]


def _plan_existing_tab(plan: Plan, key: str, ts: TabState, settings: Settings, lang: str) -> None:
    tab = TABS[key]
    matcher = header_matcher(tab, settings)
    h = header_row(ts.rows, matcher.hits, most=matcher.columns)
    matched: dict[str, int] = {}
    if h is None:  # a blank tab: the headers go in row 1
        h = 0
    else:
        matched = {column: index for index, (column, _inferred) in matcher.match(ts.rows[h]).items()}
        if not matched:  # content, but nothing that reads as our headers: not ours to rearrange
            plan.notes.append(msg("setup.note.no_header_row", title=ts.title, row=h + 1))
            return
    columns = dict(matched)
    start = ts.width  # after the last used column of any row: a header never lands over someone's data
    added = [c for c in tab.columns if c.key not in matched]
    for offset, col in enumerate(added):
        columns[col.key] = start + offset
    if added:
        plan.steps.append(AddColumns(key, ts.title, h, start, tuple(c.label_in(lang) for c in added)))
    if "id" not in matched:
        rows = [r for r in range(h + 1, len(ts.rows)) if any(clean(c) for c in ts.rows[r])]
        if rows:
            ids = next_ids([], tab.id_prefix, len(rows))
            plan.steps.append(FillIds(key, ts.title, columns["id"], tuple(zip(rows, ids, strict=True))))
    plan.layout[key] = Layout(ts.title, h, columns)


def _existing(state: SheetState, layout: Layout) -> TabState | None:
    return None if layout.new else state.tab(layout.title)


def _plan_rules(plan: Plan, state: SheetState, lang: str) -> None:
    for key, layout in plan.layout.items():
        ts = _existing(state, layout)
        first = layout.header_row + 1
        for col in TABS[key].columns:
            rule: ListRule | RangeRule | None = list_rule(col, lang)
            target = range_target(col)
            if rule is None and target is not None and target in plan.layout and "id" in plan.layout[target].columns:
                aim = plan.layout[target]
                rule = RangeRule(aim.title, aim.columns["id"], aim.header_row + 1, strict=False)
            if rule is None:
                continue
            index = layout.columns[col.key]
            header = _header(ts, layout, index) or col.label_in(lang)
            present = ts.rules.get((first, index)) if ts is not None else None
            if present == rule:
                continue
            if present is not None:
                plan.notes.append(msg("setup.note.kept_rule", title=layout.title, column=header,
                                      existing=describe_rule(present)))
                continue
            plan.steps.append(SetRule(key, layout.title, index, first, header, rule))


def _header(ts: TabState | None, layout: Layout, index: int) -> str:
    if ts is None or layout.header_row >= len(ts.rows):
        return ""
    row = ts.rows[layout.header_row]
    return clean(row[index]) if index < len(row) else ""


def _plan_freeze(plan: Plan, state: SheetState) -> None:
    for key, layout in plan.layout.items():
        ts = _existing(state, layout)
        if ts is None or ts.frozen_rows == 0:
            plan.steps.append(Freeze(key, layout.title, layout.header_row + 1))


def _plan_protection(plan: Plan, state: SheetState) -> None:
    if not state.can_protect:
        plan.notes.append(msg("setup.note.no_protection"))
        return
    for key, layout in plan.layout.items():
        ts = _existing(state, layout)
        index = layout.columns.get("id")
        if index is None or (ts is not None and index in ts.protected_columns):
            continue
        header = _header(ts, layout, index) or TABS[key].column("id").label
        plan.steps.append(ProtectIds(key, layout.title, index, layout.header_row + 1, header))


__all__ = [
    "AddColumns", "AddTab", "FillIds", "Freeze", "Layout", "OtherRule", "Plan", "ProtectIds", "SetRule", "SheetState", "Step",
    "RULE_ROWS", "TabState", "describe_rule", "find_tabs", "new_title", "plan_setup", "starting_rows",
]
