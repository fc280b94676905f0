"""Cross-reference analysis: the entry points the pipeline, the CLI and the pages call.

- :func:`extra_findings` — findings that need the whole canvas: needs not
  written as user stories (info) and near-duplicate needs (warning). The
  pipeline appends them to ``canvas.findings``.
- :func:`report` — ``{"metrics": {...}, "gaps": {name: [{"id", "label"}]}}``,
  what ``crmcanvas check --format json`` adds; :func:`format_report_text`
  prints it as tables for the text format.
- :func:`analyze` — everything a dashboard shows (gaps, metrics, per-stake
  coverage, matrices, Sankey table) in one pass, for caching.

The work itself lives in small modules: :mod:`crmcanvas.stories`,
:mod:`crmcanvas.duplicates`, :mod:`crmcanvas.gaps`, :mod:`crmcanvas.metrics`,
:mod:`crmcanvas.traceability`; figures in :mod:`crmcanvas.charts`.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pandas as pd

from crmcanvas.canvas import ROW, Canvas
from crmcanvas.config import Settings
from crmcanvas.duplicates import DuplicatePair, find_near_duplicates
from crmcanvas.facts import facts_of
from crmcanvas.findings import Finding, finding
from crmcanvas.gaps import GAPS, Item, active_needs, find_gaps
from crmcanvas.metrics import METRIC_LABELS, compute_metrics, stake_coverage
from crmcanvas.stories import parse_story
from crmcanvas.text import shorten
from crmcanvas.traceability import SankeyTable, all_matrices, sankey_table

STORY_FORM = "« En tant que [rôle], je souhaite [ceci] de sorte que [cela] »"


@dataclass(frozen=True)
class Analysis:
    gaps: dict[str, list[Item]]
    metrics: dict[str, object]
    coverage: pd.DataFrame  # per stake, see metrics.stake_coverage
    matrices: dict[str, pd.DataFrame]
    sankey: SankeyTable


def analyze(canvas: Canvas, settings: Settings | None = None, *, group_by: str = "priorite", top_n: int = 15) -> Analysis:
    """Gaps, metrics, coverage, matrices and the Sankey table of a loaded canvas."""
    settings = settings or Settings()
    facts = facts_of(canvas)
    gaps = find_gaps(canvas, settings, facts)
    coverage = stake_coverage(canvas, facts)
    return Analysis(
        gaps=gaps,
        metrics=compute_metrics(canvas, gaps, facts, coverage),
        coverage=coverage,
        matrices=all_matrices(canvas, facts),
        sankey=sankey_table(canvas, group_by=group_by, top_n=top_n, facts=facts),
    )


def _title(canvas: Canvas, tab: str) -> str:
    return canvas.tab_titles.get(tab, tab)


def unparsed_story_findings(canvas: Canvas) -> list[Finding]:
    """One info per need whose text is not a user story (a role cannot be read from it)."""
    needs = canvas.frames["besoins"]
    header = canvas.headers.get("besoins", {}).get("besoin", "Besoin")
    role_header = canvas.headers.get("besoins", {}).get("role", "Rôle")
    out = []
    for rid, text, row, role in zip(needs["id"], needs["besoin"], needs[ROW], needs["role"], strict=True):
        if not text.strip() or parse_story(text) is not None:
            continue
        no_role = not role.strip()
        hint = f", ou renseignez la colonne « {role_header} »" if no_role else ""
        out.append(finding(
            "story_unparsed",
            f"Le besoin {rid} (ligne {row}) n'est pas écrit comme une user story"
            + (" : son rôle ne peut pas en être déduit." if no_role else "."),
            tab=_title(canvas, "besoins"), row=int(row), column=header, value=shorten(text, 80),
            suggestion=f"Reformulez-le {STORY_FORM}{hint}.",
        ))
    return out


def near_duplicate_pairs(canvas: Canvas, settings: Settings | None = None) -> list[DuplicatePair]:
    """Pairs of active needs whose texts are almost the same (threshold from the settings)."""
    settings = settings or Settings()
    needs = canvas.frames["besoins"]
    active = set(active_needs(canvas)["id"])
    pairs = [(rid, text) for rid, text in zip(needs["id"].tolist(), needs["besoin"].tolist(), strict=True) if rid in active]
    return find_near_duplicates([p[0] for p in pairs], [p[1] for p in pairs], settings.near_duplicate_threshold)


def near_duplicate_findings(canvas: Canvas, settings: Settings | None = None) -> list[Finding]:
    needs = canvas.frames["besoins"]
    rows = dict(zip(needs["id"], needs[ROW], strict=True))
    header = canvas.headers.get("besoins", {}).get("besoin", "Besoin")
    out = []
    for pair in near_duplicate_pairs(canvas, settings):
        out.append(finding(
            "near_duplicate",
            f"Les besoins {pair.first} (ligne {rows[pair.first]}) et {pair.second} (ligne {rows[pair.second]}) "
            f"sont presque identiques (similarité {pair.score:.0f} %).",
            tab=_title(canvas, "besoins"), row=int(rows[pair.second]), column=header, value=f"{pair.first} / {pair.second}",
            suggestion=f"S'il s'agit du même besoin, fusionnez-les (gardez {pair.first}) ; sinon, précisez ce qui les distingue.",
        ))
    return out


def extra_findings(canvas: Canvas, settings: Settings) -> list[Finding]:
    """Findings that need the whole canvas (unparsed stories, near-duplicate needs)."""
    return unparsed_story_findings(canvas) + near_duplicate_findings(canvas, settings)


def report(canvas: Canvas, settings: Settings) -> dict:
    """What `crmcanvas check --format json` adds: metrics and gaps."""
    facts = facts_of(canvas)
    gaps = find_gaps(canvas, settings, facts)
    return {"metrics": compute_metrics(canvas, gaps, facts), "gaps": gaps}


# ---------------------------------------------------------------- text output


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
