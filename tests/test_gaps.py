"""Every gap on a hand-built canvas with one culprit each, on a clean one, and on the demo canvas."""

from __future__ import annotations

import pytest

from crmcanvas.analysis import analyze
from crmcanvas.analysis.registry import gaps as gap_entries
from crmcanvas.build.whole_canvas import self_exchange_findings, whole_canvas_findings
from crmcanvas.core.config import Settings
from crmcanvas.demo import demo_grids
from tests.fixtures_analysis import canvas_of, clean_grids, ids, tiny_grids

SETTINGS = Settings(departments=["direction", "service client", "ventes"])

EXPECTED_TINY = {
    "enjeux_sans_besoin": ["E3"],
    "enjeux_sans_indicateur": ["E3"],
    "besoins_sans_enjeu": ["B5"],
    "besoins_sans_role": ["B3"],
    "besoins_role_inconnu": ["B4"],
    "besoins_sans_donnee": ["B6"],
    "objets_non_definis": ["Legs"],
    "objets_non_utilises": ["D3"],
    "objets_incomplets": ["D2", "D3"],
    "objets_sans_application_maitre": ["D3"],
    "applications_non_inventoriees": ["Mailchimp"],
    "applications_sans_besoin": ["A3"],
    "roles_sans_personne": ["R3", "R4"],
    "roles_sans_besoin": ["R3", "R4"],
    "roles_externes_sans_besoin": ["R4"],
    "personnes_sans_role": ["P3"],
    "departements_absents": ["ventes"],
}


def gaps_of(grids: dict, settings: Settings = SETTINGS) -> dict:
    return analyze(canvas_of(grids, settings), settings).gaps


@pytest.fixture(scope="module")
def tiny_gaps() -> dict:
    return gaps_of(tiny_grids())


def test_every_gap_is_reported_in_registry_order() -> None:
    assert list(gaps_of(clean_grids())) == [g.code for g in gap_entries()] == list(EXPECTED_TINY)


@pytest.mark.parametrize("name", list(EXPECTED_TINY))
def test_each_gap_names_its_culprit(tiny_gaps: dict, name: str) -> None:
    assert ids(tiny_gaps[name]) == EXPECTED_TINY[name]


def test_a_clean_canvas_has_no_gap_but_the_departments_it_lacks() -> None:
    assert {name: ids(items) for name, items in gaps_of(clean_grids()).items() if items} == {
        "departements_absents": ["direction", "service client", "ventes"],
    }


def test_items_carry_a_readable_label(tiny_gaps: dict) -> None:
    assert tiny_gaps["enjeux_sans_besoin"] == [{"id": "E3", "label": "Mesurer l'impact"}]
    assert tiny_gaps["objets_non_definis"] == [{"id": "Legs", "label": "Legs — cité par B5"}]
    assert tiny_gaps["objets_incomplets"] == [
        {"id": "D2", "label": "Mission (sans attributs)"},
        {"id": "D3", "label": "Bénéficiaire (sans définition)"},
    ]
    assert tiny_gaps["besoins_role_inconnu"][0]["label"].startswith("rôle « trésorier » — En tant que trésorier")
    assert tiny_gaps["personnes_sans_role"] == [{"id": "P3", "label": "Hugo Marchand"}]
    assert tiny_gaps["departements_absents"] == [{"id": "ventes", "label": "Ventes"}]


def test_item_labels_follow_the_language_setting() -> None:
    gaps = gaps_of(tiny_grids(), Settings(departments=["ventes"], language="en"))
    assert gaps["objets_non_definis"] == [{"id": "Legs", "label": "Legs — cited by B5"}]
    assert gaps["objets_incomplets"][0] == {"id": "D2", "label": "Mission (no attributes)"}
    assert gaps["besoins_role_inconnu"][0]["label"].startswith("role “trésorier” — ")


def test_rejected_and_wont_needs_do_not_cover_a_stake(tiny_gaps: dict) -> None:
    # B7 (Rejeté) and B8 (Won't) name E3, which still counts as served by no need.
    assert "E3" in ids(tiny_gaps["enjeux_sans_besoin"])


def test_an_explicit_role_column_wins_over_the_story() -> None:
    grids = tiny_grids()
    grids["besoins"][4][2] = "Chargé de collecte"  # B4: "En tant que trésorier" but Rôle = a known role
    assert ids(gaps_of(grids)["besoins_role_inconnu"]) == []


