"""Terminal layout of the CLI's text output: findings, metrics and gaps as plain tables, in the reader's language.

Every heading comes from the catalogue (``cli.text.*``); gap titles and metric
labels come from the analysis registry.
"""

from __future__ import annotations

import textwrap
from typing import Any

from crmcanvas.analysis import registry
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.findings import sort_findings
from crmcanvas.core.text import shorten
from crmcanvas.i18n import DEFAULT_LANG, t


def _w(key: str, lang: str, **params: Any) -> str:
    return t(f"cli.text.{key}", lang, **params)


def format_check_text(canvas: Canvas, payload: dict, lang: str = DEFAULT_LANG) -> str:
    sev = canvas.severity_counts
    lines = [
        _w("source", lang, source=canvas.source),
        _w("rows", lang, counts=" · ".join(f"{tab} {n}" for tab, n in canvas.counts.items())),
        _w("findings", lang, errors=sev["error"], warnings=sev["warning"], infos=sev["info"]),
        "",
    ]
    findings = sort_findings(canvas.findings)
    if findings:
        col = {name: _w(f"col.{name}", lang) for name in ("severity", "code", "tab", "row", "message")}
        lines.append(f"{col['severity']:<10} {col['code']:<22} {col['tab']:<14} {col['row']:>5}  {col['message']}")
        severity = {name: _w(f"severity.{name}", lang) for name in ("error", "warning", "info")}
        for f in findings:
            lines.append(f"{severity[f.severity]:<10} {f.code:<22} {(f.tab or '-')[:14]:<14} {f.row or '-':>5}  {f.message}")
            if f.suggestion:
                lines.extend(textwrap.wrap(f.suggestion, 110, initial_indent=" " * 56 + "→ ", subsequent_indent=" " * 58))
    else:
        lines.append(_w("no_findings", lang))
    extra = format_report_text(payload, lang)
    if extra:
        lines += ["", extra]
    return "\n".join(lines)


def _fmt(value: object, lang: str = DEFAULT_LANG) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return _w("percent", lang, value=f"{value:.1f}".replace(".", _w("decimal_separator", lang)))
    return str(value)


def format_report_text(report: dict, lang: str = DEFAULT_LANG) -> str:
    """Metrics, per-stake coverage and gaps as plain-text tables; titles, labels and advice from the registry."""
    metrics = report.get("metrics") or {}
    gaps = report.get("gaps") or {}

    def gap_words(code: str) -> tuple[str, str]:
        try:
            entry = registry.gap(code)
        except KeyError:  # a gap this version does not know: its code, no advice
            return code, ""
        return entry.title(lang), entry.advice(lang)

    lines: list[str] = []
    col = {name: _w(f"col.{name}", lang) for name in (
        "metric", "value", "id", "stake", "must", "should", "could", "no_priority", "total", "score", "share", "gap", "count", "items")}
    if metrics:
        lines += [_w("metrics", lang), f"{col['metric']:<56} {col['value']:>10}"]
        for entry in registry.metrics():
            if entry.unit != "table" and entry.code in metrics:
                lines.append(f"{shorten(entry.label(lang), 56):<56} {_fmt(metrics[entry.code], lang):>10}")
        coverage = metrics.get("couverture_par_enjeu") or []
        if coverage:
            lines += ["", _w("coverage", lang),
                      f"{col['id']:<8} {col['stake']:<44} {col['must']:>5} {col['should']:>6} {col['could']:>5} {col['no_priority']:>5} "
                      f"{col['total']:>5} {col['score']:>6} {col['share']:>8}"]
            for row in coverage:
                lines.append(
                    f"{shorten(row['id'], 8):<8} {shorten(row['label'], 44):<44} {row['must']:>5} {row['should']:>6} {row['could']:>5} "
                    f"{row['sans_priorite']:>5} {row['besoins']:>5} {row['score']:>6} {_fmt(float(row['part_pct']), lang):>8}"
                )
    if gaps:
        total = sum(len(v) for v in gaps.values())
        lines += ["", _w("gaps", lang, total=total), f"{col['gap']:<52} {col['count']:>6}  {col['items']}"]
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
    readiness = format_readiness_text(report, lang)
    if readiness:
        lines += ["", readiness] if lines else [readiness]
    vendors = format_vendors_text(report, lang)
    if vendors:
        lines += ["", vendors] if lines else [vendors]
    return "\n".join(lines)


