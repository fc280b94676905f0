"""The plan ``crmcanvas init`` makes: additive steps only, found with the loader's own rules."""

from __future__ import annotations

from crmcanvas.analysis.checklist import template_grid
from crmcanvas.core.config import Settings
from crmcanvas.core.schema import ENUMS, REQUIRED_TAB_KEYS, SETUP_TAB_KEYS, TABS
from crmcanvas.setup.plan import (
    AddColumns,
    AddTab,
    FillIds,
    Freeze,
    ProtectIds,
    SetRule,
    SheetState,
    TabState,
    plan_setup,
)
from crmcanvas.setup.rules import ListRule, OtherRule, RangeRule, choices, range_target
from tests.fixtures_setup import EXTRA, OWN_CHECKLIST, TWO_MISSING, canvas_copy


def state_of(tabs: dict[str, list[list[str]]], **kw) -> SheetState:
    return SheetState([TabState(title, [list(r) for r in grid]) for title, grid in tabs.items()], **kw)


def test_an_empty_sheet_gets_the_six_tabs_and_the_checklist_with_their_headers_lists_and_frozen_rows():
    plan = plan_setup(state_of({"Feuille 1": []}))
    added = plan.of(AddTab)
    assert [s.key for s in added] == [*REQUIRED_TAB_KEYS, "checklist"] == list(SETUP_TAB_KEYS)
    assert [s.title for s in added] == ["Enjeux", "Besoins", "Données", "Applications", "Personnes", "Rôles", "Checklist"]
    assert added[1].headers[:3] == ("ID", "Besoin", "Rôle")
    assert {s.key for s in plan.of(Freeze)} == set(SETUP_TAB_KEYS)
    assert not plan.of(AddColumns) and not plan.notes  # the blank « Feuille 1 » is not a canvas tab: left alone
    assert all(s.rows == () for s in added[:6])  # a canvas tab starts empty (a template adds its example row)
    checklist = added[6]
    assert checklist.headers == ("ID", "Chapitre", "Item", "Sous-item", "Statut", "Responsable", "Échéance", "Commentaire")
    assert [list(r) for r in checklist.rows] == template_grid("fr") and len(checklist.rows) == 66
    assert checklist.rows[0][:5] == ("C01", "1. Contenu", "Définir le périmètre fonctionnel", "Principales fonctionnalités",
                                     "À faire")
    assert {r[4] for r in checklist.rows} == {"À faire"} and checklist.rows[-1][0] == "C66"


def test_english_titles_and_headers_in_english():
    plan = plan_setup(state_of({}), Settings(language="en"))
    assert [s.title for s in plan.of(AddTab)] == ["Stakes", "Needs", "Data", "Applications", "People", "Roles", "Checklist"]
    needs = next(s for s in plan.of(SetRule) if s.key == "besoins" and s.header == "Priority")
    assert needs.rule == ListRule(("Must (essential)", "Should (important)", "Could (nice to have)", "Won't (not now)"))
    checklist = next(s for s in plan.of(AddTab) if s.key == "checklist")
    assert checklist.headers[4:7] == ("Status", "Owner", "Due date") and {r[4] for r in checklist.rows} == {"To do"}
    assert checklist.rows[0][2] == "Définir le périmètre fonctionnel"  # the template's words are the document's (French)


def test_a_configured_tab_name_is_the_one_created():
    plan = plan_setup(state_of({}), Settings(tabs={"besoins": "Backlog atelier", "donnees": "gid=42"}))
    titles = {s.key: s.title for s in plan.of(AddTab)}
    assert titles["besoins"] == "Backlog atelier"
    assert titles["donnees"] == "Données"  # a gid cannot be created: the tab gets its usual name


