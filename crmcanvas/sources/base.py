"""The source protocol: what every canvas source (Google Sheet, local workbook) offers.

Read all tabs at once with a version token; append a row; update cells of a row
found by its ID, only if each cell still holds the value the caller saw.
Sources are deliberately dumb about the domain: they speak tab titles, header
text and cell strings. Mapping to canonical columns is the loader's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from crmcanvas.i18n import DEFAULT_LANG, Text, msg

Grid = list[list[str]]


@dataclass
class RawCanvas:
    """Each wanted tab's grid of strings, keyed by canonical tab key.

    ``titles`` says which tab of the source each key was read from (writes use
    it); ``missing`` maps keys the source does not have to the title we looked for.
    """

    grids: dict[str, Grid]
    titles: dict[str, str]
    version: str
    source: str  # human description, never containing credentials
    missing: dict[str, str] = field(default_factory=dict)
    available: list[str] = field(default_factory=list)  # every tab title the source has


@dataclass(frozen=True)
class CellChange:
    column: str  # header as written (matched with fold())
    expected: str  # the value the caller saw
    new: str


@dataclass(frozen=True)
class Conflict:
    column: str
    expected: str
    actual: str
    new: str


@dataclass
class AppendResult:
    row: int  # sheet row number of the new row
    row_id: str | None  # ID written (assigned by the source if asked to)


@dataclass
class UpdateResult:
    row: int
    updated: list[str]  # columns written


class SourceError(Exception):
    """The source cannot be read or written. Its text is safe to show (never a credential).

    Message and suggestion are catalogue texts rendered by whoever shows them,
    in the reader's language and context (``render(lang, context="cli")``): a
    source does not know whether a dashboard or a one-shot command called it.
    ``message`` / ``suggestion`` give the default (French) rendering.
    """

    def __init__(self, message: Text | str, *, suggestion: Text | str | None = None, retryable: bool = False):
        super().__init__(str(message))
        self.text = message
        self.hint = suggestion
        self.retryable = retryable

    @staticmethod
    def _render(value: Text | str | None, lang: str, context: str | None) -> str | None:
        if isinstance(value, Text):
            return value.render(lang, context=context)
        return value

    def render(self, lang: str = DEFAULT_LANG, context: str | None = None) -> tuple[str, str | None]:
        """(message, suggestion) in ``lang``, worded for ``context`` ("cli" or "dashboard")."""
        return self._render(self.text, lang, context) or "", self._render(self.hint, lang, context)

    @property
    def message(self) -> str:
        return self.render()[0]

    @property
    def suggestion(self) -> str | None:
        return self.render()[1]


class WriteConflict(SourceError):
    """A cell changed between our read and our write: nothing was written."""

    def __init__(self, tab: str, row_id: str, conflicts: list[Conflict]):
        details = tuple(msg("sources.conflict.cell", column=c.column, expected=c.expected, actual=c.actual)
                        for c in conflicts)
        super().__init__(msg("sources.conflict.message", tab=tab, row_id=row_id, details=details),
                         suggestion=msg("sources.conflict.hint"))
        self.tab = tab
        self.row_id = row_id
        self.conflicts = conflicts


class RowNotFound(SourceError):
    pass


@runtime_checkable
class ReadableSource(Protocol):
    """Every source: the whole canvas in one read, with a version token."""

    @property
    def description(self) -> str:
        """Where the canvas comes from, for people (never a credential)."""
        ...

    def read(self, wanted: Mapping[str, str]) -> RawCanvas:
        """Read the wanted tabs (canonical key -> title) in one go; see :func:`crmcanvas.core.shape.match_titles`."""
        ...


@runtime_checkable
class WritableSource(ReadableSource, Protocol):
    """A source the dashboard may write to (Google Sheet, local workbook); the demo is not one."""

    def append_row(
        self, title: str, values: Mapping[str, str], *, id_column: str | None = None, id_prefix: str | None = None
    ) -> AppendResult:
        """Append one row; values keyed by header. With id_column/id_prefix, assign the next free ID."""
        ...

    def update_cells(self, title: str, *, id_column: str, row_id: str, changes: list[CellChange]) -> UpdateResult:
        """Write changes in the row whose ID matches row_id, only if every cell still holds ``expected``."""
        ...

    def assign_missing_ids(self, title: str, *, id_column: str, id_prefix: str) -> list[tuple[int, str]]:
        """Give rows with an empty ID the next free IDs, touching no other cell; returns (row, id)."""
        ...

    def ensure_tab(self, title: str, headers: list[str]) -> bool:
        """Make sure the tab ``title`` exists: create it with ``headers`` as its first row if it does not
        (True), leave an existing one untouched (False). A tab whose title differs only by case or accents counts."""
        ...


Source = ReadableSource  # what a reader needs; ask ``isinstance(source, WritableSource)`` before writing


def is_writable(source: object) -> bool:
    return isinstance(source, WritableSource)
