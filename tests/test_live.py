"""The live feed: one read in flight for many viewers, backoff after failures, no viewer held past the
deadline, and times told honestly (last read, last change, real age of a frozen canvas)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest

from crmcanvas.build.live import BACKOFF_CAP, CanvasFeed, backoff_delay
from crmcanvas.core.config import Settings
from crmcanvas.sources.base import RawCanvas, SourceError
from tests.grids import clean_grids

OUTAGE = SourceError("Google Sheets ne répond pas (500).", retryable=True)


class FakeSource:
    description = "fake"

    def __init__(self):
        self.grids = clean_grids()
        self.token = "v1"
        self.fail: SourceError | None = None
        self.reads = 0

    def read(self, wanted):
        self.reads += 1
        if self.fail:
            raise self.fail
        return RawCanvas(grids=self.grids, titles={}, version=self.token, source=self.description)


class Clock:
    """One fake time for the feed's interval clock and its wall clock (epoch seconds)."""

    EPOCH = 1_800_000_000.0

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def wall(self):
        return self.EPOCH + self.now

    def at(self, seconds: float) -> datetime:
        return datetime.fromtimestamp(self.EPOCH + seconds, UTC)


def inline(read):
    """Run the read at once, in the caller's thread: the fake clock then decides everything."""
    read()


def fake_feed(source, settings, clock, **kw) -> CanvasFeed:
    return CanvasFeed(source, settings, clock=clock, wall=clock.wall, start=inline, **kw)


# ---------------------------------------------------------------- one read for everyone


def test_unchanged_version_means_no_recompute(settings):
    source = FakeSource()
    feed = CanvasFeed(source, settings)
    first = feed.refresh()
    assert feed.refresh() is first
    assert (source.reads, feed.rebuilds) == (2, 1)
    source.token = "v2"
    source.grids["besoins"].append(["B004", "Nouveau besoin", "", "E01", "", "", "", ""])
    second = feed.refresh()
    assert second.counts["besoins"] == 4 and feed.previous is first