def format_readiness_text(report: dict, lang: str = DEFAULT_LANG) -> str:
    """The project's health (one line per signal: status, title, evidence) and the checklist's progress."""
    health = report.get("health") or {}
    lines: list[str] = []
    if health:
        counts = {status: sum(1 for r in health.values() if r["status"] == status) for status in registry.STATUSES}
        lines.append(t("readiness.cli.health", lang, ok=counts["ok"], watch=counts["a_surveiller"], missing=counts["manquant"]))
        width = max(len(t(f"readiness.status.{s}", lang)) for s in registry.STATUSES)
        for code, reading in health.items():
            try:
                title = registry.signal(code).title(lang)
            except KeyError:  # a signal this version does not know: its code
                title = code
            status = t(f"readiness.status.{reading['status']}", lang)
            lines.append(f"  {status:<{width}}  {shorten(title, 44):<44}  {reading['evidence']}")
    checklist = report.get("checklist")
    if checklist is not None:
        if lines:
            lines.append("")
        if not checklist.get("present"):
            lines.append(t("readiness.cli.no_checklist", lang))
        else:
            pct = _fmt(checklist["pct"], lang) if checklist.get("pct") is not None else "—"
            lines.append(t("readiness.cli.checklist", lang, done=checklist["done"], applicable=checklist["applicable"], pct=pct,
                           overdue=len(checklist["overdue"]), without_owner=len(checklist["without_owner"])))
    return "\n".join(lines)


# ---------------------------------------------------------------------- snapshot and diff

_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}


def _plain(text: object, width: int) -> str:
    """Sheet text for a terminal: on one line, cut to ``width``, control characters shown as \\x1b (never run)."""
    return shorten(str(text).translate(_CONTROLS | {ord(c): " " for c in "\t\n\r"}), width)


def _when(moment, lang: str) -> str:
    return moment.strftime(t("snapshots.datetime_format", lang))


def format_snapshot_text(path, replaced: bool, manifest: dict, lang: str = DEFAULT_LANG) -> str:
    """What ``crmcanvas snapshot`` prints: where the snapshot went, when, what it holds."""
    from datetime import datetime

    taken_at = datetime.fromisoformat(manifest["taken_at"])
    findings = manifest.get("findings") or {}
    lines = [
        _w("snapshot.replaced" if replaced else "snapshot.written", lang, week=manifest.get("week", ""), path=path),
        _w("snapshot.when", lang, source=manifest["source"]["description"], when=_when(taken_at, lang),
           zone=manifest.get("time_zone", "")),
        _w("rows", lang, counts=" · ".join(f"{tab} {n}" for tab, n in (manifest.get("counts") or {}).items())),
        _w("findings", lang, errors=findings.get("error", 0), warnings=findings.get("warning", 0), infos=findings.get("info", 0)),
        _w("snapshot.files", lang, files=", ".join(manifest.get("files") or {})),
    ]
    missing = [_w("snapshot.missing_tab", lang, tab=tab, title=_plain(info.get("title", tab), 40))
               for tab, info in (manifest.get("tabs") or {}).items() if info.get("missing")]
    if missing:
        lines.append(_w("snapshot.missing_tabs", lang, tabs=", ".join(missing)))
    return "\n".join(lines)


def _side_line(side, lang: str) -> str:
    if side.kind == "live":
        return _w("diff.live", lang, source=_plain(side.canvas.source, 100))
    return _w("diff.snapshot", lang, week=side.week or "", when=_when(side.taken_at, lang), path=side.location or side.name,
              source=_plain(side.canvas.source, 80))


