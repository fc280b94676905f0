"""``crmcanvas`` command line: thin commands over the library.

``template`` writes a blank canvas workbook; ``init`` gives an existing sheet
what it lacks (see :mod:`crmcanvas.setup`).

Every command resolves settings, secrets and source with
:func:`crmcanvas.core.config.resolve`, the function the dashboard uses, so
``crmcanvas check`` in the dashboard's folder reads the dashboard's sheet. It
speaks the configured ``language``; its words come from ``crmcanvas/i18n/cli.toml``.
Exit codes are listed in :mod:`crmcanvas.cli.terminal` (0, 1 errors found —
by ``check`` and ``snapshot`` — or, for ``init``, changes still missing after
the write, 2 cannot run, 130 Ctrl-C, 141 output closed).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmcanvas.cli.terminal import (
    EXIT_FAILED,
    EXIT_FINDINGS,
    EXIT_OK,
    emit,
    fail,
    guarded,
    load_libraries_deaf_to_ctrl_c,
    say_error,
)
from crmcanvas.core.config import (
    ENV_PREFIX,
    ConfigError,
    Resolved,
    Settings,
    config_file,
    is_printable,
    printable,
    resolve,
)
from crmcanvas.i18n import DEFAULT_LANG, LANGUAGES, t

if TYPE_CHECKING:
    from crmcanvas.core.canvas import Canvas
    from crmcanvas.core.config import Resolved
    from crmcanvas.sources.base import SourceError

COMMANDS = ("check", "demo", "template", "init", "snapshot", "diff")


_EXISTS_HINT = {"demo": "cli.demo.exists_hint", "template": "cli.template.exists_hint"}  # the command that would overwrite


def check_payload(canvas: Canvas, settings: Settings) -> dict:
    """The JSON object of ``crmcanvas check --format json``."""
    from crmcanvas import analysis
    from crmcanvas.core.findings import sort_findings

    return {
        "source": canvas.source,
        "version": canvas.version,
        "counts": canvas.counts,
        "findings": [f.to_dict() for f in sort_findings(canvas.findings)],
        **analysis.report(canvas, settings),
    }


def _config_failure(exc: ConfigError, lang: str) -> int:
    message, hint = exc.render(exc.lang or lang, context="cli")
    return fail(exc.lang or lang, message, hint)


def _resolve(args: argparse.Namespace, lang: str) -> Resolved | int:
    """The command's settings and source, or its exit code once the configuration error is said."""
    try:
        return resolve(args.config, source=getattr(args, "source", None))
    except ConfigError as exc:
        return _config_failure(exc, lang)


