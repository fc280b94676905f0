"""``crmcanvas`` command line: thin commands over the library.

Exit codes of ``check``: 0 no error-severity finding, 1 at least one, 2 the
source (or the configuration) cannot be read — the reason goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from crmcanvas import analysis
from crmcanvas.build.pipeline import build_canvas
from crmcanvas.cli.text import format_check_text
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import ConfigError, Settings, load_settings
from crmcanvas.core.findings import sort_findings
from crmcanvas.sources import open_source
from crmcanvas.sources.base import SourceError


def _fail(message: str, suggestion: str | None = None) -> int:
    print(f"crmcanvas : {message}", file=sys.stderr)
    if suggestion:
        print(f"  → {suggestion}", file=sys.stderr)
    return 2


def check_payload(canvas: Canvas, settings: Settings) -> dict:
    """The JSON object of ``crmcanvas check --format json``."""
    return {
        "source": canvas.source,
        "version": canvas.version,
        "counts": canvas.counts,
        "findings": [f.to_dict() for f in sort_findings(canvas.findings)],
        **analysis.report(canvas, settings),
    }


def cmd_check(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config)
        source = open_source(args.source, settings)
        canvas = build_canvas(source, settings)
    except ConfigError as exc:
        return _fail(str(exc), "Corrigez la clé indiquée dans config/canvas.toml ou la variable CRMCANVAS_… correspondante.")
    except SourceError as exc:
        return _fail(exc.message, exc.suggestion)
    payload = check_payload(canvas, settings)
    if args.format == "json":
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(format_check_text(canvas, payload))
    return 1 if canvas.has_errors else 0


def cmd_demo(args: argparse.Namespace) -> int:
    from crmcanvas.demo import write_demo_workbook

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        return _fail(f"« {out} » : le fichier de sortie doit finir par .xlsx.")
    try:
        write_demo_workbook(out)
    except OSError as exc:
        return _fail(f"impossible d'écrire « {out} » : {exc.strerror or exc}.")
    print(f"Canevas de démonstration écrit dans {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmcanvas", description="Tableau de bord du Canevas Systémique d'un projet CRM.")
    parser.add_argument("--config", help="fichier de configuration (défaut : config/canvas.toml)")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="lit le canevas et liste les constats (erreurs, avertissements)")
    check.add_argument("source", nargs="?", help="classeur .xlsx ou URL de Google Sheet (défaut : configuration, sinon démo)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(func=cmd_check)

    demo = sub.add_parser("demo", help="écrit le canevas de démonstration dans un classeur .xlsx")
    demo.add_argument("--out", required=True, help="fichier .xlsx à écrire")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)

