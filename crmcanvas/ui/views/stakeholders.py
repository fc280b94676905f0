"""The Parties prenantes page's pieces: each department with its people and its roles."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from crmcanvas.analysis.stakeholders import Department
from crmcanvas.reports.page_charts import department_name
from crmcanvas.ui.escape import md
from crmcanvas.ui.views.common import header, v, value


def _people(department: Department, lang: str) -> pd.DataFrame:
    columns = [v("stakeholders.person", lang), header("personnes", "fonction", lang), header("personnes", "roles", lang),
               header("personnes", "implication", lang)]
    rows = [(p.name, p.function or p.organisation, ", ".join(p.roles), value(p.involvement, lang)) for p in department.people]
    return pd.DataFrame(rows, columns=columns)


def _roles(department: Department, lang: str) -> pd.DataFrame:
    columns = [header("roles", "role", lang), header("roles", "type", lang), v("stakeholders.people_count", lang),
               v("stakeholders.needs_count", lang)]
    return pd.DataFrame([(r.name, value(r.kind, lang), r.people, r.needs) for r in department.roles], columns=columns)


def department(d: Department, lang: str) -> None:
    """One department: who is in it (left), which roles it speaks through and how much (right)."""
    with st.container(border=True):
        st.markdown(f"#### {md(v('stakeholders.department', lang, name=department_name(d.name, lang), people=len(d.people), roles=len(d.roles)))}")
        if d.people and d.roles:
            left, right = st.columns([3, 2])
        else:
            left = right = st.container()
        if d.people:
            left.dataframe(_people(d, lang), hide_index=True, width="stretch")
        if d.roles:
            right.dataframe(_roles(d, lang), hide_index=True, width="stretch")


def departments(groups: list[Department], lang: str) -> None:
    for d in groups:
        department(d, lang)
