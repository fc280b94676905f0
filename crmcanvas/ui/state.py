"""Settings and the live canvas, cached for the whole server.

``st.cache_resource`` is shared by every session: one CanvasFeed per source, so
twenty people looking at the wall screen cost one sheet read per refresh.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from crmcanvas.build.live import CanvasFeed
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import ConfigError, Resolved, Settings, resolve
from crmcanvas.i18n import msg
from crmcanvas.sources import open_source
from crmcanvas.sources.base import SourceError
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


def current_canvas() -> tuple[Canvas | None, Settings | None]:
    """The shared canvas, or (None, ...) after showing a French error instead of a traceback."""
    try:
        cfg = settings()
    except ConfigError as exc:
        st.error(f"**{t('config_error')}** — {exc}")
        return None, None
    try:
        return feed().get(cfg.refresh_seconds), cfg
    except SourceError as exc:
        st.error(f"**{t('source_error', cfg.language)}** — {exc.message}")
        if exc.suggestion:
            st.info(exc.suggestion)
        return None, cfg


def refresh_every() -> int | None:
    """Seconds between live refreshes of a page fragment (None when the settings are broken)."""
    try:
        return settings().refresh_seconds
    except ConfigError:
        return None


def feed_error() -> str | None:
    """The last read error of the shared feed, as a French message (never credentials)."""
    try:
        error = feed().last_error
    except (ConfigError, SourceError):
        return None
    return error.message if error else None


@st.cache_resource(show_spinner=False, max_entries=4)
def _analysis(version: str, source: str, _canvas: Canvas, _settings: Settings):
    from crmcanvas.analysis import analyze

    return analyze(_canvas, _settings)


def analysis(canvas: Canvas, cfg: Settings):
    """The cross-reference analysis of this canvas version, computed once for every viewer."""
    return _analysis(canvas.version, canvas.source, canvas, cfg)


@st.cache_resource(show_spinner=False, max_entries=16)
def _sankey(version: str, source: str, group_by: str, _canvas: Canvas):
    from crmcanvas.analysis.traceability import sankey_table

    return sankey_table(_canvas, group_by=group_by)


def sankey(canvas: Canvas, group_by: str):
    """The Sankey table for another grouping of needs, cached per canvas version."""
    return _sankey(canvas.version, canvas.source, group_by, canvas)
