"""Health signals: is the project set up to succeed? Nine readings of the canvas, each ok, à surveiller or manquant.

The seed documents 002 (ten conditions of success) and 003 (a present
executive sponsor, a decision-making project lead, a team from every
department) say what a CRM project cannot do without; each signal checks one
of those conditions in the canvas and says why, with the evidence (who, how
many, what is missing) and the sentence of the document it rests on. Each is
one function declared with :func:`declare_signal`; its title and advice are in
``i18n/readiness.toml``. The rule for the three statuses, everywhere:

* **ok** — the condition holds for everything it concerns;
* **à surveiller** — it holds in part (some departments, some stakes, a
  sponsor who carries no stake…);
* **manquant** — it does not hold at all (nobody, nothing, or nothing to read).

Shares (the prioritised backlog) use :data:`SHARE_OK` and :data:`SHARE_WATCH`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from crmcanvas.analysis.facts import Facts
from crmcanvas.analysis.metrics import pct
from crmcanvas.analysis.registry import (
    CANVAS_METHOD,
    SPONSOR,
    TEN_CONDITIONS,
    Context,
    Item,
    Reading,
    Source,
    Status,
    declare_signal,
)
from crmcanvas.core.text import fold, name_key
from crmcanvas.i18n import join, t

SHARE_OK = 90.0  # % of needs with a MoSCoW priority for « ok »
SHARE_WATCH = 50.0  # below this, « manquant »
MOSCOW = ("must", "should", "could", "wont")
# A « Reprise » cell that says the decision is still to be taken (folded): not a plan yet.
UNDECIDED = frozenset({"", "a decider", "a definir", "a preciser", "a voir", "a confirmer", "a etudier", "en discussion",
                       "en reflexion", "inconnu", "nc", "tbd", "tbc", "to be decided", "to be defined", "unknown", "todo"})


def _words(key: str, lang: str, **params: Any) -> str:
    return t(f"readiness.evidence.{key}", lang, **params)


def _status(done: int, whole: int) -> Status:
    """ok when everything concerned holds, manquant when nothing does, à surveiller in between."""
    if whole and done == whole:
        return "ok"
    return "a_surveiller" if done else "manquant"


def _names(f: Facts, tab: str, ids: Iterable[str], lang: str, limit: int = 6) -> str:
    """« Hélène Marchetti, Julien Roussel et 2 autres »: labels of a few rows, in sheet order."""
    wanted = set(ids)
    labels = [f.labels[tab].get(rid, rid) for rid in f.ids[tab] if rid in wanted]
    if len(labels) > limit:
        return _words("and_more", lang, names=", ".join(labels[:limit]), n=len(labels) - limit)
    return join(labels, lang)


def _items(f: Facts, tab: str, ids: Iterable[str], labels: dict[str, str] | None = None) -> list[Item]:
    wanted = set(ids)
    return [{"id": rid, "label": (labels or f.labels[tab]).get(rid, f.labels[tab].get(rid, rid))} for rid in f.ids[tab] if rid in wanted]


def _people(f: Facts, implication: str) -> list[str]:
    """People whose Implication is ``implication``, in sheet order."""
    return [rid for rid, value in zip(f.ids["personnes"], f.column("personnes", "implication"), strict=True) if value == implication]


def _department_words(text: str) -> frozenset[str]:
    return frozenset(name_key(text).split())


# ---------------------------------------------------------------- the team (documents 003 and 002)


@declare_signal("sponsor_identifie", source=Source(SPONSOR, "carried_by_management", area="readiness"))
def sponsor_identified(ctx: Context) -> Reading:
    """A person whose Implication is « Sponsor »; ok when a sponsor also carries a stake (« porte les objectifs »)."""
    f, lang = ctx.facts, ctx.lang
    sponsors = _people(f, "sponsor")
    if not sponsors:
        return Reading("manquant", _words("sponsor.none", lang))
    carried: dict[str, list[str]] = {}
    for stake, person in f.pairs("enjeux", "porteur", "personnes"):
        if person in sponsors:
            carried.setdefault(person, []).append(stake)
    if carried:
        stakes = [stake for person in sponsors for stake in carried.get(person, [])]
        return Reading("ok", _words("sponsor.ok", lang, names=_names(f, "personnes", carried, lang), stakes=", ".join(stakes)))
    return Reading("a_surveiller", _words("sponsor.no_stake", lang, names=_names(f, "personnes", sponsors, lang)),
                   _items(f, "personnes", sponsors))


@declare_signal("pilote_identifie", source=Source(SPONSOR, "decision_maker", area="readiness"))
def project_lead_identified(ctx: Context) -> Reading:
    """One internal person whose Implication is « Pilote » (document 001: « le pilote interne »; 003: « décisionnaire »).

    Internal: of the organisation most people belong to (or none written), and not
    holding external roles only.
    """
    f, lang = ctx.facts, ctx.lang
    leads = _people(f, "pilote")
    if not leads:
        return Reading("manquant", _words("lead.none", lang))
    organisation = dict(zip(f.ids["personnes"], f.column("personnes", "organisation"), strict=True))
    common = Counter(fold(o) for o in organisation.values() if o.strip()).most_common(1)
    home = common[0][0] if common else ""
    role_type = dict(zip(f.ids["roles"], f.column("roles", "type"), strict=True))
    roles: dict[str, list[str]] = {}
    for person, role in f.pairs("personnes", "role"):
        roles.setdefault(person, []).append(role_type.get(role, ""))

    def internal(person: str) -> bool:
        org = fold(organisation.get(person, ""))
        held = roles.get(person, [])
        return (not org or org == home) and not (held and all(kind == "externe" for kind in held))

    inside = [p for p in leads if internal(p)]
    names = _names(f, "personnes", leads, lang)
    if not inside:
        return Reading("a_surveiller", _words("lead.external", lang, names=names), _items(f, "personnes", leads))
    if len(inside) > 1:
        return Reading("a_surveiller", _words("lead.several", lang, n=len(inside), names=_names(f, "personnes", inside, lang)),
                       _items(f, "personnes", inside))
    return Reading("ok", _words("lead.ok", lang, names=names))


@declare_signal("referents_par_departement", source=Source(SPONSOR, "availability", area="readiness"))
def referents_per_department(ctx: Context) -> Reading:
    """A business referent in every department whose people or internal roles expressed needs.

    The project lead and the sponsor speak for their own department too (a
    small organisation's DG is the referent of « Direction »).
    """
    f, lang = ctx.facts, ctx.lang
    people_department = dict(zip(f.ids["personnes"], f.column("personnes", "departement"), strict=True))
    involved: dict[frozenset[str], str] = {}  # department words -> the first spelling met
    for _, person in f.pairs("besoins", "exprime_par", "personnes", active_only=True):
        department = people_department.get(person, "").strip()
        if department:
            involved.setdefault(_department_words(department), department)
    role_department = dict(zip(f.ids["roles"], f.column("roles", "departement"), strict=True))
    role_type = dict(zip(f.ids["roles"], f.column("roles", "type"), strict=True))
    for _, role in f.pairs("besoins", "role", "roles", active_only=True):
        department = role_department.get(role, "").strip()
        if department and role_type.get(role) != "externe":
            involved.setdefault(_department_words(department), department)
    referents = _people(f, "referent_metier")
    covering = {_department_words(people_department.get(p, "")) for p in [*referents, *_people(f, "pilote"), *_people(f, "sponsor")]}
    covering.discard(frozenset())
    if not referents:
        return Reading("manquant", _words("referents.none", lang))
    if not involved:
        return Reading("ok", _words("referents.no_department", lang, n=len(referents)))
    missing = [name for words, name in involved.items() if words not in covering]
    done = len(involved) - len(missing)
    status = _status(done, len(involved))
    items = [{"id": name, "label": name} for name in missing]
    if status == "ok":
        return Reading(status, _words("referents.ok", lang, n=len(involved)))
    return Reading(status, _words("referents.partial", lang, done=done, n=len(involved), missing=join(missing, lang)), items)


@declare_signal("departements_representes", source=Source(SPONSOR, "every_department"))
def departments_represented(ctx: Context) -> Reading:
    """Every department of the settings has at least one person in the canvas (the gap ``departements_absents``)."""
    lang = ctx.lang
    configured = ctx.settings.departments
    if not configured:
        return Reading("a_surveiller", _words("departments.none_configured", lang))
    missing = ctx.gap("departements_absents")
    done = len(configured) - len(missing)
    status = _status(done, len(configured))
    if status == "ok":
        return Reading(status, _words("departments.ok", lang, n=len(configured)))
    return Reading(status, _words("departments.partial", lang, done=done, n=len(configured),
                                  missing=join([item["label"] for item in missing], lang)), missing)


@declare_signal("roles_externes_entendus", source=Source(CANVAS_METHOD, "external_roles"))
def external_roles_heard(ctx: Context) -> Reading:
    """External roles (donors, customers, members…) exist and each has at least one need."""
    f, lang = ctx.facts, ctx.lang
    external = [rid for rid, kind in zip(f.ids["roles"], f.column("roles", "type"), strict=True) if kind == "externe"]
    if not external:
        return Reading("manquant", _words("external.none", lang))
    silent = ctx.gap("roles_externes_sans_besoin")
    done = len(external) - len(silent)
    status = _status(done, len(external))
    if status == "ok":
        return Reading(status, _words("external.ok", lang, n=len(external)))
    return Reading(status, _words("external.partial", lang, done=done, n=len(external),
                                  missing=_names(f, "roles", [item["id"] for item in silent], lang)), silent)


# ---------------------------------------------------------------- objectives and backlog (documents 004 and 002)


@declare_signal("enjeux_mesurables", source=Source(CANVAS_METHOD, "success_criteria"))
def measurable_stakes(ctx: Context) -> Reading:
    """Every stake has an indicator and a target value."""
    f, lang = ctx.facts, ctx.lang
    stakes = f.ids["enjeux"]
    if not stakes:
        return Reading("manquant", _words("stakes.none", lang))
    lacking: dict[str, str] = {}
    for rid, indicator, target in zip(stakes, f.column("enjeux", "indicateur"), f.column("enjeux", "valeur_cible"), strict=True):
        what = [_words(key, lang) for key, value in (("stakes.no_indicator", indicator), ("stakes.no_target", target)) if not value.strip()]
        if what:
            lacking[rid] = t("analysis.items.detail", lang, label=f.labels["enjeux"].get(rid, rid), detail=", ".join(what))
    done = len(stakes) - len(lacking)
    status = _status(done, len(stakes))
    if status == "ok":
        return Reading(status, _words("stakes.ok", lang, n=len(stakes)), measure=100.0)
    return Reading(status, _words("stakes.partial", lang, done=done, n=len(stakes)), _items(f, "enjeux", lacking, lacking),
                   measure=pct(done, len(stakes)))


@declare_signal("backlog_priorise", source=Source(TEN_CONDITIONS, "progressive", area="readiness"))
def prioritised_backlog(ctx: Context) -> Reading:
    """Share of the needs (rejected ones left out) with a MoSCoW priority: ok from 90 %, manquant under 50 %."""
    f, lang = ctx.facts, ctx.lang
    counted = [(rid, priority) for rid, priority, status in
               zip(f.ids["besoins"], f.column("besoins", "priorite"), f.column("besoins", "statut"), strict=True) if status != "rejete"]
    if not counted:
        return Reading("manquant", _words("backlog.none", lang))
    unset = [rid for rid, priority in counted if priority not in MOSCOW]
    share = pct(len(counted) - len(unset), len(counted)) or 0.0
    status: Status = "ok" if share >= SHARE_OK else "a_surveiller" if share >= SHARE_WATCH else "manquant"
    labels = dict(zip(f.ids["besoins"], f.column("besoins", "besoin"), strict=True))
    items = [{"id": rid, "label": labels.get(rid, rid)[:90]} for rid in unset]
    return Reading(status, _words("backlog.share", lang, share=f"{share:.0f}", done=len(counted) - len(unset), n=len(counted)),
                   items, measure=share)


# ---------------------------------------------------------------- data and applications (documents 002 and 004)


def _replaced_applications(f: Facts) -> list[str]:
    return [rid for rid, status in zip(f.ids["applications"], f.column("applications", "statut"), strict=True) if status == "a_remplacer"]


@declare_signal("reprise_planifiee", source=Source(TEN_CONDITIONS, "first_login", area="readiness"))
def migration_planned(ctx: Context) -> Reading:
    """Each data object whose master application is to be replaced says in « Reprise » what is migrated."""
    f, lang = ctx.facts, ctx.lang
    replaced = set(_replaced_applications(f))
    concerned = [obj for obj, app in f.pairs("donnees", "application_maitre", "applications") if app in replaced]
    if not concerned:
        return Reading("ok", _words("migration.nothing", lang))
    plan = dict(zip(f.ids["donnees"], f.column("donnees", "reprise"), strict=True))
    undecided = [obj for obj in dict.fromkeys(concerned) if fold(plan.get(obj, "")) in UNDECIDED]
    whole = len(set(concerned))
    status = _status(whole - len(undecided), whole)
    if status == "ok":
        return Reading(status, _words("migration.ok", lang, n=whole))
    return Reading(status, _words("migration.partial", lang, done=whole - len(undecided), n=whole,
                                  missing=_names(f, "donnees", undecided, lang)), _items(f, "donnees", undecided))


@declare_signal("remplacements_couverts", source=Source(CANVAS_METHOD, "replace_obsolete"))
def replacements_covered(ctx: Context) -> Reading:
    """Each application to replace holds data objects (its Données, or objects it is master of), all used by a need."""
    f, lang = ctx.facts, ctx.lang
    replaced = _replaced_applications(f)
    if not replaced:
        return Reading("ok", _words("replace.nothing", lang))
    held: dict[str, set[str]] = {app: set() for app in replaced}
    for app, obj in f.pairs("applications", "donnee", "donnees"):
        if app in held:
            held[app].add(obj)
    for obj, app in f.pairs("donnees", "application_maitre", "applications"):
        if app in held:
            held[app].add(obj)
    used = {obj for _, obj in f.pairs("besoins", "donnee", "donnees", active_only=True)}
    uncovered: dict[str, str] = {}
    for app in replaced:
        objects = held[app]
        label = f.labels["applications"].get(app, app)
        if not objects:
            uncovered[app] = t("analysis.items.detail", lang, label=label, detail=_words("replace.no_data", lang))
            continue
        unused = [obj for obj in f.ids["donnees"] if obj in objects and obj not in used]
        if unused:
            uncovered[app] = t("analysis.items.detail", lang, label=label,
                               detail=_words("replace.unused", lang, objects=_names(f, "donnees", unused, lang)))
    status = _status(len(replaced) - len(uncovered), len(replaced))
    if status == "ok":
        return Reading(status, _words("replace.ok", lang, n=len(replaced)))
    return Reading(status, _words("replace.partial", lang, done=len(replaced) - len(uncovered), n=len(replaced)),
                   _items(f, "applications", uncovered, uncovered))


def summary(readings: dict[str, Reading]) -> dict[str, int]:
    """How many signals are ok, à surveiller, manquant (every status present, zero included)."""
    counts = Counter(reading.status for reading in readings.values())
    return {status: counts.get(status, 0) for status in ("ok", "a_surveiller", "manquant")}
