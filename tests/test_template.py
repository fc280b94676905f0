"""`crmcanvas template`: a blank canvas that loads clean, whose drop-downs are the schema's value sets."""

from __future__ import annotations

import openpyxl
import pytest

from crmcanvas.analysis.checklist import progress, template_grid
from crmcanvas.build.load import load_grids
from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import ENUMS, REQUIRED_TAB_KEYS, SETUP_TAB_KEYS, TABS, value_label
from crmcanvas.core.shape import match_titles
from crmcanvas.i18n import t
from crmcanvas.setup.template import write_template
from crmcanvas.sources.workbook import WorkbookSource
from crmcanvas.sources.workbook_setup import init_workbook

LABELS = {"fr": ["Enjeux", "Besoins", "Données", "Applications", "Personnes", "Rôles", "Checklist"],
          "en": ["Stakes", "Needs", "Data", "Applications", "People", "Roles", "Checklist"]}


@pytest.fixture(scope="module", params=["fr", "en"])
def template(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / f"canevas-{request.param}.xlsx"
    write_template(path, Settings(), request.param)
    return request.param, path


def dropdowns(ws) -> dict[str, object]:
    """Header of the validated column -> its DataValidation."""
    headers = [c.value for c in ws[1]]
    out = {}
    for dv in ws.data_validations.dataValidation:
        col = next(iter(dv.sqref.ranges)).min_col
        out[headers[col - 1]] = dv
    return out


@pytest.mark.parametrize("reader_lang", ["fr", "en"])
def test_the_template_loads_with_no_finding_but_the_example_rows(template, reader_lang):
    lang, path = template
    canvas = build_canvas(WorkbookSource(path), Settings(language=reader_lang))
    assert canvas.counts == {**dict.fromkeys(REQUIRED_TAB_KEYS, 1), "checklist": 66, "editeurs": 0, "integrateurs": 0}
    assert sorted((f.code, f.severity, f.row) for f in canvas.findings) == [("example_row", "info", 2)] * 6, canvas.findings
    assert {f.tab for f in canvas.findings} == set(LABELS[lang][:6])  # the checklist's rows are real rows, not examples
    assert len(canvas.edges) >= 10  # the examples point at each other: every reference resolves
    assert canvas.dangling.empty


def test_every_dropdown_is_the_schema_value_set_and_each_label_loads_back(template):
    """One source of truth: each enum column offers exactly its value set's labels, in the schema's order, and
    a value picked from a list is read as its code without a finding. Fails as soon as lists and schema drift."""
    lang, path = template
    wb = openpyxl.load_workbook(path)
    seen = 0
    for key, tab in ((k, TABS[k]) for k in SETUP_TAB_KEYS):
        ws = wb[LABELS[lang][SETUP_TAB_KEYS.index(key)]]
        lists = dropdowns(ws)
        for col in tab.columns:
            header = col.label_in(lang)
            if col.kind != "enum":
                continue
            seen += 1
            dv = lists[header]
            formula = dv.formula1
            assert dv.type == "list" and dv.errorStyle == "stop" and dv.showErrorMessage
            assert len(formula) <= 255  # Excel's limit for a typed list
            values = formula.strip('"').split(",")
            assert values == [value_label(code, lang) for code in ENUMS[col.enum]], (key, col.key)
            grid = [["ID", tab.column(tab.name_column).label_in(lang), header], *[[f"X{i}", "x", v] for i, v in enumerate(values)]]
            canvas = load_grids({key: grid}, settings=Settings(language="en" if lang == "fr" else "fr"))
            assert canvas.frames[key][col.key].tolist() == list(ENUMS[col.enum]), (key, col.key)
            assert not [f for f in canvas.findings if f.code == "invalid_value"]
    assert seen == sum(c.kind == "enum" for k in SETUP_TAB_KEYS for c in TABS[k].columns) == 9  # the checklist's status too


def test_single_reference_columns_offer_the_target_ids_as_a_warning_only_list(template):
    lang, path = template
    wb = openpyxl.load_workbook(path)
    needs = dropdowns(wb[LABELS[lang][1]])
    role = needs[TABS["besoins"].column("role").label_in(lang)]
    roles_title = LABELS[lang][5]
    assert role.errorStyle == "warning" and role.showErrorMessage
    assert role.formula1 == f"OFFSET('{roles_title}'!$A$2,0,0,MAX(1,COUNTA('{roles_title}'!$A$2:$A$1048576)),1)"
    assert str(role.sqref) == "C2:C1048576"  # every row, present and future
    assert TABS["besoins"].column("enjeux").label_in(lang) not in needs  # "E1, E3" is a valid cell: no list


def test_headers_are_frozen_styled_and_columns_sized(template):
    lang, path = template
    wb = openpyxl.load_workbook(path)
    for title in LABELS[lang]:
        ws = wb[title]
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold and c.fill.fgColor.rgb.endswith("1F4E79") for c in ws[1] if c.value)
        assert all(ws.column_dimensions[c.column_letter].width >= 12 for c in ws[1] if c.value)
    assert wb[LABELS[lang][1]].column_dimensions["B"].width == 60  # the user story gets room
    assert wb[LABELS[lang][0]].column_dimensions["B"].width == 30  # a stake's name too


