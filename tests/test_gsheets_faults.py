"""When Google misbehaves: bounded retries, stale canvas, clear French messages, no leaked key."""

from __future__ import annotations

import logging

import pytest

from crmcanvas.build.live import CanvasFeed
from crmcanvas.core.config import Settings
from crmcanvas.sources.base import SourceError
from crmcanvas.sources.gsheets import GoogleSheetSource
from crmcanvas.sources.retry import RetryPolicy
from crmcanvas.standin import StandIn
from tests.fixtures_sheets import (
    CANVAS,
    WANTED,
    Sleeps,
    key_body,
    make_source,
    service_account_info,
    standin_fixture,  # noqa: F401  (provides `standin`)
)

EMAIL = "crmcanvas@atelier-crm.iam.gserviceaccount.com"


def test_three_429_then_success_gives_the_same_data_without_error(standin):
    expected = make_source(standin).read(WANTED)
    sleeps = Sleeps()
    source = make_source(standin, sleeps=sleeps)
    source.tabs()
    standin.fail(429, times=3, match="batchGet")
    raw = source.read(WANTED)
    assert raw.grids == expected.grids and raw.version == expected.version
    assert len(sleeps) == 3
    assert [r.status for r in standin.requests("values.batchGet")[-4:]] == [429, 429, 429, 200]


def test_backoff_is_exponential_with_full_jitter_and_bounded():
    waits = [RetryPolicy(rng=lambda: 1.0).delay(n) for n in range(1, 8)]
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]  # doubling, capped at 8 s
    assert RetryPolicy(rng=lambda: 0.25).delay(3) == 0.5  # a random fraction of the cap
    assert RetryPolicy(rng=lambda: 0.0).delay(1, hint=3.0) == 3.0  # Retry-After is honoured


def test_permanent_500_gives_up_after_the_allowed_retries_and_says_it_can_be_retried(standin):
    sleeps = Sleeps()
    source = make_source(standin, sleeps=sleeps, max_retries=3, rng=lambda: 1.0)
    source.tabs()
    standin.fail(500, times=None)
    with pytest.raises(SourceError) as caught:
        source.read(WANTED)
    err = caught.value
    assert err.retryable
    assert "Google Sheets ne répond pas" in err.message and "500" in err.message
    assert "dernière version" in err.render("fr", context="dashboard")[1]  # the wall screen retries by itself...
    assert "Relancez la commande" in err.render("fr", context="cli")[1]  # ...a one-shot command does not
    assert err.render("en", context="cli") == (
        "Google Sheets is not answering (error 500 on Google's side): reading the sheet failed after 4 attempt(s).",
        "Run the command again later. If it persists, check the connection and the Google Sheets API quota.")
    assert standin.count("values.batchGet") == 4  # 1 try + 3 retries, then stop
    assert sleeps == [0.5, 1.0, 2.0]
    assert err.__cause__ is None and err.__suppress_context__  # no gspread/requests traceback attached


def test_total_waiting_stays_within_the_read_deadline(standin):
    sleeps = Sleeps()
    source = make_source(standin, sleeps=sleeps, max_retries=10, rng=lambda: 1.0)
    source.tabs()
    standin.fail(503, times=None)
    with pytest.raises(SourceError):
        source.read(WANTED)
    assert sum(sleeps) <= 20.0
    assert len(sleeps) < 10  # the deadline stopped it before the count did


def test_googles_html_502_page_is_retried_like_any_5xx(standin):
    source = make_source(standin)
    source.tabs()
    standin.fail(502, times=2)
    assert source.read(WANTED).grids["besoins"] == CANVAS["besoins"]


def test_a_server_that_does_not_answer_in_time_is_a_retryable_failure(standin):
    source = make_source(standin, request_timeout=0.2, max_retries=1)
    source.tabs()
    standin.delay(1.0, match="batchGet")
    with pytest.raises(SourceError) as caught:
        source.read(WANTED)
    assert caught.value.retryable and "délai" in caught.value.message
    assert standin.count("values.batchGet") == 2


def test_a_dropped_connection_is_retried(standin):
    source = make_source(standin)
    source.tabs()
    standin.drop(times=1, match="batchGet")
    assert source.read(WANTED).grids["enjeux"] == CANVAS["enjeux"]


def test_retry_after_from_google_is_respected(standin):
    sleeps = Sleeps()
    source = make_source(standin, sleeps=sleeps, rng=lambda: 0.0)
    source.tabs()
    standin.fail(429, times=1, retry_after=3)
    source.read(WANTED)
    assert sleeps == [3.0]


def test_a_long_retry_after_is_honoured_as_sent_when_it_fits_the_deadline(standin):
    sleeps = Sleeps()
    source = make_source(standin, sleeps=sleeps, rng=lambda: 0.0)
    source.tabs()
    standin.fail(429, times=1, retry_after=12)
    assert source.read(WANTED).grids["besoins"] == CANVAS["besoins"]
    assert sleeps == [12.0]  # not cut to the 8 s cap of our own backoff


def test_a_retry_after_past_the_deadline_stops_at_once_and_says_what_google_asked(standin):
    sleeps = Sleeps()
    source = make_source(standin, sleeps=sleeps, rng=lambda: 0.0)
    source.tabs()
    standin.fail(429, times=None, retry_after=45)
    with pytest.raises(SourceError) as caught:
        source.read(WANTED)
    assert sleeps == [] and standin.count("values.batchGet") == 1  # no pause that would end after the deadline
    assert caught.value.retryable and "Google demande d'attendre 45 s" in caught.value.message


