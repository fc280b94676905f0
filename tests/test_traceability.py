"""Traceability: matrices, the Sankey table and the per-stake drill-down, on canvases where the answer is obvious."""

from __future__ import annotations

import pytest

from crmcanvas.analysis import analyze
from crmcanvas.analysis.traceability import (
    GROUPINGS,
    MATRICES,
    grouping_label,
    matrix_besoins_donnees,
    matrix_donnees_applications,
    matrix_enjeux_besoins,
    sankey_table,
    stake_drilldown,
)
from crmcanvas.core.config import Settings
from crmcanvas.demo import demo_grids
from tests.fixtures_analysis import canvas_of, tiny_grids


@pytest.fixture(scope="module")
def tiny():
    return canvas_of(tiny_grids())


def cells(matrix) -> set[tuple[str, str, int]]:
    return {(r, c, int(matrix.at[r, c])) for r in matrix.index for c in matrix.columns if matrix.at[r, c]}


def test_stakes_by_needs_keeps_empty_rows_and_leaves_out_rejected_needs(tiny) -> None:
    m = matrix_enjeux_besoins(tiny)
    assert list(m.index) == ["E1", "E2", "E3"]
    assert list(m.columns) == ["B1", "B2", "B3", "B4", "B5", "B6"]  # B7 rejected, B8 won't
    assert cells(m) == {("E1", "B1", 1), ("E1", "B3", 1), ("E1", "B4", 1), ("E2", "B2", 1), ("E2", "B6", 1)}
    assert m.loc["E3"].sum() == 0  # the gap a sponsor must see


def test_needs_by_data(tiny) -> None:
    m = matrix_besoins_donnees(tiny)
    assert list(m.columns) == ["D1", "D2", "D3"]
    assert cells(m) == {("B1", "D1", 1), ("B2", "D2", 1), ("B3", "D1", 1), ("B4", "D1", 1)}


def test_data_by_applications_marks_the_master_application(tiny) -> None:
    m = matrix_donnees_applications(tiny)
    # A1 is D1's master and holds it (2 wins over 1); A2 is D2's master; A3 holds nothing.
    assert cells(m) == {("D1", "A1", 2), ("D2", "A2", 2)}
    grids = tiny_grids()
    grids["applications"][2][2] = "Mission; Don"  # A2 also holds Don, without being its master
    assert cells(matrix_donnees_applications(canvas_of(grids))) == {("D1", "A1", 2), ("D2", "A2", 2), ("D1", "A2", 1)}


def test_sankey_groups_needs_and_shows_what_is_missing(tiny) -> None:
    table = sankey_table(tiny, group_by="priorite")
    links = {(s, t): v for s, t, v in table.links.itertuples(index=False)}
    assert links == {
        # stake -> priority group (B5 has no stake; B4 has no priority)
        ("enjeux:E1", "groupes:must"): 1,
        ("enjeux:E1", "groupes:could"): 1,
        ("enjeux:E1", "groupes:"): 1,
        ("enjeux:E2", "groupes:should"): 2,
        ("enjeux:∅", "groupes:must"): 1,
        # group -> data object (B5 cites only an undefined object, B6 none)
        ("groupes:must", "donnees:D1"): 1,
        ("groupes:must", "donnees:∅"): 1,
        ("groupes:should", "donnees:D2"): 1,
        ("groupes:should", "donnees:∅"): 1,
        ("groupes:could", "donnees:D1"): 1,
        ("groupes:", "donnees:D1"): 1,
        # data object -> its master application
        ("donnees:D1", "applications:A1"): 3,
        ("donnees:D2", "applications:A2"): 1,
        # needs with no data end in the last column
        ("donnees:∅", "applications:∅∅"): 2,
    }
    nodes = table.nodes.set_index("node")
    assert nodes.loc["enjeux:∅", "label"] == "Sans enjeu" and nodes.loc["enjeux:∅", "kind"] == "none"
    assert list(table.nodes["layer"]) == sorted(table.nodes["layer"])  # layer by layer, left to right
    assert "enjeux:E3" not in nodes.index  # no flow, no node
    groups = table.nodes.loc[table.nodes["node"].str.startswith("groupes:"), "label"].tolist()
    assert groups == ["Must (indispensable)", "Should (important)", "Could (souhaitable)", "Priorité : non renseigné"]


