"""The Parties prenantes page's pieces: each department with its people and its roles.

Drawn as Markdown lists rather than tables: a name, a function and a few roles
wrap on a projector instead of being cut at the right. Sheet text is escaped.
"""

from __future__ import annotations

import streamlit as st

from crmcanvas.analysis.stakeholders import Department, Person, Role
from crmcanvas.reports.page_charts import department_name
from crmcanvas.ui import cards
from crmcanvas.ui.escape import md
from crmcanvas.ui.views.common import v, value


def person_line(p: Person, lang: str) -> str:
    """« **Claire Dubois**, Responsable vie associative — _Chargé de vie associative_ · Référent métier »:
    the function after a comma, the roles in italics, then the involvement."""
    line = f"- **{md(p.name)}**" + (f", {md(p.function or p.organisation)}" if p.function or p.organisation else "")
    tail = ([f"_{md(', '.join(p.roles))}_"] if p.roles else []) + ([md(value(p.involvement, lang))] if p.involvement else [])
    return line + (" — " + " · ".join(tail) if tail else "")


def role_line(r: Role, lang: str) -> str:
    """« **Comptable** (Interne) — 2 personne(s) · 0 besoin exprimé », the zero in red."""
    kind = f" ({md(value(r.kind, lang))})" if r.kind else ""
    people = v("stakeholders.role_people", lang, count=r.people)
    needs = v("stakeholders.role_needs", lang, count=r.needs)
    return (f"- **{md(r.name)}**{kind} — " + (people if r.people else f":red[{people}]") + " · "
            + (needs if r.needs else f":red[{needs}]"))


def department(d: Department, lang: str) -> None:
    """One department: who is in it (left), which roles it speaks through and how much (right)."""
    with cards.card():
        title = v("stakeholders.department", lang, name=md(department_name(d.name, lang)), people=len(d.people), roles=len(d.roles))
        st.markdown(f"#### {title}")
        people, roles = st.columns([3, 2])
        if d.people:
            people.markdown("\n".join(person_line(p, lang) for p in d.people))
        if d.roles:
            roles.markdown("\n".join(role_line(r, lang) for r in d.roles))


def departments(groups: list[Department], lang: str) -> None:
    for d in groups:
        department(d, lang)
