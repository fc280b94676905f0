"""The registry: every gap and metric the analysis knows, each one declared entry.

An entry is a code, the function that finds or computes it, and the source it
comes from (a document of the project's domain and the one sentence of advice
it rests on). Its words — title and advice of a gap, label and definition of a
metric, the quoted sentence — live in the catalogue under
``analysis.<kind>.<code>.*`` and ``analysis.quotes.<quote>``, French and
English. Adding a gap is one decorated function in :mod:`.gaps` plus its words
in ``i18n/analysis.toml``; the engine, the dashboard, the CLI report and the
charts all read the registry. Health signals (:class:`Signal`, declared in
:mod:`.health`, words in ``i18n/readiness.toml``) are the second kind; others
(vendor criteria…) join by subclassing :class:`Entry`; :class:`ChooseBuildMetric` is a metric whose words are in
``i18n/vendors.toml``.

The registry is filled when :mod:`crmcanvas.analysis` is imported (its
``__init__`` imports the modules that declare entries), in declaration order:
the order of screens and reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal, TypeVar

from crmcanvas.i18n import DEFAULT_LANG, MissingMessage, has, t

if TYPE_CHECKING:
    import pandas as pd

    from crmcanvas.analysis.facts import Facts
    from crmcanvas.core.canvas import Canvas
    from crmcanvas.core.config import Settings

Item = dict[str, str]  # one element of a gap: {"id": ..., "label": ...}

# The project's domain documents (French), by file name in the seeds shared with the project.
DOCUMENTS: dict[str, str] = {
    "004_22e7ae33688fb707.txt": "canvas_method",  # the Canevas Systémique method: map, choose, build
    "001_48290e58dc45079f.txt": "checklist",  # the CRM project checklist
    "002_0cd98e55d51ec2e2.txt": "ten_conditions",  # ten practical conditions of success
    "003_cef9d88a7a6891fe.txt": "sponsor",  # the sponsor's role, a team from every department
    "000_d65788ba1a151251.txt": "project_todo",  # the CRM project's to-do list: specific vs standard, releases
}
CANVAS_METHOD, CHECKLIST, TEN_CONDITIONS, SPONSOR, PROJECT_TODO = DOCUMENTS


@dataclass(frozen=True)
class Source:
    """Where an entry comes from: a domain document and the sentence of advice quoted from it."""

    document: str  # a key of DOCUMENTS
    quote: str  # catalogue key <area>.quotes.<quote>: the sentence as written (fr) and translated (en)
    area: str = "analysis"  # the catalogue file holding the quote (readiness: i18n/readiness.toml)

    @property
    def key(self) -> str:
        return f"{self.area}.quotes.{self.quote}"

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return t(self.key, lang)

    def title(self, lang: str = DEFAULT_LANG) -> str:
        return t(f"analysis.documents.{DOCUMENTS[self.document]}", lang)


@dataclass
class Context:
    """What an entry's function reads: the canvas, its facts, the settings, the language; results computed once."""

    canvas: Canvas
    settings: Settings
    lang: str
    facts: Facts
    gaps: dict[str, list[Item]] = field(default_factory=dict)
    _coverage: pd.DataFrame | None = None

    def gap(self, code: str) -> list[Item]:
        """The items of one gap (computed on first use)."""
        if code not in self.gaps:
            self.gaps[code] = REGISTRY.get(Gap, code).find(self)
        return self.gaps[code]

    @property
    def coverage(self) -> pd.DataFrame:
        if self._coverage is None:
            from crmcanvas.analysis.metrics import stake_coverage

            self._coverage = stake_coverage(self.canvas)
        return self._coverage


@dataclass(frozen=True)
class Entry:
    """One declared thing the analysis reports. Its words are catalogue keys ``analysis.<kind>.<code>.<part>``."""

    code: str
    source: Source
    kind: ClassVar[str] = ""
    parts: ClassVar[tuple[str, ...]] = ()
    area: ClassVar[str] = "analysis"  # the catalogue file of its words: <area>.<kind>.<code>.<part>

    def text(self, part: str, lang: str = DEFAULT_LANG) -> str:
        return t(f"{self.area}.{self.kind}.{self.code}.{part}", lang)

    def keys(self) -> list[str]:
        """Every catalogue key the entry needs."""
        return [f"{self.area}.{self.kind}.{self.code}.{part}" for part in self.parts] + [self.source.key]


@dataclass(frozen=True)
class Gap(Entry):
    """A named hole in the canvas: a list of items (``{"id", "label"}``) in sheet order."""

    find: Callable[[Context], list[Item]] = field(default=lambda ctx: [], repr=False)
    tab: str | None = None  # the tab its items come from (None: from the settings)
    kind: ClassVar[str] = "gaps"
    parts: ClassVar[tuple[str, ...]] = ("title", "advice")

    def title(self, lang: str = DEFAULT_LANG) -> str:
        return self.text("title", lang)

    def advice(self, lang: str = DEFAULT_LANG) -> str:
        return self.text("advice", lang)


