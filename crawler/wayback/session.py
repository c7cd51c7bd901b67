"""Sending requests to the Wayback Machine: rate limits, 429 pauses, retries with backoff.

Every request first waits on its endpoint's limiter (CDX and replay have separate ones,
shared by every task holding them). A 429 pauses that limiter for at least
``rate_limit_pause`` seconds (longer if ``Retry-After`` says so), multiplied by
``backoff`` for each 429 in a row on that endpoint; requests already in flight when the
pause began do not count as repeats, so a burst of concurrent 429s costs one pause. Transient
5xx answers (``errors.transient_status``: not 501/505) that are not archived captures, and
connection failures, are retried after ``backoff * 2**n`` seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from crawler.errors import (
    PlaybackError,
    WaybackRateLimited,
    WaybackUnavailable,
    parse_retry_after,
    transient_status,
)
from crawler.ratelimit import RateLimiter


@dataclass(frozen=True)
class Answer:
    """One HTTP answer, read in full: ``raw`` as sent on the wire, ``body`` decoded."""

    url: str
    status: int
    headers: httpx.Headers
    raw: bytes
    body: bytes


@dataclass
class _Strikes:
    """Consecutive 429s on one limiter, and when the last pause was declared."""

    count: int = 0
    paused_at: float = float("-inf")


class WaybackSession:
    """Rate-limited, retrying GETs over one ``httpx.AsyncClient``."""

    def __init__(self, client: httpx.AsyncClient, *, retries: int, backoff: float,
                 rate_limit_pause: float) -> None:
        if retries < 0:
            raise ValueError(f"retries must be 0 or more, got {retries}")
        if backoff < 0 or rate_limit_pause < 0:
            raise ValueError("backoff and rate_limit_pause must not be negative")
        self.client = client
        self.retries = retries
        self.backoff = backoff
        self.rate_limit_pause = rate_limit_pause
        self._strikes: dict[int, _Strikes] = {}

    def _pause_for(self, strikes: int) -> float:
        """Pause after the ``strikes``-th 429 in a row: the base pause, times backoff each repeat."""
        return self.rate_limit_pause * max(self.backoff, 1.0) ** max(strikes - 1, 0)

    async def _read(self, url: str, params: list[tuple[str, str]] | None) -> Answer:
        items: list[tuple[str, str | int | float | bool | None]] = list(params or [])
        query = httpx.QueryParams(items) if items else None
        async with self.client.stream("GET", url, params=query) as response:
            try:
                raw = b"".join([chunk async for chunk in response.aiter_raw()])
            except httpx.StreamConsumed:
                # Responses built in memory (httpx.MockTransport) arrive already read.
                return Answer(url=str(response.url), status=response.status_code,
                              headers=response.headers, raw=response.content,
                              body=response.content)
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            if encoding in ("", "identity"):
                body = raw
            else:
                # Decode like httpx would, but keep the wire bytes: the CDX digest of an
                # archived gzip response is the digest of the compressed payload.
                body = httpx.Response(response.status_code, headers=response.headers,
                                      content=raw).content
            return Answer(url=str(response.url), status=response.status_code,
                          headers=response.headers, raw=raw, body=body)

    async def get(self, limiter: RateLimiter, url: str,
                  params: list[tuple[str, str]] | None = None) -> Answer:
        """GET ``url`` once the limiter allows it; retry 429, 5xx and connection failures.

        Raises:
            WaybackRateLimited: still 429 after ``retries`` retries.
            WaybackUnavailable: still 5xx or unreachable after ``retries`` retries.
            PlaybackError: a redirect to an address httpx cannot parse.
        """
        failures = 0
        rate_limited = 0
        strikes = self._strikes.setdefault(id(limiter), _Strikes())
        while True:
            await limiter.acquire()
            started = time.monotonic()
            try:
                answer = await self._read(url, params)
            except httpx.InvalidURL as exc:
                # httpx parses every Location, even when not following it.
                raise PlaybackError(f"the Wayback Machine redirected to an unusable "
                                    f"address: {exc}", url=url) from exc
            except (httpx.TransportError, httpx.DecodingError) as exc:
                failures += 1
                if failures > self.retries:
                    raise WaybackUnavailable(
                        f"Wayback Machine unreachable after {failures} attempts: "
                        f"{type(exc).__name__}: {exc}", url=url) from exc
                await asyncio.sleep(self.backoff * 2 ** (failures - 1))
                continue
            if answer.status == 429:
                rate_limited += 1
                retry_after = parse_retry_after(answer.headers.get("retry-after")) or 0.0
                if started >= strikes.paused_at:
                    # Sent after the last pause began: the server still objects, back off more.
                    strikes.count += 1
                    strikes.paused_at = time.monotonic()
                    limiter.pause(max(self._pause_for(strikes.count), retry_after))
                elif retry_after:
                    limiter.pause(retry_after)
                if rate_limited > self.retries:
                    raise WaybackRateLimited(
                        f"Wayback Machine still rate-limiting after {rate_limited} attempts",
                        retry_after=max(self._pause_for(strikes.count), retry_after), url=url)
                continue
            if started >= strikes.paused_at:
                strikes.count = 0
            archived = "memento-datetime" in answer.headers
            if transient_status(answer.status) and not archived:
                failures += 1
                if failures > self.retries:
                    raise WaybackUnavailable(
                        f"Wayback Machine answered {answer.status} after {failures} attempts",
                        url=url)
                await asyncio.sleep(self.backoff * 2 ** (failures - 1))
                continue
            return answer
