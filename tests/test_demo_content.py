"""The bundled demo canvas, at content level: the CSVs, their counts and the workbook writer.

What the loader and the gap views make of this content (the deliberate gaps of
``crmcanvas/demo/GAPS.md``) is tested with the loader and the analysis.
"""

from __future__ import annotations

import csv
import re
from importlib.resources import files

import pytest
from openpyxl import load_workbook

from crmcanvas.core.schema import TAB_KEYS, TABS
from crmcanvas.demo import DEMO_COUNTS, DEMO_TITLES, demo_grids, write_demo_workbook

TARGETS = {"enjeux": 8, "besoins": 60, "donnees": 15, "applications": 15, "personnes": 25, "roles": 12, "checklist": 68,
           "editeurs": 171, "integrateurs": 60}
ID_TABS = [key for key in TAB_KEYS if not TABS[key].id_from]  # the answers tabs name their rows by solution and need
STORY = re.compile(r"^En tant qu(?:e\s+|['’]\s*)\S.*?,\s*(?:je\s|j['’])", re.IGNORECASE)


@pytest.fixture(scope="module")
def grids() -> dict[str, list[list[str]]]:
    return demo_grids()


def test_titles_follow_the_schema_in_order():
    assert list(DEMO_TITLES) == list(TAB_KEYS)
    assert DEMO_TITLES == {key: TABS[key].title for key in TAB_KEYS}
    assert list(DEMO_TITLES.values()) == ["enjeux", "besoins", "données", "applications", "personnes", "rôles", "checklist",
                                          "éditeurs", "intégrateurs"]


@pytest.mark.parametrize("key", ID_TABS)
def test_csv_parses_with_the_schema_labels_as_header(key):
    text = files("crmcanvas.demo").joinpath(f"{key}.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines(keepends=True)))
    assert rows[0] == [col.label for col in TABS[key].columns]
    assert all(len(row) == len(rows[0]) for row in rows), "every row has one cell per column"


def test_counts_are_the_published_ones(grids):
    assert DEMO_COUNTS == TARGETS
    assert {key: len(grid) - 1 for key, grid in grids.items()} == DEMO_COUNTS


def test_every_cell_is_a_string(grids):
    assert set(grids) == set(TAB_KEYS)
    for grid in grids.values():
        assert all(isinstance(cell, str) for row in grid for cell in row)


def test_the_vendor_comparisons_use_both_layouts(grids):
    """Vendors in the long layout (no ID column: a row is a solution and a need), integrators in the wide one."""
    assert grids["editeurs"][0] == ["Solution", "Besoin", "Réponse", "Commentaire"]
    assert grids["integrateurs"][0] == ["Besoin", "Atelier Numérique Solidaire", "Cap Intégration"]
    for key in ("editeurs", "integrateurs"):
        assert all(len(row) == len(grids[key][0]) for row in grids[key]), "every row has one cell per column"
    assert {row[0] for row in grids["editeurs"][1:]} == {"Canopée CRM", "Racines 360", "Sillon Asso"}
    pairs = [(row[0], row[1]) for row in grids["editeurs"][1:]]
    assert len(pairs) == len(set(pairs)), "one answer per solution and need"
    assert [row[0] for row in grids["integrateurs"][1:]] == [row[0] for row in grids["besoins"][1:]]  # one row per need


@pytest.mark.parametrize("key", ID_TABS)
def test_ids_are_unique_and_well_formed(grids, key):
    tab = TABS[key]
    ids = [row[0] for row in grids[key][1:]]
    assert len(ids) == len(set(ids))
    width = 3 if key == "besoins" else 2
    assert ids == [f"{tab.id_prefix}{n:0{width}d}" for n in range(1, len(ids) + 1)]


def test_every_need_says_something(grids):
    column = TABS["besoins"].keys.index("besoin")
    assert all(row[column].strip() for row in grids["besoins"][1:])


def test_most_needs_are_user_stories(grids):
    column = TABS["besoins"].keys.index("besoin")
    stories = [row[column] for row in grids["besoins"][1:] if STORY.match(row[column])]
    assert len(stories) >= 50
    assert len(stories) < 60, "a few needs are deliberately not written as stories"


def test_no_cell_opens_as_a_formula_or_a_number_stored_as_text(grids):
    # Excel would compute a leading "=" and flag a bare number written as text with a warning triangle.
    cells = [cell for grid in grids.values() for row in grid for cell in row]
    assert [c for c in cells if c[:1] in ("=", "+", "@")] == []
    assert [c for c in cells if re.fullmatch(r"[-\d\s.,]+", c)] == []


def test_demo_grids_returns_a_fresh_copy():
    first = demo_grids()
    first["besoins"][1][1] = "changed"
    first["roles"].append(["R99"])
    second = demo_grids()
    assert second["besoins"][1][1] != "changed"
    assert len(second["roles"]) == DEMO_COUNTS["roles"] + 1


def test_workbook_reopens_with_the_same_cells(tmp_path, grids):
    out = write_demo_workbook(tmp_path / "canevas.xlsx")
    assert out == tmp_path / "canevas.xlsx"
    book = load_workbook(out)
    assert book.sheetnames == list(DEMO_TITLES.values())
    for key, title in DEMO_TITLES.items():
        sheet = book[title]
        width = len(grids[key][0])
        read = [["" if v is None else v for v in row] for row in sheet.iter_rows(max_col=width, values_only=True)]
        assert read == grids[key], title
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
    assert [p.name for p in tmp_path.iterdir()] == ["canevas.xlsx"], "no temporary file left behind"


def test_workbook_replaces_an_existing_file_and_creates_folders(tmp_path):
    target = tmp_path / "sub" / "dir" / "demo.xlsx"
    write_demo_workbook(target)
    target.write_bytes(b"not a workbook")
    write_demo_workbook(str(target))
    assert load_workbook(target).sheetnames == list(DEMO_TITLES.values())
    assert sorted(p.name for p in target.parent.iterdir()) == ["demo.xlsx"]