def cmd_check(args: argparse.Namespace, lang: str) -> int:
    from crmcanvas.build.pipeline import build_canvas
    from crmcanvas.cli.text import format_check_text
    from crmcanvas.sources import SourceError, SpecError, open_source

    resolved = _resolve(args, lang)
    if isinstance(resolved, int):
        return resolved
    settings = resolved.settings
    lang = settings.language
    try:
        canvas = build_canvas(open_source(resolved), settings)
    except SourceError as exc:
        message, hint = exc.render(lang, context="cli")
        details = []
        if not isinstance(exc, SpecError) and not resolved.is_demo:
            details.append(t("cli.source_line", lang, spec=printable(resolved.spec), origin=resolved.origin_text()))
        return fail(lang, message, hint, *details)
    payload = check_payload(canvas, settings)
    if args.format == "json":
        emit(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        emit(format_check_text(canvas, payload, lang))
    return EXIT_FINDINGS if canvas.has_errors else EXIT_OK


def _output_refused(args: argparse.Namespace, lang: str, command: str) -> int | None:
    """Why ``--out`` cannot be written (not UTF-8, not .xlsx, exists without --force), as an exit code; else None."""
    if not is_printable(args.out):
        return fail(lang, t("cli.name_not_utf8", lang, path=printable(args.out)), t("cli.name_not_utf8_hint", lang))
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        return fail(lang, t("cli.demo.not_xlsx", lang, path=out))
    if (out.exists() or out.is_symlink()) and not args.force:
        return fail(lang, t("cli.demo.exists", lang, path=out),
                    t(_EXISTS_HINT[command], lang, path=shlex.quote(str(out))))
    return None


def cmd_demo(args: argparse.Namespace, lang: str) -> int:
    refused = _output_refused(args, lang, "demo")
    if refused is not None:
        return refused
    out = Path(args.out)
    from crmcanvas.demo import write_demo_workbook

    try:
        write_demo_workbook(out)
    except OSError as exc:
        return fail(lang, t("cli.demo.write_failed", lang, path=out, reason=exc.strerror or exc))
    emit(t("cli.demo.written", lang, path=out))
    return EXIT_OK


def cmd_template(args: argparse.Namespace, lang: str) -> int:
    try:
        settings = resolve(args.config).settings
    except ConfigError as exc:
        return _config_failure(exc, lang)
    lang = settings.language
    refused = _output_refused(args, lang, "template")
    if refused is not None:
        return refused
    out = Path(args.out)
    from crmcanvas.setup.template import write_template

    try:
        write_template(out, settings, args.lang or lang)
    except OSError as exc:
        return fail(lang, t("cli.demo.write_failed", lang, path=out, reason=exc.strerror or exc))
    emit(t("cli.template.written", lang, path=out))
    emit(t("cli.template.next", lang, path=shlex.quote(str(out))))
    return EXIT_OK


def cmd_init(args: argparse.Namespace, lang: str) -> int:
    from crmcanvas.cli.setup_text import format_init_text
    from crmcanvas.sources import SourceError, SpecError, open_source

    resolved = _resolve(args, lang)
    if isinstance(resolved, int):
        return resolved
    settings = resolved.settings
    lang = settings.language
    if resolved.is_demo:
        return fail(lang, t("cli.init.demo_refused", lang), t("cli.init.demo_refused_hint", lang))
    protect = bool(args.protect_ids or settings.protect_ids)
    try:
        source = open_source(resolved)
        result = _init(source, settings, dry_run=args.dry_run, protect_ids=protect)
    except SourceError as exc:
        message, hint = exc.render(lang, context="cli")
        details = [] if isinstance(exc, SpecError) else [
            t("cli.source_line", lang, spec=printable(resolved.spec), origin=resolved.origin_text())]
        return fail(lang, message, hint, *details)
    if result is None:
        return fail(lang, t("cli.init.not_writable", lang, source=source.description))
    emit(format_init_text(result, source.description, lang, dry_run=args.dry_run,
                          new_source=resolved.spec if resolved.origin == "argument" and not resolved.is_demo else None))
    return EXIT_OK if result.complete else EXIT_FINDINGS


def _init(source: object, settings: Settings, *, dry_run: bool, protect_ids: bool):  # noqa: ANN202 - SetupResult | None
    """Run init on a Google Sheet or a workbook; None for a source it cannot change."""
    from crmcanvas.sources.gsheets import GoogleSheetSource
    from crmcanvas.sources.workbook import WorkbookSource

    if isinstance(source, GoogleSheetSource):
        from crmcanvas.sources.gsheets_setup import init_google

        return init_google(source, settings, dry_run=dry_run, protect_ids=protect_ids)
    if isinstance(source, WorkbookSource):
        from crmcanvas.sources.workbook_setup import init_workbook

        return init_workbook(source.path, settings, dry_run=dry_run, protect_ids=protect_ids,
                             lock_timeout=source.lock_timeout)
    return None


# ---------------------------------------------------------------------- snapshot and diff


def _source_failure(exc: SourceError, resolved: Resolved, lang: str) -> int:
    """A source that cannot be read: the reason, what to do, and where the source came from."""
    from crmcanvas.sources import SpecError

    message, hint = exc.render(lang, context="cli")
    details = []
    if not isinstance(exc, SpecError) and not resolved.is_demo:
        details.append(t("cli.source_line", lang, spec=printable(resolved.spec), origin=resolved.origin_text()))
    return fail(lang, message, hint, *details)


def cmd_snapshot(args: argparse.Namespace, lang: str) -> int:
    """Write this week's snapshot; a source that cannot be read writes nothing (2), a canvas with errors is
    written and exits 1, as ``check`` does."""
    from crmcanvas import analysis
    from crmcanvas.build.pipeline import build_canvas
    from crmcanvas.cli.text import format_snapshot_text
    from crmcanvas.reports.history import record_in_tab
    from crmcanvas.reports.snapshots import manifest_of, take_snapshot
    from crmcanvas.sources import SourceError, is_writable, open_source

    if args.out is not None and not is_printable(args.out):
        return fail(lang, t("cli.name_not_utf8", lang, path=printable(args.out)), t("cli.name_not_utf8_hint", lang))
    resolved = _resolve(args, lang)
    if isinstance(resolved, int):
        return resolved
    settings = resolved.settings
    lang = settings.language
    out = Path(args.out if args.out is not None else settings.snapshot_dir)
    try:
        source = open_source(resolved)
        canvas = build_canvas(source, settings)
    except SourceError as exc:
        return _source_failure(exc, resolved, lang)
    try:
        written, files = take_snapshot(canvas, analysis.analyze(canvas, settings), resolved, out, keep=args.keep)
    except OSError as exc:
        return fail(lang, t("cli.snapshot.write_failed", lang, path=printable(out), reason=exc.strerror or type(exc).__name__),
                    t("cli.snapshot.write_failed_hint", lang))
    manifest = manifest_of(files)
    emit(format_snapshot_text(written.path, written.replaced, manifest, lang))
    if settings.history_write and settings.history_tab:
        if not is_writable(source):
            say_error(t("cli.snapshot.history_read_only", lang, tab=settings.history_tab))
        else:
            try:
                created = record_in_tab(source, settings, manifest)
            except SourceError as exc:
                message, hint = exc.render(lang, context="cli")
                return fail(lang, t("cli.snapshot.history_failed", lang, tab=settings.history_tab, reason=message), hint)
            emit(t("cli.snapshot.history_created" if created else "cli.snapshot.history_appended", lang, tab=settings.history_tab))
    return EXIT_FINDINGS if canvas.has_errors else EXIT_OK


def cmd_diff(args: argparse.Namespace, lang: str) -> int:
    """What changed between two snapshots, or a snapshot and the live canvas (exit 0 whether or not anything did)."""
    from crmcanvas.cli.text import format_diff_text
    from crmcanvas.reports.diff import LIVE, diff, diff_payload, open_side
    from crmcanvas.reports.snapshot_read import SnapshotError
    from crmcanvas.sources import SourceError

    resolved = _resolve(args, lang)
    if isinstance(resolved, int):
        return resolved
    lang = resolved.settings.language
    sides = []
    for name in (args.before, args.after):
        if not is_printable(name):
            return fail(lang, t("cli.name_not_utf8", lang, path=printable(name)), t("cli.name_not_utf8_hint", lang))
        try:
            sides.append(open_side(name, resolved, config=args.config))
        except ConfigError as exc:
            return _config_failure(exc, lang)
        except SnapshotError as exc:
            return fail(lang, *exc.render(lang, context="cli"))
        except SourceError as exc:  # a live side: say where its source came from
            return _source_failure(exc, resolved if name == LIVE else resolve(args.config, source=name), lang)
    before, after = sides
    for side in sides:
        for warning in side.warnings:
            say_error(t("cli.diff.warning", lang, name=printable(side.name), warning=warning.render(lang, context="cli")))
    changes = diff(before, after)
    if args.format == "json":
        emit(json.dumps(diff_payload(before, after, changes), ensure_ascii=False, indent=2, default=str))
    else:
        emit(format_diff_text(changes, before, after, lang))
    return EXIT_OK


def _add_snapshot_commands(sub: Any, lang: str) -> None:
    snapshot = sub.add_parser("snapshot", help=t("cli.snapshot.help", lang), description=t("cli.snapshot.description", lang),
                              lang=lang)
    snapshot.add_argument("source", nargs="?", metavar="SOURCE", help=t("cli.check.source", lang))
    snapshot.add_argument("--out", metavar="DIR", help=t("cli.snapshot.out", lang))
    snapshot.add_argument("--keep", action="store_true", help=t("cli.snapshot.keep", lang))
    snapshot.set_defaults(func=cmd_snapshot)

    diff = sub.add_parser("diff", help=t("cli.diff.help", lang), description=t("cli.diff.description", lang), lang=lang)
    diff.add_argument("before", metavar="A", help=t("cli.diff.before", lang))
    diff.add_argument("after", metavar="B", help=t("cli.diff.after", lang))
    diff.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.diff.format", lang))
    diff.set_defaults(func=cmd_diff)

# ---------------------------------------------------------------------- parser in the reader's language


# ---------------------------------------------------------------------- parser in the reader's language


@cache
def _formatter(lang: str) -> type[argparse.HelpFormatter]:
    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            super().add_usage(usage, actions, groups, t("cli.usage", lang) if prefix is None else prefix)

        def start_section(self, heading: str | None) -> None:  # argparse adds the colon; French puts a space before it
            super().start_section(t("cli.section", lang, title=heading) if heading else heading)

    return Formatter


class _Parser(argparse.ArgumentParser):
    """argparse speaking the catalogue's words (section titles, -h, errors)."""

    def __init__(self, *args: Any, lang: str = DEFAULT_LANG, **kwargs: Any):
        self.lang = lang
        kwargs.setdefault("formatter_class", _formatter(lang))
        kwargs["add_help"] = False  # our own -h, with the catalogue's words
        super().__init__(*args, **kwargs)
        self._positionals.title = t("cli.positionals", lang)
        self._optionals.title = t("cli.optionals", lang)
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.help_option", lang))

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILED, t("cli.error_line", self.lang, message=t("cli.usage_error", self.lang, detail=message)) + "\n")