def test_live_feed_keeps_the_last_good_canvas_marked_stale_then_recovers(standin):
    settings = Settings(sheets_endpoint=standin.endpoint, max_retries=1)
    source = GoogleSheetSource.from_settings(standin.url(), settings, {}, environ={}, sleep=Sleeps())
    feed = CanvasFeed(source, settings)
    good = feed.refresh()
    assert good.stale_since is None and len(good.frames["besoins"]) == 3
    standin.fail(500, times=None)
    stale = feed.refresh()
    assert stale.stale_since is not None
    assert stale.frames["besoins"].equals(good.frames["besoins"])
    assert feed.last_error is not None and feed.last_error.retryable
    standin.clear_faults()
    assert feed.refresh().stale_since is None


def test_wrong_key_says_the_sheet_was_not_found_and_is_not_retried(standin):
    settings = Settings(sheets_endpoint=standin.endpoint)
    source = GoogleSheetSource.from_settings("https://docs.google.com/spreadsheets/d/1NoSuchSheetKeyAtAll000000/edit", settings, {},
                                             environ={}, sleep=Sleeps())
    with pytest.raises(SourceError) as caught:
        source.read(WANTED)
    assert "introuvable" in caught.value.message and "1NoSuchSheetKeyAtAll000000" in caught.value.message
    assert "URL" in caught.value.suggestion
    assert not caught.value.retryable
    assert standin.count("metadata") == 1


def test_without_any_credentials_or_endpoint_the_message_says_where_to_put_the_key():
    with pytest.raises(SourceError) as caught:
        GoogleSheetSource.from_settings("https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/edit", Settings(), {},
                                        environ={})
    assert "Aucun identifiant Google" in caught.value.message
    assert "secrets.toml" in caught.value.suggestion and "GOOGLE_APPLICATION_CREDENTIALS" in caught.value.suggestion


@pytest.fixture
def guarded():
    """A stand-in that wants tokens from its /token endpoint and checks sharing, like Google."""
    with StandIn(auth="required") as server:
        server.add_spreadsheet(CANVAS)
        yield server


def _secrets(info):
    return {"connections": {"gsheets": {**info, "spreadsheet": "ignored here"}}}


def test_sheet_not_shared_names_the_service_account_email_to_share_with(guarded):
    source = make_source(guarded, secrets=_secrets(service_account_info(EMAIL)))
    with pytest.raises(SourceError) as caught:
        source.read(WANTED)
    assert EMAIL in caught.value.message and "n'a pas accès" in caught.value.message
    assert "Partager" in caught.value.suggestion and EMAIL in caught.value.suggestion and "Éditeur" in caught.value.suggestion


def test_a_shared_sheet_reads_through_the_whole_token_flow(guarded):
    guarded.share(EMAIL)
    raw = make_source(guarded, secrets=_secrets(service_account_info(EMAIL))).read(WANTED)
    assert raw.grids["besoins"] == CANVAS["besoins"]
    assert guarded.count("token") == 1  # one token, reused for both calls


def test_a_revoked_key_is_explained(guarded):
    guarded.share(EMAIL)
    guarded.rejected_accounts.add(EMAIL)
    with pytest.raises(SourceError) as caught:
        make_source(guarded, secrets=_secrets(service_account_info(EMAIL))).read(WANTED)
    assert f"Google refuse la clé du compte de service « {EMAIL} »" in caught.value.message
    assert "nouvelle clé" in caught.value.suggestion


def test_anonymous_call_to_a_guarded_sheet_asks_for_a_service_account(guarded):
    with pytest.raises(SourceError) as caught:
        make_source(guarded).read(WANTED)
    assert "aucun compte de service" in caught.value.message


def test_sheets_api_disabled_in_the_project_says_how_to_enable_it(standin):
    standin.fail(403, message="Google Sheets API has not been used in project 123456 before or it is disabled. Enable it by visiting "
                 "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=123456 then retry.")
    with pytest.raises(SourceError) as caught:
        make_source(standin).read(WANTED)
    assert "n'est pas activée" in caught.value.message and "Activer" in caught.value.suggestion


def test_the_private_key_never_appears_in_messages_logs_or_reprs(guarded, caplog):
    caplog.set_level(logging.DEBUG)
    info = service_account_info(EMAIL)
    secret = key_body(info)
    texts: list[str] = []

    def attempt(source):
        try:
            source.read(WANTED)
        except SourceError as exc:
            texts.extend([str(exc), repr(exc), exc.message, exc.suggestion or ""])

    source = make_source(guarded, secrets=_secrets(info), max_retries=2)
    texts.append(repr(source))
    texts.append(repr(source.account))
    attempt(source)  # 403 not shared
    guarded.share(EMAIL)
    guarded.fail(500, times=None)
    attempt(source)  # retries, then gives up
    guarded.clear_faults()
    attempt(source)  # works
    guarded.rejected_accounts.add(EMAIL)
    guarded.revoke_tokens()
    attempt(make_source(guarded, secrets=_secrets(info)))  # key refused
    texts += [r.getMessage() for r in caplog.records] + [str(r.exc_text or "") for r in caplog.records]
    assert any("retry 1/2" in t for t in texts)  # the retries were logged...
    assert len(texts) > 10
    for text in texts:  # ...and nothing anywhere holds the key or an access token
        assert secret not in text and secret[:40] not in text
        assert "ya29." not in text


def test_an_xlsx_file_stored_in_drive_is_told_apart_from_a_google_sheet(standin):
    standin.fail(400, message="This operation is not supported for this document")
    with pytest.raises(SourceError) as caught:
        make_source(standin).read(WANTED)
    assert "fichier Excel" in caught.value.message and "Enregistrer au format Google Sheets" in caught.value.suggestion
