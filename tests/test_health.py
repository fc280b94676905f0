"""The health scorecard: nine signals, each ok / à surveiller / manquant on hand-built canvases and on the demo."""

from __future__ import annotations

import copy
import json
import re
from datetime import date

import pytest

from crmcanvas.analysis import analyze
from crmcanvas.analysis.checklist import INTRO, template
from crmcanvas.analysis.registry import DOCUMENTS, REGISTRY, Signal, signal, signals
from crmcanvas.build.load import load_grids
from crmcanvas.cli import check_payload
from crmcanvas.cli.text import format_check_text, format_report_text
from crmcanvas.core.config import Settings
from crmcanvas.demo import demo_grids
from crmcanvas.i18n import LANGUAGES, catalogue

SETTINGS = Settings(departments=["direction", "collecte", "bénévolat"])
CODES = ["sponsor_identifie", "pilote_identifie", "referents_par_departement", "departements_representes",
         "roles_externes_entendus", "enjeux_mesurables", "backlog_priorise", "reprise_planifiee", "remplacements_couverts"]

# A small charity whose nine signals are all ok; each test breaks one thing (partly, then wholly).
HEALTHY = {
    "enjeux": [
        ["ID", "Enjeu", "Indicateur", "Valeur cible", "Porteur"],
        ["E1", "Fidéliser les donateurs", "Taux de fidélisation", "50 %", "Anne Roy"],
        ["E2", "Recruter des bénévoles", "Bénévoles actifs", "120", "Paul Durand"],
    ],
    "besoins": [
        ["ID", "Besoin", "Rôle", "Enjeux", "Données", "Priorité", "Statut", "Exprimé par"],
        ["B1", "En tant que chargé de collecte, je veux voir les dons afin de relancer", "R1", "E1", "Don", "Must", "", "Paul Durand"],
        ["B2", "En tant que bénévole, je veux choisir ma mission", "R2", "E2", "Mission", "Should", "", "Claire Martin"],
        ["B3", "En tant que donateur, je veux mon reçu par e-mail", "R3", "E1", "Don", "Could", "", "Paul Durand"],
    ],
    "donnees": [
        ["ID", "Objet", "Définition", "Attributs", "Application maître", "Reprise"],
        ["D1", "Don", "Versement d'un donateur", "montant, date", "A1", "Oui, 5 ans"],
        ["D2", "Mission", "Créneau de bénévolat", "date, lieu", "A2", "Non, ressaisie"],
    ],
    "applications": [
        ["ID", "Application", "Statut", "Données"],
        ["A1", "Base donateurs (Access)", "À remplacer", "Don"],
        ["A2", "Planning bénévoles", "À remplacer", "Mission"],
    ],
    "personnes": [
        ["ID", "Prénom", "Nom", "Département", "Organisation", "Rôles", "Implication"],
        ["P1", "Anne", "Roy", "Direction", "Asso", "R4", "Sponsor"],
        ["P2", "Paul", "Durand", "Collecte", "Asso", "R1", "Pilote"],
        ["P3", "Claire", "Martin", "Bénévolat", "Asso", "R5", "Référent métier"],
    ],
    "roles": [
        ["ID", "Rôle", "Type", "Département"],
        ["R1", "Chargé de collecte", "Interne", "Collecte"],
        ["R2", "Bénévole", "Externe", ""],
        ["R3", "Donateur", "Externe", ""],
        ["R4", "Direction générale", "Interne", "Direction"],
        ["R5", "Coordinateur bénévoles", "Interne", "Bénévolat"],
    ],
}


def healthy():
    return copy.deepcopy(HEALTHY)


def read(grids, settings: Settings = SETTINGS):
    return analyze(load_grids(grids, settings=settings), settings).health


def reading(grids, code: str, settings: Settings = SETTINGS):
    return read(grids, settings)[code]


def set_cell(grids, tab: str, row_id: str, column: str, value: str):
    header = grids[tab][0]
    row = next(r for r in grids[tab][1:] if r[0] == row_id)
    row[header.index(column)] = value
    return grids


