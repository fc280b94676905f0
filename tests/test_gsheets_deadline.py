"""A hanging Google: the whole read (connect, answer, retries) ends by the deadline, not after five full timeouts.

These tests run on real time (the stand-in really holds its answer back), but
assert on what the source asked for (each request's timeout, each pause), not
on how long the machine took.
"""

from __future__ import annotations

import time

import pytest
from requests.adapters import HTTPAdapter

from crmcanvas.build.live import CanvasFeed
from crmcanvas.core.config import Settings
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.gsheets import READ_DEADLINE, GoogleSheetSource
from tests.fixtures_sheets import CANVAS, WANTED, make_source, standin_fixture  # noqa: F401  (provides `standin`)


@pytest.fixture
def timeouts(monkeypatch):
    """The total timeout (connect + answer) of every HTTP request sent, in order."""
    seen: list[float] = []
    send = HTTPAdapter.send

    def recording(self, request, **kwargs):
        seen.append(kwargs["timeout"].total)
        return send(self, request, **kwargs)

    monkeypatch.setattr(HTTPAdapter, "send", recording)
    return seen


class Pauses(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)
        time.sleep(seconds)


def test_a_google_that_holds_its_answer_is_given_up_at_the_deadline_not_after_five_timeouts(standin, timeouts):
    source = make_source(standin, sleep=time.sleep, deadline=1.0)  # request_timeout 20 s, max_retries 4: the defaults
    source.tabs()
    timeouts.clear()
    standin.delay(3.0, match="batchGet")  # answers, but only after 3 s
    with pytest.raises(SourceError) as caught:
        source.read(WANTED)
    assert caught.value.retryable and "pas de réponse en 1 s" in caught.value.message
    assert standin.count("values.batchGet") == 1  # no time was left for a second try
    assert len(timeouts) == 1 and timeouts[0] <= 1.0  # waited the time left, not the 20 s request timeout


def test_every_attempt_waits_at_most_the_time_left_and_all_of_them_fit_the_deadline(standin, timeouts):
    pauses = Pauses()
    source = make_source(standin, sleep=pauses, deadline=1.2, request_timeout=0.3, max_retries=10, rng=lambda: 0.5)
    source.tabs()
    timeouts.clear()
    standin.delay(2.0, match="batchGet")
    with pytest.raises(SourceError) as caught:
        source.read(WANTED)
    assert "pas de réponse en 1.2 s" in caught.value.message
    assert standin.count("values.batchGet") >= 2  # retried while time was left...
    assert len(timeouts) < 11  # ...and stopped by the deadline, not by the count
    assert all(t <= 0.3 for t in timeouts)
    assert sum(timeouts) + sum(pauses) <= 1.2 + 0.01  # connect + answer + pauses of every attempt, within the deadline


def test_the_read_deadline_defaults_to_twenty_seconds_and_a_caller_may_shorten_it(standin, timeouts):
    source = make_source(standin, sleep=time.sleep)
    assert source.deadline == READ_DEADLINE == 20.0
    source.tabs()
    timeouts.clear()
    standin.delay(1.0, times=1, match="batchGet")
    with pytest.raises(SourceError):
        source.read(WANTED, deadline=0.4)  # e.g. a feed that must answer within its refresh period
    assert timeouts[0] <= 0.4
    assert source.read(WANTED).grids["besoins"] == CANVAS["besoins"]  # next read: the full default deadline again


def test_the_live_feed_marks_a_hanging_sheet_stale_within_the_deadline(standin):
    settings = Settings(sheets_endpoint=standin.endpoint)
    source = GoogleSheetSource.from_settings(standin.url(), settings, {}, environ={}, deadline=0.8)
    feed = CanvasFeed(source, settings)
    good = feed.refresh()
    standin.delay(3.0, match="batchGet")
    stale = feed.refresh()
    assert stale.stale_since is not None and stale.frames["besoins"].equals(good.frames["besoins"])
    assert standin.count("values.batchGet") == 2  # the good read, then one attempt cut by the deadline


def test_a_write_has_its_own_deadline_and_says_nothing_was_written_when_it_could_not_start(standin, timeouts):
    source = make_source(standin, sleep=time.sleep, write_deadline=0.8)
    source.tabs()
    standin.delay(3.0, match="batchGet")  # the headers cannot be read: the append is never sent
    with pytest.raises(SourceError) as caught:
        source.append_row("besoins", {"Besoin": "Exporter les dons"}, id_column="ID", id_prefix="B")
    assert "Rien n'a été écrit" in caught.value.message and "réessaiera" not in (caught.value.suggestion or "")
    assert standin.count("values.append") == 0


def test_fetching_the_access_token_counts_against_the_same_deadline(timeouts):
    from crmcanvas.standin import StandIn
    from tests.fixtures_sheets import service_account_info

    email = "crmcanvas@atelier-crm.iam.gserviceaccount.com"
    with StandIn(auth="required") as server:
        server.add_spreadsheet(CANVAS, shared_with=[email])
        pauses = Pauses()
        source = make_source(server, secrets={"gcp_service_account": service_account_info(email)}, sleep=pauses, deadline=1.0,
                             rng=lambda: 0.1)
        server.delay(3.0, times=1, match="token")  # the token endpoint hangs
        with pytest.raises(SourceError) as caught:
            source.read(WANTED)
        assert "pas de réponse en 1 s" in caught.value.message
        assert server.count("token") == 1 and server.count("metadata") == 0
        assert sum(timeouts) + sum(pauses) <= 1.0 + 0.01
        server.clear_faults()
        server.fail(503, times=2, match="token")  # then answers 503: retried by us, within the deadline, not by google-auth
        assert source.read(WANTED).grids["besoins"] == CANVAS["besoins"]
        assert server.count("token") == 4 and len(pauses) == 2
