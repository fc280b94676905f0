"""Lost-update test: stakeholders keep editing while the app writes, and nobody's work silently vanishes.

200 seeded interleavings. In each, the app (GoogleSheetSource over real HTTP)
reads the backlog, then appends needs and updates cells by ID using values it
saw, possibly stale. A "stakeholder" acts *between the app's requests*: the
stand-in calls a hook as each app request arrives, and the hook may edit a
cell, insert a row above, sort the rows or append a row, before the request is
served. So every window of every write (between reading and pinning the row,
pinning and re-reading it, re-reading and writing it) is really exercised.

Afterwards, from the stand-in's log of every change it applied:

* every app write that reported success changed exactly the cell it targeted,
  in the row that carries the targeted ID, and the cell held, just before, the
  value the app had seen (otherwise the app silently overwrote something);
* every app write reported as a conflict (or refused because the row kept
  moving) changed nothing;
* every appended need is in the sheet, once, under the ID the app was given;
* every stakeholder edit is still in the sheet, unless a later change replaced
  it, and such a later change by the app is only allowed if the app had seen
  the stakeholder's value (the first rule): zero silent losses.

The one case left out is the window the Sheets API cannot close (no conditional
write; see crmcanvas.sources.gsheets): a stakeholder typing in *the very cell
the app is writing* while the app's write request is in flight. When the hook
fires on the app's write request it may still insert, sort, append or edit any
other cell, just not that cell.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import pytest

from crmcanvas.sources.base import CellChange, SourceError, WriteConflict
from crmcanvas.standin import LoggedRequest, StandIn
from tests.fixtures_sheets import make_source

SEEDS = range(200)
HEADER = ["ID", "Besoin", "Priorité", "Statut", "Lot"]
EDITABLE = ["Besoin", "Priorité", "Statut", "Lot"]
APP_COLUMNS = ["Priorité", "Statut", "Lot"]
TITLE = "besoins"


def initial_rows() -> list[list[str]]:
    return [HEADER] + [[f"B{i:03d}", f"Besoin {i}", "Must", "Nouveau", f"Lot {i % 3}"] for i in range(1, 7)]


@dataclass
class Stakeholder:
    """Acts on the sheet between the app's requests, as people in the Google UI would."""

    server: StandIn
    sid: str
    rng: random.Random
    seed: int
    actions: Counter[str] = field(default_factory=Counter)
    windows: Counter[str] = field(default_factory=Counter)  # app request kinds a stakeholder action preceded
    n: int = 0

    def _data_rows(self) -> list[int]:
        return list(range(2, self.server.last_filled_row(TITLE, self.sid) + 1))

    def _in_flight(self, request: LoggedRequest) -> set[tuple[int, int]]:
        """(row uid, column) cells the app's write request is about to write: the API's residual window."""
        if request.kind != "values.batchUpdateByDataFilter":
            return set()
        cells = set()
        sheet = self.server.sheet(TITLE, self.sid)
        for item in request.body["data"]:
            lookup = item["dataFilter"]["developerMetadataLookup"]
            for row in sheet.rows:
                if any(m["metadataKey"] == lookup["metadataKey"] and m["metadataValue"] == lookup["metadataValue"] for m in row.meta):
                    cells |= {(row.uid, c) for c, v in enumerate(item["values"][0], 1) if v is not None}
        return cells

    def __call__(self, request: LoggedRequest) -> None:
        if self.rng.random() < 0.45:
            return
        self.n += 1
        self.windows[request.kind] += 1
        action = self.rng.choices(["edit", "insert", "sort", "append"], weights=[6, 2, 1, 1])[0]
        self.actions[action] += 1
        value = f"sh-{self.seed}-{self.n}"
        if action == "edit":
            busy = self._in_flight(request)
            sheet = self.server.sheet(TITLE, self.sid)
            choices = [(r, c) for r in self._data_rows() for c in range(2, 6) if (sheet.rows[r - 1].uid, c) not in busy]
            row, col = self.rng.choice(choices)
            self.server.set_cell(TITLE, row, col, value, spreadsheet_id=self.sid)
        elif action == "insert":
            before = self.rng.randint(2, self.server.last_filled_row(TITLE, self.sid) + 1)
            self.server.insert_row(TITLE, before, [f"S{self.seed}-{self.n}", value, "Could", "Nouveau"], spreadsheet_id=self.sid)
        elif action == "sort":
            self.server.sort_rows(TITLE, self.rng.choice(EDITABLE), reverse=self.rng.random() < 0.5, spreadsheet_id=self.sid)
        else:
            self.server.append_row(TITLE, [f"S{self.seed}-{self.n}", value, "Should"], spreadsheet_id=self.sid)


@dataclass
class AppUpdate:
    row_id: str
    uid: int
    column: int  # 1-based
    expected: str
    new: str
    outcome: str = ""


