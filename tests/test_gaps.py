"""Every gap on a hand-built canvas with one culprit each, on a clean one, and on the demo canvas."""

from __future__ import annotations

import pytest

from crmcanvas.analysis.gaps import GAP_NAMES, GAPS, find_gaps
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


@pytest.fixture(scope="module")
def tiny_gaps() -> dict:
    return find_gaps(canvas_of(tiny_grids()), SETTINGS)


def test_every_gap_is_reported_in_a_fixed_order_with_a_french_title() -> None:
    assert list(find_gaps(canvas_of(clean_grids()), SETTINGS)) == list(GAP_NAMES) == list(EXPECTED_TINY)
    assert all(title and todo for title, todo in GAPS.values())


@pytest.mark.parametrize("name", list(EXPECTED_TINY))
def test_each_gap_names_its_culprit(tiny_gaps: dict, name: str) -> None:
    assert ids(tiny_gaps[name]) == EXPECTED_TINY[name]


def test_a_clean_canvas_has_no_gap_but_the_departments_it_lacks() -> None:
    gaps = find_gaps(canvas_of(clean_grids()), SETTINGS)
    assert {name: ids(items) for name, items in gaps.items() if items} == {
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


def test_rejected_and_wont_needs_do_not_cover_a_stake(tiny_gaps: dict) -> None:
    # B7 (Rejeté) and B8 (Won't) name E3, which still counts as served by no need.
    assert "E3" in ids(tiny_gaps["enjeux_sans_besoin"])


def test_an_explicit_role_column_wins_over_the_story() -> None:
    grids = tiny_grids()
    grids["besoins"][4][2] = "Chargé de collecte"  # B4: "En tant que trésorier" but Rôle = a known role
    gaps = find_gaps(canvas_of(grids), SETTINGS)
    assert ids(gaps["besoins_role_inconnu"]) == []


def test_a_typo_is_not_an_undefined_object() -> None:
    grids = tiny_grids()
    grids["besoins"][1][4] = "Dons, Donn"  # "Donn": a typo of Don, reported by the loader as a broken reference
    gaps = find_gaps(canvas_of(grids), SETTINGS)
    assert ids(gaps["objets_non_definis"]) == ["Legs"]


def test_an_undefined_object_cited_twice_is_listed_once_with_both_sources() -> None:
    grids = tiny_grids()
    grids["besoins"][6][4] = "legs"  # B6 cites it too, in lower case
    gaps = find_gaps(canvas_of(grids), SETTINGS)
    assert gaps["objets_non_definis"] == [{"id": "Legs", "label": "Legs — cité par B5, B6"}]


def test_departments_match_whatever_the_spelling() -> None:
    settings = Settings(departments=["Service client", "DIRECTION", "Finance"])
    gaps = find_gaps(canvas_of(tiny_grids()), settings)
    # "Service clients" and "Direction générale" are in the people tab; finance is not.
    assert ids(gaps["departements_absents"]) == ["Finance"]


def test_an_empty_canvas_has_empty_gaps_except_departments() -> None:
    gaps = find_gaps(canvas_of({}), SETTINGS)
    assert all(items == [] for name, items in gaps.items() if name != "departements_absents")
    assert len(gaps["departements_absents"]) == 3


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
    gaps = find_gaps(canvas_of(demo_grids()), Settings())
    assert {name: ids(items) for name, items in gaps.items() if name != "departements_absents"} == EXPECTED_DEMO
    # The demo is a charity: no sales, no production department.
    assert {"ventes", "production"} <= set(ids(gaps["departements_absents"]))
    assert not {"direction", "marketing", "finance", "accueil"} & set(ids(gaps["departements_absents"]))
