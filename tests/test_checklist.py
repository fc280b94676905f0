"""The CRM project checklist: the bundled template against document 001, the optional tab read back, progress."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from crmcanvas.analysis import analyze
from crmcanvas.analysis.checklist import chapter_label, progress, template
from crmcanvas.analysis.registry import DOCUMENTS
from crmcanvas.build.load import load_grids
from crmcanvas.core.config import Settings
from crmcanvas.demo import demo_grids
from crmcanvas.reports import checklist_tab, readiness_charts
from crmcanvas.reports.csv_export import read_csv
from crmcanvas.sources.base import AppendResult, SourceError
from tests.fixtures_analysis import clean_grids

TODAY = date(2026, 12, 3)

# Written from document 001_48290e58dc45079f.txt (the CRM project checklist), chapter by chapter:
# (chapter, item ▢, its sub-items ✔️), as the document spells them.
DOCUMENT_001 = [
    ("Contenu", "Définir le périmètre fonctionnel", [
        "Principales fonctionnalités", "Tables, données", "Positionner dans la cartographie du SI",
        "Référentiels communs avec d’autres application", "Echange avec des applications internes",
        "Echange avec des applications externes"]),
    ("Contenu", "Définir les indicateurs de succès", []),
    ("Contenu", "Fixer un budget (coûts internes et externes)", ["Investissement (projet, développements, etc.)", "Fonctionnement"]),
    ("Contenu", "Arbitrer spécifique vs standard", ["Modèle de données", "Modules fonctionnels"]),
    ("Contenu", "Benchmarker", ["Les usages (secteur marchand et non marchand)", "L’offre fonctionnelle, les modules standards",
                                "Les intégrateurs"]),
    ("Contenu", "Anticiper et programmer les évolutions", ["Lotissement, road map interne", "Evolution réglementaire",
                                                          "Evolution de l’offre"]),
    ("Contenu", "Définir les livraisons attendues", ["Qui livre (interne, intégrateur)", "Spécifications", "Cahier de recette"]),
    ("Contenu", "Préparer la reprise des données", ["Profondeur historique de la reprise", "Nettoyage et transcodification",
                                                    "Indicateurs de reprise pour recette"]),
    ("Ressources humaines à mobiliser", "Identifier un sponsor niveau DG", [
        "Relais vis à vis de la gouvernance", "Arbitre les priorités", "Porte les objectifs du projet"]),
    ("Ressources humaines à mobiliser", "Identifier le pilote interne pour le projet", ["Animation, pédagogie",
                                                                                        "Appétence pour le digital"]),
    ("Ressources humaines à mobiliser", "Identifier les référents métiers", [
        "Compétences", "Crédibilité vis à vis de leurs pairs", "Disponibilité"]),
    ("Ressources humaines à mobiliser", "Pro bono", ["Périmètre", "Part nécessaire", "Part possible et acceptable"]),
    ("Ressources humaines à mobiliser", "Identifier les parties prenantes externes et leurs rôles", [
        "Editeur", "Intégrateur", "Consultant(s)"]),
    ("Organisation du projet", "Etablir un planning prévisionnel", [
        "Comités de pilotage", "Expression des besoins", "Benchmark des usages et de l’offre",
        "Choix prestataire(s), contractualisation", "Ateliers de spécifications détaillés", "Choix des modules standards",
        "Validation du modèle de données", "Reprise(s) de données", "Paramétrage et développement", "Formation",
        "Recette(s) de la reprise des données", "Recette(s) fonctionnelle(s)", "Mise en production", "Bilan à x mois"]),
    ("Organisation du projet", "Organiser la gouvernance du projet", [
        "Rôles du CA et du bureau", "Comité de pilotage", "Equipe chargée de la gestion du projet"]),
    ("Organisation du projet", "Définir la communication sur le projet", ["Contenus", "Canaux", "Périodicité", "Publics visés"]),
    ("Exploitation", "Retenir les modalités de formation", [
        "Formation de l’ensemble des utilisateurs vs formation de formateurs", "Conduite de changement et formation “technique”"]),
    ("Exploitation", "Rédiger les guides d’utilisation, tutoriels", [
        "Format (vidéo, doc en ligne, physique)", "Accès (depuis SF, extranet, etc.)"]),
    ("Exploitation", "Organiser le pilotage de l’exploitation", [
        "Maintenance technique", "Assistance aux utilisateurs", "Gestion des anomalies", "Gestion des demandes d’évolution"]),
]

HEADER = ["ID", "Chapitre", "Item", "Sous-item", "Statut", "Responsable", "Échéance", "Commentaire"]


def canvas_with(rows: list[list[str]], header: list[str] = HEADER, settings: Settings | None = None):
    grids = clean_grids()
    grids["checklist"] = [header, *rows]
    return load_grids(grids, settings=settings or Settings())


# ---------------------------------------------------------------- the template is document 001


def test_template_holds_every_chapter_item_and_subitem_of_document_001():
    tpl = template()
    assert tpl.document == "001_48290e58dc45079f.txt"
    assert [c.number for c in tpl.chapters] == [1, 2, 3, 4]
    assert [(c.title, item.title, list(item.subitems)) for c in tpl.chapters for item in c.items] == DOCUMENT_001


def test_each_chapter_quotes_one_sentence_of_its_document_in_french_with_an_english_translation():
    for chapter in template().chapters:
        assert chapter.source.document in DOCUMENTS
        assert chapter.advice == chapter.source.text("fr"), chapter.number  # the template and the catalogue agree
        assert chapter.advice.endswith(".") and chapter.advice.count(". ") == 0, chapter.advice
        english = chapter.source.text("en")
        assert english and english != chapter.advice


def test_template_rows_are_one_per_subitem_numbered_and_still_to_do():
    rows = template().rows()
    assert len(rows) == sum(max(1, len(subs)) for _, _, subs in DOCUMENT_001) == 66
    assert [r["id"] for r in rows[:3]] == ["C01", "C02", "C03"] and rows[-1]["id"] == "C66"
    assert {r["statut"] for r in rows} == {"À faire"}
    assert rows[6] == {"id": "C07", "chapitre": "1. Contenu", "item": "Définir les indicateurs de succès", "sous_item": "",
                       "statut": "À faire", "responsable": "", "echeance": "", "commentaire": ""}
    assert sum(r["item"] == "Etablir un planning prévisionnel" for r in rows) == 14


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_downloaded_csv_pasted_as_a_tab_loads_cleanly_as_the_whole_checklist_to_do(lang):
    frame = read_csv(checklist_tab.template_csv(lang))
    grid = [list(frame.columns), *frame.fillna("").astype(str).values.tolist()]
    canvas = canvas_with(grid[1:], header=grid[0], settings=Settings(language=lang))
    assert [f for f in canvas.findings if f.tab == "checklist"] == []
    result = progress(canvas, TODAY)
    assert (len(result.rows), result.done, result.applicable, result.pct) == (66, 0, 66, 0.0)
    assert result.added == [] and result.missing == () and result.overdue == []
    assert len(result.without_owner) == 66


def test_the_downloaded_workbook_has_one_sheet_named_like_the_tab():
    book = load_workbook(io.BytesIO(checklist_tab.template_xlsx("fr", "Check-list")))
    sheet = book["Check-list"]
    rows = [[v or "" for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER and len(rows) == 67
    assert rows[1][:5] == ["C01", "1. Contenu", "Définir le périmètre fonctionnel", "Principales fonctionnalités", "À faire"]
    assert sheet.freeze_panes == "A2"


# ---------------------------------------------------------------- progress, read from the tab


def test_progress_counts_done_over_applicable_per_chapter():
    canvas = canvas_with([
        ["C01", "1. Contenu", "Définir le périmètre fonctionnel", "Principales fonctionnalités", "Fait", "", "", ""],
        ["C02", "1. Contenu", "Définir le périmètre fonctionnel", "Tables, données", "terminé", "", "", ""],  # alias of fait
        ["C03", "1. Contenu", "Définir les indicateurs de succès", "", "En cours", "", "", ""],
        ["C04", "1. Contenu", "Benchmarker", "Les intégrateurs", "", "", "", ""],  # empty: à faire
        ["C05", "2. Ressources humaines", "Pro bono", "Périmètre", "Non applicable", "", "", ""],
        ["C06", "2. Ressources humaines", "Pro bono", "Part nécessaire", "N/A", "", "", ""],  # alias of non applicable
        ["C07", "2. Ressources humaines", "Identifier un sponsor niveau DG", "Arbitre les priorités", "Fait", "", "", ""],
    ])
    assert [f.code for f in canvas.findings if f.tab == "checklist"] == []
    result = progress(canvas, TODAY)
    by_chapter = {c.number: (c.done, c.applicable, c.total) for c in result.chapters}
    assert by_chapter == {1: (2, 4, 4), 2: (1, 1, 3), 3: (0, 0, 0), 4: (0, 0, 0)}
    assert (result.done, result.applicable, result.pct) == (3, 5, 60.0)
    assert result.chapters[1].pct == 100.0 and result.chapters[2].pct is None  # nothing applicable: no percentage


def test_overdue_is_applicable_not_done_and_due_before_today_oldest_first():
    canvas = canvas_with([
        ["C01", "", "Fixer un budget (coûts internes et externes)", "Investissement (projet, développements, etc.)", "En cours", "", "31/10/2026", ""],
        ["C02", "", "Fixer un budget (coûts internes et externes)", "Fonctionnement", "À faire", "", "2026-11-15", ""],
        ["C03", "", "Benchmarker", "Les usages (secteur marchand et non marchand)", "Fait", "", "01/01/2026", ""],  # done
        ["C04", "", "Pro bono", "Périmètre", "Non applicable", "", "01/01/2026", ""],  # not applicable
        ["C05", "", "Benchmarker", "Les intégrateurs", "À faire", "", "03/12/2026", ""],  # due today: not late yet
        ["C06", "", "Benchmarker", "L’offre fonctionnelle, les modules standards", "À faire", "", "décembre 2026", ""],  # month end
        ["C07", "", "Définir les livraisons attendues", "Spécifications", "À faire", "", "novembre 2026", ""],  # ended 30/11
        ["C08", "", "Définir les livraisons attendues", "Cahier de recette", "À faire", "", "", ""],  # no date
    ])
    result = progress(canvas, TODAY)
    assert [(r.id, (TODAY - r.due).days) for r in result.overdue] == [("C01", 33), ("C02", 18), ("C07", 3)]
    assert progress(canvas, date(2026, 10, 31)).overdue == []  # the day itself is not late
    assert [r.id for r in progress(canvas, date(2027, 1, 1)).overdue] == ["C01", "C02", "C07", "C05", "C06"]


def test_rows_without_owner_are_the_applicable_ones_still_to_do_with_an_empty_owner():
    canvas = canvas_with([
        ["C01", "", "Benchmarker", "Les usages (secteur marchand et non marchand)", "À faire", "", "", ""],
        ["C02", "", "Benchmarker", "Les intégrateurs", "En cours", "Paul Durand", "", ""],
        ["C03", "", "Benchmarker", "L’offre fonctionnelle, les modules standards", "Fait", "", "", ""],
        ["C04", "", "Pro bono", "Périmètre", "Non applicable", "", "", ""],
    ])
    result = progress(canvas, TODAY)
    assert [r.id for r in result.without_owner] == ["C01"]
    assert result.owners(result.rows[1]) == "Paul Durand" and result.rows[1].owners == ("P1",)


def test_an_unknown_owner_is_an_unresolved_reference_with_a_suggestion():
    canvas = canvas_with([["C01", "", "Benchmarker", "Les intégrateurs", "À faire", "Paul Durant", "", ""]])
    found = [f for f in canvas.findings if f.tab == "checklist"]
    assert [f.code for f in found] == ["unresolved_reference"]
    assert found[0].row == 2 and "Paul Durand" in found[0].suggestion
    result = progress(canvas, TODAY)
    assert result.rows[0].owners == () and result.owners(result.rows[0]) == "Paul Durant"
    assert result.without_owner == []  # someone is named: the finding asks to fix the name


def test_items_the_project_adds_are_kept_in_the_chapter_they_name():
    canvas = canvas_with([
        ["C01", "2", "Former le conseil d'administration", "", "À faire", "", "", ""],
        ["C02", "Exploitation", "Conformité RGPD", "Registre des traitements", "Fait", "", "", ""],
        ["C03", "", "Fêter la mise en production", "", "À faire", "", "", ""],
        ["C04", "", "Benchmarker", "Visiter une association équipée", "En cours", "", "", ""],  # a sub-item of a template item
        ["C05", "", "benchmarker", "les integrateurs", "Fait", "", "", ""],  # the template's, written differently
    ])
    result = progress(canvas, TODAY)
    assert [(r.id, r.chapter, r.added) for r in result.rows] == [
        ("C01", 2, True), ("C02", 4, True), ("C03", None, True), ("C04", 1, True), ("C05", 1, False)]
    assert result.rows[4].item == "Benchmarker" and result.rows[4].sous_item == "Les intégrateurs"
    assert [r.id for r in result.added] == ["C01", "C02", "C03", "C04"]
    assert result.chapters[-1].number is None and result.chapters[-1].total == 1
    assert chapter_label(None, "fr") == "Ajouts sans chapitre" and chapter_label(4, "en") == "4. Running the CRM"
    assert len(result.missing) == 65  # every template row but « Benchmarker — Les intégrateurs »


def test_a_tab_without_id_column_names_rows_by_item_and_sub_item():
    rows = [["", "Pro bono", "Périmètre", "À faire"], ["", "Pro bono", "Part nécessaire", "Fait"]]
    canvas = canvas_with(rows, header=["Chapitre", "Item", "Sous-item", "Statut"])
    assert [f.code for f in canvas.findings if f.tab == "checklist"] == ["no_id_column", "missing_column"]  # no duplicate_id
    assert canvas.frames["checklist"]["id"].tolist() == ["Pro bono — Périmètre", "Pro bono — Part nécessaire"]
    assert progress(canvas, TODAY).done == 1


def test_an_unreadable_date_is_a_finding_and_the_row_has_no_due_date():
    canvas = canvas_with([["C01", "", "Benchmarker", "Les intégrateurs", "À faire", "", "fin du mois", ""]])
    found = [f for f in canvas.findings if f.tab == "checklist"]
    assert [(f.code, f.row, f.value) for f in found] == [("invalid_value", 2, "fin du mois")]
    assert found[0].message == "Date « fin du mois » illisible dans « Échéance », ligne 2."
    assert "JJ/MM/AAAA" in found[0].suggestion
    row = progress(canvas, TODAY).rows[0]
    assert row.due is None and row.due_text == "fin du mois"


def test_an_unknown_status_is_a_finding_and_counts_as_to_do():
    canvas = canvas_with([["C01", "", "Benchmarker", "Les intégrateurs", "Bientôt", "", "", ""]])
    assert [f.code for f in canvas.findings if f.tab == "checklist"] == ["invalid_value"]
    assert progress(canvas, TODAY).rows[0].status == "a_faire"


def test_a_canvas_without_the_tab_has_no_finding_about_it():
    canvas = load_grids(clean_grids(), settings=Settings())
    assert [f for f in canvas.findings if f.code == "missing_tab"] == []
    result = progress(canvas, TODAY)
    assert not result.present and result.rows == () and result.pct is None
    assert analyze(canvas, Settings(), today=TODAY).report()["checklist"] == {
        "present": False, "today": "2026-12-03", "rows": 0, "done": 0, "applicable": 0, "pct": None, "chapters": [],
        "overdue": [], "without_owner": [], "added": [], "missing_from_template": 0}


def test_the_six_required_tabs_are_still_reported_missing():
    grids = clean_grids()
    del grids["roles"]
    canvas = load_grids(grids, settings=Settings())
    assert [f.tab for f in canvas.findings if f.code == "missing_tab"] == ["rôles"]


# ---------------------------------------------------------------- the demo's checklist


def test_the_demo_checklist_is_partly_done_with_delays_owners_missing_and_additions():
    canvas = load_grids(demo_grids(), settings=Settings())
    assert [f for f in canvas.findings if f.tab == "checklist"] == []
    result = progress(canvas, TODAY)
    assert (len(result.rows), result.done, result.applicable) == (68, 21, 65)
    assert [(c.number, c.done, c.applicable) for c in result.chapters] == [(1, 7, 23), (2, 8, 11), (3, 6, 22), (4, 0, 9)]
    assert [r.id for r in result.overdue] == ["C40", "C68", "C08", "C09", "C31", "C55", "C56", "C04"]
    assert [r.id for r in result.without_owner] == ["C06", "C17", "C59", "C64"]
    assert [(r.id, r.chapter) for r in result.added] == [("C67", 3), ("C68", 4)]
    assert result.missing == ()
    milestones = result.milestones
    assert len(milestones) == 14 and milestones[0].sous_item == "Comités de pilotage"
    assert milestones[-1].sous_item == "Bilan à x mois" and milestones[-1].due == date(2028, 4, 30)  # « avril 2028 »


# ---------------------------------------------------------------- creating the tab through a source


class TabSource:
    """A writable source that records what it is asked to write (ensure_tab comes with the next protocol)."""

    description = "Classeur de test"

    def __init__(self):
        self.calls: list[tuple] = []

    def read(self, wanted):  # pragma: no cover - not read here
        raise AssertionError("not read")

    def ensure_tab(self, title, headers):
        self.calls.append(("ensure_tab", title, tuple(headers)))

    def append_row(self, title, values, *, id_column=None, id_prefix=None):
        self.calls.append(("append_row", title, dict(values)))
        return AppendResult(row=len(self.calls), row_id=values.get("ID"))

    def update_cells(self, title, *, id_column, row_id, changes):  # pragma: no cover
        raise AssertionError("no update")

    def assign_missing_ids(self, title, *, id_column, id_prefix):  # pragma: no cover
        raise AssertionError("no IDs to assign")


def test_creating_the_tab_writes_its_header_then_every_template_row_under_the_configured_title():
    source = TabSource()
    written = checklist_tab.create_checklist_tab(source, Settings(tabs={"checklist": "Check-list projet"}))
    assert written == 66
    assert source.calls[0] == ("ensure_tab", "Check-list projet", tuple(HEADER))
    appended = [values for kind, _, values in source.calls[1:] if kind == "append_row"]
    assert len(appended) == 66 and all(title == "Check-list projet" for _, title, _ in source.calls)
    assert appended[0] == {"ID": "C01", "Chapitre": "1. Contenu", "Item": "Définir le périmètre fonctionnel",
                           "Sous-item": "Principales fonctionnalités", "Statut": "À faire", "Responsable": "",
                           "Échéance": "", "Commentaire": ""}


def test_a_source_that_cannot_create_a_tab_is_refused_before_anything_is_written():
    class NoTabs(TabSource):
        ensure_tab = None

    source = NoTabs()
    with pytest.raises(SourceError) as caught:
        checklist_tab.create_checklist_tab(source, Settings())
    assert source.calls == []
    assert caught.value.render("fr")[0] == "Cette source ne peut pas créer l'onglet «\u00a0checklist\u00a0»."
    assert not checklist_tab.can_create(object()) and checklist_tab.can_create(TabSource())


# ---------------------------------------------------------------- charts


def test_chapter_chart_stacks_statuses_and_says_done_of_applicable():
    canvas = load_grids(demo_grids(), settings=Settings())
    fig = readiness_charts.chapter_progress(progress(canvas, TODAY), "fr")
    assert [trace.name for trace in fig.data] == ["Fait", "En cours", "À faire"]
    assert list(fig.data[0].y) == ["1. Contenu", "2. Ressources humaines à mobiliser", "3. Organisation du projet", "4. Exploitation"]
    assert [a.text for a in fig.layout.annotations] == ["7 / 23", "8 / 11", "6 / 22", "0 / 9"]


def test_timeline_rings_overdue_milestones_and_escapes_sheet_text():
    canvas = canvas_with([
        ["C01", "", "Etablir un planning prévisionnel", "Expression des besoins", "En cours", "", "30/09/2026", ""],
        ["C02", "", "Etablir un planning prévisionnel", "<b>Go</b> live", "À faire", "", "04/10/2027", ""],  # added
        ["C03", "", "Etablir un planning prévisionnel", "Formation", "À faire", "", "", ""],  # no date: not drawn
    ])
    fig = readiness_charts.milestones_timeline(progress(canvas, TODAY), "fr")
    names = [name for trace in fig.data for name in trace.y]
    assert "&lt;b&gt;Go&lt;/b&gt; live" in names and "<b>Go</b> live" not in names and "Formation" not in names
    late = next(trace for trace in fig.data if trace.name == "En retard")
    assert list(late.y) == ["Expression des besoins"]
    assert any("Aujourd'hui (03/12/2026)" == a.text for a in fig.layout.annotations)


def test_timeline_without_dated_milestone_says_why_it_is_blank():
    canvas = canvas_with([["C01", "", "Etablir un planning prévisionnel", "Formation", "À faire", "", "", ""]])
    fig = readiness_charts.milestones_timeline(progress(canvas, TODAY), "en")
    assert fig.data == () and "No dated milestone" in fig.layout.annotations[0].text


def test_a_row_added_to_the_checklist_reads_in_the_what_changed_line():
    from crmcanvas.analysis.changes import canvas_changes

    before = load_grids(demo_grids(), settings=Settings())
    grids = demo_grids()
    grids["checklist"].append(["C69", "4. Exploitation", "Former les nouveaux salariés", "", "À faire", "", "", ""])
    after = load_grids(grids, settings=Settings())
    changes = canvas_changes(before, after)
    assert changes.tabs["checklist"].added == ["C69"]
    assert changes.summary("fr") == "+1 ligne de check-list"
    assert changes.summary("en") == "+1 checklist row"
