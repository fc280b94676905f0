"""The applications inventory as the Applications page shows it: by status, with what touches each.

« En faisant la liste exhaustive de toutes les applications utilisées […] il
est fréquent que des jokers apparaissent » (the canvas method): the page lists
every application under its status (en place, à conserver, à intégrer, à
remplacer, candidate), the active needs that name it, the data objects it holds
or is the master of, and the applications it exchanges with — an exchange links
both ends, whichever of the two lists the other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.views import NONE, named, sources_of, targets_of
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.schema import ENUMS

STATUSES: tuple[str, ...] = ("en_place", "a_conserver", "a_integrer", "a_remplacer", "candidate")


@dataclass(frozen=True)
class Application:
    id: str
    name: str
    category: str
    status: str  # value-set code, the text as written when unknown, NONE when empty
    hosting: str  # interne / externe code
    owners: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # active needs naming it, sheet order
    data: list[str] = field(default_factory=list)  # objects it holds or is the master of, sheet order
    master_of: list[str] = field(default_factory=list)  # objects whose application maître it is
    exchanges: list[str] = field(default_factory=list)  # applications it exchanges with (either side listed it)
    not_inventoried: list[str] = field(default_factory=list)  # exchanges naming no inventoried application, as typed


def status_order(values: set[str]) -> list[str]:
    """The statuses present: the value set's order (the life of an application), then others, then NONE."""
    known = [s for s in STATUSES if s in values] + [s for s in ENUMS["statut_application"] if s in values and s not in STATUSES]
    return known + sorted(v for v in values if v not in known and v != NONE) + ([NONE] if NONE in values else [])


def exchange_pairs(canvas: Canvas) -> list[tuple[str, str]]:
    """Each exchange once, as (first listed, other), between two different applications, in sheet order."""
    f = facts_of(canvas)
    seen: set[frozenset[str]] = set()
    out = []
    for a, b in f.pairs("applications", "echange", "applications"):
        pair = frozenset((a, b))
        if a != b and pair not in seen:
            seen.add(pair)
            out.append((a, b))
    return out


def inventory(canvas: Canvas) -> list[Application]:
    """Every application in sheet order with the needs, data and exchanges that touch it."""
    f = facts_of(canvas)
    needs = sources_of(f, "besoins", "application", "applications", active_only=True)
    held = sources_of(f, "applications", "donnee", "donnees")  # object -> applications holding it
    masters = targets_of(f, "donnees", "application_maitre", "applications")  # object -> its masters
    owners = named(f, "applications", "proprietaire")
    exchanges: dict[str, list[str]] = {}
    for a, b in exchange_pairs(canvas):
        exchanges.setdefault(a, []).append(b)
        exchanges.setdefault(b, []).append(a)
    order = {rid: i for i, rid in enumerate(f.ids["applications"])}
    missing: dict[str, list[str]] = {}
    for ref in f.unresolved(relation="echange", sources=("applications",)):
        missing.setdefault(ref["source_id"], []).append(ref["ref"])
    apps = []
    for i, rid in enumerate(f.ids["applications"]):
        master_of = [obj for obj in f.ids["donnees"] if rid in masters.get(obj, ())]
        data = [obj for obj in f.ids["donnees"] if rid in masters.get(obj, ()) or rid in held.get(obj, ())]
        apps.append(Application(
            id=rid, name=f.labels["applications"].get(rid, rid), category=f.column("applications", "categorie")[i].strip(),
            status=f.column("applications", "statut")[i].strip(), hosting=f.column("applications", "interne_externe")[i],
            owners=owners.get(rid, []), needs=needs.get(rid, []), data=data, master_of=master_of,
            exchanges=sorted(exchanges.get(rid, []), key=lambda a: order.get(a, len(order))),
            not_inventoried=missing.get(rid, []),
        ))
    return apps


def by_status(apps: list[Application]) -> dict[str, list[Application]]:
    """The inventory grouped by status, in :func:`status_order`."""
    groups: dict[str, list[Application]] = {status: [] for status in status_order({a.status for a in apps})}
    for app in apps:
        groups[app.status].append(app)
    return groups