def test_every_enum_column_gets_its_value_set_and_single_references_the_target_ids():
    plan = plan_setup(state_of({}))
    rules = {(s.key, TABS[s.key].columns[s.column].key): s.rule for s in plan.of(SetRule)}
    for key, tab in ((k, TABS[k]) for k in SETUP_TAB_KEYS):
        for col in tab.columns:
            rule = rules.get((key, col.key))
            if col.kind == "enum":
                assert rule == ListRule(choices(col.enum, "fr"), strict=True) and len(rule.values) == len(ENUMS[col.enum])
            elif range_target(col):
                target = plan.layout[range_target(col)]
                assert rule == RangeRule(target.title, target.columns["id"], 1, strict=False), (key, col.key)
            else:
                assert rule is None, (key, col.key)
    assert ("besoins", "enjeux") not in rules  # "E1, E3": a strict list would refuse what the loader reads
    assert ("donnees", "proprietaire") not in rules  # a role or a person: no single tab to list
    assert rules[("checklist", "statut")] == ListRule(("À faire", "En cours", "Fait", "Non applicable"), strict=True)
    assert rules[("checklist", "responsable")] == RangeRule("Personnes", 0, 1, strict=False)  # warning only
    assert ("checklist", "echeance") not in rules  # a date column: formatted, not listed


def test_two_missing_tabs_and_a_renamed_column():
    plan = plan_setup(state_of(TWO_MISSING))
    assert [s.title for s in plan.of(AddTab)] == ["Personnes", "Rôles", "Checklist"]
    added = {s.key: s for s in plan.of(AddColumns)}
    assert "besoins" not in added  # « Objets de données » is read as Données: nothing to add to the needs
    assert plan.layout["besoins"].columns["donnees"] == 4
    stakes = added["enjeux"]
    assert (stakes.row, stakes.start) == (0, 5)
    assert stakes.headers == ("Situation actuelle", "Situation désirée", "Valeur actuelle", "Valeur cible", "Échéance")
    role = next(s for s in plan.of(SetRule) if s.key == "besoins" and s.header == "Rôle")
    assert role.rule == RangeRule("Rôles", 0, 1)  # the list points at the tab the same plan creates


def test_extra_tabs_and_columns_are_left_alone_and_new_columns_go_after_every_used_cell():
    plan = plan_setup(state_of(EXTRA))
    assert [s.key for s in plan.of(AddTab)] == ["checklist"]  # the only canvas tab it lacks
    assert all(s.title != "Notes d'atelier" for s in plan.steps)
    stakes = next(s for s in plan.of(AddColumns) if s.key == "enjeux")
    assert stakes.start == 8  # a note sits in column H of row 3 under no header: the new columns start at I
    assert not any(isinstance(s, AddColumns) and s.key == "besoins" for s in plan.steps)  # all there, plus « Commentaire »


def test_a_tab_with_rows_but_no_id_column_gets_one_filled():
    tabs = canvas_copy()
    tabs["rôles"] = [["Rôle", "Type"], ["Chargé de collecte", "Interne"], [], ["Comptable", "Interne"]]
    plan = plan_setup(state_of(tabs))
    fill = next(s for s in plan.of(FillIds) if s.key == "roles")
    assert fill.column == 2 and fill.cells == ((1, "R001"), (3, "R002"))  # the blank row keeps no ID


def test_content_without_a_header_row_is_not_touched():
    tabs = canvas_copy()
    tabs["rôles"] = [["Liste à compléter lundi"], ["Chargé de collecte"]]
    plan = plan_setup(state_of(tabs))
    assert not [s for s in plan.steps if s.key == "roles"]
    assert "roles" not in plan.layout and not [s for s in plan.of(SetRule) if s.header == "Rôle"]  # no list of unknown IDs
    assert any("aucune ligne d'en-têtes" in n for n in plan.note_lines("fr"))


