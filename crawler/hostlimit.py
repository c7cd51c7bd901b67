"""Per-host concurrency limit shared by every fetch that goes through one fetcher."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HostLimiter:
    """At most ``per_host`` requests in flight to any one host at a time.

    One ``asyncio.Semaphore`` per host, created on first use; hosts are compared
    case-insensitively without the port, since ports of one machine share its capacity.
    """

    def __init__(self, per_host: int) -> None:
        if per_host < 1:
            raise ValueError(f"per_host must be at least 1, got {per_host}")
        self.per_host = per_host
        self._semaphores: dict[str, asyncio.Semaphore] = {}

    def _semaphore(self, host: str) -> asyncio.Semaphore:
        key = host.lower()
        semaphore = self._semaphores.get(key)
        if semaphore is None:
            semaphore = self._semaphores[key] = asyncio.Semaphore(self.per_host)
        return semaphore

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of the host's slots for the duration of the ``async with`` block."""
        async with self._semaphore(host):
            yield
