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

    GCRA (a token bucket expressed as a "theoretical arrival time"), checked when a
    caller is actually released rather than booked in advance: a waiter that wakes late
    (busy event loop, loaded machine) re-checks under the lock, so late wake-ups never
    bunch into a burst the server would see. The thread lock makes one limiter usable
    across tasks, event loops and threads of a process. With the default ``burst=1``
    consecutive starts are at least ``1 / rate_per_second`` apart.
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
        self._tat = float("-inf")  # theoretical arrival time of the next conforming request
        self._paused_until = float("-inf")

    @property
    def paused_until(self) -> float:
        """``time.monotonic()`` value before which no request starts."""
        return self._paused_until

    def _try_release(self) -> float:
        """Release one request now (returns 0) or say how long to wait before retrying."""
        with self._lock:
            now = time.monotonic()
            earliest = max(self._tat - self._tolerance, self._paused_until)
            if now < earliest:
                return earliest - now
            self._tat = max(self._tat, now) + self._interval
            return 0.0

    async def acquire(self) -> None:
        """Wait until one more request may start."""
        while True:
            delay = self._try_release()
            if delay <= 0:
                return
            await asyncio.sleep(delay)

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
