"""The drop-down lists a canvas carries, decided from the schema and nowhere else.

* an **enum** column (MoSCoW priority, status, type, internal/external,
  involvement) gets a strict list of its value set's labels in the chosen
  language (:func:`choices`): the loader reads every label back as its code, so
  a value picked from a list never becomes an ``invalid_value`` finding;
* a **reference** column whose cell names one row of one tab (a need's role,
  who expressed it, a stake's owner, a data object's master application, a
  checklist row's owner) gets the target tab's ID column as a list-from-range,
  *warning only*: the list follows new rows, and a name typed freely is still
  accepted (the loader resolves names too);
* a reference column that holds lists (« E1, E3 ») or may point at two tabs
  (an owner is a role *or* a person) gets no list: a strict one would refuse
  what the loader accepts.

A rule found in a sheet is read into the same shapes, so "is it already set?"
is an equality test; anything else a person set is an :class:`OtherRule`,
which init keeps.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmcanvas.core.schema import ENUMS, Column, value_label


@dataclass(frozen=True)
class ListRule:
    """A drop-down of fixed values; ``strict``: other values are refused."""

    values: tuple[str, ...]
    strict: bool = True


@dataclass(frozen=True)
class RangeRule:
    """A drop-down of the values in one column of a tab, from ``first_row`` (0-based) down to the end."""

    title: str
    column: int  # 0-based
    first_row: int  # 0-based
    strict: bool = False


@dataclass(frozen=True)
class OtherRule:
    """A validation someone else set (a number range, a checkbox, a custom formula): never replaced."""

    kind: str  # the rule's type as the sheet names it ("CUSTOM_FORMULA", "decimal"…)


Rule = ListRule | RangeRule | OtherRule


def choices(enum: str, lang: str) -> tuple[str, ...]:
    """The labels a drop-down offers for a value set, in the schema's order ("Must (indispensable)", …)."""
    return tuple(value_label(code, lang) for code in ENUMS[enum])


def list_rule(column: Column, lang: str) -> ListRule | None:
    """The strict list an enum column gets, else None."""
    if column.kind == "enum" and column.enum:
        return ListRule(choices(column.enum, lang), strict=True)
    return None


def range_target(column: Column) -> str | None:
    """The tab whose IDs a one-reference-per-cell column offers as a list, else None."""
    if column.kind == "ref" and column.one_per_cell and len(column.targets) == 1:
        return column.targets[0]
    return None


__all__ = ["ListRule", "OtherRule", "RangeRule", "Rule", "choices", "list_rule", "range_target"]
