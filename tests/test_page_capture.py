"""Writing from the dashboard, through Streamlit's AppTest on a temporary workbook: the « Nouveau besoin » form,
« Appliquer » and « Attribuer les ID manquants » on the quality page, and who gets a write widget at all."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from crmcanvas.build.fixes import find_fixes
from crmcanvas.build.pipeline import build_canvas
from crmcanvas.core.config import Settings
from crmcanvas.sources.workbook import WorkbookSource
from tests.fixtures_workbook import demo_workbook, edit_cells, sheet_values
from tests.pages import ROOT, clear_caches, markdown_texts, shown

PASSCODE = "grenadine-42"
STORY = "En tant que trésorier, je souhaite voir les dons du jour de sorte que je rapproche la banque."
CAPTURE, QUALITY = "pages/capture.py", "pages/quality.py"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_caches()
    yield
    clear_caches()


@pytest.fixture
def workbook(tmp_path, monkeypatch):
    path = demo_workbook(tmp_path / "canevas.xlsx")
    monkeypatch.setenv("CRMCANVAS_SOURCE", str(path))
    monkeypatch.setenv("CRMCANVAS_WRITE_ENABLED", "true")
    return path


def open_page(page: str, *, secrets: dict | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["crmcanvas_auth"] = {"passcode": PASSCODE}
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.query_params.update(query or {})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def unlock(at: AppTest, passcode: str = PASSCODE) -> AppTest:
    at.text_input(key="crmcanvas_passcode").input(passcode)
    next(b for b in at.button if b.label == "Déverrouiller la saisie").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def write_widgets(at: AppTest) -> list[str]:
    """Every input a reader could use to write or unlock writing (filters of the findings table are not)."""
    kinds = {"text_input", "text_area", "button", "form_submit_button", "selectbox", "multiselect"}
    found = []
    for node in _walk(at._tree):
        key = getattr(node, "key", None) or ""
        if getattr(node, "type", None) in kinds and key.startswith("crmcanvas_"):
            found.append(key)
        elif getattr(node, "type", None) in ("button", "form_submit_button", "text_input", "text_area"):
            found.append(getattr(node, "label", "?"))
    return found


def capture_widget(at: AppTest, kind: str, name: str):
    return next(w for w in getattr(at, kind) if w.key and w.key.startswith("crmcanvas_capture_") and w.key.endswith("_" + name))


def submit(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Ajouter le besoin").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def fill(at: AppTest) -> None:
    capture_widget(at, "text_area", "besoin").input(STORY)
    capture_widget(at, "selectbox", "priorite").set_value("must")
    capture_widget(at, "multiselect", "enjeux").set_value(["E01", "E03"])
    capture_widget(at, "multiselect", "donnees").set_value(["D01"])


def need_rows(path) -> list[list]:
    return [row for row in sheet_values(path, "besoins")[1:] if any(row)]


# ---------------------------------------------------------------- « Nouveau besoin »


def test_the_form_appends_to_the_workbook_and_the_page_shows_the_new_row(workbook):
    at = unlock(open_page(CAPTURE))
    fill(at)
    submit(at)
    assert [shown(s.value) for s in at.success] == ["Besoin **B061** ajouté à la ligne 62 de l'onglet « besoins »."]
    last = need_rows(workbook)[-1]
    assert last[:4] == ["B061", STORY, None, "E01; E03"] and last[6] == "Must"
    recent = at.dataframe[0].value
    assert recent.iloc[0]["ID"] == "B061" and recent.iloc[0]["Besoin"] == STORY  # the live canvas already has it
    assert capture_widget(at, "text_area", "besoin").value == ""  # a fresh form for the next need
    at.run()
    assert at.dataframe[0].value.iloc[0]["ID"] == "B061"


def test_a_failed_write_keeps_everything_typed_and_says_why_then_nothing_is_lost(workbook):
    at = unlock(open_page(CAPTURE))
    fill(at)
    owner = workbook.with_name("~$" + workbook.name)
    owner.write_text("Excel")  # the file is open in Excel: writing now would be lost at Excel's next save
    submit(at)
    assert at.error and "Le besoin n'a pas été ajouté." in at.error[0].value and "Excel" in shown(at.error[0].value)
    assert capture_widget(at, "text_area", "besoin").value == STORY
    assert capture_widget(at, "multiselect", "enjeux").value == ["E01", "E03"]
    assert capture_widget(at, "selectbox", "priorite").value == "must"
    assert len(need_rows(workbook)) == 60
    owner.unlink()
    submit(at)  # the same content, as it was kept
    assert "B061" in at.success[0].value and need_rows(workbook)[-1][1] == STORY


def test_submitting_the_same_need_twice_adds_one_row(workbook):
    at = unlock(open_page(CAPTURE))
    fill(at)
    submit(at)
    fill(at)
    submit(at)
    assert any("vient d'être ajouté (B061)" in shown(i.value) for i in at.info)
    assert [row[0] for row in need_rows(workbook)][-2:] == ["B060", "B061"]


def test_an_empty_story_is_refused_and_the_choices_stay(workbook):
    at = unlock(open_page(CAPTURE))
    capture_widget(at, "multiselect", "enjeux").set_value(["E02"])
    submit(at)
    assert "Le besoin est vide." in shown(at.error[0].value)
    assert capture_widget(at, "multiselect", "enjeux").value == ["E02"]
    assert len(need_rows(workbook)) == 60


# ---------------------------------------------------------------- who may write


def test_five_wrong_passcodes_lock_the_form_even_for_the_right_one(workbook):
    at = open_page(CAPTURE)
    for _ in range(4):
        unlock(at, "framboise")
        assert [e.value for e in at.error] == ["Code incorrect."]
    unlock(at, "framboise")
    assert at.error[0].value.startswith("Trop d'essais : réessayez dans")
    unlock(at)  # the right passcode, but within the lockout: not even compared
    assert at.error[0].value.startswith("Trop d'essais") and not any(b.label == "Ajouter le besoin" for b in at.button)


def test_new_sessions_do_not_buy_more_guesses(workbook):
    for _ in range(4):  # four sessions, five wrong guesses each: the server-wide limit
        at = open_page(CAPTURE)
        for _ in range(5):
            unlock(at, "framboise")
    at = unlock(open_page(CAPTURE))  # a fifth, fresh session with the right passcode
    assert at.error[0].value.startswith("Trop d'essais") and not any(b.label == "Ajouter le besoin" for b in at.button)


def test_the_passcode_is_never_shown_back(workbook):
    at = unlock(unlock(open_page(CAPTURE), "framboise"))
    assert any(b.label == "Ajouter le besoin" for b in at.button)
    assert not any("framboise" in text or PASSCODE in text for text in markdown_texts(at))


def test_locking_again_hides_the_form(workbook):
    at = unlock(open_page(CAPTURE))
    next(b for b in at.button if b.label == "Verrouiller la saisie").click().run()
    assert not any(b.label == "Ajouter le besoin" for b in at.button)
    assert at.text_input(key="crmcanvas_passcode")


@pytest.mark.parametrize("page", [CAPTURE, QUALITY])
def test_sponsor_view_renders_no_write_widget_even_with_writing_enabled(workbook, page):
    at = open_page(page, query={"vue": "sponsor"})
    assert write_widgets(at) == []
    assert not any("Corriger dans la feuille" in shown(s.value) for s in at.subheader)


def test_an_unlocked_session_opening_the_sponsor_view_gets_no_write_widget_either(workbook):
    at = unlock(open_page(CAPTURE))
    assert any(b.label == "Ajouter le besoin" for b in at.button)
    at.query_params["vue"] = "sponsor"
    at.run()
    assert write_widgets(at) == []


@pytest.mark.parametrize("page", [CAPTURE, QUALITY])
def test_without_write_enabled_there_is_no_write_widget_and_one_caption_at_most(workbook, monkeypatch, page):
    monkeypatch.delenv("CRMCANVAS_WRITE_ENABLED")
    at = open_page(page)
    assert write_widgets(at) == []
    notes = [shown(c.value) for c in at.caption if "write_enabled" in c.value.replace("\\", "")]
    assert len(notes) == (1 if page == CAPTURE else 0)


def test_the_demo_canvas_is_read_only(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_WRITE_ENABLED", "true")
    at = open_page(CAPTURE)
    assert write_widgets(at) == []
    assert any("lecture seule" in shown(c.value) for c in at.caption)


def test_an_oidc_provider_replaces_the_passcode(workbook):
    oidc = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "id",
            "client_secret": "s", "server_metadata_url": "https://idp.example/.well-known/openid-configuration"}
    at = open_page(CAPTURE, secrets={"auth": oidc})
    assert not at.text_input  # no passcode field: sign-in goes through the provider
    labels = [b.label for b in at.button] + [shown(c.value) for c in at.caption]
    assert "Se connecter pour saisir" in labels or any("Authlib" in text for text in labels)
    assert not any(b.label == "Ajouter le besoin" for b in at.button)


# ---------------------------------------------------------------- the quality page


def test_apply_writes_the_suggestion_and_the_finding_is_gone_after_refresh(workbook):
    fix = next(f for f in find_fixes(build_canvas(WorkbookSource(workbook), Settings())) if f.finding.value == "Donnateur")
    at = unlock(open_page(QUALITY))
    picker = next(m for m in at.multiselect if m.key and m.key.startswith("crmcanvas_fixes_"))
    assert picker.options == ["besoins, ligne 14, Données : « Don; Donnateur » → « Don; Donateur »"]
    picker.set_value([fix.key]).run()
    next(b for b in at.button if b.label == "Appliquer (1)").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value == "Écrit dans la feuille : 1 correction(s)."
    assert sheet_values(workbook, "besoins")[13][4] == "Don; Donateur"
    assert not at.table[0].value["Valeur"].map(shown).str.contains("Donnateur").any()
    assert not any(m.key and m.key.startswith("crmcanvas_fixes_") for m in at.multiselect)  # nothing left to apply


def test_assign_missing_ids_fills_the_empty_id_cells(workbook):
    edit_cells(workbook, "besoins", {"A20": None, "A33": None})
    at = unlock(open_page(QUALITY))
    button = next(b for b in at.button if b.label.startswith("Attribuer les ID manquants"))
    assert shown(button.label) == "Attribuer les ID manquants dans « besoins » (2 ligne(s))"
    button.click().run()
    assert shown(at.success[0].value) == "2 ID attribué(s) dans « besoins » : ligne 20 → B061, ligne 33 → B062."
    ids = [row[0] for row in sheet_values(workbook, "besoins")]
    assert (ids[19], ids[32]) == ("B061", "B062")
    assert not any(b.label.startswith("Attribuer les ID manquants") for b in at.button)


def test_the_capture_page_speaks_english(workbook, monkeypatch):
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    at = open_page(CAPTURE)
    at.text_input(key="crmcanvas_passcode").input(PASSCODE)
    next(b for b in at.button if b.label == "Unlock capture").click().run()
    assert any(b.label == "Add the need" for b in at.button)
    assert at.title[0].value == "Capture a need"


# ---------------------------------------------------------------- a Google Sheet (the stand-in)


@pytest.fixture
def google(monkeypatch):
    from crmcanvas.demo import DEMO_TITLES, demo_grids
    from crmcanvas.standin import StandIn

    with StandIn() as sheets:
        sheets.add_spreadsheet({DEMO_TITLES[k]: grid for k, grid in demo_grids().items()})
        monkeypatch.setenv("CRMCANVAS_SOURCE", sheets.url())
        monkeypatch.setenv("CRMCANVAS_SHEETS_ENDPOINT", sheets.endpoint)
        monkeypatch.setenv("CRMCANVAS_WRITE_ENABLED", "true")
        yield sheets


def test_findings_open_the_google_sheet_at_their_tab_and_row(google):
    gid = next(t["properties"]["sheetId"] for t in google.store.metadata(google.store.default_id)["sheets"]
               if t["properties"]["title"] == "besoins")
    at = open_page(QUALITY)
    table = at.table[0].value
    row = table[table["Valeur"].map(shown) == "Donnateur"].iloc[0]
    key = google.store.default_id
    assert row["Feuille"] == (
        f'[Ouvrir](https://docs.google.com/spreadsheets/d/{key}/edit#gid={gid}&range=A14 "Ouvrir dans la feuille")')


def test_a_workbook_source_has_no_sheet_links(workbook):
    at = open_page(QUALITY)
    assert "Feuille" not in at.table[0].value.columns


def test_the_form_appends_to_the_google_sheet(google):
    at = unlock(open_page(CAPTURE))
    fill(at)
    submit(at)
    assert "B061" in at.success[0].value
    row = google.grid("besoins")[-1]
    assert row[:2] == ["B061", STORY] and at.dataframe[0].value.iloc[0]["ID"] == "B061"
