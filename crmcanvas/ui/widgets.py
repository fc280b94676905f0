"""Reusable pieces of screen: feed banner, KPI rows, findings table, drill-down.

Every piece of sheet text drawn as Markdown goes through :func:`~crmcanvas.ui.escape.md`;
every word of ours comes from the catalogue in the reader's language.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from crmcanvas.build.live import FeedState
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.findings import sort_findings
from crmcanvas.core.schema import REQUIRED_TAB_KEYS, TABS
from crmcanvas.reports.csv_export import csv_bytes as _csv_bytes
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.demo import is_demo_version
from crmcanvas.ui.escape import md
from crmcanvas.ui.messages import severity_labels, t

# ---------------------------------------------------------------- time, told honestly


def age_text(seconds: float, lang: str = "fr") -> str:
    """« 42 s », « 3 min », « 2 h 05 »: an age read from across the room."""
    s = max(0, int(seconds))
    if s < 60:
        return t("age.seconds", lang, n=s)
    if s < 3600:
        return t("age.minutes", lang, n=s // 60)
    return t("age.hours", lang, h=s // 3600, m=f"{(s % 3600) // 60:02d}")


def clock_text(moment: datetime) -> str:
    """HH:MM:SS in the server's time zone (the room's, for a workshop server)."""
    return moment.astimezone().strftime("%H:%M:%S")


def _since(moment: datetime, now: datetime) -> float:
    return (now - moment).total_seconds()


def sync_line(state: FeedState, now: datetime, lang: str = "fr") -> str:
    """« Source : **…** · synchronisé il y a 4 s · modifié à 10:02:03 » (Markdown, sheet text escaped)."""
    if state.changed_at is not None:
        change = t("banner.changed_at", lang, time=clock_text(state.changed_at))
    else:
        change = t("banner.unchanged_since", lang, time=clock_text(state.first_synced_at or state.synced_at or now))
    age = age_text(_since(state.synced_at, now), lang) if state.synced_at else "—"
    return t("banner.line", lang, source=md(state.source), age=age, change=change)


def error_text(error: Exception | None, lang: str = "fr") -> tuple[str, str | None]:
    """(message, suggestion) of a source or settings error in the reader's language, worded for the
    dashboard, escaped (it may quote a file name, a sheet title or a value)."""
    if error is None:
        return t("banner.no_answer", lang), None
    render = getattr(error, "render", None)
    message, suggestion = render(lang, "dashboard") if callable(render) else (str(error), None)
    return md(message), (md(suggestion) if suggestion else None)


def stale_text(state: FeedState, now: datetime, lang: str = "fr") -> str:
    """The frozen-wall warning: its age counts from the last good read, not from the failure."""
    message, _ = error_text(state.error, lang)
    return t("banner.stale", lang, age=age_text(_since(state.stale_since, now) if state.stale_since else 0, lang), error=message.rstrip(".\\") + ".")


def feed_banner(state: FeedState, lang: str = "fr", now: datetime | None = None) -> None:
    """What every page shows above the canvas: where it comes from, how fresh it is, or why there is none yet."""
    now = now or datetime.now(UTC)
    if state.canvas is None:
        first_load_notice(state, lang, now)
        return
    st.caption(sync_line(state, now, lang))
    if state.stale_since is not None:
        st.warning(stale_text(state, now, lang), icon=":material/pause_circle:")
    if is_demo_version(state.canvas.version):
        st.info(t("demo_hint", lang), icon=":material/lightbulb:")


def change_line(change: tuple[datetime, str] | None, lang: str = "fr") -> None:
    """« Dernière modification à 10:02:03 : +2 besoins, E03 modifié » (what the toast said, for whoever missed it)."""
    if change is None:
        return
    moment, summary = change
    st.caption(t("changes.line", lang, time=clock_text(moment), summary=md(summary)))


def first_load_notice(state: FeedState, lang: str, now: datetime) -> None:
    """No canvas yet: the read under way, or the error with what to do — never a promise of a last version."""
    if state.error is None:
        since = _since(state.reading_since, now) if state.reading_since else 0
        st.info(t("feed.still_reading", lang, source=md(state.source), age=age_text(since, lang)),
                icon=":material/hourglass_top:")
        return
    message, suggestion = error_text(state.error, lang)
    st.error(f"**{t('source_error', lang)}** — {message}")
    hint = t("feed.first_retry", lang) if state.error.retryable or not suggestion else suggestion
    st.info(hint, icon=":material/lightbulb:")
    if state.retry_at is not None:
        st.caption(t("feed.next_try", lang, source=md(state.source), age=age_text(_since(now, state.retry_at), lang)))


def config_error(exc: Exception, lang: str = "fr") -> None:
    """A wrong setting: its message already says « Configuration invalide » or names the file; no second title."""
    message, suggestion = error_text(exc, lang)
    st.error(message)
    if suggestion:
        st.info(suggestion, icon=":material/lightbulb:")


def source_error(exc: SourceError, lang: str = "fr") -> None:
    _error_with_hint("source_error", exc, lang)


def _error_with_hint(title: str, exc: Exception, lang: str) -> None:
    message, suggestion = error_text(exc, lang)
    st.error(f"**{t(title, lang)}** — {message}")
    if suggestion:
        st.info(suggestion, icon=":material/lightbulb:")


# ---------------------------------------------------------------- counts and tables


def tab_counts(canvas: Canvas, lang: str = "fr") -> None:
    """Rows per tab of the six-tab canvas (optional tabs such as the checklist have their own pages)."""
    cols = st.columns(len(REQUIRED_TAB_KEYS))
    for col, key in zip(cols, REQUIRED_TAB_KEYS, strict=True):
        col.metric(TABS[key].label_in(lang), canvas.counts.get(key, 0), border=True)


def severity_counts(canvas: Canvas, lang: str = "fr") -> None:
    sev = canvas.severity_counts
    a, b, c = st.columns(3)
    a.metric(t("errors", lang), sev["error"], border=True)
    b.metric(t("warnings", lang), sev["warning"], border=True)
    c.metric(t("infos", lang), sev["info"], border=True)


FINDING_COLUMNS = ("severity", "tab", "row", "column", "value", "message", "suggestion", "code")


def findings_frame(canvas: Canvas, lang: str = "fr") -> pd.DataFrame:
    """Every finding as plain text (for filters and the CSV); :func:`markdown_cells` before ``st.table``."""
    labels = severity_labels(lang)
    rows = [
        {
            t("severity", lang): labels[f.severity],
            t("tab", lang): f.tab or "",
            t("row", lang): f.row,
            t("column", lang): f.column or "",
            t("value", lang): f.value or "",
            t("message", lang): f.message,
            t("suggestion", lang): f.suggestion or "",
            t("code", lang): f.code,
        }
        for f in sort_findings(canvas.findings)
    ]
    return pd.DataFrame(rows, columns=[t(k, lang) for k in FINDING_COLUMNS])


def markdown_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame for ``st.table``, which renders every cell as Markdown: text cells escaped."""
    escape = lambda v: md(v) if isinstance(v, str) else v  # noqa: E731
    out = frame.map(escape)
    out.index = out.index.map(escape)
    return out