def test_the_registry_declares_nine_signals_in_screen_order():
    assert [s.code for s in signals()] == CODES
    assert all(isinstance(s, Signal) for s in signals())
    with pytest.raises(KeyError):
        signal("enjeux_sans_besoin")  # a gap, not a signal


def test_a_healthy_canvas_is_ok_on_every_signal():
    health = read(healthy())
    assert {code: r.status for code, r in health.items()} == dict.fromkeys(CODES, "ok")
    assert health["sponsor_identifie"].evidence == "Sponsor : Anne Roy, porteur de E1."
    assert health["pilote_identifie"].evidence == "Pilote : Paul Durand."
    assert health["backlog_priorise"].measure == 100.0


# ---------------------------------------------------------------- the team


def test_sponsor_missing_then_present_without_a_stake():
    assert reading(set_cell(healthy(), "personnes", "P1", "Implication", "Contributeur"), "sponsor_identifie").status == "manquant"
    partial = reading(set_cell(healthy(), "enjeux", "E1", "Porteur", "Paul Durand"), "sponsor_identifie")
    assert partial.status == "a_surveiller" and [i["id"] for i in partial.items] == ["P1"]
    assert partial.evidence == "Sponsor : Anne Roy, mais aucun enjeu ne l'a pour porteur."


def test_project_lead_missing_external_or_several():
    assert reading(set_cell(healthy(), "personnes", "P2", "Implication", ""), "pilote_identifie").status == "manquant"
    outside = reading(set_cell(healthy(), "personnes", "P2", "Organisation", "Cabinet Conseil"), "pilote_identifie")
    assert outside.status == "a_surveiller" and outside.evidence == "Pilote : Paul Durand, extérieur à l'organisation."
    two = reading(set_cell(healthy(), "personnes", "P3", "Implication", "Chef de projet"), "pilote_identifie")
    assert two.status == "a_surveiller" and two.evidence.startswith("2 pilotes internes (Paul Durand et Claire Martin)")


def test_referents_missing_or_missing_in_one_department():
    none = set_cell(healthy(), "personnes", "P3", "Implication", "Contributeur")
    assert reading(none, "referents_par_departement").status == "manquant"
    grids = healthy()
    grids["personnes"].append(["P4", "Marc", "Vidal", "Finance", "Asso", "R1", "Contributeur"])
    grids["besoins"].append(["B4", "En tant que chargé de collecte, je veux exporter les dons", "R1", "E1", "Don", "Must", "", "Marc Vidal"])
    partial = reading(grids, "referents_par_departement")
    assert partial.status == "a_surveiller" and [i["id"] for i in partial.items] == ["Finance"]
    assert partial.evidence == "2 départements sur 3 ont un référent métier ; sans référent : Finance."


def test_departments_represented_all_some_none_or_not_configured():
    assert reading(healthy(), "departements_representes").evidence == "Les 3 départements configurés sont représentés."
    some = reading(healthy(), "departements_representes", Settings(departments=["direction", "production"]))
    assert some.status == "a_surveiller" and [i["id"] for i in some.items] == ["production"]
    assert reading(healthy(), "departements_representes", Settings(departments=["ventes", "production"])).status == "manquant"
    assert reading(healthy(), "departements_representes", Settings(departments=[])).status == "a_surveiller"


def test_external_roles_heard_some_none_or_no_external_role():
    grids = healthy()
    grids["roles"].append(["R6", "Partenaire mécène", "Externe", ""])
    partial = reading(grids, "roles_externes_entendus")
    assert partial.status == "a_surveiller" and [i["id"] for i in partial.items] == ["R6"]
    assert "sans besoin : Partenaire mécène" in partial.evidence
    silent = set_cell(set_cell(healthy(), "besoins", "B2", "Rôle", "R1"), "besoins", "B3", "Rôle", "R1")
    assert reading(silent, "roles_externes_entendus").status == "manquant"
    internal = set_cell(set_cell(healthy(), "roles", "R2", "Type", "Interne"), "roles", "R3", "Type", "Interne")
    assert reading(internal, "roles_externes_entendus").status == "manquant"


