"""The Applications page through AppTest: counts by status, the exchange network, the inventory, the zoom."""

from __future__ import annotations

import json
import re

import pytest

from tests.pages import clear_caches, run, shown
from tests.test_english import french_on, serve_english_demo
from tests.test_pages import EVIL, GridSource, evil_grids, no_live_link, serve
from tests.test_views import demo_rows

PAGE = "pages/applications.py"


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_caches()
    yield
    clear_caches()


def written_exchanges() -> set[frozenset[str]]:
    """The demo's exchanges read straight from the CSV: by ID or by exact name, each pair once, none with itself."""
    rows = demo_rows("applications")
    by_name = {r["Application"]: r["ID"] for r in rows} | {r["ID"]: r["ID"] for r in rows}
    pairs = set()
    for r in rows:
        for ref in filter(None, (part.strip() for part in re.split(r"[;,|\n]", r["Échanges"]))):
            other = by_name.get(ref, ref)
            if other != r["ID"]:
                pairs.add(frozenset((r["ID"], other)))
    return pairs


def network(at) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def test_the_network_has_one_edge_per_exchange():
    at = run(PAGE)
    figure = network(at)
    segments = sum(x is None for trace in figure["data"] if trace.get("mode") == "lines" for x in trace["x"])
    assert segments == len(written_exchanges()) == 15
    legend = [trace["name"] for trace in figure["data"] if trace.get("mode") == "markers+text"]
    assert legend == ["En place (5)", "À conserver (2)", "À intégrer (2)", "À remplacer (4)", "Candidate (2)", "Non inventoriée (1)"]
    labels = [text for trace in figure["data"] if trace.get("text") for text in trace["text"]]
    assert "Qonto" in labels and "Base donateurs (Access)" in labels


def test_counts_by_status_and_the_inventory_under_each():
    at = run(PAGE)
    assert {m.label: m.value for m in at.metric} == {"En place": "5", "À conserver": "2", "À intégrer": "2", "À remplacer": "4",
                                                     "Candidate": "2"}
    groups = [shown(m.value) for m in at.main.markdown if m.value.startswith("#### ") and not m.value.startswith("#### :")]
    assert groups == ["#### En place (5)", "#### À conserver (2)", "#### À intégrer (2)", "#### À remplacer (4)", "#### Candidate (2)"]
    replaced = at.dataframe[3].value.set_index("Application")
    a01 = replaced.loc["A01 · Base donateurs (Access)"]
    assert a01["Données"].startswith("Donateur (maître), Don (maître)")
    assert a01["Échanges"] == "HelloAsso, EBP Compta, Banque en ligne (Crédit Coopératif)"
    kept = at.dataframe[1].value.set_index("Application")
    assert kept.loc["A06 · EBP Compta", "Échanges"].endswith("Qonto (non inventoriée)")


def test_zoom_on_one_application():
    at = run(PAGE)
    zoom = at.selectbox(key="applications.zoom")
    zoom.set_value("A15").run()  # Canva: nothing uses it
    texts = [shown(m.value) for m in at.main.markdown]
    assert "**Données qu'elle porte (0)**" in texts and "**Besoins qui la citent (0)**" in texts
    assert "- **A15** Canva" in texts  # and the gap card says so
    zoom.set_value("A01").run()
    needs = at.dataframe[-1].value
    assert list(needs.columns) == ["ID", "Besoin"] and "B001" in set(needs["ID"])


def test_an_application_written_as_a_link_stays_text(monkeypatch):
    grids = evil_grids()
    grids["applications"][1][1] = EVIL
    grids["applications"][2][1] = '<a href="https://evil.example">Fichier</a>'
    serve(monkeypatch, GridSource(grids))
    at = run(PAGE)
    no_live_link(at)
    labels = [text for trace in network(at)["data"] if trace.get("text") for text in trace["text"]]
    assert '&lt;a href="https://evil.examp…' in labels and not any("<" in label for label in labels)


def test_applications_in_english(monkeypatch):
    monkeypatch.setenv("CRMCANVAS_LANGUAGE", "en")
    serve_english_demo(monkeypatch)
    at = run(PAGE)
    found = french_on(at)
    at.selectbox(key="applications.zoom").set_value("A15").run()
    found += french_on(at)
    assert not found, sorted(set(found))
    assert "Not inventoried (1)" in [trace.get("name") for trace in network(at)["data"]]
