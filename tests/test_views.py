"""The content pages' logic without Streamlit: stake cards, backlog and filters, glossary, inventory, network, departments."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crmcanvas.analysis import analyze
from crmcanvas.analysis.backlog import NeedFilter, backlog, duplicate_views, filter_needs, filter_options
from crmcanvas.analysis.inventory import by_status, exchange_pairs, inventory
from crmcanvas.analysis.stake_cards import stake_cards
from crmcanvas.analysis.stakeholders import departments
from crmcanvas.analysis.views import NONE, gaps_about
from crmcanvas.build.whole_canvas import near_duplicate_search
from crmcanvas.core.config import Settings
from crmcanvas.demo import demo_grids
from crmcanvas.reports.csv_export import read_csv
from crmcanvas.reports.glossary import glossary, glossary_csv, glossary_frame, glossary_markdown, md_text, search
from crmcanvas.reports.network import MISSING, exchange_network
from crmcanvas.reports.page_charts import departments_bar, network_figure
from tests.fixtures_analysis import canvas_of, clean_grids

DEMO = Path(__file__).resolve().parents[1] / "crmcanvas" / "demo"


@pytest.fixture(scope="module")
def demo():
    return canvas_of(demo_grids())


def demo_rows(tab: str) -> list[dict[str, str]]:
    """The demo CSV as written, to count what a filter should keep without going through our code."""
    with (DEMO / f"{tab}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------- gaps shown per page


def test_each_page_shows_the_gaps_about_its_tab():
    assert [g.code for g in gaps_about("donnees")] == ["objets_non_definis", "objets_non_utilises", "objets_incomplets",
                                                       "objets_sans_application_maitre"]
    assert [g.code for g in gaps_about("applications")] == ["applications_non_inventoriees", "applications_sans_besoin"]
    people = [g.code for g in gaps_about("roles", "personnes")]
    assert {"roles_sans_personne", "roles_sans_besoin", "departements_absents"} <= set(people)


# ---------------------------------------------------------------- stake cards


def test_stake_cards_mark_the_stake_no_need_serves_and_the_one_with_no_indicator(demo):
    cards = {c.id: c for c in stake_cards(demo, analyze(demo, Settings()))}
    assert list(cards) == [f"E0{i}" for i in range(1, 9)]
    assert [rid for rid, c in cards.items() if c.no_need] == ["E07"]
    assert [rid for rid, c in cards.items() if c.no_indicator] == ["E08"]
    e07 = cards["E07"]
    assert e07.total == 0 and e07.needs == {"must": 0, "should": 0, "could": 0, "sans_priorite": 0}
    assert (e07.indicator, e07.current_value, e07.target_value, e07.deadline) == (
        "Nombre de rapports aux financeurs produits sans consolidation manuelle", "0 sur 6", "6 sur 6", "12 mois")


def test_stake_card_counts_active_needs_by_priority_and_names_its_owner(demo):
    cards = {c.id: c for c in stake_cards(demo, analyze(demo, Settings()))}
    e01 = cards["E01"]
    assert e01.total == sum(e01.needs.values()) == 18
    assert e01.needs["must"] == 7
    assert e01.excluded == 1  # B014, « Won't », cites E01 and is not counted
    assert e01.owners == ["Julien Roussel"] and cards["E02"].owners == ["Sophie Lambert"]  # porteur written « P03 »
    assert cards["E03"].deadline == "31/01/2027" and cards["E01"].importance == "haute"


def test_stake_cards_follow_the_registry_gaps_on_a_clean_canvas():
    canvas = canvas_of(clean_grids())
    assert not any(c.no_need or c.no_indicator for c in stake_cards(canvas, analyze(canvas, Settings())))


# ---------------------------------------------------------------- backlog and filters


def test_backlog_splits_each_story_and_keeps_free_text_whole(demo):
    rows = backlog(demo).set_index("id")
    assert len(rows) == 60
    b001 = rows.loc["B001"]
    assert b001["role"] == "Chargé de relation donateurs" and b001["parsed"]
    assert b001["action"].startswith("retrouver sur une seule fiche les dons")
    assert b001["benefice"] == "je puisse lui répondre au téléphone sans ouvrir trois fichiers"
    assert rows.loc["B003", "role"] == "Donateur" and rows.loc["B003", "role_ids"] == ("R09",)  # role read from the story
    assert rows.loc["B022", "role"] == "Trésorier" and rows.loc["B022", "role_ids"] == ()  # typed, matches no role
    b023 = rows.loc["B023"]
    assert not b023["parsed"] and b023["action"] == b023["besoin"].strip() and b023["benefice"] == ""
    assert rows.loc["B001", "stake_ids"] == ("E01", "E06")


def test_filters_narrow_as_people_expect(demo):
    rows = backlog(demo)
    written = demo_rows("besoins")
    lot1 = filter_needs(rows, NeedFilter(lots=("Lot 1",)))
    assert len(lot1) == sum(r["Lot"] == "Lot 1" for r in written) == 25
    e03 = filter_needs(rows, NeedFilter(stakes=("E03",)))
    assert len(e03) == sum("E03" in r["Enjeux"] for r in written)
    assert filter_needs(rows, NeedFilter(stakes=("E07",))).empty  # the stake no need serves
    both = filter_needs(rows, NeedFilter(stakes=("E03", "E02")))  # within a filter: either
    assert set(both["id"]) == set(e03["id"]) | set(filter_needs(rows, NeedFilter(stakes=("E02",)))["id"])
    must_lot1 = filter_needs(rows, NeedFilter(priorities=("must",), lots=("Lot 1",)))  # across filters: all
    assert set(must_lot1["id"]) == set(lot1["id"]) & set(filter_needs(rows, NeedFilter(priorities=("must",)))["id"])
    assert list(filter_needs(rows, NeedFilter(stakes=(NONE,)))["id"]) == ["B017", "B048", "B049", "B050"]
    assert list(filter_needs(rows, NeedFilter(roles=(NONE,)))["id"]) == ["B022", "B023", "B024"]
    assert list(filter_needs(rows, NeedFilter(text="RECU  fiscal B00"))["id"]) == ["B002", "B003", "B004", "B005"]
    assert len(filter_needs(rows, NeedFilter())) == 60 and not NeedFilter().active


def test_filter_options_list_values_in_their_own_order_and_none_last():
    grids = clean_grids()
    grids["besoins"] += [
        ["B3", "En tant que bénévole, je veux voir mes heures", "", "", "", "", "Could", "", "Lot 10"],
        ["B4", "En tant que bénévole, je veux un badge", "", "", "", "", "", "Livré", ""],
    ]
    canvas = canvas_of(grids)
    options = filter_options(backlog(canvas), canvas)
    assert options["lots"] == ["Lot 1", "Lot 2", "Lot 10", NONE]
    assert options["priorities"] == ["must", "should", "could", NONE]
    assert options["statuses"] == ["nouveau", "valide", "livre", NONE]
    assert options["stakes"] == ["E1", "E2", NONE] and options["roles"] == ["R1", "R2"]


def test_near_duplicates_come_with_their_rows(demo):
    groups = duplicate_views(near_duplicate_search(demo, Settings()), backlog(demo))
    assert [g.members for g in groups] == [("B012", "B047")]
    assert [n["row"] for n in groups[0].needs] == [13, 48] and groups[0].score >= 90


# ---------------------------------------------------------------- glossary


def test_glossary_reads_as_people_read_it(demo):
    entries = {e.id: e for e in glossary(demo)}
    assert len(entries) == 15
    d01 = entries["D01"]
    assert d01.name == "Donateur" and len(d01.attributes) == 12 and d01.attributes[0] == "Civilité"
    assert entries["D03"].owners == ["Chargé de vie associative"]  # written « R04 »
    assert entries["D03"].masters == ["Fichier adhérents (Excel)"]  # written « A02 »
    assert entries["D14"].attributes == [] and entries["D08"].masters == []
    assert [e.id for e in search(list(entries.values()), "numero de recu")] == ["D02", "D10"]


def test_glossary_csv_is_the_glossary_and_neutralises_formulas():
    grids = clean_grids()
    grids["donnees"][1][2] = '=HYPERLINK("https://evil.example";"ici")'
    entries = glossary(canvas_of(grids))
    data = glossary_csv(entries, "fr")
    assert data.startswith("\ufeff".encode()) and b"'=HYPERLINK" in data
    back = read_csv(data)
    assert list(back.columns) == ["ID", "Objet", "Définition", "Attributs", "Propriétaire", "Application maître", "Reprise"]
    assert back.equals(glossary_frame(entries, "fr"))
    assert back.loc[0, "Attributs"] == "montant, date"


def test_glossary_markdown_escapes_structure_but_stays_readable():
    assert md_text("[ici](https://evil.example) <b>gras</b> *x* _y_ `z` a|b") == (
        r"\[ici\](https://evil.example) \<b\>gras\</b\> \*x\* \_y\_ \`z\` a\|b")
    assert md_text("5 % (CGI), Nom; l'été : oui ! N°12") == "5 % (CGI), Nom; l'été : oui ! N°12"  # nothing to escape
    assert md_text("# titre") == r"\# titre"
    assert md_text("- pas une liste") == r"\- pas une liste" and md_text("1. pas une liste") == r"1\. pas une liste"
    assert md_text("ligne 1\n## ligne 2") == r"ligne 1 \#\# ligne 2"  # a new line can never start a heading
    assert md_text("AT&T &amp; co") == r"AT&T \&amp; co"  # an entity is escaped, a lone & is left alone


def test_glossary_markdown_document(demo):
    text = glossary_markdown(glossary(demo), "fr", source="Canevas de démonstration")
    assert text.startswith("# Glossaire des données\n\nSource : Canevas de démonstration\n")
    assert "## Donateur (D01)\n" in text and "- **Application maître** : Base donateurs (Access)\n" in text
    assert "**Attributs** :\n\n- Civilité\n- Nom\n" in text
    d14 = text[text.index("## Organisation (D14)"):]
    assert "- _attributs à lister_" in d14[: d14.index("\n## ")]
    english = glossary_markdown(glossary(demo), "en")
    assert english.startswith("# Data glossary\n") and "- **Master application**: Base donateurs (Access)\n" in english


# ---------------------------------------------------------------- applications


def test_inventory_says_what_touches_each_application(demo):
    apps = {a.id: a for a in inventory(demo)}
    a01 = apps["A01"]
    assert a01.status == "a_remplacer" and "B001" in a01.needs
    assert a01.master_of == ["D01", "D02", "D09", "D10", "D13"]
    assert apps["A07"].exchanges == ["A01", "A06"]  # A07 lists A06; A01 lists A07: both ends know
    assert apps["A06"].not_inventoried == ["Qonto"]
    assert apps["A15"].needs == [] and apps["A15"].data == [] and apps["A15"].exchanges == []
    groups = by_status(list(apps.values()))
    assert list(groups) == ["en_place", "a_conserver", "a_integrer", "a_remplacer", "candidate"]
    assert [a.id for a in groups["candidate"]] == ["A10", "A11"]


def _exchange_canvas():
    grids = clean_grids()
    grids["applications"] = [
        ["ID", "Application", "Statut", "Échanges"],
        ["A1", "Base donateurs", "À remplacer", "A2; Qonto"],
        ["A2", "Planning bénévoles", "En place", "A1"],  # the same exchange, listed from the other end
        ["A3", "Site web", "Candidate", "A3, A1"],  # itself: a slip, not an exchange
    ]
    return canvas_of(grids)


def test_network_has_one_edge_per_exchange_and_draws_the_application_nobody_inventoried():
    net = exchange_network(_exchange_canvas())
    edges = {frozenset(e) for e in zip(net.edges["source"], net.edges["target"], strict=True)}
    assert edges == {frozenset(("A1", "A2")), frozenset(("A3", "A1")), frozenset(("A1", MISSING + "qonto"))}
    assert len(net.edges) == 3
    assert list(net.nodes["node"]) == ["A2", "A1", "A3", MISSING + "qonto"]  # by status, then the missing
    missing = net.nodes.set_index("node").loc[MISSING + "qonto"]
    assert missing["kind"] == "missing" and missing["label"] == "Qonto"


def test_network_layout_is_deterministic_and_starts_at_the_top(demo):
    first, second = exchange_network(demo), exchange_network(demo)
    assert first.nodes.equals(second.nodes)
    assert (first.nodes.loc[0, "x"], first.nodes.loc[0, "y"]) == (0.0, 1.0)
    assert len(first.edges) == len(exchange_pairs(demo)) + 1 == 15  # 14 between inventoried applications, 1 to « Qonto »


def test_network_figure_draws_one_segment_per_exchange_with_escaped_labels():
    grids = clean_grids()
    grids["applications"] = [["ID", "Application", "Échanges"], ["A1", "<b>Base</b> & co", "A2"], ["A2", "Planning", ""]]
    fig = network_figure(exchange_network(canvas_of(grids)), lang="fr")
    lines = [trace for trace in fig.data if trace.mode == "lines"]
    assert sum(1 for trace in lines for x in trace.x if x is None) == 1
    texts = [text for trace in fig.data if trace.text for text in trace.text]
    assert "&lt;b&gt;Base&lt;/b&gt; &amp; co" in texts and not any("<b>" in text for text in texts)
    assert all(trace.textfont.size >= 14 for trace in fig.data if trace.text)


# ---------------------------------------------------------------- stakeholders


def test_departments_group_people_and_roles_and_put_the_unplaced_last(demo):
    groups = departments(demo)
    names = [d.name for d in groups]
    assert names[:3] == ["Direction", "Collecte / Marketing", "Service donateurs"] and names[-1] == NONE
    unplaced = groups[-1]
    assert [p.id for p in unplaced.people] == ["P21", "P22", "P23"]
    finance = next(d for d in groups if d.name == "Finance")
    comptable = next(r for r in finance.roles if r.name == "Comptable")
    assert comptable.people == 2 and comptable.needs == 0  # R07: held by P10 and P11, no need speaks for it


def test_two_spellings_of_a_department_are_one():
    grids = clean_grids()
    grids["personnes"][2][3] = "collecte "  # P2 joins P1 in « Collecte », spelt another way
    grids["roles"] = [["ID", "Rôle", "Département"], ["R1", "Chargé de collecte", "COLLECTE"], ["R2", "Bénévole", ""]]
    groups = departments(canvas_of(grids))
    assert [(d.name, len(d.people), len(d.roles)) for d in groups] == [("Collecte", 2, 1), (NONE, 0, 1)]
    fig = departments_bar(groups, lang="en")
    assert list(fig.data[0].y) == ["Collecte", "No department"] and list(fig.data[0].x) == [2, 0]
