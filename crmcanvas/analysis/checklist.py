"""The CRM project checklist: its template (document 001) and the progress a canvas's ``checklist`` tab records.

The template is bundled as data (``checklist_template.toml``): four chapters,
their items and sub-items, in French as the document writes them, and one
sentence of advice per chapter. In a canvas the checklist is the optional
seventh tab: one row per sub-item (one row for an item without sub-items),
with a status, an owner (a person), a due date and a comment.

Reading the tab, a row belongs to the template item whose title it carries
(case, accents, plurals and small typos forgiven); a row whose item is not in
the template is the project's own addition, kept and counted in the chapter
its « Chapitre » cell names. Progress is counted on rows: done / applicable
(a « non applicable » row counts for neither). A row is overdue when it is
applicable, not done, and its due date is before ``today`` — passed in, so
tests fix it. An empty status reads « à faire ».
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz, process

from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.registry import CHECKLIST, DOCUMENTS, Source
from crmcanvas.core.canvas import ROW, Canvas
from crmcanvas.core.dates import parse_date
from crmcanvas.core.schema import TABS, value_label
from crmcanvas.core.text import name_key
from crmcanvas.i18n import DEFAULT_LANG, LANGUAGES, t

TAB = "checklist"
STATUSES = ("a_faire", "en_cours", "fait", "non_applicable")
TEMPLATE_FILE = "checklist_template.toml"
INTRO = Source(CHECKLIST, "checklist_risks", area="readiness")  # the page's first quote, from document 001 itself
_ITEM_MATCH = 90  # rapidfuzz ratio from which a row's item is a template item written slightly differently
_CHAPTER_MATCH = 80
_LEADING_NUMBER = re.compile(r"^\s*(\d+)\s*[.)\-–:]?")


@dataclass(frozen=True)
class TemplateItem:
    """An item (▢) of the checklist and its sub-items (✔️)."""

    title: str
    subitems: tuple[str, ...] = ()
    note: str = ""  # the document's line under the item (the planning's « Phases et jalons à positionner… »)
    planning: bool = False  # its sub-items are the project's milestones


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str  # French, as the document writes it (what goes into the sheet)
    source: Source  # the document its advice comes from, and the quote's catalogue key
    advice: str  # the quoted sentence, French as written (also the catalogue's French, checked by the tests)
    items: tuple[TemplateItem, ...]

    def label(self, lang: str = DEFAULT_LANG) -> str:
        """« 1. Contenu » / "1. Content"."""
        return t("readiness.chapter", lang, number=self.number, title=t(f"readiness.chapters.c{self.number}", lang))

    def sheet_label(self) -> str:
        """What the template writes in the « Chapitre » column: « 1. Contenu »."""
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class Template:
    document: str
    chapters: tuple[Chapter, ...]

    def chapter(self, number: int) -> Chapter:
        return next(c for c in self.chapters if c.number == number)

    def entries(self) -> list[tuple[int, str, str]]:
        """(chapter, item, sub-item) of every template row, in document order ('' for an item without sub-items)."""
        return [(c.number, item.title, sub) for c in self.chapters for item in c.items for sub in (item.subitems or ("",))]

    def rows(self, lang: str = DEFAULT_LANG) -> list[dict[str, str]]:
        """The tab's rows by canonical column: IDs C01, C02…, status « à faire », owner, date and comment empty."""
        todo = value_label("a_faire", lang)
        width = max(2, len(str(len(self.entries()))))
        return [{"id": f"{TABS[TAB].id_prefix}{n:0{width}d}", "chapitre": self.chapter(ch).sheet_label(), "item": item,
                 "sous_item": sub, "statut": todo, "responsable": "", "echeance": "", "commentaire": ""}
                for n, (ch, item, sub) in enumerate(self.entries(), start=1)]


def template_grid(lang: str = DEFAULT_LANG) -> list[list[str]]:
    """The template's rows as the tab holds them, cells in the schema's column order: the one source of the rows
    that the downloads, the « Créer l'onglet » button, ``crmcanvas template`` and ``crmcanvas init`` write."""
    keys = TABS[TAB].keys
    return [[row[key] for key in keys] for row in template().rows(lang)]


