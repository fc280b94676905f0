"""People and roles by department, as the Parties prenantes page shows them.

« Pour les rôles internes, il sera utile de croiser départements, équipes,
domaines d'expertise et/ou niveaux hiérarchiques » (the canvas method). A
department is what people and roles write in their Département column; two
spellings of one name fall together (« Service donateurs », « service
donateurs »), shown as first written. People and roles with no department form
the last group (:data:`~crmcanvas.analysis.views.NONE`), where outside
stakeholders usually are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.views import NONE, group_key, named, sources_of
from crmcanvas.core.canvas import Canvas


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    function: str
    organisation: str
    roles: list[str]  # role names (and roles typed that match none)
    involvement: str  # value-set code (sponsor, pilote…) or as written


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    kind: str  # interne / externe code
    people: int  # people holding the role
    needs: int  # active needs it speaks for


@dataclass(frozen=True)
class Department:
    name: str  # as first written; NONE for the rows with no department
    people: list[Person] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)


def departments(canvas: Canvas) -> list[Department]:
    """Departments in order of first appearance (people, then roles), the group with no department last."""
    f = facts_of(canvas)
    groups: dict[str, Department] = {}

    def group(name: str) -> Department:
        key = group_key(name) if name.strip() else NONE
        if key not in groups:
            groups[key] = Department(name=name.strip() if key else NONE)
        return groups[key]

    role_names = named(f, "personnes", "role")
    people = {c: f.column("personnes", c) for c in ("departement", "fonction", "organisation", "implication")}
    for i, rid in enumerate(f.ids["personnes"]):
        group(people["departement"][i]).people.append(Person(
            id=rid, name=f.labels["personnes"].get(rid, rid), function=people["fonction"][i].strip(),
            organisation=people["organisation"][i].strip(), roles=role_names.get(rid, []), involvement=people["implication"][i],
        ))
    holders = sources_of(f, "personnes", "role", "roles")
    speakers = sources_of(f, "besoins", "role", "roles", active_only=True)
    for i, rid in enumerate(f.ids["roles"]):
        group(f.column("roles", "departement")[i]).roles.append(Role(
            id=rid, name=f.labels["roles"].get(rid, rid), kind=f.column("roles", "type")[i],
            people=len(holders.get(rid, ())), needs=len(speakers.get(rid, ())),
        ))
    named_groups = [d for key, d in groups.items() if key != NONE]
    return named_groups + ([groups[NONE]] if NONE in groups else [])