def test_the_how_to_tab_comes_first_and_is_no_canvas_tab(template):
    lang, path = template
    wb = openpyxl.load_workbook(path, read_only=True)
    guide = wb.sheetnames[0]
    assert guide == {"fr": "Mode d'emploi", "en": "How to use"}[lang]
    assert wb.sheetnames[1:] == LABELS[lang]
    found, _missing = match_titles(Settings().tabs, [guide])
    assert found == {}
    rows = [[c for c in row if c] for row in wb[guide].iter_rows(values_only=True)]
    text = " ".join(str(c) for row in rows for c in row)
    for key, tab in ((k, TABS[k]) for k in SETUP_TAB_KEYS):
        assert LABELS[lang][SETUP_TAB_KEYS.index(key)] in text
        assert all(col.label_in(lang) in text for col in tab.columns)
        assert all(t(f"setup.guide.columns.{key}.{col.key}", lang) in text for col in tab.columns)
    assert value_label("must", lang) in text and ("user story" in text)
    assert t("setup.guide.checklist", lang, title="Checklist") in text  # its rows are the template: keep them
    assert ", ".join(value_label(code, lang) for code in ENUMS["statut_checklist"]) in text


def test_init_on_the_template_has_nothing_to_do(template):
    _lang, path = template
    before = path.read_bytes()
    result = init_workbook(path)
    assert result.plan.empty and not result.applied
    assert path.read_bytes() == before


def test_the_checklist_tab_holds_the_whole_checklist_template(template):
    """Its rows are the template's, written once from the same function as the readiness page's downloads."""
    lang, path = template
    wb = openpyxl.load_workbook(path)
    ws = wb[LABELS[lang][6]]
    rows = [["" if v is None else v for v in row] for row in ws.iter_rows(values_only=True)]
    assert rows[0] == [col.label_in(lang) for col in TABS["checklist"].columns]
    assert rows[1:] == template_grid(lang) and len(rows) == 67
    assert {r[4] for r in rows[1:]} == {value_label("a_faire", lang)} and [r[0] for r in rows[1:3]] == ["C01", "C02"]
    lists = dropdowns(ws)
    status = lists[TABS["checklist"].column("statut").label_in(lang)]
    assert status.formula1 == '"' + ",".join(value_label(code, lang) for code in ENUMS["statut_checklist"]) + '"'
    assert status.errorStyle == "stop" and str(status.sqref) == "E2:E1048576"
    owner = lists[TABS["checklist"].column("responsable").label_in(lang)]
    people = LABELS[lang][4]
    assert owner.errorStyle == "warning" and str(owner.sqref) == "F2:F1048576"
    assert owner.formula1 == f"OFFSET('{people}'!$A$2,0,0,MAX(1,COUNTA('{people}'!$A$2:$A$1048576)),1)"
    pattern = {"fr": "dd/mm/yyyy", "en": "yyyy-mm-dd"}[lang]
    assert ws.column_dimensions["G"].number_format == pattern  # the due date: a date typed later shows as one
    assert {ws.cell(row=r, column=7).number_format for r in range(2, 68)} == {pattern}
    assert ws.column_dimensions["D"].width == 50 and ws.cell(row=2, column=4).alignment.wrap_text  # sub-items have room
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:H67"


def test_the_template_checklist_reads_as_the_whole_checklist_to_do(template):
    _lang, path = template
    canvas = build_canvas(WorkbookSource(path), Settings())
    done = progress(canvas)
    assert done.present and len(done.rows) == 66 and done.missing == () and done.added == []
    assert done.done == 0 and done.applicable == 66 and len(done.without_owner) == 66
