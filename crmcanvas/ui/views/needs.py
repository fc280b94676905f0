"""The Besoins page's pieces: filters, the backlog table, one story full size, near-duplicates side by side.

Every widget has a stable key, so what the facilitator chose survives the live
refresh (a rerun when the sheet changes). Tables and select options draw plain
text; what is drawn as Markdown is escaped.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crmcanvas.analysis.backlog import DuplicateGroupView, NeedFilter, filter_options
from crmcanvas.analysis.views import NONE
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.text import shorten
from crmcanvas.i18n import t
from crmcanvas.reports.charts import PRIORITIES, priority_name
from crmcanvas.ui import cards
from crmcanvas.ui.escape import md
from crmcanvas.ui.views.common import header, v, value

TABLE = ("id", "role", "action", "benefice", "stakes", "priorite", "statut", "lot")
# Pixels that add up to the content width at 1280 px with the sidebar (about 820 px): the table is never cut at
# the right; Streamlit widens the columns in proportion on a wider screen. Rows are tall enough for 4 wrapped lines.
WIDTHS = {"id": 54, "role": 112, "action": 222, "benefice": 170, "stakes": 66, "priorite": 62, "statut": 76, "lot": 54}
ROW_HEIGHT = 92
PER_ROW = 3  # members of a near-duplicate group side by side
MAX_CHOICES = 300  # needs offered to show full size: a list of 10,000 options would weigh a megabyte per rerun


def priority(code: str, lang: str) -> str:
    """« Must », « Should »… (short: a table column), other text as typed."""
    return priority_name(code, lang) if code in PRIORITIES else code


def _labels(lang: str) -> dict[str, str]:
    return {key: header("besoins", key, lang) for key in ("id", "priorite", "statut", "lot")} | {
        key: v(f"needs.column.{key}", lang) for key in ("role", "action", "benefice")} | {"stakes": header("besoins", "enjeux", lang)}


def filters(rows: pd.DataFrame, canvas: Canvas, lang: str) -> NeedFilter:
    """The six filters in two rows; returns what is chosen."""
    options = filter_options(rows, canvas)
    names = {"stakes": canvas.labels("enjeux"), "roles": canvas.labels("roles")}

    def formatter(kind: str):
        def show(option: str) -> str:
            if option == NONE:
                return v(f"needs.none.{kind}", lang)
            if kind in names:
                return f"{option} · {shorten(names[kind].get(option, option), 50)}"
            return priority(option, lang) if kind == "priorities" else value(option, lang)
        return show

    def choose(column, kind: str) -> tuple[str, ...]:
        return tuple(column.multiselect(v(f"needs.filter.{kind}", lang), options[kind], format_func=formatter(kind),
                                        placeholder=v("needs.filter.all", lang), key=f"needs.filter.{kind}"))

    top = st.columns([2, 3, 3])
    text = top[0].text_input(v("needs.filter.text", lang), placeholder=v("needs.filter.text_hint", lang), key="needs.filter.text")
    stakes, roles = choose(top[1], "stakes"), choose(top[2], "roles")
    bottom = st.columns(3)
    return NeedFilter(stakes=stakes, roles=roles, priorities=choose(bottom[0], "priorities"),
                      statuses=choose(bottom[1], "statuses"), lots=choose(bottom[2], "lots"), text=text)


def table(shown: pd.DataFrame, lang: str) -> None:
    """The backlog as a table: the story split into its three parts, then what the need is tied to."""
    labels = _labels(lang)
    frame = shown.assign(stakes=shown["stake_ids"].map(", ".join)).loc[:, list(TABLE)].copy()
    frame["priorite"] = frame["priorite"].map(lambda code: priority(code, lang))
    frame["statut"] = frame["statut"].map(lambda code: value(code, lang))
    st.dataframe(frame.rename(columns=labels), hide_index=True, width="stretch", row_height=ROW_HEIGHT, height=min(700, 40 + ROW_HEIGHT * len(frame)),
                 column_config={labels[key]: st.column_config.TextColumn(width=width) for key, width in WIDTHS.items()})
    unparsed = int((~shown["parsed"]).sum())
    if unparsed:
        st.caption(v("needs.unparsed", lang, count=unparsed))


def story(shown: pd.DataFrame, lang: str) -> None:
    """One need full size: « En tant que … je souhaite … de sorte que … », then what it is tied to."""
    texts = dict(zip(shown["id"][:MAX_CHOICES], shown["besoin"][:MAX_CHOICES], strict=True))
    if len(shown) > MAX_CHOICES:
        st.caption(v("needs.first_choices", lang, shown=MAX_CHOICES, total=len(shown)))
    chosen = st.selectbox(v("needs.pick", lang), list(texts), format_func=lambda rid: f"{rid} · {shorten(texts.get(rid, ''), 90)}",
                          key="needs.story")
    if chosen is None:
        return
    need = shown.loc[shown["id"] == chosen].iloc[0]
    with cards.card():
        if need["parsed"]:
            for key in ("role", "action", "benefice"):
                text = md(need[key]) if need[key] else f"_{md(v('needs.no_benefit', lang))}_"
                st.markdown("#### " + t("charts.label_value", lang, label=f"**{md(v(f'needs.column.{key}', lang))}**", value=text))
        else:
            st.markdown(v("needs.not_story", lang))
            st.markdown(f"#### {md(need['besoin'])}")
        fields = [("role", "" if need["parsed"] else need["role"]), ("enjeux", need["enjeux"]), ("donnees", need["donnees"]),
                  ("applications", need["applications"]), ("priorite", value(need["priorite"], lang)),
                  ("statut", value(need["statut"], lang)), ("lot", need["lot"]), ("exprime_par", need["exprime_par"]),
                  ("type", value(need["type"], lang))]
        filled = [(key, text) for key, text in fields if text]
        for column, (key, text) in zip(st.columns(3) * (len(filled) // 3 + 1), filled, strict=False):
            column.markdown(f"**{md(header('besoins', key, lang))}**  \n{md(text)}")


def duplicates(groups: list[DuplicateGroupView], threshold: float, lang: str) -> None:
    """Each group of near-identical needs, its members side by side: the first captured is the one to keep."""
    if not groups:
        st.success(v("needs.duplicates_none", lang, threshold=f"{threshold:.0f}"), icon=":material/check_circle:")
        return
    for group in groups:
        st.markdown(f"**{md(v('needs.duplicate_group', lang, ids=' / '.join(group.members), score=f'{group.score:.0f}'))}**")
        for start in range(0, len(group.needs), PER_ROW):
            for column, (i, need) in zip(st.columns(PER_ROW), enumerate(group.needs[start:start + PER_ROW], start), strict=False):
                with cards.card(column):
                    verdict = v("needs.duplicate_keep" if i == 0 else "needs.duplicate_other", lang)
                    st.markdown(f"**{md(need['id'])}** · {md(v('needs.row', lang, row=need['row']))} · _{md(verdict)}_")
                    st.markdown(md(need["besoin"]))
                    facts = [priority(need["priorite"], lang), value(need["statut"], lang), need["lot"]]
                    st.caption(md(" · ".join(f for f in facts if f)))