def build_parser(lang: str = DEFAULT_LANG) -> argparse.ArgumentParser:
    parser = _Parser(prog="crmcanvas", description=t("cli.description", lang), epilog=t("cli.epilog", lang), lang=lang)
    parser.add_argument("--config", metavar="FILE", help=t("cli.config_option", lang))
    sub = parser.add_subparsers(dest="command", title=t("cli.commands", lang), metavar="{" + ",".join(COMMANDS) + "}")

    check = sub.add_parser("check", help=t("cli.check.help", lang), description=t("cli.check.help", lang), lang=lang)
    check.add_argument("source", nargs="?", metavar="SOURCE", help=t("cli.check.source", lang))
    check.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.check.format", lang))
    check.set_defaults(func=cmd_check)

    demo = sub.add_parser("demo", help=t("cli.demo.help", lang), description=t("cli.demo.help", lang), lang=lang)
    demo.add_argument("--out", required=True, metavar="FILE", help=t("cli.demo.out", lang))
    demo.add_argument("--force", action="store_true", help=t("cli.demo.force", lang))
    demo.set_defaults(func=cmd_demo)

    template = sub.add_parser("template", help=t("cli.template.help", lang), description=t("cli.template.help", lang),
                              lang=lang)
    template.add_argument("--out", required=True, metavar="FILE", help=t("cli.demo.out", lang))
    template.add_argument("--lang", choices=LANGUAGES, help=t("cli.template.lang", lang))
    template.add_argument("--force", action="store_true", help=t("cli.demo.force", lang))
    template.set_defaults(func=cmd_template)

    init = sub.add_parser("init", help=t("cli.init.help", lang), description=t("cli.init.description", lang), lang=lang)
    init.add_argument("source", nargs="?", metavar="SOURCE", help=t("cli.init.source", lang))
    init.add_argument("--dry-run", action="store_true", help=t("cli.init.dry_run", lang))
    init.add_argument("--protect-ids", action="store_true", help=t("cli.init.protect_ids", lang))
    init.set_defaults(func=cmd_init)

    _add_snapshot_commands(sub, lang)
    return parser