def test_a_typo_is_not_an_undefined_object() -> None:
    grids = tiny_grids()
    grids["besoins"][1][4] = "Dons, Donn"  # "Donn": a typo of Don, reported by the loader as a broken reference
    assert ids(gaps_of(grids)["objets_non_definis"]) == ["Legs"]


def test_an_undefined_object_cited_twice_is_listed_once_with_both_sources() -> None:
    grids = tiny_grids()
    grids["besoins"][6][4] = "legs"  # B6 cites it too, in lower case
    assert gaps_of(grids)["objets_non_definis"] == [{"id": "Legs", "label": "Legs — cité par B5, B6"}]


def test_departments_match_whatever_the_spelling() -> None:
    settings = Settings(departments=["Service client", "DIRECTION", "Finance"])
    # "Service clients" and "Direction générale" are in the people tab; finance is not.
    assert ids(gaps_of(tiny_grids(), settings)["departements_absents"]) == ["Finance"]


def test_an_empty_canvas_has_empty_gaps_except_departments() -> None:
    gaps = gaps_of({})
    assert all(items == [] for name, items in gaps.items() if name != "departements_absents")
    assert len(gaps["departements_absents"]) == 3


# Applications and their exchanges.


def with_exchange(cell: str) -> dict:
    grids = tiny_grids()
    grids["applications"][3][3] = cell  # A3 « Canva », that nothing uses
    return grids


def test_an_application_exchanging_with_itself_is_still_unused() -> None:
    assert ids(gaps_of(with_exchange("A3"))["applications_sans_besoin"]) == ["A3"]
    assert ids(gaps_of(with_exchange("Canva"))["applications_sans_besoin"]) == ["A3"]


def test_an_application_exchanging_with_itself_is_a_warning_on_its_row() -> None:
    canvas = canvas_of(with_exchange("A1, Canva"))
    found = [f for f in whole_canvas_findings(canvas, SETTINGS) if f.code == "self_exchange"]
    assert [(f.severity, f.tab, f.row, f.column, f.value) for f in found] == [("warning", "applications", 4, "Échanges", "A1, Canva")]
    assert "A3" in found[0].message and "elle-même" in found[0].message
    assert found[0].fix == "A1"  # the cell without the self-reference
    english = self_exchange_findings(canvas, "en")[0]
    assert "exchanges with itself" in english.message and english.suggestion.startswith("Remove A3")


def test_a_lone_self_reference_has_no_fix_and_other_applications_none_at_all() -> None:
    found = self_exchange_findings(canvas_of(with_exchange("A3")))
    assert len(found) == 1 and found[0].fix is None
    assert self_exchange_findings(canvas_of(with_exchange("A1"))) == []


def test_an_exchange_uses_both_applications() -> None:
    # A3 lists A1 in its own exchanges: there is an interface, so A3 is not unused.
    assert ids(gaps_of(with_exchange("A1"))["applications_sans_besoin"]) == []


# The demo canvas: its deliberate gaps (crmcanvas/demo/GAPS.md) are found, and nothing else.
EXPECTED_DEMO = {
    "enjeux_sans_besoin": ["E07"],
    "enjeux_sans_indicateur": ["E08"],
    "besoins_sans_enjeu": ["B017", "B048", "B049", "B050"],
    "besoins_sans_role": ["B023", "B024"],
    "besoins_role_inconnu": ["B022"],
    "besoins_sans_donnee": ["B057"],
    "objets_non_definis": ["Legs"],
    "objets_non_utilises": ["D15"],
    "objets_incomplets": ["D14"],
    "objets_sans_application_maitre": ["D08"],
    "applications_non_inventoriees": ["Qonto"],
    "applications_sans_besoin": ["A15"],
    "roles_sans_personne": ["R06"],
    "roles_sans_besoin": ["R07", "R12"],
    "roles_externes_sans_besoin": ["R12"],
    "personnes_sans_role": ["P14"],
}


def test_the_demo_canvas_deliberate_gaps_are_found() -> None:
    gaps = gaps_of(demo_grids(), Settings())
    assert {name: ids(items) for name, items in gaps.items() if name != "departements_absents"} == EXPECTED_DEMO
    # The demo is a charity: no sales, no production department.
    assert {"ventes", "production"} <= set(ids(gaps["departements_absents"]))
    assert not {"direction", "marketing", "finance", "accueil"} & set(ids(gaps["departements_absents"]))
    assert self_exchange_findings(canvas_of(demo_grids())) == []
