"""Gaps: the named holes in a canvas, each a list of ``{"id", "label"}`` items.

A gap is what a facilitator should raise in the next workshop: a stake no need
serves, a need tied to nothing, a role nobody spoke for, a data object nobody
defined. Every gap is a pure function of a loaded :class:`Canvas` (frames,
edges, dangling references). Rejected needs (statut « Rejeté » or priorité
« Won't ») are left out: they serve nothing on purpose.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from crmcanvas.analysis.facts import Facts, facts_of
from crmcanvas.core.canvas import Canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.text import id_key, name_key, shorten

Item = dict[str, str]

# name -> (French title, what to do about it). The order is the order of screens and reports.
GAPS: dict[str, tuple[str, str]] = {
    "enjeux_sans_besoin": ("Enjeux servis par aucun besoin", "Demandez en atelier quels besoins servent cet enjeu, ou questionnez l'enjeu."),
    "enjeux_sans_indicateur": ("Enjeux sans indicateur", "Donnez à chaque enjeu un critère de succès mesurable."),
    "besoins_sans_enjeu": ("Besoins rattachés à aucun enjeu", "Reliez le besoin à un enjeu (colonne Enjeux) ou interrogez sa raison d'être."),
    "besoins_sans_role": ("Besoins sans rôle", "Renseignez la colonne Rôle ou écrivez le besoin « En tant que [rôle], je souhaite… »."),
    "besoins_role_inconnu": ("Besoins dont le rôle est inconnu", "Ajoutez le rôle à l'onglet rôles ou corrigez son nom."),
    "besoins_sans_donnee": ("Besoins sans objet de données", "Indiquez les objets (Client, Don…) que le besoin lit ou modifie."),
    "objets_non_definis": ("Objets cités mais absents du lexique", "Ajoutez l'objet à l'onglet données, avec sa définition."),
    "objets_non_utilises": ("Objets qu'aucun besoin ni application n'utilise", "Vérifiez si l'objet est utile ou si un besoin manque."),
    "objets_incomplets": ("Objets sans définition ou sans attributs", "Complétez la définition et les attributs (futurs champs du CRM)."),
    "objets_sans_application_maitre": ("Objets sans application maître", "Désignez l'application qui fait foi pour cet objet."),
    "applications_non_inventoriees": ("Applications citées mais absentes de l'inventaire", "Ajoutez l'application à l'onglet applications."),
    "applications_sans_besoin": ("Applications qu'aucun besoin n'utilise", "Vérifiez si l'application est encore utile ou si un besoin manque."),
    "roles_sans_personne": ("Rôles tenus par personne", "Identifiez qui porte ce rôle, même par intérim."),
    "roles_sans_besoin": ("Rôles pour lesquels personne n'a exprimé de besoin", "Invitez ces utilisateurs au prochain atelier."),
    "roles_externes_sans_besoin": ("Rôles externes sans besoin exprimé", "Faites parler le client, le donateur, le partenaire… (persona, entretien)."),
    "personnes_sans_role": ("Personnes sans rôle", "Indiquez au titre de quel rôle chaque personne s'exprime."),
    "departements_absents": ("Départements absents des personnes impliquées", "Impliquez au moins une personne de ce département."),
}
GAP_NAMES: tuple[str, ...] = tuple(GAPS)


def _items(order: list[str], labels: dict[str, str], wanted: object, suffix: dict[str, str] | None = None) -> list[Item]:
    """Items in sheet order for the wanted IDs."""
    wanted = wanted if isinstance(wanted, set | dict) else set(wanted)  # type: ignore[arg-type]
    out = []
    for rid in order:
        if rid in wanted:
            label = labels.get(rid, rid)
            if suffix and suffix.get(rid):
                label = f"{label} ({suffix[rid]})"
            out.append({"id": rid, "label": label})
    return out


def _missing_targets(facts: Facts, target_tab: str, sources: tuple[str, ...], cutoff: float) -> list[Item]:
    """References to a tab that match nothing there and are not typos of an existing row.

    A close fuzzy match (« Donnateur » for « Donateur ») or an ID-shaped reference
    (« D99 ») is a broken reference, reported by the loader; what is left names
    something the canvas has never described.
    """
    refs = facts.unresolved(target_tab=target_tab, sources=sources)
    if not refs:
        return []
    choices = [name_key(v) for v in facts.labels[target_tab].values()]
    cited: dict[str, tuple[str, list[str]]] = {}
    for ref in refs:
        text, source = ref["ref"], ref["source_id"]
        if id_key(text) is not None:
            continue
        key = name_key(text)
        if key not in cited:
            if choices and process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff):
                cited[key] = ("", [])  # a typo of an existing row
                continue
            cited[key] = (text, [])
        if cited[key][0] and source not in cited[key][1]:
            cited[key][1].append(source)
    return [{"id": ref, "label": f"{ref} — cité par {', '.join(by)}"} for ref, by in cited.values() if ref]


def _department_present(wanted: str, present: list[set[str]]) -> bool:
    words = set(name_key(wanted).split())
    return bool(words) and any(words <= have for have in present)


def _targets(pairs: list[tuple[str, str]]) -> set[str]:
    return {t for _, t in pairs}


def _sources(pairs: list[tuple[str, str]]) -> set[str]:
    return {s for s, _ in pairs}


def find_gaps(canvas: Canvas, settings: Settings | None = None, facts: Facts | None = None) -> dict[str, list[Item]]:
    """Every gap of :data:`GAPS`, in that order; an empty list when there is none."""
    settings = settings or Settings()
    f = facts or facts_of(canvas)
    ids, labels, active = f.ids, f.labels, f.active_set
    need_labels = {rid: shorten(f.labels["besoins"].get(rid, rid), 90) for rid in f.active}
    need_stakes = f.pairs("besoins", "enjeu", active_only=True)
    need_roles = f.pairs("besoins", "role", active_only=True)
    need_data = f.pairs("besoins", "donnee", active_only=True)
    need_apps = f.pairs("besoins", "application", active_only=True)
    person_roles = f.pairs("personnes", "role")
    data_master = f.pairs("donnees", "application_maitre")

    role_refs = [d for d in f.unresolved(relation="role", sources=("besoins",)) if d["source_id"] in active]
    unknown_role = {d["source_id"] for d in role_refs} - _sources(need_roles)
    data_refs = {d["source_id"] for d in f.unresolved(relation="donnee", sources=("besoins",))}
    used_data = _targets(need_data) | _targets(f.pairs("applications", "donnee"))
    incomplete = {}
    for rid, definition, attributes in zip(ids["donnees"], f.column("donnees", "definition"), f.column("donnees", "attributs"), strict=True):
        missing = [what for what, value in (("sans définition", definition), ("sans attributs", attributes)) if not value.strip()]
        if missing:
            incomplete[rid] = ", ".join(missing)
    # An application is used when a need names it, a data object a need uses lives in it, or
    # another application exchanges with it.
    used_by_needs = _targets(need_data)
    used_apps = (_targets(need_apps) | {app for obj, app in data_master if obj in used_by_needs}
                 | _targets(f.pairs("applications", "echange")))
    roles_without_need = set(ids["roles"]) - _targets(need_roles)
    external = {rid for rid, kind in zip(ids["roles"], f.column("roles", "type"), strict=True) if kind == "externe"}
    departments = [set(name_key(d).split()) for d in f.column("personnes", "departement") if d.strip()]
    no_indicator = {rid for rid, value in zip(ids["enjeux"], f.column("enjeux", "indicateur"), strict=True) if not value.strip()}

    return {
        "enjeux_sans_besoin": _items(ids["enjeux"], labels["enjeux"], set(ids["enjeux"]) - _targets(need_stakes)),
        "enjeux_sans_indicateur": _items(ids["enjeux"], labels["enjeux"], no_indicator),
        "besoins_sans_enjeu": _items(f.active, need_labels, active - _sources(need_stakes)),
        "besoins_sans_role": _items(f.active, need_labels, active - _sources(need_roles) - {d["source_id"] for d in role_refs}),
        "besoins_role_inconnu": _items(f.active, {d["source_id"]: f"rôle « {d['ref']} » — {need_labels.get(d['source_id'], '')}"
                                                  for d in role_refs}, unknown_role),
        # A need citing only an undefined object is listed under objets_non_definis instead.
        "besoins_sans_donnee": _items(f.active, need_labels, active - _sources(need_data) - data_refs),
        "objets_non_definis": _missing_targets(f, "donnees", ("besoins", "applications"), settings.fuzzy_cutoff),
        "objets_non_utilises": _items(ids["donnees"], labels["donnees"], set(ids["donnees"]) - used_data),
        "objets_incomplets": _items(ids["donnees"], labels["donnees"], incomplete, suffix=incomplete),
        "objets_sans_application_maitre": _items(ids["donnees"], labels["donnees"], set(ids["donnees"]) - _sources(data_master)),
        "applications_non_inventoriees": _missing_targets(f, "applications", ("besoins", "donnees", "applications"), settings.fuzzy_cutoff),
        "applications_sans_besoin": _items(ids["applications"], labels["applications"], set(ids["applications"]) - used_apps),
        "roles_sans_personne": _items(ids["roles"], labels["roles"], set(ids["roles"]) - _targets(person_roles)),
        "roles_sans_besoin": _items(ids["roles"], labels["roles"], roles_without_need),
        "roles_externes_sans_besoin": _items(ids["roles"], labels["roles"], roles_without_need & external),
        "personnes_sans_role": _items(ids["personnes"], labels["personnes"], set(ids["personnes"]) - _sources(person_roles)),
        "departements_absents": [{"id": d, "label": d[:1].upper() + d[1:]} for d in settings.departments
                                 if not _department_present(d, departments)],
    }