# ---------------------------------------------------------------- objectives and backlog


def test_stakes_need_an_indicator_and_a_target():
    partial = reading(set_cell(healthy(), "enjeux", "E2", "Valeur cible", ""), "enjeux_mesurables")
    assert partial.status == "a_surveiller" and partial.measure == 50.0
    assert partial.items == [{"id": "E2", "label": "Recruter des bénévoles (sans valeur cible)"}]
    grids = set_cell(set_cell(healthy(), "enjeux", "E1", "Indicateur", ""), "enjeux", "E2", "Indicateur", "")
    assert reading(grids, "enjeux_mesurables").status == "manquant"
    grids = healthy()
    del grids["enjeux"][1:]
    assert reading(grids, "enjeux_mesurables").status == "manquant"


def test_backlog_share_with_a_moscow_priority():
    two_of_three = reading(set_cell(healthy(), "besoins", "B3", "Priorité", ""), "backlog_priorise")
    assert two_of_three.status == "a_surveiller" and two_of_three.evidence == "67 % des besoins ont une priorité MoSCoW (2 sur 3)."
    assert [i["id"] for i in two_of_three.items] == ["B3"]
    one_of_three = set_cell(set_cell(healthy(), "besoins", "B3", "Priorité", ""), "besoins", "B2", "Priorité", "")
    assert reading(one_of_three, "backlog_priorise").status == "manquant"
    rejected = set_cell(set_cell(healthy(), "besoins", "B3", "Priorité", ""), "besoins", "B3", "Statut", "Rejeté")
    assert reading(rejected, "backlog_priorise").status == "ok"  # a rejected need needs no priority
    grids = healthy()
    del grids["besoins"][1:]
    assert reading(grids, "backlog_priorise").status == "manquant"


# ---------------------------------------------------------------- data and applications


def test_migration_planned_for_objects_of_applications_to_replace():
    partial = reading(set_cell(healthy(), "donnees", "D1", "Reprise", "À décider"), "reprise_planifiee")
    assert partial.status == "a_surveiller" and [i["id"] for i in partial.items] == ["D1"]
    assert partial.evidence == "1 objets sur 2 à reprendre disent ce qui est repris ; à décider : Don."
    undecided = set_cell(set_cell(healthy(), "donnees", "D1", "Reprise", ""), "donnees", "D2", "Reprise", "?")
    assert reading(undecided, "reprise_planifiee").status == "manquant"
    kept = set_cell(set_cell(undecided, "applications", "A1", "Statut", "En place"), "applications", "A2", "Statut", "À conserver")
    nothing = reading(kept, "reprise_planifiee")
    assert nothing.status == "ok" and nothing.evidence.startswith("Aucun objet de données")


def test_applications_to_replace_have_their_data_taken_over_by_needs():
    unused = set_cell(healthy(), "besoins", "B2", "Données", "")  # nothing uses Mission any more
    partial = reading(unused, "remplacements_couverts")
    assert partial.status == "a_surveiller"
    assert partial.items == [{"id": "A2", "label": "Planning bénévoles (objets qu'aucun besoin n'utilise : Mission)"}]
    grids = healthy()
    grids["applications"].append(["A3", "Fichier partenaires (Excel)", "À remplacer", ""])
    empty = reading(grids, "remplacements_couverts")
    assert empty.items == [{"id": "A3", "label": "Fichier partenaires (Excel) (aucun objet de données)"}]
    assert empty.evidence == "2 applications à remplacer sur 3 ont toutes leurs données reprises par des besoins."
    none = set_cell(unused, "besoins", "B1", "Données", "")
    none = set_cell(none, "besoins", "B3", "Données", "")
    assert reading(none, "remplacements_couverts").status == "manquant"
    kept = set_cell(set_cell(healthy(), "applications", "A1", "Statut", "En place"), "applications", "A2", "Statut", "En place")
    assert reading(kept, "remplacements_couverts").status == "ok"


