"""Request-rate limits: the protocol the Wayback client uses and an in-process token bucket."""

from __future__ import annotations

import asyncio
import threading
import time
import weakref
from typing import Protocol, runtime_checkable


@runtime_checkable
class RateLimiter(Protocol):
    """Spaces requests to one endpoint; shared by every task that talks to it.

    ``acquire`` waits until one more request may start. ``pause`` stops every holder of the
    limiter from starting requests for ``seconds`` (after a 429). A deployment-wide
    implementation (e.g. backed by PostgreSQL) only has to provide these two methods.
    """

    async def acquire(self) -> None: ...

    def pause(self, seconds: float) -> None: ...


class TokenBucketLimiter:
    """At most ``rate_per_second`` starts per second, ``burst`` of them back to back.

    Implemented as GCRA (a token bucket expressed as a "theoretical arrival time"): each
    caller reserves the next free slot under a thread lock and sleeps until it, so the
    limiter works across tasks, event loops and threads of one process. With the default
    ``burst=1`` consecutive starts are at least ``1 / rate_per_second`` apart.
    """

    def __init__(self, rate_per_second: float, *, burst: int = 1) -> None:
        if not rate_per_second > 0:
            raise ValueError(f"rate_per_second must be positive, got {rate_per_second!r}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst!r}")
        self.rate_per_second = float(rate_per_second)
        self.burst = burst
        self._interval = 1.0 / self.rate_per_second
        self._tolerance = (burst - 1) * self._interval
        self._lock = threading.Lock()
        self._tat = 0.0  # theoretical arrival time of the next conforming request
        self._paused_until = 0.0

    @property
    def paused_until(self) -> float:
        """``time.monotonic()`` value before which no request starts (0 if never paused)."""
        return self._paused_until

    def _reserve(self, now: float) -> float:
        """Book the next slot at or after ``now`` and return its start time."""
        with self._lock:
            slot = max(now, self._tat - self._tolerance, self._paused_until)
            self._tat = max(self._tat, slot) + self._interval
            return slot

    async def acquire(self) -> None:
        """Wait for a slot; if a pause is declared while waiting, wait for the pause too."""
        while True:
            slot = self._reserve(time.monotonic())
            delay = slot - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if time.monotonic() >= self._paused_until:
                return

    def pause(self, seconds: float) -> None:
        """Start nothing for ``seconds`` from now, then resume at the steady rate (no burst)."""
        if seconds <= 0:
            return
        with self._lock:
            until = time.monotonic() + seconds
            if until > self._paused_until:
                self._paused_until = until
            # Resume one request at a time after the pause instead of a full burst.
            self._tat = max(self._tat, self._paused_until + self._tolerance)

    def __repr__(self) -> str:
        return f"TokenBucketLimiter({self.rate_per_second!r}, burst={self.burst!r})"


_PROCESS_LIMITERS: weakref.WeakValueDictionary[tuple[str, float], TokenBucketLimiter] = (
    weakref.WeakValueDictionary())
_PROCESS_LOCK = threading.Lock()


def process_limiter(name: str, rate_per_second: float) -> TokenBucketLimiter:
    """The TokenBucketLimiter every live holder in this process shares for ``name``.

    Clients built without explicit limiters use this, so two clients of the same endpoint
    alive at once never add up their rates. The registry holds limiters weakly: once no
    client holds one, the next call starts afresh.
    """
    key = (name, float(rate_per_second))
    with _PROCESS_LOCK:
        limiter = _PROCESS_LIMITERS.get(key)
        if limiter is None:
            limiter = TokenBucketLimiter(rate_per_second)
            _PROCESS_LIMITERS[key] = limiter
        return limiter
