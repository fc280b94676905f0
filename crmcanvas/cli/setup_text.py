"""What ``crmcanvas init`` prints: the source, each change (done or planned), what was left alone, the read-back."""

from __future__ import annotations

from crmcanvas.i18n import t
from crmcanvas.setup import SetupResult


def format_init_text(result: SetupResult, source: str, lang: str, *, dry_run: bool, new_source: str | None = None) -> str:
    """The report of one ``init`` run; ``new_source``: a sheet named on the command line, to put in the configuration."""
    plan = result.plan
    lines = [t("cli.text.source", lang, source=source)]
    if plan.empty:
        lines.append(t("cli.init.nothing", lang))
    else:
        heading = "cli.init.planned" if dry_run else ("cli.init.applied" if result.applied else "cli.init.not_applied")
        lines.append(t(heading, lang, count=len(plan.steps)))
        lines += [t("cli.init.step_line", lang, text=line) for line in plan.lines(lang)]
    notes = plan.note_lines(lang)
    if notes:
        lines.append(t("cli.init.kept", lang))
        lines += [t("cli.init.note_line", lang, text=note) for note in notes]
    if dry_run and not plan.empty:
        lines.append(t("cli.init.dry_run_done", lang))
    if result.unconfirmed:
        lines.append(t("cli.init.unconfirmed", lang))
    if result.read_back_error is not None:
        reason = result.read_back_error
        text = reason.render(lang, context="cli")[0] if hasattr(reason, "render") else str(reason)
        lines.append(t("cli.init.read_back_failed", lang, reason=text))
    elif result.remaining is not None:
        if result.remaining.empty:
            lines.append(t("cli.init.verified", lang))
        else:
            lines.append(t("cli.init.remaining", lang, count=len(result.remaining.steps)))
            lines += [t("cli.init.step_line", lang, text=line) for line in result.remaining.lines(lang)]
            lines.append(t("cli.init.run_again", lang))
    if new_source and not dry_run and result.complete:
        lines.append(t("cli.init.next_source", lang, spec=new_source))
    return "\n".join(lines)


__all__ = ["format_init_text"]
