"""WaybackClient against the fake Wayback Machine serving real OTA snapshot streams."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from crawler import (
    BlockedSite,
    CdxRecord,
    Memento,
    NoMemento,
    Period,
    PeriodUnit,
    PlaybackError,
    WaybackClient,
    sample_captures,
)
from tests.fakes.wayback import FakeWayback, digest_of

UPTIMEROBOT = "uptimerobot-privacy-policy"
LE_CHAT = "le-chat-privacy-policy"


def fast_client(fake: FakeWayback, **options: Any) -> WaybackClient:
    """A client at test speed: high rates, tiny pauses and backoff."""
    settings: dict[str, Any] = dict(base_url=fake.base_url, cdx_per_second=200,
                                    replay_per_second=500, retries=2, backoff=0.01,
                                    rate_limit_pause=0.05)
    settings.update(options)
    return WaybackClient(**settings)


def stream(corpus: Path, slug: str) -> list[dict[str, Any]]:
    lines = (corpus / "ota" / slug / "snapshots.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def b32(sha1: str) -> str:
    return base64.b32encode(bytes.fromhex(sha1)).decode()


@pytest.fixture()
def fake(corpus: Path) -> Iterator[FakeWayback]:
    with FakeWayback.from_corpus(corpus / "ota", slugs=[UPTIMEROBOT, LE_CHAT],
                                 page_size=25) as server:
        yield server


async def search_and_replay(client: WaybackClient, url: str,
                            **bounds: str) -> tuple[list[CdxRecord], list[Memento]]:
    async with client:
        records = await client.search(url, **bounds)
        mementos = await asyncio.gather(*(client.replay(r) for r in records))
    return records, list(mementos)


def test_full_history_is_found_and_each_distinct_body_replayed_once(
        fake: FakeWayback, corpus: Path) -> None:
    rows = [r for r in stream(corpus, UPTIMEROBOT) if r["file"]]
    # Search a variant the captures were not recorded under.
    records, mementos = asyncio.run(search_and_replay(
        fast_client(fake, page_size=1000), "http://www.uptimerobot.com/privacy/"))
    assert [r.timestamp for r in records] == [r["timestamp"] for r in rows]
    assert [r.digest for r in records] == [b32(r["sha1"]) for r in rows]
    assert all(r.statuscode == 200 and r.original == "https://uptimerobot.com/privacy/"
               for r in records)
    # The fake pages at 25 rows whatever the client asks (the full stream's 112 rows take 5).
    pages = -(-len(rows) // 25)
    cdx_requests = fake.requests_to("cdx")
    assert len(cdx_requests) == pages
    assert [bool(r.params.get("resumeKey")) for r in cdx_requests] == [False] + [True] * (pages - 1)
    replays = fake.requests_to("replay")
    assert Counter(r.timestamp for r in replays) == Counter(r["timestamp"] for r in rows)
    for memento, row in zip(mementos, rows):
        assert memento.digest == b32(row["sha1"]) and len(memento.body) == row["length"]
        assert memento.final_url == row["url"] and memento.redirects == ()
        assert memento.content_type == "text/html" and memento.status == 200
        assert memento.captured_at == memento.record.captured_at


def test_bodies_repeated_non_adjacently_are_replayed_once(fake: FakeWayback,
                                                          corpus: Path) -> None:
    url = "https://legal.mistral.ai/terms/privacy-policy"
    rows = [r for r in stream(corpus, LE_CHAT) if r["file"] and r["url"] == url]
    distinct = list(dict.fromkeys(b32(r["sha1"]) for r in rows))
    assert len(distinct) < len(rows)  # the stream does repeat bodies (A/B/A)
    # collapse=digest on the server only drops adjacent repeats, like the real one
    answer = httpx.get(f"{fake.base_url}/cdx/search/cdx",
                       params={"url": url, "output": "json", "collapse": "digest"})
    served = [row[5] for row in answer.json()[1:]]
    assert len(served) > len(set(served))
    records, mementos = asyncio.run(search_and_replay(fast_client(fake), url))
    assert [r.digest for r in records] == distinct
    assert len(fake.requests_to("replay")) == len(distinct)
    assert {m.digest for m in mementos} == set(distinct)


def test_date_bounds_and_sampling(fake: FakeWayback, corpus: Path) -> None:
    rows = [r for r in stream(corpus, UPTIMEROBOT) if r["file"]]
    expected = [r["timestamp"] for r in rows if "20250101000000" <= r["timestamp"] <= "20250630235959"]

    async def run() -> list[CdxRecord]:
        async with fast_client(fake) as client:
            return await client.search("https://uptimerobot.com/privacy/", from_="2025",
                                       to="2025-06")

    records = asyncio.run(run())
    assert [r.timestamp for r in records] == expected
    assert all(r.params["from"] == ["20250101000000"] and r.params["to"] == ["20250630235959"]
               for r in fake.requests_to("cdx"))
    monthly = sample_captures(records, every=Period(1, PeriodUnit.MONTHS))
    assert len(monthly) == len({r.timestamp[:6] for r in records})


def test_injected_cdx_quirks_are_cleaned(corpus: Path) -> None:
    with FakeWayback(page_size=3) as fake:
        url = "https://www.example.org/privacy"
        first = fake.add_capture(url, "20190301000000", b"<html>v1</html>")
        fake.add_duplicate(first)
        fake.add_duplicate(first)
        fake.add_revisit("http://example.org/privacy", "20190401000000", first)
        fake.add_row(url, original="mailto:dpo@example.org")
        fake.add_row(url, original="data:text/html;base64,PGh0bWw+")
        fake.add_row(url, timestamp="2019o5", digest="J" * 32)
        fake.add_row(url, statuscode="404", digest="K" * 32)
        fake.add_row(url, mimetype="image/png", digest="L" * 32)
        second = fake.add_capture(url, "20190015120000", b"<html>v2</html>")  # month 00
        third = fake.add_capture("http://example.org/privacy", "20190601000000", b"<html>v3</html>")
        fake.add_capture(url, "20190701000000", b"<html>v1</html>")  # A/B/A: v1 again

        records, mementos = asyncio.run(search_and_replay(fast_client(fake), url))
        assert [r.timestamp for r in records] == ["20190015120000", "20190301000000",
                                                  "20190601000000"]
        assert [m.body for m in mementos] == [b"<html>v2</html>", b"<html>v1</html>",
                                              b"<html>v3</html>"]
        assert [r.digest for r in records] == [second.digest, first.digest, third.digest]
        assert records[0].captured_at.month == 1  # month 00 read as January
        assert len(fake.requests_to("cdx")) > 1  # paged


def test_empty_results_in_both_forms() -> None:
    for empty_body in (False, True):
        with FakeWayback(empty_body_when_empty=empty_body) as fake:
            fake.add_capture("https://other.example/", "20200101000000", b"x")

            async def run() -> list[CdxRecord]:
                async with fast_client(fake) as client:
                    return await client.search("https://nothing.example/privacy")

            assert asyncio.run(run()) == []


def replay_one(fake: FakeWayback, url: str, timestamp: str, **options: Any) -> Memento:
    async def run() -> Memento:
        async with fast_client(fake, **options) as client:
            records = [r for r in await client.search(url) if r.timestamp == timestamp]
            assert records, f"no CDX row for {url} at {timestamp}"
            return await client.replay(records[0])

    return asyncio.run(run())


def test_archived_redirect_is_followed_to_the_target_capture() -> None:
    with FakeWayback() as fake:
        fake.add_archived_redirect("http://example.com/privacy", "20200101000000",
                                   "https://example.com/legal/privacy")
        fake.add_capture("https://example.com/legal/privacy", "20200101030000", b"<p>policy</p>")
        fake.add_capture("https://example.com/legal/privacy", "20200301000000", b"<p>later</p>")
        memento = replay_one(fake, "http://example.com/privacy", "20200101000000")
        assert memento.body == b"<p>policy</p>"
        assert memento.final_url == "https://example.com/legal/privacy"
        assert memento.timestamp == "20200101030000"
        assert memento.record.is_redirect and memento.record.statuscode == 301
        assert len(memento.redirects) == 2  # the archived 301, then Wayback's nearest-capture hop
        assert memento.public_url == ("https://web.archive.org/web/20200101030000id_/"
                                      "https://example.com/legal/privacy")


def test_archived_redirect_with_a_raw_relative_location() -> None:
    with FakeWayback() as fake:
        fake.add_archived_redirect("https://example.com/privacy", "20200101000000",
                                   "/legal/privacy", rewrite=False)
        fake.add_capture("https://example.com/legal/privacy", "20200101000000", b"<p>p</p>")
        memento = replay_one(fake, "https://example.com/privacy", "20200101000000")
        assert memento.final_url == "https://example.com/legal/privacy"
        assert memento.body == b"<p>p</p>" and len(memento.redirects) == 1
        fake.add_archived_redirect("https://example.com/mail", "20200101000000",
                                   "mailto:dpo@example.com", rewrite=False)
        with pytest.raises(PlaybackError, match="unusable address|cannot be replayed"):
            replay_one(fake, "https://example.com/mail", "20200101000000")


def test_nearest_capture_redirect_is_accepted_only_within_the_window() -> None:
    with FakeWayback() as fake:
        url = "https://example.com/privacy"
        fake.add_capture(url, "20200101000000", b"near-missing", replayable=False)
        fake.add_capture(url, "20200101060000", b"<p>six hours later</p>", listed=False)
        fake.add_capture(url, "20200601000000", b"far-missing", replayable=False)
        fake.add_capture(url, "20200620000000", b"<p>nineteen days later</p>", listed=False)
        near = replay_one(fake, url, "20200101000000")
        assert near.body == b"<p>six hours later</p>" and near.timestamp == "20200101060000"
        with pytest.raises(PlaybackError, match="nearest capture 20200620000000 is 19.0 days"):
            replay_one(fake, url, "20200601000000")
        with pytest.raises(PlaybackError):
            replay_one(fake, url, "20200101000000", redirect_window=timedelta(hours=1))


def test_blocked_site() -> None:
    with FakeWayback() as fake:
        fake.add_capture("https://blocked.example/privacy", "20200101000000", b"x")
        record = CdxRecord("example,blocked)/privacy", "20200101000000",
                           "https://blocked.example/privacy", "text/html", 200, digest_of(b"x"), 1)
        fake.block("www.blocked.example")

        async def run(action: str) -> object:
            async with fast_client(fake) as client:
                if action == "search":
                    return await client.search("https://blocked.example/privacy")
                return await client.replay(record)

        with pytest.raises(BlockedSite) as replay_error:
            asyncio.run(run("replay"))
        assert replay_error.value.kind == "blocked" and not replay_error.value.transient
        with pytest.raises(BlockedSite, match="Blocked Site Error"):
            asyncio.run(run("search"))
        # an archived 403 page is not an exclusion
        fake.add_capture("https://example.com/forbidden", "20200101000000", b"No", status=403)
        forbidden = CdxRecord("com,example)/forbidden", "20200101000000",
                              "https://example.com/forbidden", "text/html", 200, "", None)

        async def replay_forbidden() -> None:
            async with fast_client(fake) as client:
                await client.replay(forbidden)

        with pytest.raises(PlaybackError, match="HTTP 403"):
            asyncio.run(replay_forbidden())


def test_no_memento_and_archived_error_statuses() -> None:
    with FakeWayback() as fake:
        fake.add_capture("https://example.com/gone", "20200101000000", b"Not here", status=404)
        fake.add_capture("https://example.com/broken", "20200101000000", b"Oops", status=500)
        record = CdxRecord("com,example)/never", "20200101000000", "https://example.com/never",
                           "text/html", 200, digest_of(b""), 1)

        async def run() -> None:
            async with fast_client(fake) as client:
                await client.replay(record)

        with pytest.raises(NoMemento, match="no capture"):
            asyncio.run(run())
        # 4xx/5xx rows never come out of search, but a replay can still meet one
        for path, error in (("gone", NoMemento), ("broken", PlaybackError)):
            archived = CdxRecord(f"com,example)/{path}", "20200101000000",
                                 f"https://example.com/{path}", "text/html", 200, "", None)
            before = len(fake.requests_to("replay"))

            async def replay_archived(record: CdxRecord = archived) -> None:
                async with fast_client(fake) as client:
                    await client.replay(record)

            with pytest.raises(error):
                asyncio.run(replay_archived())
            # an archived 500 carries Memento-Datetime: not retried as an outage
            assert len(fake.requests_to("replay")) == before + 1


def test_digest_mismatch_is_detected() -> None:
    with FakeWayback() as fake:
        capture = fake.add_capture("https://example.com/privacy", "20200101000000", b"<p>real</p>")
        fake.corrupt(capture, b"<p>tampered</p>")
        with pytest.raises(PlaybackError, match="does not match its CDX digest") as error:
            replay_one(fake, "https://example.com/privacy", "20200101000000")
        assert error.value.kind == "playback"


def test_digest_is_checked_across_a_same_capture_hop() -> None:
    with FakeWayback() as fake:
        capture = fake.add_capture("https://www.example.com/p", "20200101000000", b"<p>real</p>")
        asked = CdxRecord("com,example)/p", "20200101000000", "http://example.com/p",
                          "text/html", 200, capture.cdx_digest, 11)

        async def run() -> Memento:
            async with fast_client(fake) as client:
                return await client.replay(asked)

        memento = asyncio.run(run())
        assert memento.final_url == "https://www.example.com/p" and len(memento.redirects) == 1
        fake.corrupt(capture, b"<p>tampered</p>")
        with pytest.raises(PlaybackError, match="does not match"):
            asyncio.run(run())


def test_digest_check_can_be_turned_off_and_reads_the_wire_bytes() -> None:
    with FakeWayback() as fake:
        capture = fake.add_capture("https://example.com/privacy", "20200101000000", b"<p>real</p>")
        fake.corrupt(capture, b"<p>tampered</p>")
        memento = replay_one(fake, "https://example.com/privacy", "20200101000000",
                             verify_digest=False)
        assert memento.body == b"<p>tampered</p>"
        # An archived gzip response: the CDX digest is that of the compressed payload.
        packed = gzip.compress(b"<p>zipped policy</p>")
        fake.add_capture("https://example.com/gz", "20200101000000", packed,
                         headers={"Content-Encoding": "gzip"})
        memento = replay_one(fake, "https://example.com/gz", "20200101000000")
        assert memento.body == b"<p>zipped policy</p>"


def test_redirect_loop_and_redirect_cap() -> None:
    with FakeWayback() as fake:
        fake.add_archived_redirect("https://example.com/a", "20200101000000", "https://example.com/b")
        fake.add_archived_redirect("https://example.com/b", "20200101000000", "https://example.com/a")
        with pytest.raises(PlaybackError, match="redirect loop"):
            replay_one(fake, "https://example.com/a", "20200101000000")
        for i in range(5):
            fake.add_archived_redirect(f"https://example.com/c{i}", "20200101000000",
                                       f"https://example.com/c{i + 1}")
        fake.add_capture("https://example.com/c5", "20200101000000", b"end")
        assert replay_one(fake, "https://example.com/c0", "20200101000000").body == b"end"
        with pytest.raises(PlaybackError, match="more than 3 redirects"):
            replay_one(fake, "https://example.com/c0", "20200101000000", max_redirects=3)


def test_memento_converts_to_a_fetch_result() -> None:
    with FakeWayback() as fake:
        fake.add_capture("https://example.com/p", "20200101000000", b"<p>x</p>")
        memento = replay_one(fake, "https://example.com/p", "20200101000000")
        result = memento.to_fetch_result()
        assert result.body == b"<p>x</p>" and result.final_url == "https://example.com/p"
        assert result.fetched_at == memento.captured_at and result.status == 200
