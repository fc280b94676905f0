"""Gaps: the named holes in a canvas, each a list of ``{"id", "label"}`` items.

A gap is what a facilitator should raise in the next workshop: a stake no need
serves, a need tied to nothing, a role nobody spoke for, a data object nobody
defined. Every gap is a pure function of a loaded :class:`Canvas` (frames,
edges, dangling references). Rejected needs (statut « Rejeté » or priorité
« Won't ») are left out: they serve nothing on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

from crmcanvas.canvas import Canvas
from crmcanvas.config import Settings
from crmcanvas.text import id_key, name_key

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


def active_needs(canvas: Canvas) -> pd.DataFrame:
    """Needs that count for coverage: not rejected (statut « rejete ») and not « wont »."""
    needs = canvas.frames["besoins"]
    rejected = (needs["statut"] == "rejete") | (needs["priorite"] == "wont")
    return needs.loc[~rejected]


def linked(canvas: Canvas, source_tab: str, relation: str, target_tab: str | None = None) -> pd.DataFrame:
    """Resolved edges of one relation, as (source_id, target_id)."""
    edges = canvas.edges
    if edges.empty:
        return pd.DataFrame({"source_id": pd.Series(dtype="str"), "target_id": pd.Series(dtype="str")})
    mask = (edges["source_tab"] == source_tab) & (edges["relation"] == relation)
    if target_tab is not None:
        mask &= edges["target_tab"] == target_tab
    return edges.loc[mask, ["source_id", "target_id"]]


def _dangling(canvas: Canvas, relation: str | None = None, target_tab: str | None = None,
              sources: tuple[str, ...] | None = None) -> pd.DataFrame:
    d = canvas.dangling
    if d is None or d.empty:
        return pd.DataFrame(columns=["source_tab", "source_id", "relation", "target_tab", "ref"])
    mask = pd.Series(True, index=d.index)
    if relation is not None:
        mask &= d["relation"] == relation
    if target_tab is not None:
        mask &= d["target_tab"] == target_tab
    if sources is not None:
        mask &= d["source_tab"].isin(sources)
    return d.loc[mask]


def _items(frame: pd.DataFrame, labels: dict[str, str], ids: object, suffix: dict[str, str] | None = None) -> list[Item]:
    """Items in sheet order for the given IDs."""
    wanted = set(ids)  # type: ignore[arg-type]
    out = []
    for rid in frame["id"].tolist():
        if rid in wanted:
            label = labels.get(rid, rid)
            if suffix and suffix.get(rid):
                label = f"{label} ({suffix[rid]})"
            out.append({"id": rid, "label": label})
    return out


def _missing_targets(canvas: Canvas, target_tab: str, sources: tuple[str, ...], cutoff: float) -> list[Item]:
    """References to a tab that match nothing there and are not typos of an existing row.

    A close fuzzy match (« Donnateur » for « Donateur ») or an ID-shaped reference
    (« D99 ») is a broken reference, reported by the loader; what is left names
    something the canvas has never described.
    """
    refs = _dangling(canvas, target_tab=target_tab, sources=sources)
    if refs.empty:
        return []
    choices = [name_key(v) for v in canvas.labels(target_tab).values()]
    cited: dict[str, tuple[str, list[str]]] = {}
    for ref, source in zip(refs["ref"].tolist(), refs["source_id"].tolist(), strict=True):
        if id_key(ref) is not None:
            continue
        key = name_key(ref)
        if key not in cited:
            if choices and process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=cutoff):
                cited[key] = ("", [])  # a typo of an existing row
                continue
            cited[key] = (ref, [])
        if cited[key][0] and source not in cited[key][1]:
            cited[key][1].append(source)
    return [{"id": ref, "label": f"{ref} — cité par {', '.join(by)}"} for ref, by in cited.values() if ref]


def _department_present(wanted: str, present: list[set[str]]) -> bool:
    words = set(name_key(wanted).split())
    return bool(words) and any(words <= have for have in present)


@dataclass(frozen=True)
class _Links:
    """The edge sets every gap needs, computed once."""

    need_stakes: pd.DataFrame
    need_roles: pd.DataFrame
    need_data: pd.DataFrame
    need_apps: pd.DataFrame
    person_roles: pd.DataFrame
    app_data: pd.DataFrame
    data_master: pd.DataFrame
    app_exchanges: pd.DataFrame


def _links(canvas: Canvas, active: set[str]) -> _Links:
    def of_active(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.loc[frame["source_id"].isin(active)]

    return _Links(
        need_stakes=of_active(linked(canvas, "besoins", "enjeu")),
        need_roles=of_active(linked(canvas, "besoins", "role")),
        need_data=of_active(linked(canvas, "besoins", "donnee")),
        need_apps=of_active(linked(canvas, "besoins", "application")),
        person_roles=linked(canvas, "personnes", "role"),
        app_data=linked(canvas, "applications", "donnee"),
        data_master=linked(canvas, "donnees", "application_maitre"),
        app_exchanges=linked(canvas, "applications", "echange"),
    )


def find_gaps(canvas: Canvas, settings: Settings | None = None) -> dict[str, list[Item]]:
    """Every gap of :data:`GAPS`, in that order; an empty list when there is none."""
    settings = settings or Settings()
    f = canvas.frames
    stakes, data, apps, people, roles = f["enjeux"], f["donnees"], f["applications"], f["personnes"], f["roles"]
    needs = active_needs(canvas)
    active = set(needs["id"].tolist())
    links = _links(canvas, active)
    labels = {tab: canvas.labels(tab) for tab in ("enjeux", "besoins", "donnees", "applications", "personnes", "roles")}
    need_labels = {rid: _short(text) for rid, text in labels["besoins"].items()}

    role_refs = _dangling(canvas, relation="role", sources=("besoins",))
    unknown_role = set(role_refs["source_id"].tolist()) - set(links.need_roles["source_id"].tolist())
    unknown_role &= active
    used_data = set(links.need_data["target_id"]) | set(links.app_data["target_id"])
    incomplete = {}
    for rid, definition, attributes in zip(data["id"].tolist(), data["definition"].tolist(), data["attributs"].tolist(), strict=True):
        missing = [what for what, value in (("sans définition", definition), ("sans attributs", attributes)) if not value.strip()]
        if missing:
            incomplete[rid] = ", ".join(missing)
    # An application is used when a need names it, a data object a need uses lives in it, or
    # another application exchanges with it.
    used_apps = (set(links.need_apps["target_id"])
                 | set(links.data_master.loc[links.data_master["source_id"].isin(set(links.need_data["target_id"])), "target_id"])
                 | set(links.app_exchanges["target_id"]))
    roles_without_need = set(roles["id"]) - set(links.need_roles["target_id"])
    external = set(roles.loc[roles["type"] == "externe", "id"])
    departments = [set(name_key(d).split()) for d in people["departement"].tolist() if d.strip()]

    return {
        "enjeux_sans_besoin": _items(stakes, labels["enjeux"], set(stakes["id"]) - set(links.need_stakes["target_id"])),
        "enjeux_sans_indicateur": _items(stakes, labels["enjeux"], stakes.loc[stakes["indicateur"].str.strip() == "", "id"]),
        "besoins_sans_enjeu": _items(needs, need_labels, active - set(links.need_stakes["source_id"])),
        "besoins_sans_role": _items(needs, need_labels, active - set(links.need_roles["source_id"]) - set(role_refs["source_id"])),
        "besoins_role_inconnu": _items(needs, {rid: f"rôle « {ref} » — {need_labels.get(rid, rid)}" for rid, ref
                                               in zip(role_refs["source_id"], role_refs["ref"], strict=True)}, unknown_role),
        # A need citing only an undefined object is listed under objets_non_definis instead.
        "besoins_sans_donnee": _items(needs, need_labels, active - set(links.need_data["source_id"])
                                      - set(_dangling(canvas, relation="donnee", sources=("besoins",))["source_id"])),
        "objets_non_definis": _missing_targets(canvas, "donnees", ("besoins", "applications"), settings.fuzzy_cutoff),
        "objets_non_utilises": _items(data, labels["donnees"], set(data["id"]) - used_data),
        "objets_incomplets": _items(data, labels["donnees"], incomplete, suffix=incomplete),
        "objets_sans_application_maitre": _items(data, labels["donnees"], set(data["id"]) - set(links.data_master["source_id"])),
        "applications_non_inventoriees": _missing_targets(canvas, "applications", ("besoins", "donnees", "applications"), settings.fuzzy_cutoff),
        "applications_sans_besoin": _items(apps, labels["applications"], set(apps["id"]) - used_apps),
        "roles_sans_personne": _items(roles, labels["roles"], set(roles["id"]) - set(links.person_roles["target_id"])),
        "roles_sans_besoin": _items(roles, labels["roles"], roles_without_need),
        "roles_externes_sans_besoin": _items(roles, labels["roles"], roles_without_need & external),
        "personnes_sans_role": _items(people, labels["personnes"], set(people["id"]) - set(links.person_roles["source_id"])),
        "departements_absents": [{"id": d, "label": d[:1].upper() + d[1:]} for d in settings.departments
                                 if not _department_present(d, departments)],
    }


def gap_counts(gaps: dict[str, list[Item]]) -> dict[str, int]:
    return {name: len(items) for name, items in gaps.items()}


def _short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