@cache
def template() -> Template:
    """The checklist of document 001, read once from the bundled file."""
    data = tomllib.loads(files("crmcanvas.analysis").joinpath(TEMPLATE_FILE).read_text(encoding="utf-8"))
    chapters = []
    for ch in data["chapters"]:
        if ch["document"] not in DOCUMENTS:
            raise ValueError(f"{TEMPLATE_FILE}: chapter {ch['number']} cites an unknown document {ch['document']!r}")
        items = tuple(TemplateItem(i["title"], tuple(i.get("subitems", ())), i.get("note", ""), bool(i.get("planning")))
                      for i in ch["items"])
        chapters.append(Chapter(int(ch["number"]), ch["title"], Source(ch["document"], ch["quote"], area="readiness"),
                                ch["advice"], items))
    return Template(data["document"], tuple(chapters))


# ---------------------------------------------------------------- the tab, read


@dataclass(frozen=True)
class Row:
    """One row of the checklist tab, read against the template."""

    id: str
    row: int  # the row number a person sees in the sheet
    chapter: int | None  # None: an addition whose chapter the sheet does not say
    item: str
    sous_item: str
    status: str  # a_faire, en_cours, fait, non_applicable (an empty or unreadable status reads a_faire)
    owners: tuple[str, ...]  # person IDs the Responsable cell resolved to
    owner_text: str  # the cell as written
    due: date | None
    due_text: str
    comment: str
    added: bool  # not in the template: the project's own item or sub-item
    planning: bool  # a milestone of « Etablir un planning prévisionnel »

    @property
    def applicable(self) -> bool:
        return self.status != "non_applicable"

    @property
    def done(self) -> bool:
        return self.status == "fait"

    @property
    def label(self) -> str:
        """« Item — sous-item » (the item alone when it has no sub-item)."""
        return f"{self.item} — {self.sous_item}" if self.sous_item else self.item

    def overdue(self, today: date) -> bool:
        return self.applicable and not self.done and self.due is not None and self.due < today


@dataclass(frozen=True)
class ChapterProgress:
    number: int | None  # None: additions with no chapter
    done: int
    applicable: int
    total: int

    @property
    def pct(self) -> float | None:
        return None if not self.applicable else round(100.0 * self.done / self.applicable, 1)

    def to_dict(self) -> dict:
        return {"chapter": self.number, "done": self.done, "applicable": self.applicable, "total": self.total, "pct": self.pct}


@dataclass(frozen=True)
class ChecklistProgress:
    present: bool  # the canvas has a checklist tab
    today: date
    rows: tuple[Row, ...] = ()
    chapters: tuple[ChapterProgress, ...] = ()  # chapters 1-4, then additions with no chapter when there are some
    missing: tuple[tuple[int, str, str], ...] = ()  # template (chapter, item, sub-item) absent from the tab
    owner_names: dict[str, str] = field(default_factory=dict)  # person ID -> name

    @property
    def done(self) -> int:
        return sum(r.done for r in self.rows)

    @property
    def applicable(self) -> int:
        return sum(r.applicable for r in self.rows)

    @property
    def pct(self) -> float | None:
        return None if not self.applicable else round(100.0 * self.done / self.applicable, 1)

    @property
    def overdue(self) -> list[Row]:
        """Applicable rows not done whose date has passed, the oldest first."""
        return sorted((r for r in self.rows if r.overdue(self.today)), key=lambda r: (r.due, r.row))

    @property
    def without_owner(self) -> list[Row]:
        """Applicable rows not done whose Responsable cell is empty, in sheet order."""
        return [r for r in self.rows if r.applicable and not r.done and not r.owner_text.strip()]

    @property
    def added(self) -> list[Row]:
        return [r for r in self.rows if r.added]

    @property
    def milestones(self) -> list[Row]:
        """The planning's sub-items that have a date, by date."""
        return sorted((r for r in self.rows if r.planning and r.due is not None), key=lambda r: (r.due, r.row))

    def rows_of(self, chapter: int | None) -> list[Row]:
        return [r for r in self.rows if r.chapter == chapter]

    def owners(self, row: Row) -> str:
        """The row's owners by name, else the cell as written."""
        return ", ".join(self.owner_names.get(p, p) for p in row.owners) or row.owner_text

    def to_dict(self) -> dict:
        """The JSON-ready view (``crmcanvas check --format json`` and snapshots)."""
        return {
            "present": self.present, "today": self.today.isoformat(), "rows": len(self.rows),
            "done": self.done, "applicable": self.applicable, "pct": self.pct,
            "chapters": [c.to_dict() for c in self.chapters],
            "overdue": [r.id for r in self.overdue], "without_owner": [r.id for r in self.without_owner],
            "added": [r.id for r in self.added], "missing_from_template": len(self.missing),
        }


