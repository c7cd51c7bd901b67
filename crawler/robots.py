"""robots.txt rules per site, fetched once and cached (parsed by protego)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

import httpx
from protego import Protego

from crawler.errors import BlockedAddress
from crawler.hostlimit import HostLimiter

log = logging.getLogger(__name__)

# RFC 9309 asks crawlers to parse at least 500 KiB; more than that is not a robots file.
MAX_ROBOTS_BYTES = 512 * 1024
MAX_ROBOTS_REDIRECTS = 5
# Sites whose rules are kept: a parsed robots.txt is tens of KB (~54 KB for 200 rules), so
# an unbounded cache grew with the watch list (10,000 sites: hundreds of MB in `check --all`
# or a long-running worker). The least recently used beyond this are fetched again if met.
MAX_CACHED_SITES = 1024


@dataclass(frozen=True)
class _Rules:
    parser: Protego | None  # None: everything allowed
    expires: float


class RobotsCache:
    """Answers "may this user agent fetch this URL?" per origin (scheme, host, port).

    A missing robots.txt (any 4xx) allows everything; a server error or network failure
    also allows (logged) and is re-tried after ``error_ttl`` seconds, since the page
    fetch that follows will meet the same failure and report it.
    """

    def __init__(self, client: httpx.AsyncClient, *, user_agent: str,
                 limiter: HostLimiter | None = None, ttl: float = 24 * 3600,
                 error_ttl: float = 300, max_sites: int = MAX_CACHED_SITES) -> None:
        self._client = client
        self._user_agent = user_agent
        self._limiter = limiter
        self._ttl = ttl
        self._error_ttl = error_ttl
        self._max_sites = max_sites
        self._rules: OrderedDict[str, _Rules] = OrderedDict()  # least recently used first
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's site allows our user agent to fetch it."""
        parsed = httpx.URL(url)
        if parsed.path == "/robots.txt":
            return True
        origin = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        rules = await self._rules_for(origin, parsed.host)
        return rules.parser is None or rules.parser.can_fetch(url, self._user_agent)

    async def crawl_delay(self, url: str) -> float | None:
        """The Crawl-delay (seconds) the site asks of our user agent, if any."""
        parsed = httpx.URL(url)
        origin = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        rules = await self._rules_for(origin, parsed.host)
        return None if rules.parser is None else rules.parser.crawl_delay(self._user_agent)

    async def _rules_for(self, origin: str, host: str) -> _Rules:
        cached = self._rules.get(origin)
        if cached is not None and cached.expires > time.monotonic():
            self._rules.move_to_end(origin)
            return cached
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:  # concurrent fetches of one site share one robots.txt request
            cached = self._rules.get(origin)
            if cached is not None and cached.expires > time.monotonic():
                return cached
            if self._limiter is None:
                rules = await self._download(origin)
            else:
                async with self._limiter.slot(host):
                    rules = await self._download(origin)
            self._remember(origin, rules)
            return rules

    def _remember(self, origin: str, rules: _Rules) -> None:
        """Cache ``rules``, dropping the least recently used sites beyond ``max_sites``
        (with their locks, unless a download of theirs is under way)."""
        self._rules[origin] = rules
        self._rules.move_to_end(origin)
        while len(self._rules) > self._max_sites:
            old, _ = self._rules.popitem(last=False)
            lock = self._locks.get(old)
            if lock is not None and not lock.locked():
                del self._locks[old]

    async def _download(self, origin: str) -> _Rules:
        url = f"{origin}/robots.txt"
        now = time.monotonic()
        try:
            for _ in range(MAX_ROBOTS_REDIRECTS + 1):
                request = self._client.build_request("GET", url)
                response = await self._client.send(request, stream=True)
                try:
                    location = response.headers.get("location")
                    if response.is_redirect and location:
                        url = str(response.url.join(location))
                        continue
                    if response.status_code >= 500:
                        log.warning("robots.txt at %s answered %d; treating the site as allowed",
                                    url, response.status_code)
                        return _Rules(None, now + self._error_ttl)
                    if response.status_code >= 400:
                        return _Rules(None, now + self._ttl)
                    body = await _read_capped(response, MAX_ROBOTS_BYTES)
                finally:
                    await response.aclose()
                text = body.decode("utf-8", errors="replace")
                return _Rules(Protego.parse(text), now + self._ttl)
            log.warning("robots.txt at %s redirects too often; treating the site as allowed",
                        origin)
            return _Rules(None, now + self._ttl)
        except (httpx.HTTPError, BlockedAddress) as exc:
            # A robots.txt redirected to a refused address is no robots.txt; the page
            # request itself meets the address policy on its own.
            log.warning("robots.txt at %s could not be fetched (%s); treating the site as allowed",
                        url, exc)
            return _Rules(None, now + self._error_ttl)


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """Read at most ``limit`` decoded bytes; the rest of a huge file is ignored."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]
