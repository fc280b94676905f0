"""The roadmap by lot on the demo canvas: needs per lot and status, the needs with no lot, standard vs specific per
lot, the burn-up across two snapshots written by crmcanvas.reports.snapshots, and the figures drawn from them.

The demo's besoins tab: Lot 1 holds 25 needs that count (6 qualifiés, 13 validés,
3 en cours, 3 livrés), Lot 2 19 (3 nouveaux, 13 qualifiés, 3 validés), Lot 3 13
(12 nouveaux, 1 qualifié); three needs have no lot: B047 (Must, nouveau) counts,
B014 (rejeté) and B045 (Won't) do not.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from crmcanvas.analysis import standard_specific
from crmcanvas.analysis.facts import facts_of
from crmcanvas.analysis.roadmap import lot_key, roadmap
from crmcanvas.core.config import Settings
from crmcanvas.demo import demo_grids
from crmcanvas.reports import roadmap_charts
from crmcanvas.reports.burnup import burn_up, lots_in_snapshot
from crmcanvas.reports.history import load_history
from tests.fixtures_snapshots import PARIS, build, resolved, take


@pytest.fixture(scope="module")
def demo():
    return build(demo_grids())


def test_needs_per_lot_and_status_on_the_demo(demo):
    plan = roadmap(demo)
    assert [(lot.label, lot.total, lot.delivered) for lot in plan.lots] == [
        ("Lot 1", 25, 3), ("Lot 2", 19, 0), ("Lot 3", 13, 0), ("", 1, 0)]
    first = plan.lots[0].statuses
    assert {s: n for s, n in first.items() if n} == {"qualifie": 6, "valide": 13, "en_cours": 3, "livre": 3}
    assert plan.lots[0].pct == pytest.approx(12.0)
    assert plan.total == 58 and plan.delivered == 3 and len(plan.planned) == 3


def test_needs_with_no_lot_are_the_counted_ones_only(demo):
    plan = roadmap(demo)
    assert plan.without_lot == ("B047",)  # B014 is rejected, B045 is a Won't: not on the roadmap
    assert plan.to_dict()["sans_lot"] == ["B047"]


def test_stakes_each_lot_serves(demo):
    by_lot = {lot.label: lot.stakes for lot in roadmap(demo).lots}
    assert by_lot["Lot 1"] == {"E01": 9, "E02": 2, "E03": 6, "E04": 2, "E06": 6, "E08": 5}
    assert "E07" not in by_lot["Lot 2"] and "E07" not in by_lot["Lot 3"]  # nothing planned for E07 yet
    assert list(by_lot["Lot 2"]) == sorted(by_lot["Lot 2"])  # stakes in sheet order


def test_lots_are_the_same_whatever_the_spelling_and_sort_naturally():
    grids = demo_grids()
    header = grids["besoins"][0]
    col = header.index("Lot")
    grids["besoins"][1][col] = "lot1"  # « Lot 1 » written another way (first in the sheet: its label)
    grids["besoins"][2][col] = "Lot 10"
    plan = roadmap(build(grids))
    assert [(lot.label, lot.total) for lot in plan.planned] == [("lot1", 24), ("Lot 2", 19), ("Lot 3", 13), ("Lot 10", 1)]
    assert lot_key("LOT 1") == lot_key("lot1")


def test_share_of_specific_per_lot_and_per_stake(demo):
    f = facts_of(demo)
    per_lot = {m.label: (m.counts["specifique"], m.typed, m.specific_pct) for m in standard_specific.by_lot(f, roadmap(demo))}
    assert per_lot["Lot 1"] == (6, 25, 24.0)
    assert per_lot["Lot 3"][2] == pytest.approx(100 * 4 / 13, abs=0.05)
    per_stake = {m.key: m.specific_pct for m in standard_specific.by_stake(f)}
    assert per_stake["E02"] == pytest.approx(100 * 2 / 3, abs=0.05) and per_stake["E07"] is None  # E07: no need, no share
    assert standard_specific.overall(f).specific_pct == pytest.approx(100 * 14 / 58, abs=0.05)


# ---------------------------------------------------------------- burn-up from snapshots


def _later(grids):
    """A week later: two needs of Lot 1 delivered, B047 put in Lot 3, a new need in Lot 2."""
    grids = [row[:] for row in grids]
    header = grids[0]
    status, lot = header.index("Statut"), header.index("Lot")
    for row in grids[1:]:
        if row[0] in ("B001", "B002"):
            assert row[lot] == "Lot 1"
            row[status] = "Livré"
        if row[0] == "B047":
            row[lot] = "Lot 3"
    new = [""] * len(header)
    new[0], new[1], new[header.index("Priorité")], new[status], new[lot] = "B099", "Un besoin de plus", "Should", "Nouveau", "Lot 2"
    return [*grids, new]


@pytest.fixture
def two_snapshots(tmp_path):
    out = tmp_path / "releves"
    first = demo_grids()
    take(build(first), out, datetime(2026, 11, 16, 9, 0, tzinfo=PARIS), source="demo")
    second = demo_grids()
    second["besoins"] = _later(second["besoins"])
    take(build(second), out, datetime(2026, 11, 23, 9, 0, tzinfo=PARIS), source="demo")
    return out, second


def test_burn_up_counts_each_lot_in_each_snapshot(two_snapshots):
    out, _ = two_snapshots
    history = load_history(resolved(Settings(snapshot_dir=str(out))))
    burn = burn_up(history)
    assert burn.snapshots == 2
    first, second = burn.points
    assert (first.delivered, first.scope) == (3, 58) and (second.delivered, second.scope) == (5, 59)
    assert first.lots[lot_key("Lot 1")] == ("Lot 1", 3, 25) and second.lots[lot_key("Lot 1")] == ("Lot 1", 5, 25)
    assert first.lots[""] == ("", 0, 1) and "" not in second.lots  # B047 found its lot
    assert second.lots[lot_key("Lot 2")] == ("Lot 2", 0, 20)
    assert burn.order == ("lot1", "lot2", "lot3", "")


def test_burn_up_ends_with_the_live_canvas(two_snapshots):
    out, second = two_snapshots
    grids = demo_grids()
    grids["besoins"] = _later(second["besoins"])[:-1]  # the row B099 added twice: keep one
    header = grids["besoins"][0]
    for row in grids["besoins"][1:]:
        if row[0] == "B003":
            row[header.index("Statut")] = "Livré"
    now = build(grids)
    burn = burn_up(load_history(resolved(Settings(snapshot_dir=str(out)))), roadmap(now),
                   datetime(2026, 11, 30, 9, 0, tzinfo=PARIS), "2026-W48")
    assert [p.live for p in burn.points] == [False, False, True]
    assert [p.delivered for p in burn.points] == [3, 5, 6]


def test_a_snapshot_read_back_gives_the_roadmap_it_was_taken_from(two_snapshots):
    out, second = two_snapshots
    folder = sorted(p for p in out.iterdir() if p.is_dir())[-1]
    plan = roadmap(build(second))
    assert lots_in_snapshot(folder) == {lot.key: (lot.label, lot.delivered, lot.total) for lot in plan.lots}


def test_a_snapshot_of_another_source_is_not_in_the_burn_up(tmp_path):
    out = tmp_path / "releves"
    take(build(demo_grids()), out, datetime(2026, 11, 16, 9, 0, tzinfo=PARIS), source="file:/ailleurs.xlsx")
    assert burn_up(load_history(resolved(Settings(snapshot_dir=str(out))))).points == ()


# ---------------------------------------------------------------- figures


def _bars(fig):
    return {trace.name: list(trace.x) for trace in fig.data if trace.type == "bar"}


def test_progress_figure_stacks_each_lots_needs_by_status(demo):
    fig = roadmap_charts.lot_progress(roadmap(demo), "fr")
    assert list(fig.data[0].y) == ["Lot 1", "Lot 2", "Lot 3", "Sans lot"]
    bars = _bars(fig)
    assert bars["Livré"] == [3, 0, 0, 0] and bars["Nouveau"] == [0, 3, 12, 1]
    notes = [a.text for a in fig.layout.annotations]
    assert notes[0] == "3 / 25 livrés (12 %)" and notes[-1] == "0 / 1 livrés (0 %)"
    english = roadmap_charts.lot_progress(roadmap(demo), "en")
    assert list(english.data[0].y)[-1] == "No release" and english.layout.annotations[0].text == "3 / 25 delivered (12%)"


def test_lot_stakes_figure_has_one_row_per_stake_and_one_column_per_lot(demo):
    f = facts_of(demo)
    stakes = [(rid, f.labels["enjeux"][rid]) for rid in f.ids["enjeux"]]
    heat = roadmap_charts.lot_stakes(roadmap(demo), stakes, "fr").data[0]
    assert list(heat.x) == ["Lot 1", "Lot 2", "Lot 3", "Sans lot"]
    assert heat.y[0].startswith("E01 · ") and len(heat.y) == 8
    assert list(heat.z[0]) == [9, 4, 4, 1] and list(heat.z[6]) == [0, 0, 0, 0]  # E07: no need on any lot


def test_burn_up_figure_draws_one_area_per_lot_and_the_scope(two_snapshots):
    out, _ = two_snapshots
    burn = burn_up(load_history(resolved(Settings(snapshot_dir=str(out)))))
    fig = roadmap_charts.burnup_figure(burn, "fr")
    areas = {trace.name: list(trace.y) for trace in fig.data if trace.stackgroup}
    assert areas == {"Lot 1": [3, 5]}  # the other lots delivered nothing yet: no empty area
    scope = next(trace for trace in fig.data if not trace.stackgroup)
    assert list(scope.y) == [58, 59]


def test_burn_up_figure_with_one_point_says_why_it_is_blank():
    from crmcanvas.reports.burnup import BurnPoint, BurnUp

    one = BurnUp((BurnPoint(datetime(2026, 11, 16, tzinfo=PARIS), "2026-W47", 3, 58, {}),), {}, ())
    fig = roadmap_charts.burnup_figure(one, "fr")
    assert not fig.data and "au moins un relevé" in fig.layout.annotations[0].text


def test_a_lot_named_like_markup_stays_text_in_the_figures(demo):
    grids = demo_grids()
    header = grids["besoins"][0]
    for row in grids["besoins"][1:4]:
        row[header.index("Lot")] = "<b>Lot X</b>"
    fig = roadmap_charts.lot_progress(roadmap(build(grids)), "fr")
    assert all("<b>" not in label for label in fig.data[0].y)
    assert any("&lt;b&gt;" in label for label in fig.data[0].y)


def test_week_of_the_two_snapshots_is_kept_for_the_hover(two_snapshots):
    out, _ = two_snapshots
    burn = burn_up(load_history(resolved(Settings(snapshot_dir=str(out)))))
    assert [p.week for p in burn.points] == ["2026-W47", "2026-W48"]
    assert burn.points[1].taken_at - burn.points[0].taken_at == timedelta(days=7)
