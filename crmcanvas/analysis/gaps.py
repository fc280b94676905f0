"""Gaps: the named holes in a canvas, each a list of ``{"id", "label"}`` items in sheet order.

A gap is what a facilitator should raise in the next workshop: a stake no need
serves, a need tied to nothing, a role nobody spoke for, a data object nobody
defined. Each gap is one function declared with :func:`declare_gap` (code, the
tab its items come from, the advice it rests on); its title and advice are in
``i18n/analysis.toml``. The declaration order is the order of screens and
reports. Rejected needs (statut « Rejeté » or priorité « Won't ») are left out:
they serve nothing on purpose.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from crmcanvas.analysis.facts import Facts
from crmcanvas.analysis.registry import CANVAS_METHOD, SPONSOR, TEN_CONDITIONS, Context, Item, Source, declare_gap
from crmcanvas.core.text import id_key, name_key
from crmcanvas.i18n import t


def _items(order: list[str], labels: dict[str, str], wanted: Iterable[str]) -> list[Item]:
    """Items in sheet order for the wanted IDs."""
    keep = wanted if isinstance(wanted, set | dict) else set(wanted)
    return [{"id": rid, "label": labels.get(rid, rid)} for rid in order if rid in keep]


def _targets(pairs: list[tuple[str, str]]) -> set[str]:
    return {t for _, t in pairs}


def _sources(pairs: list[tuple[str, str]]) -> set[str]:
    return {s for s, _ in pairs}


def _missing_targets(ctx: Context, target_tab: str, sources: tuple[str, ...]) -> list[Item]:
    """References to a tab that match nothing there and are not typos of an existing row.

    A close fuzzy match (« Donnateur » for « Donateur ») or an ID-shaped reference
    (« D99 ») is a broken reference, reported by the loader; what is left names
    something the canvas has never described.
    """
    f = ctx.facts
    refs = f.unresolved(target_tab=target_tab, sources=sources)
    if not refs:
        return []
    choices = [name_key(v) for v in f.labels[target_tab].values()]
    cited: dict[str, tuple[str, list[str]]] = {}
    for ref in refs:
        text, source = ref["ref"], ref["source_id"]
        if id_key(text) is not None:
            continue
        key = name_key(text)
        if key not in cited:
            if choices and process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=ctx.settings.fuzzy_cutoff):
                cited[key] = ("", [])  # a typo of an existing row
                continue
            cited[key] = (text, [])
        if cited[key][0] and source not in cited[key][1]:
            cited[key][1].append(source)
    return [{"id": ref, "label": t("analysis.items.cited_by", ctx.lang, name=ref, sources=", ".join(by))}
            for ref, by in cited.values() if ref]


def _role_refs(f: Facts) -> list[dict[str, str]]:
    """Unresolved roles of active needs (column or story)."""
    return [d for d in f.unresolved(relation="role", sources=("besoins",)) if d["source_id"] in f.active_set]


def _roles_without_need(f: Facts) -> set[str]:
    return set(f.ids["roles"]) - _targets(f.pairs("besoins", "role", active_only=True))


@declare_gap("enjeux_sans_besoin", tab="enjeux", source=Source(CANVAS_METHOD, "echo_needs"))
def stakes_without_need(ctx: Context) -> list[Item]:
    f = ctx.facts
    return _items(f.ids["enjeux"], f.labels["enjeux"], set(f.ids["enjeux"]) - _targets(f.pairs("besoins", "enjeu", active_only=True)))


@declare_gap("enjeux_sans_indicateur", tab="enjeux", source=Source(CANVAS_METHOD, "success_criteria"))
def stakes_without_indicator(ctx: Context) -> list[Item]:
    f = ctx.facts
    empty = {rid for rid, value in zip(f.ids["enjeux"], f.column("enjeux", "indicateur"), strict=True) if not value.strip()}
    return _items(f.ids["enjeux"], f.labels["enjeux"], empty)


@declare_gap("besoins_sans_enjeu", tab="besoins", source=Source(CANVAS_METHOD, "cross_checked"))
def needs_without_stake(ctx: Context) -> list[Item]:
    f = ctx.facts
    return _items(f.active, f.need_labels, f.active_set - _sources(f.pairs("besoins", "enjeu", active_only=True)))


@declare_gap("besoins_sans_role", tab="besoins", source=Source(CANVAS_METHOD, "agile_story"))
def needs_without_role(ctx: Context) -> list[Item]:
    f = ctx.facts
    named = _sources(f.pairs("besoins", "role", active_only=True)) | {d["source_id"] for d in _role_refs(f)}
    return _items(f.active, f.need_labels, f.active_set - named)


@declare_gap("besoins_role_inconnu", tab="besoins", source=Source(CANVAS_METHOD, "roles_thought"))
def needs_with_unknown_role(ctx: Context) -> list[Item]:
    f = ctx.facts
    refs = _role_refs(f)
    unknown = {d["source_id"] for d in refs} - _sources(f.pairs("besoins", "role", active_only=True))
    labels = {d["source_id"]: t("analysis.items.unknown_role", ctx.lang, role=d["ref"], need=f.need_labels.get(d["source_id"], ""))
              for d in refs}
    return _items(f.active, labels, unknown)


@declare_gap("besoins_sans_donnee", tab="besoins", source=Source(CANVAS_METHOD, "echo_objects"))
def needs_without_data(ctx: Context) -> list[Item]:
    """A need citing only an undefined object is listed under objets_non_definis instead."""
    f = ctx.facts
    cited = _sources(f.pairs("besoins", "donnee", active_only=True)) | {d["source_id"] for d in f.unresolved(relation="donnee", sources=("besoins",))}
    return _items(f.active, f.need_labels, f.active_set - cited)


@declare_gap("objets_non_definis", tab=None, source=Source(CANVAS_METHOD, "shared_vocabulary"))
def undefined_objects(ctx: Context) -> list[Item]:
    return _missing_targets(ctx, "donnees", ("besoins", "applications"))


@declare_gap("objets_non_utilises", tab="donnees", source=Source(CANVAS_METHOD, "objects_everywhere"))
def unused_objects(ctx: Context) -> list[Item]:
    f = ctx.facts
    used = _targets(f.pairs("besoins", "donnee", active_only=True)) | _targets(f.pairs("applications", "donnee"))
    return _items(f.ids["donnees"], f.labels["donnees"], set(f.ids["donnees"]) - used)


@declare_gap("objets_incomplets", tab="donnees", source=Source(CANVAS_METHOD, "attributes"))
def incomplete_objects(ctx: Context) -> list[Item]:
    f = ctx.facts
    labels = {}
    for rid, definition, attributes in zip(f.ids["donnees"], f.column("donnees", "definition"), f.column("donnees", "attributs"), strict=True):
        missing = [t(key, ctx.lang) for key, value in (("analysis.items.no_definition", definition),
                                                        ("analysis.items.no_attributes", attributes)) if not value.strip()]
        if missing:
            labels[rid] = t("analysis.items.detail", ctx.lang, label=f.labels["donnees"].get(rid, rid), detail=", ".join(missing))
    return _items(f.ids["donnees"], labels, labels)


@declare_gap("objets_sans_application_maitre", tab="donnees", source=Source(TEN_CONDITIONS, "data_sources"))
def objects_without_master(ctx: Context) -> list[Item]:
    f = ctx.facts
    return _items(f.ids["donnees"], f.labels["donnees"], set(f.ids["donnees"]) - _sources(f.pairs("donnees", "application_maitre")))


@declare_gap("applications_non_inventoriees", tab=None, source=Source(CANVAS_METHOD, "inventory"))
def uninventoried_applications(ctx: Context) -> list[Item]:
    return _missing_targets(ctx, "applications", ("besoins", "donnees", "applications"))


@declare_gap("applications_sans_besoin", tab="applications", source=Source(CANVAS_METHOD, "replace_obsolete"))
def unused_applications(ctx: Context) -> list[Item]:
    """Used: a need names it, it is the master of an object a need uses, or it exchanges with another application.

    An exchange links both ends (whichever lists the other); an application that
    lists itself exchanges with nothing (that slip is a ``self_exchange`` finding).
    """
    f = ctx.facts
    used_by_needs = _targets(f.pairs("besoins", "donnee", active_only=True))
    exchanges = [(a, b) for a, b in f.pairs("applications", "echange", "applications") if a != b]
    used = (_targets(f.pairs("besoins", "application", active_only=True))
            | {app for obj, app in f.pairs("donnees", "application_maitre") if obj in used_by_needs}
            | _sources(exchanges) | _targets(exchanges))
    return _items(f.ids["applications"], f.labels["applications"], set(f.ids["applications"]) - used)


@declare_gap("roles_sans_personne", tab="roles", source=Source(SPONSOR, "team"))
def roles_without_person(ctx: Context) -> list[Item]:
    f = ctx.facts
    return _items(f.ids["roles"], f.labels["roles"], set(f.ids["roles"]) - _targets(f.pairs("personnes", "role")))


@declare_gap("roles_sans_besoin", tab="roles", source=Source(CANVAS_METHOD, "listen"))
def roles_without_need(ctx: Context) -> list[Item]:
    f = ctx.facts
    return _items(f.ids["roles"], f.labels["roles"], _roles_without_need(f))


@declare_gap("roles_externes_sans_besoin", tab="roles", source=Source(CANVAS_METHOD, "external_roles"))
def external_roles_without_need(ctx: Context) -> list[Item]:
    f = ctx.facts
    external = {rid for rid, kind in zip(f.ids["roles"], f.column("roles", "type"), strict=True) if kind == "externe"}
    return _items(f.ids["roles"], f.labels["roles"], _roles_without_need(f) & external)


@declare_gap("personnes_sans_role", tab="personnes", source=Source(CANVAS_METHOD, "speaking_roles"))
def people_without_role(ctx: Context) -> list[Item]:
    f = ctx.facts
    return _items(f.ids["personnes"], f.labels["personnes"], set(f.ids["personnes"]) - _sources(f.pairs("personnes", "role")))


@declare_gap("departements_absents", tab=None, source=Source(SPONSOR, "every_department"))
def missing_departments(ctx: Context) -> list[Item]:
    """Departments of the settings no person represents (« Direction générale » counts for « direction »)."""
    present = [set(name_key(d).split()) for d in ctx.facts.column("personnes", "departement") if d.strip()]

    def represented(wanted: str) -> bool:
        words = set(name_key(wanted).split())
        return bool(words) and any(words <= have for have in present)

    return [{"id": d, "label": d[:1].upper() + d[1:]} for d in ctx.settings.departments if not represented(d)]
