"""The two HTTP rules every fetcher shares: which statuses are transient, and Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

import crawler.live
import crawler.wayback.session
from crawler import (
    CdxRecord,
    HTTPStatusError,
    PlaybackError,
    WaybackClient,
    parse_retry_after,
    transient_status,
)
from tests.crawler.test_live import fetch
from tests.fakes.site import FakeSite, Response
from tests.fakes.wayback import FakeWayback


@pytest.fixture
def site() -> Iterator[FakeSite]:
    with FakeSite() as running:
        yield running


@pytest.mark.parametrize(("status", "transient"), [
    (429, True), (500, True), (502, True), (503, True), (504, True), (599, True),
    # They answer the request itself: the same request gets the same answer.
    (501, False), (505, False),
    (400, False), (403, False), (404, False), (410, False), (600, False),
])
def test_one_rule_says_which_statuses_are_transient(status: int, transient: bool) -> None:
    assert transient_status(status) is transient
    assert HTTPStatusError("x", status=status).transient is transient


@pytest.mark.parametrize("status", [501, 505])
def test_the_live_fetcher_does_not_retry_a_permanent_5xx(site: FakeSite, status: int) -> None:
    site.sequence("/odd", [Response(status=status), Response("<html>ok</html>")])
    with pytest.raises(HTTPStatusError) as caught:
        fetch(site.url("/odd"), retries=3)
    assert caught.value.status == status and not caught.value.transient
    assert len(site.requests_to("/odd")) == 1


@pytest.mark.parametrize("status", [501, 505])
def test_the_wayback_session_does_not_retry_a_permanent_5xx(status: int) -> None:
    with FakeWayback() as fake:
        fake.add_capture("https://example.com/p", "20200101000000", b"body")
        record = CdxRecord("com,example)/p", "20200101000000", "https://example.com/p",
                           "text/html", 200, "", None)

        async def run() -> bytes:
            async with WaybackClient(base_url=fake.base_url, retries=3, backoff=0.01,
                                     rate_limit_pause=0.05) as client:
                return (await client.replay(record)).body

        fake.force_status("replay", status, times=1)
        with pytest.raises(PlaybackError, match=str(status)) as caught:
            asyncio.run(run())
        assert not caught.value.transient
        assert [r.status for r in fake.requests_to("replay")] == [status]


def test_one_retry_after_parser_for_live_and_wayback() -> None:
    assert crawler.live.parse_retry_after is parse_retry_after
    assert crawler.wayback.session.parse_retry_after is parse_retry_after
    now = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("30", now=now) == 30
    assert parse_retry_after(" 1.5 ", now=now) == 1.5
    assert parse_retry_after("-5", now=now) == 0
    assert parse_retry_after(format_datetime(now + timedelta(minutes=2), usegmt=True),
                             now=now) == 120
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True),
                             now=now) == 0
    assert parse_retry_after("Sat, 01 Mar 2025 12:00:10", now=now) == 10  # no zone: UTC
    for junk in (None, "", "  ", "soon", "nan", "Mon, 99 Foo 2025"):
        assert parse_retry_after(junk, now=now) is None
