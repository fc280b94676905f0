"""Figure builders: the expected bars, nodes, links and cells; readable with many rows; never crash on empty data."""

from __future__ import annotations

from functools import cache

import pandas as pd
import plotly.graph_objects as go
import pytest

from crmcanvas.analysis import analyze
from crmcanvas.analysis.metrics import stake_coverage
from crmcanvas.analysis.registry import gaps as gap_entries
from crmcanvas.analysis.traceability import (
    GROUPINGS,
    MATRICES,
    SankeyTable,
    matrix_donnees_applications,
    matrix_enjeux_besoins,
    sankey_table,
)
from crmcanvas.core.config import Settings
from crmcanvas.core.text import shorten
from crmcanvas.reports.charts import (
    OKABE_ITO,
    coverage_bar,
    empty_figure,
    gap_counts_bar,
    matrix_figure,
    matrix_heatmap,
    plotly_text,
    priority_status_bar,
    sankey_figure,
)
from tests.fixtures_analysis import LINK, canvas_of, hostile_grids, tiny_grids


@pytest.fixture(scope="module")
def tiny():
    return canvas_of(tiny_grids())


def says_no_data(fig: go.Figure) -> bool:
    return not fig.data and any(a.text == "Aucune donnée" for a in fig.layout.annotations)


def test_long_labels_are_cut_with_an_ellipsis() -> None:
    assert shorten("Court", 30) == "Court"
    cut = shorten("Émettre les reçus fiscaux sans erreur et à temps pour tous les donateurs", 30)
    assert len(cut) == 30 and cut.endswith("…")


def test_coverage_bar_is_the_weighted_score_split_by_priority_and_flags_orphans(tiny) -> None:
    coverage = stake_coverage(tiny)
    fig = coverage_bar(coverage)
    assert [t.name for t in fig.data] == ["Must", "Should", "Could", "Non renseignée"]
    must = fig.data[0]
    assert list(must.y) == ["E1 · Fidéliser les donateurs", "E2 · Recruter des bénévoles", "E3 · Mesurer l'impact"]
    # E1: 1 must × 4, 1 could × 1, 1 unset × 1; E2: 2 should × 2. Each bar is the stake's score.
    assert [list(trace.x) for trace in fig.data] == [[4, 0, 0], [0, 4, 0], [1, 0, 0], [1, 0, 0]]
    assert [sum(trace.x[i] for trace in fig.data) for i in range(3)] == coverage["score"].tolist()
    assert must.customdata[0][0] == "E1 · Fidéliser les donateurs"  # full label on hover
    assert must.customdata[0][3] == 1 and "× 4" in must.hovertemplate  # the count and its weight on hover
    flags = [a for a in fig.layout.annotations if "aucun besoin" in a.text]
    assert [a.y for a in flags] == ["E3 · Mesurer l'impact"]
    assert fig.layout.barmode == "stack" and "Score pondéré" in fig.layout.xaxis.title.text


def test_coverage_bar_grows_with_sixty_stakes_and_truncates_their_labels() -> None:
    coverage = pd.DataFrame({
        "id": [f"E{i:02d}" for i in range(1, 61)],
        "label": [f"Enjeu stratégique numéro {i} dont l'intitulé est vraiment très long" for i in range(1, 61)],
        "must": 1, "should": 0, "could": 0, "sans_priorite": 0, "besoins": 1, "score": 4, "part_pct": 1.7,
    })
    fig = coverage_bar(coverage)
    assert fig.layout.height >= 60 * 20
    assert all(len(label.split(" · ", 1)[1]) <= 42 and label.endswith("…") for label in fig.data[0].y)
    assert "vraiment très long" in fig.data[0].customdata[0][0]


def test_sankey_figure_has_the_table_nodes_and_links(tiny) -> None:
    table = sankey_table(tiny)
    fig = sankey_figure(table)
    sankey = fig.data[0]
    n = len(table.nodes)  # then one invisible end node (keeps every label right of its node), fed by a link of no width
    assert list(sankey.node.customdata[:n]) == list(table.nodes["label"]) and list(sankey.node.customdata[n:]) == [""]
    assert len(sankey.link.value) == len(table.links) + 1 and sankey.link.value[-1] < 1e-6
    assert sum(sankey.link.value[:-1]) == table.links["value"].sum() and sankey.link.color[-1] == "rgba(0, 0, 0, 0)"
    i = list(table.nodes["node"]).index("enjeux:∅")
    assert sankey.node.color[i] == OKABE_ITO["vermillion"]  # "Sans enjeu" stands out
    first = table.links.iloc[0]
    assert sankey.node.customdata[sankey.link.source[0]] == table.nodes.set_index("node").loc[first["source"], "label"]