def test_a_validation_someone_set_is_kept_and_said():
    state = state_of(canvas_copy())
    needs = state.tab("besoins")
    needs.rules[(1, 6)] = ListRule(("Haute", "Basse"), strict=True)  # Priorité, first data row
    needs.rules[(1, 7)] = OtherRule("CUSTOM_FORMULA")
    plan = plan_setup(state)
    headers = {s.header for s in plan.of(SetRule) if s.key == "besoins"}
    assert "Priorité" not in headers and "Statut" not in headers
    notes = " ".join(plan.note_lines("fr"))
    assert "« Priorité » a déjà une autre règle de validation (liste : Haute, Basse) : conservée" in notes
    assert "“besoins” / “Statut” already has another validation rule (rule of type CUSTOM_FORMULA): kept." in " ".join(plan.note_lines("en"))


def test_what_is_set_already_is_not_planned_again():
    plan = plan_setup(state_of(canvas_copy()))
    state = state_of(canvas_copy())
    for step in plan.of(AddTab):  # the checklist, with its template rows
        state.tabs.append(TabState(step.title, [list(step.headers), *(list(r) for r in step.rows)]))
    for step in plan.of(SetRule):
        state.tab(step.title).rules[(step.first_row, step.column)] = step.rule
    for step in plan.of(Freeze):
        state.tab(step.title).frozen_rows = step.rows
    for step in plan.of(AddColumns):
        row = state.tab(step.title).rows[step.row]
        row += [""] * (step.start - len(row)) + list(step.headers)
    assert plan_setup(state).empty


def test_frozen_rows_someone_chose_are_kept():
    state = state_of(canvas_copy())
    state.tab("besoins").frozen_rows = 2
    assert "besoins" not in {s.key for s in plan_setup(state).of(Freeze)}


def test_id_protection_only_where_it_exists_and_only_when_asked():
    assert not plan_setup(state_of(canvas_copy(), can_protect=True)).of(ProtectIds)
    google = plan_setup(state_of(canvas_copy(), can_protect=True), protect_ids=True)
    assert {s.key for s in google.of(ProtectIds)} == set(SETUP_TAB_KEYS)
    state = state_of(canvas_copy(), can_protect=True)
    state.tab("besoins").protected_columns = frozenset({0})
    assert "besoins" not in {s.key for s in plan_setup(state, protect_ids=True).of(ProtectIds)}
    workbook = plan_setup(state_of(canvas_copy()), protect_ids=True)
    assert not workbook.of(ProtectIds) and "n'existe que dans Google Sheets" in " ".join(workbook.note_lines("fr"))


def test_steps_are_described_in_both_languages():
    plan = plan_setup(state_of(TWO_MISSING), protect_ids=True)
    for lang in ("fr", "en"):
        assert len(plan.lines(lang)) == len(plan.steps) and all(plan.lines(lang))
    assert plan.lines("en")[0] == "tab “Personnes” added, with its 9 columns"
    assert plan.lines("fr")[0] == "onglet « Personnes » ajouté, avec ses 9 colonnes"
    assert plan.lines("fr")[2] == ("onglet « Checklist » ajouté, avec ses 8 colonnes et les 66 lignes du modèle de checklist "
                                   "(statut « À faire »)")


def test_an_existing_checklist_gets_what_it_lacks_and_never_the_template_rows():
    plan = plan_setup(state_of(OWN_CHECKLIST))
    assert not [s for s in plan.of(AddTab) if s.key == "checklist"]
    mine = [s for s in plan.steps if s.key == "checklist"]
    assert [type(s).__name__ for s in mine] == ["AddColumns", "SetRule", "SetRule", "Freeze"]
    columns = mine[0]
    assert (columns.title, columns.row, columns.start, columns.headers) == ("Checklist projet", 0, 7, ("Sous-item", "Échéance"))
    rules = {s.header: s.rule for s in mine[1:3]}
    assert rules == {"Statut": ListRule(("À faire", "En cours", "Fait", "Non applicable")),
                     "Responsable": RangeRule("personnes", 0, 1)}
    assert plan.layout["checklist"].columns["statut"] == 3  # its own order is kept
    assert not plan.of(FillIds)  # it has its IDs