def test_many_viewers_within_max_age_cost_one_read(settings):
    source, clock = FakeSource(), Clock()
    feed = CanvasFeed(source, settings, clock=clock, wall=clock.wall)
    threads = [threading.Thread(target=feed.get, kwargs={"max_age": 10}) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert source.reads == 1
    assert feed.get(max_age=10).canvas is not None
    clock.now = 11
    feed.get(max_age=10)
    assert source.reads == 2


class HangingSource(FakeSource):
    """A source that answers only when the test says so (a Google that never answers)."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.started = threading.Event()

    def read(self, wanted):
        self.started.set()
        self.release.wait(30)  # bounded, so a broken feed fails the test instead of hanging the suite
        return super().read(wanted)


def test_a_hanging_source_never_holds_a_viewer_past_the_deadline(settings):
    source = HangingSource()
    feed = CanvasFeed(source, settings, deadline=0.05)
    try:
        state = feed.get()
        # get() came back while the read could not have finished: the source answers only when released
        assert not source.release.is_set()
        assert state.canvas is None and state.reading_since is not None
        assert feed.get().overdue  # past the deadline every viewer returns at once, told the read is overdue
        viewers = [threading.Thread(target=feed.get) for _ in range(10)]
        for v in viewers:
            v.start()
        for v in viewers:
            v.join(10)
        assert not any(v.is_alive() for v in viewers)
        assert feed.reads == 1  # ten more viewers, still the one read in flight
    finally:
        source.release.set()
    assert feed.refresh().counts["besoins"] == 3


def test_a_hanging_read_marks_the_shown_canvas_stale_from_its_last_good_read(settings):
    source, clock = HangingSource(), Clock()
    source.release.set()
    feed = CanvasFeed(source, settings, clock=clock, wall=clock.wall, deadline=5)
    feed.refresh()
    source.release.clear()
    clock.now = 20
    try:
        feed.get(wait=0)  # starts the read, which hangs
        clock.now = 40  # the read has run 20 s, deadline 5 s
        state = feed.get()
        assert state.overdue and state.canvas is not None
        assert state.stale_since == clock.at(0) and state.canvas.stale_since == clock.at(0)
    finally:
        source.release.set()


# ---------------------------------------------------------------- failures: stale, backoff


def test_failure_serves_last_good_canvas_marked_stale(settings):
    source = FakeSource()
    feed = CanvasFeed(source, settings)
    good = feed.refresh()
    source.fail = OUTAGE
    stale = feed.refresh()
    assert stale.counts == good.counts and stale.stale_since is not None
    assert feed.last_error.message.startswith("Google Sheets")
    source.fail = None
    assert feed.refresh().stale_since is None


def test_failure_without_any_good_canvas_raises_the_french_error(settings):
    source = FakeSource()
    source.fail = SourceError("Feuille introuvable (404).")
    with pytest.raises(SourceError, match="introuvable"):
        CanvasFeed(source, settings).refresh()


def test_backoff_schedule():
    assert [backoff_delay(k, 15) for k in range(7)] == [0, 15, 30, 60, 120, 120, 120]
    assert backoff_delay(3, 2) == 8 and BACKOFF_CAP == 120


def viewers_for_a_minute(feed: CanvasFeed, clock: Clock, viewers: int = 4, every: float = 1.0) -> None:
    """Each viewer's page asks the feed every second (more often than any real fragment) for 60 s."""
    for step in range(int(60 / every)):
        for _ in range(viewers):
            clock.now = step * every
            feed.get()


def test_four_viewers_of_a_failing_source_cause_three_reads_a_minute_before_any_canvas():
    settings, source, clock = Settings(refresh_seconds=15), FakeSource(), Clock()
    source.fail = OUTAGE
    feed = fake_feed(source, settings, clock)
    viewers_for_a_minute(feed, clock)
    assert source.reads == 3  # t = 0, 15 (+15 s), 45 (+30 s); the next one waits until t = 105
    state = feed.get()
    assert state.canvas is None and state.error is OUTAGE and state.retry_at == clock.at(45 + 60)


def test_backoff_applies_with_a_canvas_too():
    settings, source, clock = Settings(refresh_seconds=15), FakeSource(), Clock()
    feed = fake_feed(source, settings, clock)
    feed.get()
    source.fail = OUTAGE
    viewers_for_a_minute(feed, clock)
    assert source.reads == 3  # t = 0 good; t = 15 fails; t = 30 (+15 s) fails; the next waits until t = 60 (+30 s)
    source.fail = None
    clock.now = 59.5
    feed.get()
    assert source.reads == 3
    clock.now = 60
    assert feed.get().stale_since is None and source.reads == 4


def wait_until_idle(feed: CanvasFeed) -> None:
    for _ in range(1000):
        if feed.state().reading_since is None:
            return
        time.sleep(0.01)
    raise AssertionError("the read never ended")


def test_a_failing_source_read_by_threads_is_still_read_once_per_step(settings):
    """Real threads, real lock: a burst of viewers on a source that fails slowly costs one read."""
    source = HangingSource()
    source.fail = OUTAGE
    feed = CanvasFeed(source, settings, deadline=0.05)
    viewers = [threading.Thread(target=feed.get) for _ in range(20)]
    for v in viewers:
        v.start()
    for v in viewers:
        v.join(10)
    source.release.set()
    wait_until_idle(feed)
    for _ in range(20):
        assert feed.get().error is OUTAGE  # backing off: nobody starts another read
    assert feed.reads == 1


# ---------------------------------------------------------------- time told honestly


def test_synced_at_is_the_last_read_and_changed_at_the_last_change():
    settings, source, clock = Settings(refresh_seconds=15), FakeSource(), Clock()
    feed = fake_feed(source, settings, clock)
    first = feed.get()
    assert (first.synced_at, first.changed_at, first.first_synced_at) == (clock.at(0), None, clock.at(0))
    clock.now = 100  # read again, nothing changed: synced moves on, no change is claimed
    same = feed.get()
    assert (same.synced_at, same.changed_at) == (clock.at(100), None)
    source.token = "v2"
    clock.now = 200
    changed = feed.get()
    assert (changed.synced_at, changed.changed_at) == (clock.at(200), clock.at(200))
    clock.now = 300
    later = feed.get()
    assert (later.synced_at, later.changed_at) == (clock.at(300), clock.at(200))


def test_frozen_canvas_age_counts_from_the_last_good_read():
    """A canvas read at t = 0 whose source fails from t = 130 is 130 s old, not « 0 s »."""
    from crmcanvas.ui.widgets import stale_text

    settings, source, clock = Settings(refresh_seconds=15), FakeSource(), Clock()
    feed = fake_feed(source, settings, clock)
    feed.get()
    source.fail = OUTAGE
    clock.now = 130
    state = feed.get()
    assert state.stale_since == clock.at(0) == state.synced_at
    assert state.canvas.stale_since == clock.at(0)
    assert stale_text(state, clock.at(130)).startswith("Données figées depuis 2 min.")
    clock.now = 145
    assert stale_text(feed.get(), clock.at(145)).startswith("Données figées depuis 2 min.")


def test_recovery_with_the_same_version_clears_staleness_without_a_rebuild():
    settings, source, clock = Settings(refresh_seconds=15), FakeSource(), Clock()
    feed = fake_feed(source, settings, clock)
    feed.get()
    source.fail = OUTAGE
    clock.now = 15
    assert feed.get().stale_since == clock.at(0)
    source.fail = None
    clock.now = 30
    state = feed.get()
    assert state.stale_since is None and state.error is None and state.synced_at == clock.at(30)
    assert feed.rebuilds == 1 and state.changed_at is None


def test_an_unexpected_bug_in_a_read_becomes_an_error_not_a_feed_stuck_reading(settings):
    class Broken(FakeSource):
        def read(self, wanted):
            self.reads += 1
            raise ZeroDivisionError

    feed = CanvasFeed(Broken(), settings)
    state = feed.get()
    assert state.reading_since is None and state.error is not None and "ZeroDivisionError" in state.error.message


class PeekableSource(FakeSource):
    """Like a local workbook: can tell its version from a stat, without reading the file."""

    def __init__(self):
        super().__init__()
        self.peeks = 0

    def version(self):
        self.peeks += 1
        return self.token


def test_source_that_knows_its_version_is_not_reread_when_unchanged(settings):
    source = PeekableSource()
    feed = CanvasFeed(source, settings)
    first = feed.refresh()
    assert feed.refresh() is first and feed.refresh() is first
    assert (source.reads, source.peeks) == (1, 2)
    source.token = "v2"
    assert feed.refresh() is not first and source.reads == 2
