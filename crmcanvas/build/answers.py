"""What each solution answered for each need, read from the optional tabs « éditeurs » and « intégrateurs ».

A team compares solutions in one of two layouts, told apart by the headers:

* **long** — one row per (solution, need): Solution, Besoin, Réponse (Commentaire
  optional). Chosen when both the Solution and the Réponse columns are there.
* **wide** — one row per need, one column per solution headed by its name (the
  grid a vendor fills in). The schema cannot name those columns, so the loader
  keeps them as unknown columns (``canvas.extra_columns``) and this module reads
  them: a column is a solution when at least half of its filled cells are
  answers; the others (« Priorité », « Lot », a comment per solution) are left
  aside, with one info finding each saying why.

A row's need is what its Besoin cell names (an ID or the need's text, several
allowed); when that names nothing, the row's own ID if it is a need's ID (a
grid whose first column is « ID » = B01…).

An answer is a code of the value set ``reponse`` (:mod:`crmcanvas.core.schema`):
standard, paramétrage, spécifique, non couvert — aliases « natif », « config »,
« dev », « non »… An empty cell, « ? », « à évaluer », a cell that is not an
answer, and a need nobody answered for: **non évalué**, never « non couvert ».

Findings: in the long layout the loader already reports an unrecognised answer
(``invalid_value``); in the wide layout this module does, with the same words
and a "did you mean". It also reports answers no need can be found for, a
solution answering twice for one need differently, and the columns left aside.
Building a canvas must not import the analysis, so this lives in ``build``;
:mod:`crmcanvas.analysis.vendors` scores what it reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from crmcanvas.build.load import _ENUM_INDEX, _enum_suggestion
from crmcanvas.core.canvas import ROW, Canvas
from crmcanvas.core.findings import Finding, Severity, finding
from crmcanvas.core.schema import TABS, value_label
from crmcanvas.core.text import clean, fold, id_key, name_key
from crmcanvas.i18n import DEFAULT_LANG, Text, msg

ANSWER_TABS: tuple[str, ...] = ("editeurs", "integrateurs")
SCORED: tuple[str, ...] = ("standard", "parametrage", "specifique", "non_couvert")  # answers that count in a score
NOT_EVALUATED = "non_evalue"
SOLUTION_SHARE = 0.5  # share of a wide column's filled cells that must be answers for it to be a solution
RELATION = "evalue"  # the edge from an answer row to the need it answers for

Layout = Literal["long", "wide", ""]


@dataclass(frozen=True)
class Answer:
    solution: str
    need: str  # the need's ID
    code: str  # one of SCORED, or NOT_EVALUATED
    text: str  # the cell as written
    row: int  # the sheet row
    comment: str = ""


@dataclass(frozen=True)
class Answers:
    """One tab's answers: the first answer per (solution, need), the solutions in sheet order."""

    tab: str
    present: bool
    layout: Layout = ""
    solutions: tuple[str, ...] = ()
    answers: tuple[Answer, ...] = ()
    ignored: tuple[str, ...] = ()  # wide layout: unknown columns that are not solutions
    findings: tuple[Finding, ...] = ()
    _by_solution: dict[str, dict[str, Answer]] = field(default_factory=dict, repr=False, compare=False)

    def of(self, solution: str) -> dict[str, Answer]:
        """need ID -> answer, for one solution."""
        if not self._by_solution:
            for answer in self.answers:
                self._by_solution.setdefault(answer.solution, {})[answer.need] = answer
        return self._by_solution.get(solution, {})


def answer_code(value: object) -> str | None:
    """The code of an answer cell: a SCORED code, NOT_EVALUATED (empty, « ? », « à évaluer »), None when it is no answer."""
    text = clean(value)
    if not text:
        return NOT_EVALUATED
    return _ENUM_INDEX["reponse"].get(fold(text))


def tab_present(canvas: Canvas, tab: str) -> bool:
    """The canvas has this tab (a missing optional tab loads as an empty frame with no headers)."""
    return tab in canvas.frames and (bool(canvas.headers.get(tab)) or not canvas.frames[tab].empty)