def test_matrix_heatmap_has_one_cell_per_pair(tiny) -> None:
    m = matrix_enjeux_besoins(tiny)
    fig = matrix_heatmap(m, {"E1": "Fidéliser les donateurs"}, title="Enjeux × besoins")
    heat = fig.data[0]
    assert list(heat.x) == list(m.columns) and len(heat.y) == 3
    assert heat.y[0] == "E1 · Fidéliser les donateurs"
    assert [list(row) for row in heat.z] == m.to_numpy().tolist()
    assert heat.text[0][0] == "lié" and heat.text[2][0] == "—"


def test_matrix_heatmap_names_master_applications(tiny) -> None:
    fig = matrix_heatmap(matrix_donnees_applications(tiny), value_names={2: "application maître", 1: "stocke l'objet"})
    assert fig.data[0].text[0][0] == "application maître"


def test_matrix_figure_titles_and_labels_a_named_matrix(tiny) -> None:
    labels = {tab: tiny.labels(tab) for tab in ("donnees", "applications")}
    fig = matrix_figure("donnees_applications", matrix_donnees_applications(tiny), labels)
    assert fig.layout.title.text == "Données × applications"
    assert fig.data[0].y[0] == "D1 · Don" and "■" in fig.layout.annotations[0].text


def test_a_wide_matrix_hides_column_ticks_but_keeps_them_on_hover() -> None:
    m = pd.DataFrame(0, index=[f"E{i}" for i in range(60)], columns=[f"B{i}" for i in range(1000)])
    m.iloc[0, 0] = 1
    fig = matrix_heatmap(m, col_labels={"B0": "Le premier besoin"})
    assert fig.layout.xaxis.showticklabels is False
    assert fig.data[0].customdata[0][0][1] == "Le premier besoin"
    assert fig.layout.height >= 60 * 18


def test_gap_counts_bar_names_each_gap_in_french(tiny) -> None:
    gaps = analyze(tiny, Settings(departments=[])).gaps  # no department expected: that gap is closed
    fig = gap_counts_bar(gaps)
    bar = fig.data[0]
    assert len(bar.y) == len(gap_entries()) and list(bar.x) == [len(v) for v in gaps.values()]
    assert bar.customdata[0][0] == "Enjeux servis par aucun besoin" and bar.customdata[0][1] == "E3"
    assert bar.x[-1] == 0 and bar.marker.color[-1] == OKABE_ITO["green"]  # a closed gap is green
    assert bar.marker.color[0] == OKABE_ITO["vermillion"]


def test_priority_status_bar_counts_every_need(tiny) -> None:
    fig = priority_status_bar(tiny.frames["besoins"])
    by_status = {t.name: dict(zip(t.x, t.y, strict=True)) for t in fig.data}
    assert by_status["Validé"] == {"Must": 1, "Should": 0, "Could": 0, "Won't": 0, "Non renseignée": 0}
    assert by_status["Rejeté"]["Must"] == 1
    assert sum(sum(v.values()) for v in by_status.values()) == 8


@pytest.mark.parametrize("build", [
    lambda: coverage_bar(pd.DataFrame()),
    lambda: sankey_figure(SankeyTable(pd.DataFrame(), pd.DataFrame(), "priorite")),
    lambda: matrix_heatmap(pd.DataFrame()),
    lambda: gap_counts_bar({}),
    lambda: priority_status_bar(pd.DataFrame()),
    lambda: empty_figure("Titre"),
])
def test_empty_data_gives_a_figure_that_says_so(build) -> None:
    assert says_no_data(build())


def test_figures_from_an_empty_canvas_say_aucune_donnee() -> None:
    canvas = canvas_of({})
    assert says_no_data(sankey_figure(sankey_table(canvas)))
    assert says_no_data(matrix_heatmap(matrix_enjeux_besoins(canvas)))
    assert says_no_data(priority_status_bar(canvas.frames["besoins"]))


def test_charts_speak_english_when_asked(tiny) -> None:
    result = analyze(tiny, Settings(departments=[], language="en"))
    assert [t.name for t in coverage_bar(result.coverage, lang="en").data][-1] == "Not set"
    assert coverage_bar(result.coverage, lang="en").layout.separators == ".,"
    assert gap_counts_bar(result.gaps, lang="en").data[0].customdata[0][0] == "Stakes no need serves"
    assert sankey_figure(result.sankey, lang="en").layout.title.text.startswith("Traceability")
    assert matrix_figure("enjeux_besoins", result.matrices["enjeux_besoins"], {}, lang="en").layout.title.text == "Stakes × needs"
    assert any(a.text == "No data" for a in empty_figure(lang="en").layout.annotations)
    statuses = {t.name for t in priority_status_bar(tiny.frames["besoins"], lang="en").data}
    assert {"Validated", "Rejected", "Not set"} <= statuses