def test_sankey_labels_follow_the_language_and_nodes_do_not(tiny) -> None:
    french, english = sankey_table(tiny), sankey_table(tiny, lang="en")
    assert french.nodes["node"].tolist() == english.nodes["node"].tolist()
    labels = dict(zip(english.nodes["node"], english.nodes["label"], strict=True))
    assert (labels["enjeux:∅"], labels["donnees:∅"], labels["applications:∅∅"]) == ("No stake", "No data", "No data, no application")
    assert (labels["groupes:must"], labels["groupes:"]) == ("Must (essential)", "Priority: not set")


def test_groupings_are_named_by_their_column(tiny) -> None:
    assert [grouping_label(g) for g in GROUPINGS] == ["Priorité", "Lot", "Statut", "Type"]
    assert grouping_label("priorite", "en") == "Priority"
    assert [m.title() for m in MATRICES.values()] == ["Enjeux × besoins", "Besoins × données", "Données × applications"]
    assert MATRICES["donnees_applications"].title("en") == "Data × applications"
    assert set(analyze(tiny).matrices) == set(MATRICES)


def test_sankey_can_group_by_lot(tiny) -> None:
    table = sankey_table(tiny, group_by="lot")
    assert {n for n in table.nodes["label"] if n.startswith("Lot")} == {"Lot 1", "Lot : non renseigné"}


def test_analyze_builds_the_sankey_in_the_language_of_the_settings(tiny) -> None:
    labels = set(analyze(tiny, Settings(language="en")).sankey.nodes["label"])
    assert "No stake" in labels and "Sans enjeu" not in labels


def test_sankey_keeps_the_top_n_and_folds_the_rest_into_autres() -> None:
    canvas = canvas_of(demo_grids())
    table = sankey_table(canvas, top_n=3)
    for layer, other in ((0, "Autres enjeux"), (2, "Autres données"), (3, "Autres applications")):
        kinds = table.nodes.loc[table.nodes["layer"] == layer]
        assert (kinds["kind"] == "item").sum() == 3
        assert other in set(kinds["label"])
    # Folding never loses flow: every need-to-stake link is still counted.
    stake_links = table.links.loc[table.links["source"].str.startswith("enjeux:"), "value"].sum()
    full = sankey_table(canvas, top_n=100).links
    assert stake_links == full.loc[full["source"].str.startswith("enjeux:"), "value"].sum()


def test_drilldown_of_a_stake_lists_needs_data_apps_and_roles(tiny) -> None:
    d = stake_drilldown(tiny, "E1")
    assert d.stake["enjeu"] == "Fidéliser les donateurs"
    assert list(d.needs["id"]) == ["B1", "B3", "B4"]
    assert d.needs.set_index("id").loc["B1", ["priorite", "roles", "donnees", "applications"]].tolist() == [
        "Must (indispensable)", "Chargé de collecte", "Don", "Base donateurs"]
    assert d.data.to_dict(orient="records") == [{"id": "D1", "objet": "Don", "application_maitre": "Base donateurs", "besoins": 3}]
    assert d.applications.to_dict(orient="records") == [{"id": "A1", "application": "Base donateurs", "via": "besoin + donnée", "besoins": 1}]
    assert d.roles.to_dict(orient="records") == [{"id": "R1", "role": "Chargé de collecte", "type": "Interne", "besoins": 1}]
    assert d.excluded == []


def test_drilldown_speaks_the_language_asked_for(tiny) -> None:
    d = stake_drilldown(tiny, "E1", lang="en")
    assert d.applications["via"].tolist() == ["need + data"]
    assert d.needs["priorite"].tolist()[0] == "Must (essential)"


def test_drilldown_of_an_orphan_stake_names_the_rejected_needs(tiny) -> None:
    d = stake_drilldown(tiny, "E3")
    assert d.needs.empty and d.data.empty and d.applications.empty and d.roles.empty
    assert d.excluded == ["B7", "B8"]


def test_drilldown_of_an_unknown_stake_raises_key_error(tiny) -> None:
    with pytest.raises(KeyError):
        stake_drilldown(tiny, "E99")


def test_empty_canvas_gives_empty_structures() -> None:
    canvas = canvas_of({})
    assert matrix_enjeux_besoins(canvas).shape == (0, 0)
    table = sankey_table(canvas)
    assert table.nodes.empty and table.links.empty
