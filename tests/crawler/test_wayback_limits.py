"""Rate limits, 429 pauses and retries, measured in the fake Wayback Machine's request log."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from crawler import (
    CdxRecord,
    TokenBucketLimiter,
    WaybackClient,
    WaybackRateLimited,
    WaybackUnavailable,
)
from tests.fakes.wayback import FakeRequest, FakeWayback

UPTIMEROBOT = "uptimerobot-privacy-policy"
URL = "https://uptimerobot.com/privacy/"


def client_for(fake: FakeWayback | str, **options: Any) -> WaybackClient:
    settings: dict[str, Any] = dict(
        base_url=fake if isinstance(fake, str) else fake.base_url, cdx_per_second=200,
        replay_per_second=500, retries=3, backoff=0.01, rate_limit_pause=0.05)
    settings.update(options)
    return WaybackClient(**settings)


async def search_and_replay(client: WaybackClient, url: str = URL) -> list[CdxRecord]:
    async with client:
        records = await client.search(url)
        await asyncio.gather(*(client.replay(r) for r in records))
    return records


def statuses(requests: list[FakeRequest]) -> list[int]:
    return [r.status for r in requests]


def captures(corpus: Path) -> int:
    """How many captures with a body the fake serves for UptimeRobot (112 in the full corpus)."""
    lines = (corpus / "ota" / UPTIMEROBOT / "snapshots.jsonl").read_text().splitlines()
    return sum(1 for line in lines if line.strip() and json.loads(line)["file"])


def test_client_at_its_limits_never_triggers_the_servers_429(corpus: Path) -> None:
    # Scaled down from 0.4/s and 8/s: the server allows a little more than the client
    # uses, with a small burst for network jitter.
    with FakeWayback.from_corpus(corpus / "ota", slugs=[UPTIMEROBOT], page_size=10,
                                 cdx_rate=24, cdx_burst=2,
                                 replay_rate=60, replay_burst=3) as fake:
        records = asyncio.run(search_and_replay(
            client_for(fake, cdx_per_second=20, replay_per_second=50, retries=0)))
        n = captures(corpus)
        assert len(records) == n
        assert len(fake.requests_to("cdx")) == -(-n // 10) and len(fake.requests_to("replay")) == n
        assert 429 not in statuses(fake.requests)
        replays = fake.requests_to("replay")
        span = replays[-1].at - replays[0].at
        assert span >= (n - 1) / 50 * 0.95  # the client did go about as fast as allowed


def test_the_fake_does_rate_limit_a_client_that_goes_too_fast() -> None:
    with FakeWayback(page_size=3, cdx_rate=24, cdx_burst=2, replay_rate=60,
                     replay_burst=3) as fake:
        for i in range(30):
            fake.add_capture(URL, f"2020010100{i:02d}00", f"<p>{i}</p>".encode())
        records = asyncio.run(search_and_replay(client_for(
            fake, cdx_per_second=1000, replay_per_second=1000, retries=20,
            rate_limit_pause=0.02, backoff=1.0)))
        assert len(records) == 30
        assert 429 in statuses(fake.requests_to("cdx"))
        assert 429 in statuses(fake.requests_to("replay"))


def test_forced_429_pauses_that_endpoint_then_backs_off_exponentially(corpus: Path) -> None:
    with FakeWayback.from_corpus(corpus / "ota", slugs=[UPTIMEROBOT], page_size=50) as fake:
        fake.force_429("cdx", times=2)
        records = asyncio.run(search_and_replay(
            client_for(fake, rate_limit_pause=0.3, backoff=2.0)))
        assert len(records) == captures(corpus)
        cdx = fake.requests_to("cdx")
        assert statuses(cdx)[:3] == [429, 429, 200]
        assert cdx[1].at - cdx[0].at >= 0.3
        assert cdx[2].at - cdx[1].at >= 0.6  # second 429 in a row: pause x backoff
        # replay was never told to slow down
        assert 429 not in statuses(fake.requests_to("replay"))


class TimedBucket(TokenBucketLimiter):
    """The real limiter, noting when it let each request start and when it was paused."""

    def __init__(self, rate_per_second: float) -> None:
        super().__init__(rate_per_second)
        self.starts: list[float] = []
        self.pauses: list[tuple[float, float]] = []  # (when, seconds)

    async def acquire(self) -> None:
        await super().acquire()
        self.starts.append(time.monotonic())  # no await since the release: same instant

    def pause(self, seconds: float) -> None:
        self.pauses.append((time.monotonic(), seconds))
        super().pause(seconds)


def test_a_429_on_replay_pauses_every_task_sharing_the_limiter(corpus: Path) -> None:
    with FakeWayback.from_corpus(corpus / "ota", slugs=[UPTIMEROBOT]) as fake:
        fake.force_429("replay", times=1)
        limiter = TimedBucket(500)
        records = asyncio.run(search_and_replay(
            client_for(fake, replay_limiter=limiter, rate_limit_pause=0.4)))
        assert statuses(fake.requests_to("replay")).count(429) == 1
        assert len(limiter.starts) == len(records) + 1  # every replay, plus the one retry
        # Requests already in flight may still land at the server after the 429; the
        # limiter's own record shows none started during the pause (500/s would otherwise
        # start ~200 in 0.4 s). Its clock, not arrival times, so a loaded machine cannot
        # blur the line.
        [(paused_at, seconds)] = limiter.pauses
        assert seconds == 0.4
        later = [at for at in limiter.starts if at >= paused_at]
        assert later and min(later) - paused_at >= 0.4


def test_retry_after_longer_than_the_pause_is_honoured() -> None:
    with FakeWayback() as fake:
        fake.add_capture("https://example.com/p", "20200101000000", b"x")
        fake.force_429("cdx", retry_after=0.5)

        async def run() -> list[CdxRecord]:
            async with client_for(fake, rate_limit_pause=0.05) as client:
                return await client.search("https://example.com/p")

        assert len(asyncio.run(run())) == 1
        first, second = fake.requests_to("cdx")[:2]
        assert first.status == 429 and second.at - first.at >= 0.5


def test_persistent_429_raises_wayback_rate_limited() -> None:
    with FakeWayback() as fake:
        fake.force_429("cdx", times=10)

        async def run() -> None:
            async with client_for(fake, retries=2, rate_limit_pause=0.01) as client:
                await client.search("https://example.com/p")

        with pytest.raises(WaybackRateLimited) as error:
            asyncio.run(run())
        assert error.value.transient and error.value.retry_after is not None
        assert len(fake.requests_to("cdx")) == 3


def test_5xx_is_retried_then_reported_unavailable() -> None:
    with FakeWayback() as fake:
        fake.add_capture("https://example.com/p", "20200101000000", b"body")
        record = CdxRecord("com,example)/p", "20200101000000", "https://example.com/p",
                           "text/html", 200, "", None)

        async def run() -> bytes:
            async with client_for(fake, retries=2) as client:
                return (await client.replay(record)).body

        fake.force_status("replay", 503, times=2)
        assert asyncio.run(run()) == b"body"
        assert statuses(fake.requests_to("replay")) == [503, 503, 200]
        fake.force_status("replay", 502, times=3)
        with pytest.raises(WaybackUnavailable, match="502 after 3 attempts") as error:
            asyncio.run(run())
        assert error.value.transient


def test_connection_failures_are_retried_then_reported_unavailable() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def run() -> None:
        async with client_for(f"http://127.0.0.1:{port}", retries=2) as client:
            await client.search("https://example.com/p")

    with pytest.raises(WaybackUnavailable, match="unreachable after 3 attempts"):
        asyncio.run(run())


def test_clients_of_one_endpoint_share_a_limiter() -> None:
    with FakeWayback(replay_rate=55, replay_burst=2) as fake:
        for i in range(60):
            fake.add_capture("https://example.com/p", f"2020010100{i:02d}00", f"v{i}".encode())
        shared = TokenBucketLimiter(50)

        async def run() -> None:
            clients = [client_for(fake, replay_limiter=shared, retries=0) for _ in range(3)]
            records = await clients[0].search("https://example.com/p")
            await asyncio.gather(*(clients[i % 3].replay(r) for i, r in enumerate(records)))
            for client in clients:
                await client.aclose()

        asyncio.run(run())
        assert len(fake.requests_to("replay")) == 60
        assert 429 not in statuses(fake.requests)
        # Without explicit limiters, clients of one server share the process-wide one.
        first, second = client_for(fake), client_for(fake)
        assert first.cdx_limiter is second.cdx_limiter
        assert first.replay_limiter is second.replay_limiter
        assert client_for(fake, cdx_per_second=1).cdx_limiter is not first.cdx_limiter


class RecordingLimiter:
    """A RateLimiter that never waits and records the pauses asked of it."""

    def __init__(self) -> None:
        self.pauses: list[float] = []

    async def acquire(self) -> None:
        return None

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)


def test_concurrent_429s_cost_one_pause_and_repeats_back_off() -> None:
    in_flight = 5
    arrived = 0
    everyone_in: asyncio.Event | None = None
    refusals = {"left": in_flight}

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal arrived, everyone_in
        if everyone_in is None:
            everyone_in = asyncio.Event()
        if refusals["left"] > 0:
            refusals["left"] -= 1
            arrived += 1
            if arrived >= in_flight:
                everyone_in.set()
            await everyone_in.wait()  # all five are in flight when refused
            return httpx.Response(429)
        return httpx.Response(200, json=[])

    limiter = RecordingLimiter()

    async def run() -> None:
        async with WaybackClient(base_url="http://wayback.test", cdx_limiter=limiter,
                                 transport=httpx.MockTransport(handler), retries=3,
                                 rate_limit_pause=10, backoff=3) as client:
            await asyncio.gather(*(client.search(f"https://example.com/{i}")
                                   for i in range(in_flight)))
            assert limiter.pauses == [10]  # one pause for the whole burst
            refusals["left"] = 2  # now two refusals in a row, one request at a time
            await client.search("https://example.com/again")
            assert limiter.pauses == [10, 10, 30]  # a fresh 429 after success starts over

    asyncio.run(run())
