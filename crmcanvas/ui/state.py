"""Settings and the live canvas, cached for the whole server.

``st.cache_resource`` is shared by every session: one CanvasFeed per source, so
twenty people looking at the wall screen cost one sheet read per refresh.
Everything computed from a canvas is cached per (canvas version, settings):
the settings are part of every key, so changing ``departments`` or a threshold
shows at the next rerun, without restarting the server.

Live pages: :func:`live_canvas` draws the feed banner in a small fragment that
runs every :data:`WATCH_SECONDS` (so « synchronisé il y a N s » stays true and
the feed is asked often enough for an edit to show within ``refresh_seconds``
plus a second or two); when the canvas version changes, the whole page reruns.
Widgets keep their values across that rerun when they have a ``key`` (a keyed
widget's identity is its key, not its options: a new stake in the list does
not reset the stake chosen). The feed reads the source at most once per
``refresh_seconds`` for the whole server, however many pages watch it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import streamlit as st

from crmcanvas.build.live import CanvasFeed, FeedState
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import ConfigError, Resolved, Settings, resolve
from crmcanvas.i18n import DEFAULT_LANG, msg
from crmcanvas.sources import open_source
from crmcanvas.sources.base import SourceError
from crmcanvas.ui import widgets
from crmcanvas.ui.escape import md
from crmcanvas.ui.messages import t


def secrets() -> Mapping[str, Any]:
    """st.secrets as a plain dict; empty when no secrets.toml exists (the demo case).

    A secrets file that exists but does not parse is a ConfigError naming it, not
    "no secrets": quietly showing the demo instead of the sheet would mislead.
    """
    try:
        return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in st.secrets.items()}
    except Exception as exc:  # no secrets file: Streamlit raises on first access
        found = getattr(exc, "exec_kwargs", None) or {}
        if found.get("error"):
            raise ConfigError(msg("config.secrets_invalid", path=found.get("path", "secrets.toml"), reason=found["error"]),
                              suggestion=msg("config.secrets_hint")) from None
        return {}


def resolved() -> Resolved:
    """Settings + secrets + source, by the function every CLI command uses too."""
    return resolve(secrets=secrets())


def settings() -> Settings:
    return resolved().settings


@st.cache_resource(show_spinner=False)
def _feed(spec: str, settings: Settings) -> CanvasFeed:
    # spec and settings are the cache key; the resolution also knows where the spec came from (error hints)
    return CanvasFeed(open_source(resolved()), settings)


def feed() -> CanvasFeed:
    where = resolved()
    return _feed(where.spec, where.settings)


def settings_key(cfg: Settings) -> str:
    """The settings as a cache key. ``Settings`` is frozen but not hashable (it holds dicts and
    lists), so its canonical JSON stands for it: equal settings, equal key; any change, new key."""
    return cfg.model_dump_json()


def language() -> str:
    """The reader's language; when the settings are broken, the one they asked for if it can be told, else French."""
    try:
        return settings().language
    except ConfigError as exc:
        return getattr(exc, "lang", None) or DEFAULT_LANG


def _first_state(live: CanvasFeed, lang: str) -> FeedState:
    """The feed's state, at once when there is a canvas to show (a read under way does not delay the page:
    the live banner redraws it if the read brings a new version); with nothing to show yet, the read under
    way is waited for (never past its deadline) with a spinner naming the source."""
    state = live.get(wait=0)
    if state.canvas is not None or state.reading_since is None or state.overdue:
        return state
    with st.spinner(t("feed.reading", lang, source=md(state.source))):
        return live.get()


# How often an open page asks the shared feed (a lock and a comparison: no read; ~6 ms of server CPU). Each tick
# also costs the viewer's browser ~50 ms of CPU (Streamlit redraws the page's frame after a fragment run): at 0.5 s
# an idle tab kept 11 % of a core busy, at 1 s about half that, for an edit shown at most half a second later.
WATCH_SECONDS = 1.0
_SEEN = "_crmcanvas_seen_version"  # session state: the canvas version this browser last drew


def _version(state: FeedState) -> str | None:
    return state.canvas.version if state.canvas is not None else None