def test_an_empty_canvas_says_missing_without_failing():
    health = read({})
    assert health["sponsor_identifie"].status == "manquant" and health["backlog_priorise"].status == "manquant"
    assert health["reprise_planifiee"].status == "ok" and health["remplacements_couverts"].status == "ok"  # nothing to migrate


# ---------------------------------------------------------------- the demo, the report, the words


def test_the_demo_canvas_reads_four_ok_and_five_to_watch():
    analysis = analyze(load_grids(demo_grids(), settings=Settings()), Settings(), today=date(2026, 12, 3))
    assert {code: r.status for code, r in analysis.health.items()} == {
        "sponsor_identifie": "ok", "pilote_identifie": "ok", "referents_par_departement": "a_surveiller",
        "departements_representes": "a_surveiller", "roles_externes_entendus": "a_surveiller",
        "enjeux_mesurables": "a_surveiller", "backlog_priorise": "ok", "reprise_planifiee": "a_surveiller",
        "remplacements_couverts": "ok"}
    health = analysis.health
    assert [i["id"] for i in health["referents_par_departement"].items] == ["Informatique"]
    assert [i["id"] for i in health["roles_externes_entendus"].items] == ["R12"]
    assert [i["id"] for i in health["enjeux_mesurables"].items] == ["E08"]
    assert [i["id"] for i in health["reprise_planifiee"].items] == ["D14"]
    report = json.loads(json.dumps(analysis.report(), ensure_ascii=False))
    assert list(report["health"]) == CODES and report["health_summary"] == {"ok": 4, "a_surveiller": 5, "manquant": 0}
    assert report["health"]["reprise_planifiee"]["items"] == [{"id": "D14", "label": "Organisation"}]
    assert report["checklist"]["done"] == 21 and report["checklist"]["overdue"][0] == "C40"


def test_the_terminal_report_has_the_health_section_and_the_checklist_line():
    canvas = load_grids(demo_grids(), settings=Settings())
    text = format_check_text(canvas, check_payload(canvas, Settings()), "fr")
    assert "Santé du projet : 4 ok, 5 à surveiller, 0 manquant(s)" in text
    assert re.search(r"À surveiller\s+Reprise des données prévue\s+10 objets sur 11", text)
    assert re.search(r"Check-list : 21 / 65 faits \(32,3\s?%\), \d+ en retard, 4 sans responsable", text)
    english = format_report_text(analyze(canvas, Settings(language="en")).report(), "en")
    assert "Project health: 4 OK, 5 to watch, 0 missing" in english
    assert "The 4 applications to replace have all their data taken over by needs." in english


def test_evidence_is_in_the_settings_language():
    health = read(healthy(), Settings(language="en", departments=["direction", "production"]))
    assert health["departements_representes"].evidence == "1 of 2 configured departments are represented; missing: Production."
    assert health["sponsor_identifie"].evidence == "Sponsor: Anne Roy, owner of E1."


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_signal_has_its_words_and_quotes_one_sentence_of_a_domain_document(lang):
    for entry in signals():
        assert entry.title(lang) and entry.advice(lang)
        assert entry.source.document in DOCUMENTS and entry.source.text(lang).endswith("."), entry.code
    assert {s.source.document for s in signals()} == {"002_0cd98e55d51ec2e2.txt", "003_cef9d88a7a6891fe.txt",
                                                      "004_22e7ae33688fb707.txt"}


def test_no_word_of_readiness_is_orphaned():
    """Every signal text and quote of i18n/readiness.toml belongs to a signal, a chapter or the checklist's intro."""
    used = {key for entry in REGISTRY for key in entry.keys() if key.startswith("readiness.")}
    used |= {chapter.source.key for chapter in template().chapters} | {INTRO.key}
    declared = {key for key in catalogue() if re.match(r"readiness\.(signals|quotes)\.", key)}
    assert declared == used
