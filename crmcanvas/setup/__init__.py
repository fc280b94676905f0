"""Starting a canvas right: a blank template, and ``crmcanvas init`` on a sheet that already exists.

* :mod:`.rules` — which columns get a drop-down, and which values (from the schema only);
* :mod:`.plan` — what a sheet lacks, as additive steps (pure: no I/O);
* :mod:`.guide` — the « Mode d'emploi » tab, the example rows, column widths (words from
  ``crmcanvas/i18n/setup.toml``);
* :mod:`.template` — ``crmcanvas template``: a new ``.xlsx`` built by the same plan.

The sources apply a plan: :mod:`crmcanvas.sources.workbook_setup` (openpyxl,
through the workbook's lock, re-read and atomic save) and
:mod:`crmcanvas.sources.gsheets_setup` (one ``batchUpdate``). Both answer with a
:class:`SetupResult`.
"""

from __future__ import annotations

from dataclasses import dataclass

from crmcanvas.setup.plan import Plan


@dataclass
class SetupResult:
    """What ``init`` did (or, with ``dry_run``, would do) to a source."""

    plan: Plan  # the steps planned from the sheet as it was read
    applied: bool  # False for a dry run, or when there was nothing to do
    remaining: Plan | None = None  # the plan made again from the sheet read back after writing: empty when all landed
    unconfirmed: bool = False  # Google did not confirm the write; ``remaining`` says what landed
    read_back_error: Exception | None = None  # written, but the read-back failed: not verified

    @property
    def complete(self) -> bool:
        """Nothing left to do: the read-back planned nothing (or there was no write to check)."""
        return self.read_back_error is None and (self.remaining is None or self.remaining.empty)


__all__ = ["SetupResult"]
