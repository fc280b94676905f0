"""What the content pages share: their words, one cache for what they compute, the gap cards.

:func:`computed` caches per (canvas version, settings) like :mod:`crmcanvas.ui.state`:
a backlog of 10,000 needs is parsed and searched for near-duplicates once per
version for every viewer, and a change of settings (threshold, language) shows
at the next rerun.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from crmcanvas.analysis.registry import Gap, Item
from crmcanvas.analysis.views import group_key
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import TABS, value_label
from crmcanvas.i18n import t
from crmcanvas.ui import cards, state
from crmcanvas.ui.escape import md

LISTED = 8  # items of a gap named on its card; the quality and coverage pages list them all


def v(key: str, lang: str, **params: Any) -> str:
    """A word of the content pages (``views.<key>`` in ``i18n/views.toml``)."""
    return t(f"views.{key}", lang, **params)


def header(tab: str, column: str, lang: str) -> str:
    """A column's name as the canvas contract gives it, in the reader's language."""
    return TABS[tab].column(column).label_in(lang)


def pair(label: str, text: str, lang: str) -> str:
    """« **Situation actuelle** : … » / "**Current situation**: …" as Markdown, both parts escaped."""
    return t("charts.label_value", lang, label=f"**{md(label)}**", value=md(text))


def value(code: str, lang: str) -> str:
    """A value-set code as the reader says it (« Must (indispensable) », « À remplacer »); other text as typed."""
    return value_label(code, lang)


def _builders() -> dict[str, Callable[[Canvas, Settings], object]]:
    from crmcanvas.analysis.backlog import backlog, duplicate_views
    from crmcanvas.analysis.inventory import inventory
    from crmcanvas.analysis.stake_cards import stake_cards
    from crmcanvas.analysis.stakeholders import departments
    from crmcanvas.build.whole_canvas import near_duplicate_search
    from crmcanvas.reports.glossary import glossary
    from crmcanvas.reports.network import exchange_network
    from crmcanvas.reports.page_charts import departments_bar, network_figure

    return {
        "stake_cards": lambda canvas, cfg: stake_cards(canvas, state.analysis(canvas, cfg)),
        "backlog": lambda canvas, cfg: backlog(canvas),
        "duplicates": lambda canvas, cfg: duplicate_views(near_duplicate_search(canvas, cfg), computed("backlog", canvas, cfg)),
        "glossary": lambda canvas, cfg: glossary(canvas),
        "inventory": lambda canvas, cfg: inventory(canvas),
        "network": lambda canvas, cfg: exchange_network(canvas),
        "departments": lambda canvas, cfg: departments(canvas),
        # figures too: building a Plotly figure costs 0.1-0.3 s, and these do not change between reruns
        "network_figure": lambda canvas, cfg: network_figure(computed("network", canvas, cfg), lang=cfg.language),
        "departments_figure": lambda canvas, cfg: departments_bar(computed("departments", canvas, cfg), lang=cfg.language),
    }


@st.cache_resource(show_spinner=False, max_entries=64)
def _computed(kind: str, version: str, source: str, settings_json: str, _canvas: Canvas, _settings: Settings):
    return _builders()[kind](_canvas, _settings)


def computed(kind: str, canvas: Canvas, cfg: Settings):
    """One page view of this canvas version under these settings (``stake_cards``, ``backlog``, ``duplicates``,
    ``glossary``, ``inventory``, ``network``, ``departments`` and the two figures ``network_figure``,
    ``departments_figure``), computed once for every viewer."""
    return _computed(kind, canvas.version, canvas.source, state.settings_key(cfg), canvas, cfg)


def item_line(item: Item) -> str:
    """A gap's item as a list line: the ID in bold, then the label, without saying the same word twice
    (« **Legs** — cité par B017 » rather than « **Legs** Legs — cité par B017 »)."""
    rid, label = item["id"], item["label"]
    if label.startswith(rid):
        return f"- **{md(rid)}**{md(label[len(rid):])}"
    if group_key(label) == group_key(rid):
        return f"- **{md(label)}**"
    return f"- **{md(rid)}** {md(label)}"


def gap_cards(found: dict[str, list[Item]], entries: tuple[Gap, ...], lang: str, per_row: int = 3) -> None:
    """One bordered card per gap: its count in large type then its title (its advice on hover), the first items,
    or « rien à signaler »."""
    for start in range(0, len(entries), per_row):
        row = entries[start:start + per_row]
        for column, entry in zip(st.columns(per_row), row, strict=False):
            items = found.get(entry.code, [])
            with cards.card(column):
                count = f":red[{len(items)}]" if items else ":green[0]"
                st.markdown(f"#### {count} · {md(entry.title(lang))}", help=md(entry.advice(lang)))
                if not items:
                    st.markdown(f":green[:material/check_circle: {md(v('gaps.clear', lang))}]")
                    continue
                st.markdown("\n".join(item_line(item) for item in items[:LISTED]))
                if len(items) > LISTED:
                    st.caption(md(v("gaps.more", lang, count=len(items) - LISTED)))
