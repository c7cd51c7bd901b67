"""Per-host concurrency limit (and optional spacing) shared by every fetch of one fetcher."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostLimiter:
    """At most ``per_host`` requests in flight to any one host at a time.

    One ``asyncio.Semaphore`` per host, created on first use; hosts are compared
    case-insensitively without the port, since ports of one machine share its capacity.
    ``min_interval`` (a robots.txt Crawl-delay) spaces the starts of requests to a host.
    """

    def __init__(self, per_host: int) -> None:
        if per_host < 1:
            raise ValueError(f"per_host must be at least 1, got {per_host}")
        self.per_host = per_host
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._spacing: dict[str, asyncio.Lock] = {}
        self._last_start: dict[str, float] = {}

    @asynccontextmanager
    async def slot(self, host: str, *, min_interval: float = 0.0) -> AsyncIterator[None]:
        """Hold one of the host's slots for the duration of the ``async with`` block."""
        key = host.lower()
        semaphore = self._semaphores.setdefault(key, asyncio.Semaphore(self.per_host))
        async with semaphore:
            if min_interval > 0:
                async with self._spacing.setdefault(key, asyncio.Lock()):
                    wait = self._last_start.get(key, float("-inf")) + min_interval \
                        - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    self._last_start[key] = time.monotonic()
            else:
                self._last_start[key] = time.monotonic()
            yield
