"""What changed between two canvases, by ID: the wall's toast and the weekly diff read the same answer."""

from __future__ import annotations

from crmcanvas.analysis.changes import canvas_changes, metric_changes
from crmcanvas.build.load import load_grids
from crmcanvas.core.config import Settings
from tests.grids import clean_grids


def load(grids, settings=None):
    return load_grids(grids, settings=settings or Settings())


def test_identical_canvases_have_no_change():
    assert canvas_changes(load(clean_grids()), load(clean_grids())).empty


def test_added_removed_and_edited_rows_by_id():
    before, grids = clean_grids(), clean_grids()
    grids["besoins"].append(["B004", "En tant que bénévole, je souhaite badger à l'arrivée", "R02", "E02", "", "", "Could", "Nouveau"])
    grids["besoins"][2][6] = "Must"  # B002: Should -> Must
    del grids["roles"][2]  # R02 removed
    changes = canvas_changes(load(before), load(grids))
    besoins, roles = changes.tabs["besoins"], changes.tabs["roles"]
    assert besoins.added == ["B004"] and besoins.removed == []
    assert [(c.id, c.fields) for c in besoins.changed] == [("B002", {"Priorité": ("should", "must")})]
    assert roles.removed == ["R02"]
    assert changes.summary() == "+1 besoin, B002 modifié, −1 rôle"
    assert changes.summary("en") == "+1 need, B002 edited, −1 role"


def test_sorted_rows_are_no_change():
    grids = clean_grids()
    header, *rows = grids["besoins"]
    grids["besoins"] = [header, *reversed(rows)]
    assert canvas_changes(load(clean_grids()), load(grids)).empty


def test_an_id_changed_alone_is_a_rename_not_a_removal_and_an_addition():
    grids = clean_grids()
    grids["enjeux"][2][0] = "E12"
    tc = canvas_changes(load(clean_grids()), load(grids)).tabs["enjeux"]
    assert tc.renamed == [("E02", "E12")] and tc.added == [] and tc.removed == []


def test_a_missing_tab_is_reported_as_missing_not_as_every_row_removed():
    grids = clean_grids()
    del grids["personnes"]
    gone = canvas_changes(load(clean_grids()), load(grids)).tabs["personnes"]
    back = canvas_changes(load(grids), load(clean_grids())).tabs["personnes"]
    assert gone.missing_after and gone.removed == ["P01", "P02"]
    assert back.missing_before and back.added == ["P01", "P02"]
    assert "onglet personnes disparu" in canvas_changes(load(clean_grids()), load(grids)).summary()


def test_unknown_columns_are_compared_under_their_own_header():
    before, after = clean_grids(), clean_grids()
    for grids, note in ((before, "à revoir"), (after, "revu le 3/12")):
        grids["donnees"][0].append("Remarque")
        grids["donnees"][1].append(note)
    (change,) = canvas_changes(load(before), load(after)).tabs["donnees"].changed
    assert change.id == "D01" and change.fields == {"Remarque": ("à revoir", "revu le 3/12")}


def test_rows_without_an_id_are_matched_by_content():
    before, after = clean_grids(), clean_grids()
    for grids in (before, after):
        grids["besoins"].append(["", "En tant que trésorier, je souhaite un export mensuel", "", "E01", "Don", "", "", ""])
    after["besoins"].insert(1, after["besoins"].pop())  # the same row, now higher up: its provisional ID changes
    assert canvas_changes(load(before), load(after)).tabs["besoins"].empty


def test_metric_changes_keep_only_scalars_that_moved():
    assert metric_changes({"a": 50.0, "b": 3, "table": [1]}, {"a": 62.5, "b": 3, "table": [2]}) == {"a": (50.0, 62.5)}


def test_to_dict_is_json_ready():
    import json

    grids = clean_grids()
    grids["enjeux"][1][1] = "Fidéliser et remercier les donateurs"
    payload = canvas_changes(load(clean_grids()), load(grids)).to_dict()
    assert json.loads(json.dumps(payload, ensure_ascii=False))["tabs"]["enjeux"]["changed"][0]["fields"]["Enjeu"] == {
        "before": "Fidéliser les donateurs", "after": "Fidéliser et remercier les donateurs"}