def _watch(live: CanvasFeed, shown: str | None, lang: str, drawn: float) -> None:
    """The banner of a live page, redrawn every :data:`WATCH_SECONDS` (so its ages stay true); the page
    reruns as soon as a new version of the canvas (or the first one) arrives.

    A tick that starts a read waits for it up to a tick, so the new version shows at once; the first run,
    inside the page's own run (``drawn``: when the page was drawn), never waits: the page comes first.
    """
    # Asked half a tick early, the source is read every refresh_seconds on average (not up to a tick later):
    # still one read per interval for the whole server.
    ticking = time.monotonic() - drawn > WATCH_SECONDS / 2
    state = live.get(max(1.0, live.settings.refresh_seconds - WATCH_SECONDS / 2), wait=WATCH_SECONDS if ticking else 0)
    if _version(state) != shown:
        st.rerun()
    widgets.feed_banner(state, lang)
    widgets.change_line(last_change(live, lang), lang)


@st.cache_resource(show_spinner=False, max_entries=16)
def _change_summary(old_version: str, new_version: str, lang: str, _old: Canvas, _new: Canvas) -> str:
    from crmcanvas.analysis.changes import canvas_changes

    return canvas_changes(_old, _new).summary(lang)


def last_change(live: CanvasFeed, lang: str) -> tuple[datetime, str] | None:
    """When the canvas last changed and what changed (« +2 besoins, E03 modifié »), by ID between the
    previous and the current canvas of the shared feed; computed once per pair of versions for every viewer."""
    state = live.state()
    previous = live.previous
    if previous is None or state.canvas is None or state.changed_at is None:
        return None
    if previous.version == state.canvas.version:
        return None
    summary = _change_summary(previous.version, state.canvas.version, lang, previous, state.canvas)
    return (state.changed_at, summary) if summary else None


def _announce(live: CanvasFeed, state: FeedState, lang: str) -> None:
    """A toast when this browser sees a new version of the canvas (not on its first visit)."""
    version = _version(state)
    seen = st.session_state.get(_SEEN)
    st.session_state[_SEEN] = version
    if seen is None or version is None or seen == version:
        return
    change = last_change(live, lang)
    if change is not None:
        st.toast(t("changes.toast", lang, summary=md(change[1])), icon=":material/sync:", duration="long")


def _sponsor_report(state: FeedState, cfg: Settings) -> None:
    """The sponsor's « Rapport PDF » button, at the end of the sidebar, once there is a canvas to report on."""
    from crmcanvas.ui import modes

    mode = modes.current()
    if state.canvas is None or not mode.sponsor or mode.wall:
        return
    from crmcanvas.ui.report import sponsor_report_button

    with st.sidebar:
        sponsor_report_button(cfg.language, state.canvas, cfg, state.source)


def live_canvas(*, watch: bool = True) -> tuple[Canvas | None, Settings | None]:
    """The shared canvas and the settings, after drawing the feed banner (or why there is no canvas).

    ``watch=True`` (every page): the banner is a fragment that keeps watching
    the feed and reruns the page when the canvas changes. ``watch=False``
    inside a fragment of the caller's own. Never raises: a broken setting or
    source is shown, in the reader's words.
    """
    try:
        cfg = settings()
        live = feed()  # the feed of the configured source, shared by every session of the server
    except ConfigError as exc:
        widgets.config_error(exc, language())
        return None, None
    except SourceError as exc:  # the source cannot even be opened (unknown spec, missing credentials)
        widgets.source_error(exc, cfg.language)
        return None, cfg
    lang = cfg.language
    state = _first_state(live, lang)
    _announce(live, state, lang)
    _sponsor_report(state, cfg)
    if watch:
        st.fragment(_watch, run_every=WATCH_SECONDS)(live, _version(state), lang, time.monotonic())
    else:
        widgets.feed_banner(state, lang)
        widgets.change_line(last_change(live, lang), lang)
    return state.canvas, cfg


def feed_or_none() -> CanvasFeed | None:
    """The shared feed, or None when the settings or the source cannot be opened (the page says why)."""
    try:
        return feed()
    except (ConfigError, SourceError):
        return None


def refresh_every() -> int | None:
    """Seconds between live refreshes of a page fragment (None when the settings are broken)."""
    try:
        return settings().refresh_seconds
    except ConfigError:
        return None


@st.cache_resource(show_spinner=False, max_entries=8)
def _analysis(version: str, source: str, settings_json: str, _canvas: Canvas, _settings: Settings):
    from crmcanvas.analysis import analyze

    return analyze(_canvas, _settings)


