"""Limits shared by every worker of a deployment, kept in PostgreSQL.

- ``PostgresRateLimiter`` implements the crawler's ``RateLimiter`` protocol (``acquire``,
  ``pause``) over one row of the ``rate_limit`` table: each ``acquire`` books the next free
  slot with one atomic UPDATE (the row lock serialises concurrent bookers on any machine)
  and sleeps until it; ``pause`` moves every future slot past the pause. Times come from
  the database clock, so machines with skewed clocks still space requests correctly.
- ``HostSlots`` caps requests in flight to one host across the deployment with
  ``per_host`` advisory locks per host; a worker that dies releases its locks with its
  connection.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import zlib
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import psycopg
from psycopg_pool import AsyncConnectionPool

log = logging.getLogger("policywatch.distributed")

# Namespace (first key) of policywatch's two-key advisory locks for host slots.
_HOST_LOCK_SPACE = 0x7077

_BOOK = """
INSERT INTO rate_limit (name, next_at, paused_until)
VALUES (%(name)s, clock_timestamp() + make_interval(secs => %(interval)s), clock_timestamp())
ON CONFLICT (name) DO UPDATE
   SET next_at = GREATEST(rate_limit.next_at, rate_limit.paused_until, clock_timestamp())
                 + make_interval(secs => %(interval)s)
RETURNING EXTRACT(EPOCH FROM (next_at - make_interval(secs => %(interval)s)
                              - clock_timestamp()))::float8
"""
_PAUSE = """
INSERT INTO rate_limit (name, next_at, paused_until)
VALUES (%(name)s, clock_timestamp() + make_interval(secs => %(seconds)s),
        clock_timestamp() + make_interval(secs => %(seconds)s))
ON CONFLICT (name) DO UPDATE
   SET paused_until = GREATEST(rate_limit.paused_until, EXCLUDED.paused_until),
       next_at = GREATEST(rate_limit.next_at, EXCLUDED.paused_until)
"""
_PAUSED_FOR = """
SELECT GREATEST(EXTRACT(EPOCH FROM (paused_until - clock_timestamp()))::float8, 0)
  FROM rate_limit WHERE name = %(name)s
"""


class PostgresRateLimiter:
    """At most ``rate_per_second`` request starts per second for ``name``, deployment-wide."""

    def __init__(self, conninfo: str, name: str, rate_per_second: float) -> None:
        if not rate_per_second > 0:
            raise ValueError(f"rate_per_second must be positive, got {rate_per_second!r}")
        self.conninfo = conninfo
        self.name = name
        self.rate_per_second = float(rate_per_second)
        self.interval = 1.0 / self.rate_per_second
        self._conn: psycopg.Connection | None = None
        self._lock = threading.Lock()
        # Its own thread: behind extraction work in the default executor, a booked slot
        # would be answered late and requests would bunch up.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rate-limit")

    def _execute(self, query: str, params: dict[str, object]) -> tuple | None:
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._conn is None or self._conn.closed:
                        self._conn = psycopg.connect(self.conninfo, autocommit=True,
                                                     connect_timeout=10)
                    return self._conn.execute(query, params).fetchone()  # type: ignore[arg-type]
                except psycopg.OperationalError:
                    self._conn = None  # reconnect once (server restart, idle timeout)
                    if attempt == 2:
                        raise
        return None

    def _book(self) -> float:
        """Reserve the next slot; returns seconds until it starts (<= 0: now)."""
        params = {"name": self.name, "interval": self.interval}
        row = self._execute(_BOOK, params)
        assert row is not None
        return float(row[0])

    async def acquire(self) -> None:
        """Wait for this deployment's next free slot (and out any pause declared meanwhile)."""
        loop = asyncio.get_running_loop()
        while True:
            delay = await loop.run_in_executor(self._executor, self._book)
            if delay <= 0:
                return  # the booking already waited out any pause
            await asyncio.sleep(delay)
            params: dict[str, object] = {"name": self.name}
            paused = await loop.run_in_executor(self._executor, self._execute, _PAUSED_FOR, params)
            if not paused or float(paused[0]) <= 0:
                return

    def pause(self, seconds: float) -> None:
        """No worker starts a request for ``seconds`` (after a 429 from the endpoint)."""
        if seconds <= 0:
            return
        try:
            self._execute(_PAUSE, {"name": self.name, "seconds": float(seconds)})
        except psycopg.Error as exc:  # the caller is handling a 429: never fail it here
            log.error("could not record a pause of %s: %s", self.name, exc)

    def close(self) -> None:
        self._executor.shutdown(wait=False)
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __repr__(self) -> str:
        return f"PostgresRateLimiter({self.name!r}, {self.rate_per_second!r}/s)"


def _host_key(host: str, slot: int) -> int:
    """A signed 32-bit advisory-lock key for one slot of one host."""
    value = zlib.crc32(f"{host.lower()}#{slot}".encode())
    return value - 2**32 if value >= 2**31 else value


class HostSlots:
    """At most ``per_host`` checks in flight per host across every worker of a deployment."""

    def __init__(self, conninfo: str, *, per_host: int, max_connections: int,
                 poll: float = 0.2) -> None:
        if per_host < 1:
            raise ValueError(f"per_host must be at least 1, got {per_host}")
        self.per_host = per_host
        self.poll = poll
        self._pool = AsyncConnectionPool(conninfo, min_size=0, max_size=max(max_connections, 1),
                                         kwargs={"autocommit": True}, open=False)

    async def open(self) -> None:
        await self._pool.open()

    async def close(self) -> None:
        await self._pool.close()

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Hold one of ``host``'s deployment-wide slots for the ``async with`` block."""
        async with self._pool.connection() as conn:
            key = await self._take(conn, host)
            try:
                yield
            finally:
                try:
                    await conn.execute("SELECT pg_advisory_unlock(%s, %s)", (_HOST_LOCK_SPACE, key))
                except psycopg.Error:
                    pass  # a broken connection is discarded by the pool: the lock went with it

    async def _take(self, conn: psycopg.AsyncConnection, host: str) -> int:
        slots = list(range(self.per_host))
        while True:
            random.shuffle(slots)
            for slot in slots:
                key = _host_key(host, slot)
                row = await (await conn.execute("SELECT pg_try_advisory_lock(%s, %s)",
                                                (_HOST_LOCK_SPACE, key))).fetchone()
                if row and row[0]:
                    return key
            await asyncio.sleep(self.poll * random.uniform(0.5, 1.5))
