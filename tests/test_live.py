"""The live feed: one read for many viewers, no recompute when nothing changed, stale on failure."""

from __future__ import annotations

import threading

import pytest

from crmcanvas.build.live import CanvasFeed
from crmcanvas.sources.base import RawCanvas, SourceError
from tests.grids import clean_grids


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
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


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
    feed = CanvasFeed(source, settings, clock=clock)
    threads = [threading.Thread(target=feed.get, kwargs={"max_age": 10}) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert source.reads == 1
    clock.now = 11
    feed.get(max_age=10)
    assert source.reads == 2


def test_failure_serves_last_good_canvas_marked_stale(settings):
    source = FakeSource()
    feed = CanvasFeed(source, settings)
    good = feed.refresh()
    source.fail = SourceError("Google Sheets ne répond pas (500).", retryable=True)
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