@dataclass(frozen=True)
class Metric(Entry):
    """A number (or, for ``table``, a list of rows) that says how far the canvas is from being usable."""

    compute: Callable[[Context], object] = field(default=lambda ctx: None, repr=False)
    unit: Literal["pct", "count", "table"] = "count"
    kind: ClassVar[str] = "metrics"
    parts: ClassVar[tuple[str, ...]] = ("label", "definition")

    def label(self, lang: str = DEFAULT_LANG) -> str:
        return self.text("label", lang)

    def definition(self, lang: str = DEFAULT_LANG) -> str:
        return self.text("definition", lang)


class ChooseBuildMetric(Metric):
    """A metric of choosing and building (standard vs specific, delivery by lot): its words in ``i18n/vendors.toml``."""

    area: ClassVar[str] = "vendors"


Status = Literal["ok", "a_surveiller", "manquant"]
STATUSES: tuple[Status, ...] = ("ok", "a_surveiller", "manquant")  # best first; words: readiness.status.<status>


@dataclass(frozen=True)
class Reading:
    """What a health signal found: its status, the evidence in one sentence, and what is missing (items)."""

    status: Status
    evidence: str  # in the analysis language; may quote sheet text (escape it before drawing Markdown)
    items: list[Item] = field(default_factory=list)  # what to look at, in sheet order
    measure: float | None = None  # a percentage, when the signal is a share

    def to_dict(self) -> dict:
        return {"status": self.status, "evidence": self.evidence, "items": self.items, "measure": self.measure}


@dataclass(frozen=True)
class Signal(Entry):
    """A health signal of the project: ok, à surveiller or manquant, read from the canvas.

    Its words (title, advice) are in ``i18n/readiness.toml`` under
    ``readiness.signals.<code>.*``; its quote under ``readiness.quotes`` or
    ``analysis.quotes`` (a sentence already quoted by a gap).
    """

    read: Callable[[Context], Reading] = field(default=lambda ctx: Reading("manquant", ""), repr=False)
    kind: ClassVar[str] = "signals"
    parts: ClassVar[tuple[str, ...]] = ("title", "advice")
    area: ClassVar[str] = "readiness"

    def title(self, lang: str = DEFAULT_LANG) -> str:
        return self.text("title", lang)

    def advice(self, lang: str = DEFAULT_LANG) -> str:
        return self.text("advice", lang)


E = TypeVar("E", bound=Entry)


class Registry:
    """Entries by kind and code, in declaration order."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], Entry] = {}

    def add(self, entry: E) -> E:
        if entry.source.document not in DOCUMENTS:
            raise ValueError(f"{entry.kind}.{entry.code}: unknown source document {entry.source.document!r}")
        missing = [key for key in entry.keys() if not has(key)]
        if missing:
            raise MissingMessage(", ".join(missing))
        key = (entry.kind, entry.code)
        if key in self._entries:
            raise ValueError(f"{entry.kind}.{entry.code} is declared twice")
        self._entries[key] = entry
        return entry

    def of(self, cls: type[E]) -> tuple[E, ...]:
        return tuple(e for e in self._entries.values() if isinstance(e, cls))

    def get(self, cls: type[E], code: str) -> E:
        entry = self._entries.get((cls.kind, code))
        if not isinstance(entry, cls):
            raise KeyError(f"no {cls.kind} entry {code!r}")
        return entry

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())


REGISTRY = Registry()


def gaps() -> tuple[Gap, ...]:
    """Every gap, in screen order."""
    return REGISTRY.of(Gap)


def metrics() -> tuple[Metric, ...]:
    """Every metric, in screen order."""
    return REGISTRY.of(Metric)


def signals() -> tuple[Signal, ...]:
    """Every health signal, in screen order."""
    return REGISTRY.of(Signal)


def signal(code: str) -> Signal:
    return REGISTRY.get(Signal, code)


def gap(code: str) -> Gap:
    return REGISTRY.get(Gap, code)


def metric(code: str) -> Metric:
    return REGISTRY.get(Metric, code)


def declare_gap(code: str, *, tab: str | None, source: Source) -> Callable[[Callable[[Context], list[Item]]], Callable[[Context], list[Item]]]:
    """Decorator: the function finds the gap ``code``; its items come from ``tab``."""
    def register(find: Callable[[Context], list[Item]]) -> Callable[[Context], list[Item]]:
        REGISTRY.add(Gap(code=code, source=source, find=find, tab=tab))
        return find
    return register


def declare_metric(code: str, *, unit: Literal["pct", "count", "table"], source: Source,
                   entry_class: type[Metric] = Metric) -> Callable[[Callable[[Context], object]], Callable[[Context], object]]:
    """Decorator: the function computes the metric ``code`` (``entry_class``: where its words are, see :class:`ChooseBuildMetric`)."""
    def register(compute: Callable[[Context], object]) -> Callable[[Context], object]:
        REGISTRY.add(entry_class(code=code, source=source, compute=compute, unit=unit))
        return compute
    return register


def declare_signal(code: str, *, source: Source) -> Callable[[Callable[[Context], Reading]], Callable[[Context], Reading]]:
    """Decorator: the function reads the health signal ``code``."""
    def register(read: Callable[[Context], Reading]) -> Callable[[Context], Reading]:
        REGISTRY.add(Signal(code=code, source=source, read=read))
        return read
    return register