def test_plotly_text_turns_markup_into_entities() -> None:
    assert plotly_text('<a href="x">R&D</a>') == '&lt;a href="x"&gt;R&amp;D&lt;/a&gt;'
    assert plotly_text("Fidéliser les donateurs") == "Fidéliser les donateurs"


def _strings(node: object):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _strings(value)


@cache
def _hostile_figures() -> dict[str, go.Figure]:
    canvas = canvas_of(hostile_grids())
    result = analyze(canvas, Settings(departments=[]))
    labels = {tab: canvas.labels(tab) for tab in ("enjeux", "besoins", "donnees", "applications")}
    figures = {"coverage": coverage_bar(result.coverage), "gaps": gap_counts_bar(result.gaps),
               "priority_status": priority_status_bar(canvas.frames["besoins"]), "titled": empty_figure(LINK)}
    figures |= {f"sankey_{g}": sankey_figure(sankey_table(canvas, group_by=g)) for g in GROUPINGS}
    figures |= {f"matrix_{code}": matrix_figure(code, result.matrices[code], labels) for code in MATRICES}
    return figures


@pytest.mark.parametrize("name", ["coverage", "gaps", "priority_status", "titled", *(f"sankey_{g}" for g in GROUPINGS),
                                  *(f"matrix_{code}" for code in MATRICES)])
def test_sheet_markup_is_shown_as_text_in_every_chart(name: str) -> None:
    figure = _hostile_figures()[name]
    strings = list(_strings(figure.to_plotly_json()))
    assert not [s for s in strings if "<a" in s or "<b>y" in s or "<b>1" in s], name  # no tag from the sheet is drawn
    shown = " ".join(strings)
    assert "&lt;a href=" in shown or "&lt;b&gt;" in shown, name  # the sheet's text is there, as text


def test_sankey_columns_are_named_with_what_they_count(tiny) -> None:
    from crmcanvas.analysis import analyze
    from crmcanvas.reports.charts import sankey_counts

    result = analyze(tiny)
    counts = sankey_counts(tiny, result.metrics)
    fig = sankey_figure(result.sankey, counts=counts)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == [f"<b>Enjeux ({counts[0]})</b>", f"<b>Besoins par priorité ({counts[1]})</b>",
                      f"<b>Données ({counts[2]})</b>", f"<b>Applications ({counts[3]})</b>"]
    assert counts[1] == result.metrics["besoins_actifs"]  # the needs the flows count: rejected ones left out
    assert [a.text for a in sankey_figure(result.sankey, lang="en", counts=counts).layout.annotations][1].startswith("<b>Needs by priority (")


def test_gap_titles_take_two_short_lines_and_get_their_room_on_the_left(tiny) -> None:
    from crmcanvas.analysis import analyze
    from crmcanvas.reports.charts import text_width

    fig = gap_counts_bar(analyze(tiny).gaps)
    labels = list(fig.data[0].y)
    assert any("<br>" in label for label in labels)
    assert all(len(line) <= 30 for label in labels for line in label.split("<br>"))
    assert fig.layout.margin.l >= max(text_width(label, 14) for label in labels)  # the widest title fits
    assert fig.layout.xaxis.range[1] > max(fig.data[0].x)  # room for the count at the end of the longest bar


def test_every_chart_is_drawn_on_the_white_template_with_our_font(tiny) -> None:
    """The template is set without being validated again for each figure (11 ms of a small chart's 13): the figure
    still carries the whole « plotly_white » template, and our own font and margins over it."""
    import plotly.io as pio

    analysis = analyze(tiny, Settings())
    figures = [coverage_bar(analysis.coverage), gap_counts_bar(analysis.gaps), sankey_figure(analysis.sankey),
               empty_figure("Vide")]
    for fig in figures:
        assert fig.layout.template == pio.templates["plotly_white"]
        assert fig.to_plotly_json()["layout"]["template"] == pio.templates["plotly_white"].to_plotly_json()
        assert fig.layout.font.family.startswith("Inter") and fig.layout.title.x == 0
    assert pio.templates["plotly_white"].layout.font.family is None  # the shared template was not changed