class _Matcher:
    """Template item and chapter of a row, forgiving case, accents, plurals and small typos."""

    def __init__(self, tpl: Template):
        self.items: dict[str, tuple[int, TemplateItem]] = {}
        for ch in tpl.chapters:
            for item in ch.items:
                self.items.setdefault(name_key(item.title), (ch.number, item))
        self.chapters: dict[str, int] = {}
        for ch in tpl.chapters:
            for lang in LANGUAGES:
                self.chapters.setdefault(name_key(t(f"readiness.chapters.c{ch.number}", lang)), ch.number)
            self.chapters.setdefault(name_key(ch.title), ch.number)
        self.numbers = {ch.number for ch in tpl.chapters}

    def item(self, text: str) -> tuple[int, TemplateItem] | None:
        key = name_key(text)
        if key in self.items:
            return self.items[key]
        match = process.extractOne(key, list(self.items), scorer=fuzz.ratio, score_cutoff=_ITEM_MATCH) if key else None
        return self.items[match[0]] if match else None

    def chapter(self, text: str) -> int | None:
        number = _LEADING_NUMBER.match(text)
        if number and int(number[1]) in self.numbers:
            return int(number[1])
        key = name_key(text)
        if not key:
            return None
        match = process.extractOne(key, list(self.chapters), scorer=fuzz.token_set_ratio, score_cutoff=_CHAPTER_MATCH)
        return self.chapters[match[0]] if match else None


def tab_present(canvas: Canvas) -> bool:
    """The canvas has a checklist tab (a missing tab loads as an empty frame with no headers)."""
    return TAB in canvas.frames and (bool(canvas.headers.get(TAB)) or not canvas.frames[TAB].empty)


def progress(canvas: Canvas, today: date | None = None) -> ChecklistProgress:
    """The checklist tab read against the template: rows, progress per chapter, what is missing."""
    today = today or date.today()
    if not tab_present(canvas):
        return ChecklistProgress(present=False, today=today)
    tpl = template()
    matcher = _Matcher(tpl)
    frame = canvas.frames[TAB]
    f = facts_of(canvas)
    owners: dict[str, list[str]] = {}
    for rid, person in f.pairs(TAB, "responsable", "personnes"):
        owners.setdefault(rid, []).append(person)
    rows: list[Row] = []
    seen: set[tuple[int, str, str]] = set()
    columns = ["id", ROW, "chapitre", "item", "sous_item", "statut", "responsable", "echeance", "commentaire"]
    for rid, row, chapter_cell, item, sub, status, owner, due, comment in zip(*(frame[c].tolist() for c in columns), strict=True):
        found = matcher.item(item)
        added = found is None
        number: int | None
        planning = False
        if found is not None:
            number, spec = found
            item = spec.title
            planning = spec.planning
            subs = {name_key(s): s for s in spec.subitems}
            if sub and name_key(sub) in subs:
                sub = subs[name_key(sub)]
            elif sub or spec.subitems:
                added = bool(sub) and name_key(sub) not in subs  # the project's own sub-item of a template item
            seen.add((number, item, sub))
        else:
            number = matcher.chapter(chapter_cell)  # None: a chapter the template does not know
        rows.append(Row(id=str(rid), row=int(row), chapter=number, item=item, sous_item=sub,
                        status=status if status in STATUSES else "a_faire", owners=tuple(dict.fromkeys(owners.get(str(rid), ()))),
                        owner_text=owner, due=parse_date(due), due_text=due, comment=comment, added=added, planning=planning))
    chapters = [ChapterProgress(ch.number, *_counts([r for r in rows if r.chapter == ch.number])) for ch in tpl.chapters]
    loose = [r for r in rows if r.chapter is None]
    if loose:
        chapters.append(ChapterProgress(None, *_counts(loose)))
    missing = tuple(entry for entry in tpl.entries() if entry not in seen)
    return ChecklistProgress(present=True, today=today, rows=tuple(rows), chapters=tuple(chapters), missing=missing,
                             owner_names=dict(f.labels["personnes"]))


def _counts(rows: list[Row]) -> tuple[int, int, int]:
    return sum(r.done for r in rows), sum(r.applicable for r in rows), len(rows)


def chapter_label(number: int | None, lang: str = DEFAULT_LANG) -> str:
    """A chapter's name on screen; additions with no chapter have their own."""
    return template().chapter(number).label(lang) if number is not None else t("readiness.chapters.other", lang)


__all__ = ["INTRO", "STATUSES", "Chapter", "ChapterProgress", "ChecklistProgress", "Row", "Template", "TemplateItem",
           "chapter_label", "progress", "tab_present", "template", "template_grid"]