def run_interleaving(server: StandIn, seed: int) -> dict[str, Counter[str]]:
    rng = random.Random(seed)
    sid = server.add_spreadsheet({TITLE: initial_rows()}, rows=60)
    server.store.mutations.clear()
    source = make_source(server, spreadsheet_id=sid)
    stakeholder = Stakeholder(server, sid, random.Random(seed * 7919 + 1), seed)
    updates: list[AppUpdate] = []
    appends: dict[str, str] = {}  # story -> ID the app was given
    outcomes: Counter[str] = Counter()

    server.on_request = stakeholder
    try:
        view = source.read({"besoins": TITLE}).grids["besoins"]
        for k in range(5):
            if rng.random() < 0.4:
                view = source.read({"besoins": TITLE}).grids["besoins"]
            if rng.random() < 0.3:
                story = f"app-story-{seed}-{k}"
                result = source.append_row(TITLE, {"Besoin": story, "Priorité": "Should"}, id_column="ID", id_prefix="B")
                appends[story] = result.row_id
                outcomes["append"] += 1
                continue
            rows = [r for r in view[1:] if r and r[0]]
            seen = rng.choice(rows)
            column = rng.choice(APP_COLUMNS)
            col = HEADER.index(column) + 1
            expected = seen[col - 1] if col - 1 < len(seen) else ""
            with server.store.lock:  # ground truth: which row carries this ID right now
                (at,) = server.find_rows(TITLE, "ID", seen[0], spreadsheet_id=sid)
                uid = server.row_uid(TITLE, at, spreadsheet_id=sid)
            update = AppUpdate(seen[0], uid, col, expected, f"app-{seed}-{k}")
            try:
                source.update_cells(TITLE, id_column="ID", row_id=seen[0], changes=[CellChange(column, expected, update.new)])
                update.outcome = "written"
            except WriteConflict as conflict:
                update.outcome = "conflict"
                assert conflict.conflicts[0].expected == expected and conflict.conflicts[0].actual != expected
            except SourceError as refused:  # the row kept moving under us: reported, nothing written
                assert refused.retryable and "rien n'a été écrit" in refused.message
                update.outcome = "refused"
            updates.append(update)
            outcomes[update.outcome] += 1
    finally:
        server.on_request = None
    assert server.hook_errors == []

    log = [m for m in server.store.mutations if m.spreadsheet_id == sid]
    cell_changes = [m for m in log if m.kind == "cell"]
    app_changes = [m for m in cell_changes if m.actor == "api"]
    sheet = server.sheet(TITLE, sid)
    now = {row.uid: row.cells for row in sheet.rows}

    def final(uid: int, col: int) -> str:
        cells = now[uid]
        return cells[col - 1] if col - 1 < len(cells) else ""

    # App updates: a success wrote exactly its cell, in the right row, over the value it had seen.
    for update in updates:
        mine = [m for m in app_changes if m.after == update.new]
        if update.outcome != "written":
            assert mine == [], f"seed {seed}: a write reported as {update.outcome} changed the sheet"
            continue
        assert len(mine) == 1, f"seed {seed}: {update.row_id} written {len(mine)} times"
        (m,) = mine
        assert (m.uid, m.column) == (update.uid, update.column), f"seed {seed}: {update.row_id} written into another row or column"
        assert m.before == update.expected, (
            f"seed {seed}: silent loss, the app overwrote « {m.before} » in {update.row_id} believing it was « {update.expected} »")

    # Appends: each appended need is in the sheet, once, with the ID the app was told
    # (its text may since have been edited by a stakeholder: that edit is checked below).
    for story, row_id in appends.items():
        wrote = [m for m in app_changes if m.after == story]
        assert len(wrote) == 1, f"seed {seed}: appended need {story} written {len(wrote)} times"
        assert wrote[0].uid in now and final(wrote[0].uid, 1) == row_id, f"seed {seed}: appended need {story} lost"

    # Every app cell change belongs to an operation the app knows succeeded.
    known = {u.new for u in updates if u.outcome == "written"} | set(appends) | set(appends.values()) | {"Should"}
    assert all(m.after in known for m in app_changes), f"seed {seed}: the app wrote something it did not report"

    # Stakeholder edits: still there, or replaced by a later change that saw them (checked above for the app).
    for m in cell_changes:
        if m.actor != "stakeholder":
            continue
        later = [x for x in cell_changes if (x.uid, x.column) == (m.uid, m.column) and x.seq > m.seq]
        if later:
            assert later[0].before == m.after, f"seed {seed}: stakeholder edit {m.after} vanished"
        else:
            assert final(m.uid, m.column) == m.after, f"seed {seed}: stakeholder edit {m.after} is not in the sheet"

    return {"outcomes": outcomes, "actions": stakeholder.actions, "windows": stakeholder.windows}


@pytest.fixture(scope="module")
def server():
    with StandIn(seed=1) as s:
        yield s


def test_two_hundred_interleavings_lose_nothing_silently(server):
    outcomes: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    windows: Counter[str] = Counter()
    for seed in SEEDS:
        stats = run_interleaving(server, seed)
        outcomes += stats["outcomes"]
        actions += stats["actions"]
        windows += stats["windows"]
        server.store.spreadsheets.pop(next(reversed(server.store.spreadsheets)))  # keep memory flat
        server.clear_log()
    # The interleavings really exercised both outcomes, all stakeholder moves, and every window of a write.
    print(dict(outcomes), dict(actions), dict(windows))
    assert outcomes["written"] > 100 and outcomes["conflict"] > 50 and outcomes["append"] > 50
    assert outcomes["refused"] < outcomes["written"] / 10  # giving up is rare even under this storm of moves
    assert all(actions[a] > 20 for a in ("edit", "insert", "sort", "append"))
    for kind in ("values.batchGet", "batchUpdate", "values.batchGetByDataFilter", "values.batchUpdateByDataFilter", "values.append"):
        assert windows[kind] > 20, f"no stakeholder action ever happened just before {kind}"
