"""Findings: what is wrong (or worth knowing) about the canvas, said in French.

Bad input never raises to the screen; it becomes a Finding that the data-quality
view lists with the row a person sees in the sheet and a suggestion.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

from crmcanvas.i18n import DEFAULT_LANG, Text

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# code -> default severity
CODES: dict[str, Severity] = {
    "missing_tab": "error",
    "missing_column": "error",
    "missing_id": "warning",
    "duplicate_id": "error",
    "unresolved_reference": "warning",
    "formula_error": "error",
    "invalid_value": "warning",
    "no_id_column": "info",
    "story_unparsed": "info",
    "near_duplicate": "warning",
    "header_inferred": "info",
    "header_too_deep": "error",
    "cell_too_long": "warning",
    "near_duplicate_capped": "info",
    "self_exchange": "warning",
    "example_row": "info",
}


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    code: str
    tab: str | None
    row: int | None
    column: str | None
    value: str | None
    message: str
    suggestion: str | None = None
    fix: str | None = None  # the value that would correct the cell (tab, row, column), when there is one

    def to_dict(self) -> dict:
        return asdict(self)


def finding(
    code: str,
    message: Text | str,
    *,
    lang: str = DEFAULT_LANG,
    tab: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    suggestion: Text | str | None = None,
    severity: Severity | None = None,
    fix: str | None = None,
) -> Finding:
    """Build a finding with the code's default severity unless one is given.

    ``message`` and ``suggestion`` are catalogue texts (:func:`crmcanvas.i18n.msg`),
    rendered here in ``lang``: a canvas is built for one language (the setting).
    """
    return Finding(
        severity=severity or CODES.get(code, "warning"),
        code=code,
        tab=tab,
        row=row,
        column=column,
        value=None if value is None else str(value),
        message=message.render(lang) if isinstance(message, Text) else message,
        suggestion=suggestion.render(lang) if isinstance(suggestion, Text) else suggestion,
        fix=fix,
    )


def sort_findings(items: list[Finding]) -> list[Finding]:
    return sorted(items, key=lambda f: (SEVERITY_ORDER[f.severity], f.tab or "", f.row or 0, f.code))


def count_by_severity(items: list[Finding]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for item in items:
        counts[item.severity] += 1
    return counts
