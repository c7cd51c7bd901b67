"""One typed outcome from crawler to storage to alerts: a capture without text is stored
with the reason the extractor gave, and a selector mistake is the user's, not the site's."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import crawler
from crawler import ExtractionError, NotAPolicy
from policywatch.checking.extraction import check_error_kind, extract_body
from policywatch.settings import Settings
from policywatch.web import create_app
from storage import Archive, ErrorKind
from tests.corpus_pages import ota_stream
from tests.databases import sqlite_only
from tests.fakes.receiver import Receiver

DOC = "buffer-privacy-policy"
BOT_WALL = ("<html><head><title>Just a moment...</title></head><body>"
            "<h1>Checking your browser before accessing the site</h1>"
            "<p>Please enable JavaScript and cookies to continue.</p></body></html>")


@pytest.fixture
def policy_page(corpus: Path) -> bytes:
    return next(p.body for p in ota_stream(corpus, DOC) if p.kind == "first")


@pytest.fixture
def hooks(monkeypatch):
    monkeypatch.setenv("POLICYWATCH_ALERT_BACKOFF", "0.05")
    monkeypatch.setenv("POLICYWATCH_RESPECT_ROBOTS", "false")
    with Receiver() as receiver:
        yield receiver


def _subscribe(cli, url: str) -> None:
    result = cli("alerts", "add", url)
    assert result.code == 0, result.err


@sqlite_only
def test_a_selector_that_matches_nothing_is_shown_but_never_alerted_as_broken(
        cli, site, policy_page, hooks, db_url, recorded_alerts) -> None:
    site.add("/privacy", policy_page)
    slug = cli("add", site.url("/privacy"), "--name", "Le Chat", "--select", "#nothing").out.strip()
    _subscribe(cli, hooks.url("/hook"))
    threshold = Settings().failure_threshold
    for _ in range(threshold + 2):  # well past the failure threshold
        line = cli("check", slug).out
        assert "select-no-match" in line and "your selector matches nothing" in line, line
    assert recorded_alerts() == []  # no "tracking broken" for the user's mistake
    assert hooks.accepted() == []
    assert cli("list", "--json").json()[0]["broken"] is False
    checks = cli("checks", slug, "--json").json()
    assert [c["error_kind"] for c in checks] == ["select-no-match"] * (threshold + 2)
    assert "#nothing" in checks[0]["error_message"]

    archive = Archive.open(db_url)
    try:
        app = create_app(Settings(database_url=db_url, public_url="http://testserver"), archive)
        page = TestClient(app).get(f"/policies/{slug}").text
    finally:
        archive.close()
    assert "Your selector matches nothing on the page" in page and "#nothing" in page
    assert "select-no-match" in page

    # The site breaking is still news: a bot wall instead of the policy alerts at once.
    site.add("/walled", BOT_WALL)
    walled = cli("add", site.url("/walled"), "--name", "Walled").out.strip()
    line = cli("check", walled).out
    assert "bot-wall" in line and "bot check" in line
    broken = hooks.wait_for(1)
    assert [r.json()["event"] for r in broken] == ["policy.tracking_broken"]
    assert broken[0].json()["error_kind"] == "bot-wall"
    assert "bot check instead of the policy" in broken[0].json()["text"]


def test_every_crawler_failure_maps_to_a_stored_error_kind() -> None:
    """The crawler's kinds and reasons and storage's ErrorKind share their values."""
    reasons = {check_error_kind(ExtractionError("x", reason=r)) for r in crawler.Reason}
    assert {k.value for k in reasons} == {r.value for r in crawler.Reason}
    assert all(k.rejected for k in reasons)
    assert {k for k in reasons if k.user_settings} == {ErrorKind.SELECT_NO_MATCH,
                                                       ErrorKind.BAD_SELECTOR}
    abstract = {crawler.ErrorKind.CRAWLER, crawler.ErrorKind.FETCH, crawler.ErrorKind.DISCOVERY,
                crawler.ErrorKind.EXTRACTION, crawler.ErrorKind.NOT_A_POLICY}
    for kind in set(crawler.ErrorKind) - abstract:
        assert ErrorKind(kind.value).explanation != kind.value  # said in plain words
    assert check_error_kind(NotAPolicy("x", reason="parked")) is ErrorKind.PARKED
    with pytest.raises(ValueError):
        ExtractionError("x", reason="no-such-reason")


def test_extract_body_gives_a_text_or_a_typed_rejection(policy_page: bytes) -> None:
    ok = extract_body(policy_page, url="https://example.com/privacy", content_type="text/html",
                      charset=None, select=None, remove=None)
    assert ok.text and ok.rejection is None
    missed = extract_body(policy_page, url="https://example.com/privacy",
                          content_type="text/html", charset=None, select="#nothing", remove=None)
    assert missed.text is None and missed.rejection is ErrorKind.SELECT_NO_MATCH
    assert missed.note and "#nothing" in missed.note
    bad = extract_body(policy_page, url="https://example.com/privacy", content_type="text/html",
                       charset=None, select="p[", remove=None)
    assert bad.rejection is ErrorKind.BAD_SELECTOR
