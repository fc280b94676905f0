"""Terminal layout of the CLI's text output: findings, metrics and gaps as plain tables (French)."""

from __future__ import annotations

import textwrap

from crmcanvas.analysis import registry
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.findings import sort_findings
from crmcanvas.core.text import shorten
from crmcanvas.i18n import DEFAULT_LANG, t

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


def format_report_text(report: dict, lang: str = DEFAULT_LANG) -> str:
    """Metrics, per-stake coverage and gaps as plain-text tables; titles, labels and advice from the registry."""
    metrics = report.get("metrics") or {}
    gaps = report.get("gaps") or {}

    def value(v: object) -> str:
        if v is None:
            return "—"
        if isinstance(v, float):
            return f"{v:.1f} %".replace(".", "," if lang == "fr" else ".")
        return str(v)

    def gap_words(code: str) -> tuple[str, str]:
        try:
            entry = registry.gap(code)
        except KeyError:  # a gap this version does not know: its code, no advice
            return code, ""
        return entry.title(lang), entry.advice(lang)

    lines: list[str] = []
    if metrics:
        lines += [t("analysis.report.metrics", lang), f"{t('analysis.report.metric', lang):<56} {t('analysis.report.value', lang):>10}"]
        for entry in registry.metrics():
            if entry.unit != "table" and entry.code in metrics:
                lines.append(f"{shorten(entry.label(lang), 56):<56} {value(metrics[entry.code]):>10}")
        coverage = metrics.get("couverture_par_enjeu") or []
        if coverage:
            heads = [t(f"analysis.report.{k}", lang) for k in ("stake", "unset", "total", "score", "share")]
            lines += ["", t("analysis.report.coverage", lang),
                      f"{'ID':<8} {heads[0]:<44} {'Must':>5} {'Should':>6} {'Could':>5} {heads[1]:>5} {heads[2]:>5} {heads[3]:>6} {heads[4]:>8}"]
            for row in coverage:
                lines.append(
                    f"{shorten(row['id'], 8):<8} {shorten(row['label'], 44):<44} {row['must']:>5} {row['should']:>6} {row['could']:>5} "
                    f"{row['sans_priorite']:>5} {row['besoins']:>5} {row['score']:>6} {value(float(row['part_pct'])):>8}"
                )
    if gaps:
        total = sum(len(v) for v in gaps.values())
        lines += ["", t("analysis.report.gaps", lang, count=total),
                  f"{t('analysis.report.gap', lang):<52} {t('analysis.report.count', lang):>6}  {t('analysis.report.items', lang)}"]
        for code, items in gaps.items():
            listed = ", ".join(item["id"] for item in items[:12]) + (" …" if len(items) > 12 else "")
            lines.append(f"{shorten(gap_words(code)[0], 52):<52} {len(items):>6}  {listed}")
        for code, items in gaps.items():
            if not items:
                continue
            title, advice = gap_words(code)
            lines += ["", f"{title} ({len(items)})"]
            width = min(24, max(len(item["id"]) for item in items))
            lines += [f"  {shorten(item['id'], width):<{width}}  {shorten(item['label'], 108 - width)}" for item in items]
            if advice:
                lines += textwrap.wrap(advice, 110, initial_indent="  → ", subsequent_indent="    ")
    return "\n".join(lines)