def display_frame(canvas: Canvas, tab: str, lang: str = "fr") -> pd.DataFrame:
    """A tab as people know it: their own headers, enum codes shown as labels, the sheet row number."""
    from crmcanvas.core.canvas import PROVISIONAL, ROW
    from crmcanvas.core.schema import value_label

    frame = canvas.frames[tab].copy()
    spec = TABS[tab]
    headers = canvas.headers.get(tab, {})
    for col in spec.columns:
        if col.kind == "enum":
            frame[col.key] = frame[col.key].map(lambda code: value_label(code, lang))
    shown = [c.key for c in spec.columns if c.key in headers] + canvas.extra_columns.get(tab, [])
    frame = frame[[ROW, *shown]].rename(columns={ROW: t("row", lang), **{k: headers.get(k, k) for k in shown}})
    return frame.drop(columns=[PROVISIONAL], errors="ignore")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in the configured format (``csv_separator``, ``csv_bom``), formula injection neutralised: see
    :mod:`crmcanvas.reports.csv_export`."""
    from crmcanvas.core.config import ConfigError
    from crmcanvas.reports.csv_export import csv_format
    from crmcanvas.ui import state

    try:
        cfg = state.settings()
    except ConfigError:
        cfg = None
    return _csv_bytes(frame, csv_format(cfg))


# ---------------------------------------------------------------- the sponsor's view

HEADLINE = ("enjeux_couverts_pct", "besoins_traces_pct", "besoins_qualifies_pct", "roles_actifs_pct")


def metric_value(value: object, unit: str, lang: str = "fr") -> str:
    """« 88 % », « 52 », « — » (nothing to measure)."""
    from crmcanvas.reports.pdf import format_metric

    return format_metric(value, unit, lang)


def metric_delta(value: object, before: object, unit: str, lang: str = "fr") -> str | None:
    """The change since the last snapshot: « +3 pts », « −2 », None when either side is missing or nothing moved."""
    if not isinstance(value, int | float) or not isinstance(before, int | float):
        return None
    if unit == "pct":  # the difference of the numbers people read (88 % and 75 %: +13), not of the raw ones
        diff = float(f"{float(value):.0f}") - float(f"{float(before):.0f}")
    else:
        diff = float(value) - float(before)
    if diff == 0:
        return None
    number = f"{diff:+.0f}" if unit == "pct" else f"{diff:+g}"
    return t("delta.pct" if unit == "pct" else "delta.count", lang, value=number)


def metric_tiles(metrics: dict, lang: str = "fr", codes: tuple[str, ...] = HEADLINE,
                 previous: dict | None = None) -> None:
    """Large tiles, one per metric of the registry: its label, its value, its definition on hover (the « ? »),
    and its change since the last weekly snapshot when there is one."""
    from crmcanvas.analysis.registry import metric

    for col, code in zip(st.columns(len(codes)), codes, strict=True):
        entry = metric(code)
        value = metrics.get(code)
        delta = metric_delta(value, previous.get(code), entry.unit, lang) if previous else None
        col.metric(entry.label(lang), metric_value(value, entry.unit, lang), delta=delta, help=entry.definition(lang),
                   border=True, height="stretch")


def headline_metrics(metrics: dict, lang: str = "fr", previous: dict | None = None) -> None:
    """The four percentages a sponsor asks about first, big enough to read from the back of the room."""
    metric_tiles(metrics, lang, HEADLINE, previous)


def top_gaps(gaps: dict[str, list[dict]], lang: str = "fr", limit: int = 5, examples: int = 4) -> None:
    """The largest open gaps, each with its size and its first items: what to fill in next."""
    from crmcanvas.analysis.registry import gap

    open_gaps = sorted(((code, items) for code, items in gaps.items() if items), key=lambda pair: -len(pair[1]))[:limit]
    if not open_gaps:
        st.success(t("overview.no_gap", lang), icon=":material/check_circle:")
        return
    lines = []
    for code, items in open_gaps:
        ids = ", ".join(md(item["id"]) for item in items[:examples]) + (" …" if len(items) > examples else "")
        lines.append(f"- **{md(gap(code).title(lang))}** ({len(items)}) — {ids}")
    st.markdown("\n".join(lines))


def latest_findings(canvas: Canvas, lang: str = "fr", limit: int = 6) -> None:
    """The first findings, most severe first: what they say and what to do, not only how many there are."""
    if not canvas.findings:
        st.success(t("no_findings", lang), icon=":material/check_circle:")
        return
    table = findings_frame(canvas, lang)
    keep = [t(k, lang) for k in ("severity", "tab", "row", "message", "suggestion")]
    st.table(markdown_cells(table[keep].head(limit).set_index(t("severity", lang))))
    if len(table) > limit:
        st.caption(t("overview.more_findings", lang, shown=limit, total=len(table)))


def source_status(state: FeedState, info, lang: str = "fr", *, technical: bool = True) -> None:
    """Where the canvas comes from and how the last read went, in a few lines (details on the Connexion page);
    ``technical=False`` (the sponsor) leaves out the request count."""
    lines = [t("overview.source_line", lang, source=md(state.source))]
    if state.synced_at is not None:
        lines.append(t("overview.read_line", lang, time=clock_text(state.synced_at)))
    if state.stale_since is not None:
        lines.append(t("overview.stale_line", lang, error=error_text(state.error, lang)[0]))
    else:
        lines.append(t("overview.fresh_line", lang))
    if technical and info is not None and info.requests_last_read is not None:
        lines.append(t("connection.requests_value", lang, count=info.requests_last_read))
    st.markdown("  \n".join(lines))


def gap_list(items: list[dict]) -> str:
    """A gap's items as a Markdown list: the ID in bold, the sheet's label as literal text."""
    lines = []
    for item in items:
        label = item["label"] if item["label"] != item["id"] else ""
        lines.append(f"- **{md(item['id'])}** {md(label)}".rstrip())
    return "\n".join(lines)


DRILL_COLUMNS = ("id", "besoin", "priorite", "statut", "roles", "donnees", "applications", "objet",
                 "application_maitre", "besoins", "application", "via", "role", "type")


def _translated(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns={key: t(f"drill.{key}", lang) for key in DRILL_COLUMNS})


def stake_drilldown_view(drill, lang: str = "fr") -> None:
    """One stake, its needs and what they touch (data, applications, roles)."""
    stake = drill.stake
    st.markdown(f"**{md(stake.get('id', ''))} · {md(stake.get('enjeu', stake.get('label', '')))}**")
    if drill.needs.empty:
        st.warning(t("drill.no_need", lang), icon=":material/report:")
        return
    wrapped_table(_translated(drill.needs, lang), lang)
    a, b = st.columns(2)
    a.caption(t("drill.data_touched", lang))
    wrapped_table(_translated(drill.data, lang), lang, a)
    b.caption(t("drill.applications", lang))
    wrapped_table(_translated(drill.applications, lang), lang, b)
    st.caption(t("drill.roles", lang))
    wrapped_table(_translated(drill.roles, lang), lang)
    if drill.excluded:
        st.caption(t("drill.excluded", lang, ids=md(", ".join(drill.excluded))))


WRAPPED_ROWS = 40  # a table whose text wraps stays readable up to a few dozen rows; the rest is counted


def wrapped_table(frame: pd.DataFrame, lang: str = "fr", container=st, limit: int = WRAPPED_ROWS) -> None:
    """A table whose cells wrap inside the page's width (a grid cut its right-hand columns at 1280 px),
    sheet text escaped; past ``limit`` rows, the first ones and how many more there are."""
    if frame.empty:
        container.caption("—")
        return
    shown = frame.head(limit)
    first = shown.columns[0]
    container.table(markdown_cells(shown.set_index(first)))
    if len(frame) > limit:
        container.caption(t("shown_rows", lang, shown=limit, total=len(frame)))


def chart_size():
    """The size of chart text for the mode: larger on the wall."""
    from crmcanvas.reports import charts
    from crmcanvas.ui.modes import is_wall

    return charts.WALL if is_wall() else charts.SCREEN


def chart(fig, container=st, key: str | None = None) -> None:
    """Show a figure with its own fonts: Streamlit's chart theme would shrink and grey the labels."""
    container.plotly_chart(fig, width="stretch", theme=None, key=key, config={"displaylogo": False})
