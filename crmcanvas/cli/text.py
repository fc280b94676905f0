"""Terminal layout of the CLI's text output: findings, metrics and gaps as plain tables (French)."""

from __future__ import annotations

import textwrap

from crmcanvas.analysis.gaps import GAPS
from crmcanvas.analysis.metrics import METRIC_LABELS
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.findings import sort_findings
from crmcanvas.core.text import shorten

SEVERITY_FR = {"error": "ERREUR", "warning": "ATTENTION", "info": "INFO"}


def format_check_text(canvas: Canvas, payload: dict) -> str:
    sev = canvas.severity_counts
    lines = [
        f"Source : {canvas.source}",
        "Lignes : " + " · ".join(f"{tab} {n}" for tab, n in canvas.counts.items()),
        f"Constats : {sev['error']} erreur(s), {sev['warning']} avertissement(s), {sev['info']} info(s)",
        "",
    ]
    findings = sort_findings(canvas.findings)
    if findings:
        lines.append(f"{'SÉVÉRITÉ':<10} {'CODE':<22} {'ONGLET':<14} {'LIGNE':>5}  MESSAGE")
        for f in findings:
            lines.append(f"{SEVERITY_FR[f.severity]:<10} {f.code:<22} {(f.tab or '-')[:14]:<14} {f.row or '-':>5}  {f.message}")
            if f.suggestion:
                lines.extend(textwrap.wrap(f.suggestion, 110, initial_indent=" " * 56 + "→ ", subsequent_indent=" " * 58))
    else:
        lines.append("Aucun constat : le canevas est propre.")
    extra = format_report_text(payload)
    if extra:
        lines += ["", extra]
    return "\n".join(lines)




def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f} %".replace(".", ",")
    return str(value)


def format_report_text(report: dict) -> str:
    """Metrics, per-stake coverage and gaps as plain-text tables (French)."""
    metrics = report.get("metrics") or {}
    gaps = report.get("gaps") or {}
    lines: list[str] = []
    if metrics:
        lines += ["INDICATEURS", f"{'Indicateur':<56} {'Valeur':>10}"]
        for key, label in METRIC_LABELS.items():
            if key in metrics:
                lines.append(f"{label:<56} {_fmt(metrics[key]):>10}")
        coverage = metrics.get("couverture_par_enjeu") or []
        if coverage:
            lines += ["", "COUVERTURE PAR ENJEU (pondérée MoSCoW : must 4, should 2, could 1, non renseignée 1)",
                      f"{'ID':<8} {'Enjeu':<44} {'Must':>5} {'Should':>6} {'Could':>5} {'N.R.':>5} {'Total':>5} {'Score':>6} {'Part':>8}"]
            for row in coverage:
                lines.append(
                    f"{shorten(row['id'], 8):<8} {shorten(row['label'], 44):<44} {row['must']:>5} {row['should']:>6} {row['could']:>5} "
                    f"{row['sans_priorite']:>5} {row['besoins']:>5} {row['score']:>6} {_fmt(float(row['part_pct'])):>8}"
                )
    if gaps:
        total = sum(len(v) for v in gaps.values())
        lines += ["", f"TROUS DU CANEVAS ({total} élément(s))", f"{'Trou':<52} {'Nombre':>6}  Éléments"]
        for name, items in gaps.items():
            title = GAPS.get(name, (name, ""))[0]
            listed = ", ".join(item["id"] for item in items[:12]) + (" …" if len(items) > 12 else "")
            lines.append(f"{shorten(title, 52):<52} {len(items):>6}  {listed}")
        for name, items in gaps.items():
            if not items:
                continue
            title, todo = GAPS.get(name, (name, ""))
            lines += ["", f"{title} ({len(items)})"]
            width = min(24, max(len(item["id"]) for item in items))
            lines += [f"  {shorten(item['id'], width):<{width}}  {shorten(item['label'], 108 - width)}" for item in items]
            if todo:
                lines += textwrap.wrap(todo, 110, initial_indent="  → ", subsequent_indent="    ")
    return "\n".join(lines)