def analysis(canvas: Canvas, cfg: Settings):
    """The cross-reference analysis of this canvas version under these settings, computed once for every viewer."""
    return _analysis(canvas.version, canvas.source, settings_key(cfg), canvas, cfg)


@st.cache_resource(show_spinner=False, max_entries=32)
def _sankey(version: str, source: str, settings_json: str, group_by: str, _canvas: Canvas, _settings: Settings):
    from crmcanvas.analysis.traceability import sankey_table

    return sankey_table(_canvas, group_by=group_by, lang=_settings.language)


def sankey(canvas: Canvas, cfg: Settings, group_by: str):
    """The Sankey table for another grouping of needs, cached per canvas version and settings."""
    return _sankey(canvas.version, canvas.source, settings_key(cfg), group_by, canvas, cfg)


@st.cache_resource(show_spinner=False, max_entries=64)
def _drilldown(version: str, source: str, settings_json: str, stake: str, _canvas: Canvas, _settings: Settings):
    from crmcanvas.analysis.traceability import stake_drilldown

    return stake_drilldown(_canvas, stake, lang=_settings.language)


def drilldown(canvas: Canvas, cfg: Settings, stake: str):
    """One stake's needs, data, applications and roles, computed once per version, settings and stake."""
    return _drilldown(canvas.version, canvas.source, settings_key(cfg), stake, canvas, cfg)


# ---------------------------------------------------------------- hooks for the weekly snapshots


@st.cache_resource(ttl=60, show_spinner=False, max_entries=8)
def _history(spec: str, settings_json: str, _where: Resolved, _source: Any):
    # Snapshots appear from a cron job or a workflow at any time: read them again after a minute.
    from crmcanvas.reports.history import load_history

    return load_history(_where, _source)


def history():
    """Every weekly snapshot of the current source (folders and ``historique`` tab), shared by all viewers."""
    where = resolved()
    live = feed_or_none()
    return _history(where.spec, settings_key(where.settings), where, live.source if live is not None else None)


def previous_metrics(canvas: Canvas, cfg: Settings) -> dict[str, object] | None:
    """The metrics of the last weekly snapshot (metric code -> value), or None when there is none:
    the overview's tiles show their change since then."""
    latest = history().latest()
    return dict(latest.metrics) if latest is not None else None


def has_snapshots() -> bool:
    """At least one weekly snapshot exists: the sponsor view then lists the trend (history) page."""
    try:
        return bool(history().points)
    except (ConfigError, SourceError):
        return False


@st.cache_resource(show_spinner=False, max_entries=8)
def _since_last_week(version: str, settings_json: str, baseline: str, _where: Resolved, _canvas: Canvas,
                     _metrics: Mapping[str, object], _history: Any):
    from crmcanvas.reports.history import since_last_week as compare

    return compare(_where, _canvas, _metrics, history=_history)


def since_last_week(canvas: Canvas, cfg: Settings, metrics: Mapping[str, object]):
    """What changed since the last snapshot taken before this week, or None without one (computed once per version)."""
    from crmcanvas.reports.snapshots import now_in, week_of

    past = history()
    baseline = past.last_before(week_of(now_in(cfg)))
    if baseline is None:
        return None
    return _since_last_week(canvas.version, settings_key(cfg), baseline.taken_at.isoformat(), resolved(), canvas,
                            metrics, past)


def source_info():
    """What the Connexion page and the wall tell about the source (no secret), or None without a source."""
    from crmcanvas.ui.source_info import describe

    live = feed_or_none()
    return describe(live.source, live.last_read_requests) if live is not None else None


@st.cache_resource(show_spinner=False, max_entries=64)
def _figure(version: str, source: str, settings_json: str, name: str, params: str, _build: Callable[[], Any]):
    return _build()


def figure(canvas: Canvas, cfg: Settings, name: str, build: Callable[[], Any], **params: object):
    """A chart of this canvas version, built once for every viewer: Plotly checks every property it is given,
    which costs a few hundred milliseconds per chart, far more than sending it. ``name`` and ``params`` (the
    chart's options: size, grouping…) are the key; ``build`` makes it. Figures are shared: never modify one."""
    key = json.dumps(params, sort_keys=True, default=repr)
    return _figure(canvas.version, canvas.source, settings_key(cfg), name, key, build)