def format_diff_text(changes, before, after, lang: str = DEFAULT_LANG) -> str:
    """``crmcanvas diff`` as plain text: per tab the rows added (+), removed (−), renamed (↻) and edited (✎) with
    each field old → new, then the metrics before → after."""
    from crmcanvas.core.schema import TABS
    from crmcanvas.reports.history import metric_label, metric_text

    lines = [_w("diff.before", lang, side=_side_line(before, lang)), _w("diff.after", lang, side=_side_line(after, lang)), ""]
    if changes.empty:
        lines.append(_w("diff.none", lang))
        return "\n".join(lines)
    for key, tc in changes.tabs.items():
        if tc.empty:
            continue
        tab = TABS[key].label_in(lang).upper()
        if tc.missing_after:
            lines += [_w("diff.tab_gone", lang, tab=tab, count=len(tc.removed)), ""]
            continue
        if tc.missing_before:
            lines += [_w("diff.tab_new", lang, tab=tab, count=len(tc.added)), ""]
            continue
        old_labels, new_labels = before.canvas.labels(key), after.canvas.labels(key)
        counts = [text for n, text in ((len(tc.added), f"+{len(tc.added)}"), (len(tc.removed), f"−{len(tc.removed)}"),
                                       (len(tc.renamed), _w("diff.renamed_count", lang, count=len(tc.renamed))),
                                       (len(tc.changed), _w("diff.edited_count", lang, count=len(tc.changed)))) if n]
        lines.append(_w("diff.tab", lang, tab=tab, counts=", ".join(counts)))
        width = max([len(x) for x in [*tc.added, *tc.removed, *(c.id for c in tc.changed)]] + [4])
        width = min(width, 16)
        for rid in tc.added:
            lines.append(f"  + {_plain(rid, width):<{width}}  {_plain(new_labels.get(rid, ''), 90)}".rstrip())
        for rid in tc.removed:
            lines.append(f"  − {_plain(rid, width):<{width}}  {_plain(old_labels.get(rid, ''), 90)}".rstrip())
        for old, new in tc.renamed:
            lines.append(f"  ↻ {_plain(old, 16)} → {_plain(new, 16)}  {_plain(new_labels.get(new, ''), 80)}".rstrip())
        for change in tc.changed:
            lines.append(f"  ✎ {_plain(change.id, width):<{width}}  {_plain(new_labels.get(change.id, ''), 90)}".rstrip())
            for column, (was, now) in change.fields.items():
                lines.append("      " + _w("diff.field", lang, column=_plain(column, 30), before=_plain(was, 50) or "∅",
                                               after=_plain(now, 50) or "∅"))
        lines.append("")
    if changes.metrics:
        lines.append(_w("diff.metrics", lang))
        for code, (was, now) in changes.metrics.items():
            lines.append(f"  {shorten(metric_label(code, lang), 56):<56} {metric_text(code, was, lang):>10} → {metric_text(code, now, lang)}")
    return "\n".join(lines).rstrip("\n")


# ---------------------------------------------------------------------- vendors and integrators


def format_vendors_text(report: dict, lang: str = DEFAULT_LANG) -> str:
    """The vendors' (and integrators') fit: per solution its score, the needs not evaluated, the Must needs not covered,
    then the formula in one sentence. Empty when the canvas has neither tab."""
    lines: list[str] = []
    for key, title in (("vendors", "vendors.cli.vendors"), ("integrators", "vendors.cli.integrators")):
        rows = report.get(key)
        if rows is None:
            continue
        if lines:
            lines.append("")
        lines += [t(title, lang), t("vendors.cli.header", lang, solution=t("vendors.cli.col_solution", lang),
                                    score=t("vendors.cli.col_score", lang), not_evaluated=t("vendors.cli.col_not_evaluated", lang),
                                    musts=t("vendors.cli.col_musts", lang))]
        for row in rows:
            score = "—" if row["score"] is None else f"{row['score']:.1f}".replace(".", _w("decimal_separator", lang))
            musts = ", ".join(row["musts_non_couverts"]) or "—"
            lines.append(t("vendors.cli.header", lang, solution=_plain(row["solution"], 32), score=score,
                           not_evaluated=row["non_evalues"], musts=musts))
    if lines:
        lines += textwrap.wrap(t("vendors.cli.formula", lang), 110, initial_indent="→ ", subsequent_indent="  ")
    return "\n".join(lines)