def _config_argument(argv: Sequence[str]) -> str | None:
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--config")
    return early.parse_known_args(argv)[0].config


def _language(config: str | None) -> str:
    """The language to speak before the command runs: the configuration's, else CRMCANVAS_LANGUAGE, else French."""
    try:
        return resolve(config).settings.language
    except ConfigError as exc:
        env = os.environ.get(ENV_PREFIX + "LANGUAGE")
        return exc.lang or (env if env in LANGUAGES else DEFAULT_LANG)


def _run(argv: Sequence[str], spoken: list[str]) -> int:
    config = _config_argument(argv)
    lang = spoken[0] = _language(config)
    parser = build_parser(lang)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already explained by the parser
        return exc.code if isinstance(exc.code, int) else EXIT_FAILED
    if args.command is None:
        parser.print_usage(sys.stderr)
        return fail(lang, t("cli.no_command", lang, commands=", ".join(COMMANDS)))
    if args.config:
        try:
            config_file(args.config, os.environ, Path.cwd())
        except ConfigError as exc:
            return _config_failure(exc, lang)
    load_libraries_deaf_to_ctrl_c()
    return args.func(args, lang)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crmcanvas`` script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    spoken: list[str] = [DEFAULT_LANG]
    return guarded(lambda: _run(argv, spoken), lambda: spoken[0])
