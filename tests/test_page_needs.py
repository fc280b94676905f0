"""The Besoins page through AppTest: filters narrow the table and survive a new version of the sheet;
the story full size; near-duplicates side by side."""

from __future__ import annotations

import pytest

from crmcanvas.analysis.views import NONE
from crmcanvas.demo import demo_grids
from tests.pages import clear_caches, run, shown
from tests.test_english import french_on, serve_english_demo
from tests.test_pages import GridSource, evil_grids, no_live_link, serve
from tests.test_views import demo_rows

PAGE = "pages/needs.py"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_caches()
    yield
    clear_caches()


def filter_widget(at, key: str):
    return next(w for w in at.multiselect if w.key == f"needs.filter.{key}")


def table(at):
    return at.dataframe[0].value


def shown_count(at) -> str:
    return next(shown(m.value) for m in at.main.markdown if "besoin(s) sur" in m.value)


def test_the_backlog_shows_each_story_split():
    at = run(PAGE)
    frame = table(at)
    assert list(frame.columns) == ["ID", "Rôle", "Action", "Bénéfice", "Enjeux", "Priorité", "Statut", "Lot"]
    assert len(frame) == 60 and shown_count(at) == "**60 besoin(s) sur 60**"
    b001 = frame.set_index("ID").loc["B001"]
    assert b001["Rôle"] == "Chargé de relation donateurs" and b001["Enjeux"] == "E01, E06" and b001["Priorité"] == "Must"
    assert b001["Bénéfice"] == "je puisse lui répondre au téléphone sans ouvrir trois fichiers"
    assert any("4 besoin(s) affiché(s) ne suivent pas la forme" in c.value for c in at.caption)


def test_each_filter_narrows_the_table():
    at = run(PAGE)
    written = demo_rows("besoins")
    filter_widget(at, "lots").set_value(["Lot 1"]).run()
    assert len(table(at)) == sum(r["Lot"] == "Lot 1" for r in written) == 25
    filter_widget(at, "priorities").set_value(["must"]).run()
    assert len(table(at)) == sum(r["Lot"] == "Lot 1" and r["Priorité"] in ("Must", "Indispensable") for r in written)
    filter_widget(at, "lots").set_value([]).run()
    filter_widget(at, "priorities").set_value([]).run()
    filter_widget(at, "stakes").set_value([NONE]).run()
    assert list(table(at)["ID"]) == ["B017", "B048", "B049", "B050"]
    filter_widget(at, "stakes").set_value([]).run()
    filter_widget(at, "statuses").set_value(["rejete"]).run()
    assert list(table(at)["ID"]) == ["B045"]
    filter_widget(at, "statuses").set_value([]).run()
    filter_widget(at, "roles").set_value(["R11"]).run()  # Bénévole, named in the column or read from the story
    assert "B035" in set(table(at)["ID"])
    filter_widget(at, "roles").set_value([]).run()
    at.text_input(key="needs.filter.text").set_value("Reçu fiscal RECAPITULATIF").run()
    assert list(table(at)["ID"]) == ["B004"] and shown_count(at) == "**1 besoin(s) sur 60**"
    at.text_input(key="needs.filter.text").set_value("introuvable zzz").run()
    assert not at.dataframe and any("Aucun besoin ne correspond à ces filtres." in i.value for i in at.info)


def test_filters_survive_a_new_version_of_the_sheet(monkeypatch):
    """The live refresh reruns the page on a new canvas: what the facilitator chose stays chosen."""
    grids = demo_grids()
    serve(monkeypatch, GridSource(grids, version="v1"))
    at = run(PAGE)
    filter_widget(at, "lots").set_value(["Lot 1"]).run()
    at.text_input(key="needs.filter.text").set_value("donateur").run()
    before = len(table(at))
    header = grids["besoins"][0]
    row = [""] * len(header)
    row[header.index("ID")], row[header.index("Lot")] = "B061", "Lot 1"
    row[header.index("Besoin")] = "En tant que donateur, je souhaite changer mon adresse en ligne afin de recevoir mes reçus"
    grids["besoins"].append(row)
    serve(monkeypatch, GridSource(grids, version="v2"))
    clear_caches()  # the feed reads the new version, as on the next refresh
    at.run()
    assert filter_widget(at, "lots").value == ["Lot 1"] and at.text_input(key="needs.filter.text").value == "donateur"
    assert len(table(at)) == before + 1 and "B061" in set(table(at)["ID"])


def test_one_story_full_size_and_a_need_that_is_no_story():
    at = run(PAGE)
    story = at.selectbox(key="needs.story")
    assert story.value == "B001"
    texts = [shown(m.value) for m in at.main.markdown]
    assert "#### **Rôle** : Chargé de relation donateurs" in texts
    assert "#### **Bénéfice** : je puisse lui répondre au téléphone sans ouvrir trois fichiers" in texts
    story.set_value("B023").run()
    assert "Ce besoin n'est pas écrit comme un récit utilisateur ; son texte :" in [m.value for m in at.main.markdown]


def test_near_duplicates_side_by_side_and_the_breakdown_chart():
    at = run(PAGE)
    texts = [shown(m.value) for m in at.main.markdown]
    assert "**B012 / B047 · similarité 98 %**" in texts
    assert "**B012** · ligne 13 · _le premier saisi, à garder_" in texts
    assert "**B047** · ligne 48 · _à fusionner ou à supprimer ?_" in texts
    charts = at.get("plotly_chart")
    assert len(charts) == 1 and "Besoins par priorité et par statut" in charts[0].proto.spec


def test_a_need_written_as_a_link_stays_text(monkeypatch):
    grids = evil_grids()
    grids["besoins"][1][1] = "[se connecter](https://evil.example/login)"
    serve(monkeypatch, GridSource(grids))
    at = run(PAGE)
    no_live_link(at)


def test_needs_in_english(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    serve_english_demo(monkeypatch)
    at = run(PAGE)
    found = french_on(at)
    filter_widget(at, "stakes").set_value([NONE]).run()  # the "(tied to no stake)" choice
    found += french_on(at)
    at.selectbox(key="needs.story").set_value("B017").run()  # a need that is not a story
    found += french_on(at)
    at.text_input(key="needs.filter.text").set_value("zzz").run()  # nothing left
    found += french_on(at)
    assert not found, sorted(set(found))
    assert any("No need matches these filters." in i.value for i in at.info)


def test_a_long_backlog_offers_its_first_needs_to_show_full_size(monkeypatch):
    monkeypatch.setattr("crmcanvas.ui.views.needs.MAX_CHOICES", 5)
    at = run(PAGE)
    options = at.selectbox(key="needs.story").options
    assert [option.split(" · ")[0] for option in options] == ["B001", "B002", "B003", "B004", "B005"]
    assert any(c.value.startswith("Les 5 premiers des 60 besoins affichés sont proposés") for c in at.caption)