class _Reader:
    def __init__(self, canvas: Canvas, tab: str, lang: str):
        self.canvas, self.tab, self.lang = canvas, tab, lang
        self.frame = canvas.frames[tab]
        self.headers = canvas.headers.get(tab, {})
        self.title = canvas.tab_titles.get(tab, TABS[tab].title)
        self.findings: list[Finding] = []
        self.ids = self.frame["id"].tolist()
        self.rows = [int(r) for r in self.frame[ROW].tolist()]
        self.needs = self._needs_of_rows()
        self.solutions: tuple[str, ...] = ()  # wide layout: the columns read as solutions
        self.ignored: tuple[str, ...] = ()  # wide layout: the unknown columns left aside

    def add(self, code: str, message: Text, *, severity: Severity, **kw: Any) -> None:
        self.findings.append(finding(code, message, lang=self.lang, tab=self.title, severity=severity, **kw))

    def header(self, key: str) -> str:
        return self.headers.get(key) or TABS[self.tab].column(key).label_in(self.lang)

    def _needs_of_rows(self) -> list[list[str]]:
        """Per row, the needs it answers for: its Besoin references, else its own ID when that is a need's ID."""
        edges = self.canvas.edges
        named: dict[str, list[str]] = {}
        if edges is not None and len(edges):
            mine = edges[(edges["source_tab"] == self.tab) & (edges["relation"] == RELATION) & (edges["target_tab"] == "besoins")]
            for source, target in zip(mine["source_id"].tolist(), mine["target_id"].tolist(), strict=True):
                named.setdefault(source, []).append(target)
        need_ids = {id_key(rid): rid for rid in self.canvas.frames["besoins"]["id"].tolist() if id_key(rid)}
        out = []
        for rid in self.ids:
            needs = named.get(rid)
            if not needs:
                own = need_ids.get(id_key(rid)) if "id" in self.headers else None
                needs = [own] if own else []
            out.append(needs)
        return out

    def read(self) -> Answers:
        if not tab_present(self.canvas, self.tab):
            return Answers(self.tab, present=False)
        layout: Layout = "long" if {"solution", "reponse"} <= set(self.headers) else "wide"
        answers = self._long() if layout == "long" else self._wide()
        kept = self._first_per_pair(answers)
        solutions = tuple(dict.fromkeys(a.solution for a in answers)) if layout == "long" else self.solutions
        return Answers(self.tab, True, layout, solutions, tuple(kept), self.ignored, tuple(self.findings))

    # ------------------------------------------------------------------ long: one row per (solution, need)

    def _long(self) -> list[Answer]:
        names: dict[str, str] = {}  # name_key -> first spelling: « Salesforce » and « salesforce » are one solution
        out: list[Answer] = []
        comments = self.frame["commentaire"].tolist()
        unknown_needs = self._no_need_column()
        for row, solution, need_cell, code, needs, comment in zip(
                self.rows, self.frame["solution"].tolist(), self.frame["besoin"].tolist(),
                self.frame["reponse"].tolist(), self.needs, comments, strict=True):
            name = clean(solution)
            if not name:
                if clean(code):
                    self.add("answer_without_solution", msg("vendors.findings.no_solution", row=row, title=self.title,
                                                            column=self.header("solution")),
                             severity="warning", row=row, column=self.header("solution"),
                             suggestion=msg("vendors.findings.no_solution_hint", column=self.header("solution")))
                continue
            name = names.setdefault(name_key(name), name)
            if not needs:
                if not unknown_needs and not clean(need_cell):
                    self._no_need(row)
                out.append(Answer(name, "", NOT_EVALUATED, "", row))  # the solution exists, this row counts for nothing
                continue
            scored = code if code in SCORED else NOT_EVALUATED  # an unrecognised answer: the loader said so
            for need in needs:
                out.append(Answer(name, need, scored, code, row, clean(comment)))
        return out

    def _no_need_column(self) -> bool:
        """No Besoin column and no row whose ID is a need's: one finding for the tab instead of one per row."""
        if "besoin" in self.headers or any(self.needs):
            return False
        if len(self.frame):
            self.add("answer_without_need", msg("vendors.findings.no_need_column", title=self.title,
                                                column=self.header("besoin")),
                     severity="warning", suggestion=msg("vendors.findings.no_need_column_hint", column=self.header("besoin")))
        return True

    def _no_need(self, row: int) -> None:
        self.add("answer_without_need", msg("vendors.findings.no_need", row=row, title=self.title, column=self.header("besoin")),
                 severity="warning", row=row, column=self.header("besoin"),
                 suggestion=msg("vendors.findings.no_need_hint", column=self.header("besoin")))

    # ------------------------------------------------------------------ wide: one column per solution

    def _candidates(self) -> list[tuple[str, str, bool]]:
        """(header, frame column, already checked by the loader) of every column that may be a solution."""
        out: list[tuple[str, str, bool]] = [(self.headers[key], key, key == "reponse") for key in ("solution", "reponse")
                                            if key in self.headers]
        out += [(header, header, False) for header in self.canvas.extra_columns.get(self.tab, [])]
        return out

    def _wide(self) -> list[Answer]:
        solutions: list[tuple[str, list[str], bool]] = []
        ignored: list[str] = []
        for header, column, checked in self._candidates():
            values = self.frame[column].tolist()
            filled = [v for v in values if clean(v)]
            recognised = sum(1 for v in filled if answer_code(v) is not None)
            if filled and recognised < SOLUTION_SHARE * len(filled):
                ignored.append(header)
                self.add("column_not_a_solution", msg("vendors.findings.column_ignored", column=header, title=self.title,
                                                      recognised=recognised, filled=len(filled)),
                         severity="info", column=header,
                         suggestion=msg("vendors.findings.column_ignored_hint", values=self._accepted()))
                continue
            solutions.append((header, values, checked))
        self.solutions = tuple(header for header, _, _ in solutions)
        self.ignored = tuple(ignored)
        if not solutions:
            return []
        unknown_needs = self._no_need_column()
        out: list[Answer] = []
        comments = self.frame["commentaire"].tolist()
        need_cells = self.frame["besoin"].tolist()
        for i, (row, needs) in enumerate(zip(self.rows, self.needs, strict=True)):
            cells = [(header, values[i], checked) for header, values, checked in solutions]
            if not needs:
                if not unknown_needs and not clean(need_cells[i]) and any(clean(v) for _, v, _ in cells):
                    self._no_need(row)
                continue
            for header, value, checked in cells:
                code = answer_code(value)
                if code is None:
                    code = NOT_EVALUATED
                    if not checked:
                        self._invalid(header, value, row)
                for need in needs:
                    out.append(Answer(header, need, code if code in SCORED else NOT_EVALUATED, clean(value), row, clean(comments[i])))
        return out

    def _invalid(self, header: str, value: str, row: int) -> None:
        hint, guess = _enum_suggestion("reponse", value, self.lang)
        self.add("invalid_value", msg("findings.invalid_value", value=value, column=header, row=row), severity="warning",
                 row=row, column=header, value=value, suggestion=hint, fix=guess)

    def _accepted(self) -> str:
        return ", ".join(value_label(code, self.lang) for code in (*SCORED, NOT_EVALUATED))

    # ------------------------------------------------------------------ one answer per (solution, need)

    def _first_per_pair(self, answers: Iterable[Answer]) -> list[Answer]:
        first: dict[tuple[str, str], Answer] = {}
        for answer in answers:
            if not answer.need:
                continue
            key = (answer.solution, answer.need)
            kept = first.get(key)
            if kept is None:
                first[key] = answer
            elif kept.code != answer.code and answer.code != NOT_EVALUATED:
                if kept.code == NOT_EVALUATED:  # an empty cell gives way to an answer
                    first[key] = answer
                    continue
                self.add("duplicate_answer", msg("vendors.findings.duplicate_answer", solution=answer.solution, need=answer.need,
                                                 first=value_label(kept.code, self.lang), first_row=kept.row,
                                                 second=value_label(answer.code, self.lang), row=answer.row),
                         severity="warning", row=answer.row, value=answer.text,
                         suggestion=msg("vendors.findings.duplicate_answer_hint", first_row=kept.row, row=answer.row))
        return list(first.values())


_MEMO = "_answers"  # attribute of the Canvas that keeps what was read, per (tab, language)


def read_answers(canvas: Canvas, tab: str, lang: str = DEFAULT_LANG) -> Answers:
    """The answers of ``tab`` (``editeurs`` or ``integrateurs``), read once per canvas and language."""
    stamp = (canvas.edges, canvas.frames.get(tab), canvas.frames.get("besoins"))
    memo: dict = canvas.__dict__.setdefault(_MEMO, {})
    kept = memo.get((tab, lang))
    if kept is not None and all(a is b for a, b in zip(kept[0], stamp, strict=True)):
        return kept[1]
    answers = _Reader(canvas, tab, lang).read()
    memo[(tab, lang)] = (stamp, answers)
    return answers


def answer_findings(canvas: Canvas, lang: str = DEFAULT_LANG) -> list[Finding]:
    """The findings of every answers tab the canvas has (the pipeline adds them to the canvas's)."""
    return [f for tab in ANSWER_TABS for f in read_answers(canvas, tab, lang).findings]


__all__ = ["ANSWER_TABS", "NOT_EVALUATED", "SCORED", "Answer", "Answers", "answer_code", "answer_findings", "read_answers",
           "tab_present"]
