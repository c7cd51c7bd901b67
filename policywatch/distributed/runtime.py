"""What a worker process holds while it runs jobs: archive, pipeline, fetcher, shared limits."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler import LiveFetcher, WaybackClient
from policywatch.alerts.hooks import alert_hooks
from policywatch.checking.backfill import backfill_policy
from policywatch.distributed.app import conninfo
from policywatch.distributed.limits import HostSlots, PostgresRateLimiter
from policywatch.checking.pipeline import Pipeline, make_fetcher
from policywatch.checking.reextract import reextract_policy
from policywatch.settings import Settings
from policywatch.checking.summaries import warm_up
from policywatch.checking.wayback_client import make_wayback_client
from storage import Archive, NotFound, PolicyRecord

log = logging.getLogger("policywatch.worker")


@dataclass
class WaybackLimiters:
    """The deployment-wide CDX and replay budgets."""

    cdx: PostgresRateLimiter
    replay: PostgresRateLimiter

    @classmethod
    def for_settings(cls, settings: Settings) -> WaybackLimiters:
        dsn = conninfo(settings.database_url)
        base = settings.wayback_url.rstrip("/")
        return cls(PostgresRateLimiter(dsn, f"{base} cdx", settings.cdx_per_second),
                   PostgresRateLimiter(dsn, f"{base} replay", settings.replay_per_second))

    def close(self) -> None:
        self.cdx.close()
        self.replay.close()


class WorkerRuntime:
    """Runs the work of ``check``, ``backfill`` and ``reextract`` jobs in one worker process.

    Use as ``async with WorkerRuntime(settings, concurrency=N)``: it opens the archive, one
    live fetcher shared by all jobs (its own per-host limit), the deployment-wide host slots
    and the Wayback limiters.
    """

    def __init__(self, settings: Settings, *, concurrency: int) -> None:
        self.settings = settings
        self.archive = Archive.open(settings.database_url)
        self.pipeline = Pipeline(settings, self.archive, hooks=alert_hooks(settings, self.archive))
        self.hosts = HostSlots(conninfo(settings.database_url), per_host=settings.per_host,
                               max_connections=concurrency)
        self.limiters = WaybackLimiters.for_settings(settings)
        self._fetcher: LiveFetcher | None = None
        self._wayback: WaybackClient | None = None

    async def __aenter__(self) -> WorkerRuntime:
        await asyncio.to_thread(warm_up)
        await self.hosts.open()
        self._fetcher = make_fetcher(self.settings)
        await self._fetcher.__aenter__()
        # One client for every backfill job of this worker: its connection pool is shared
        # and it is built once (building one blocks the event loop for a moment).
        self._wayback = make_wayback_client(self.settings, cdx_limiter=self.limiters.cdx,
                                            replay_limiter=self.limiters.replay)
        await self._wayback.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()
            self._fetcher = None
        await self.pipeline.aclose()
        if self._wayback is not None:
            await self._wayback.aclose()
            self._wayback = None
        await self.hosts.close()
        self.limiters.close()
        self.archive.close()

    @property
    def wayback(self) -> WaybackClient:
        """The worker's Wayback client (deployment-wide limits), for jobs of other modules."""
        assert self._wayback is not None, "use 'async with WorkerRuntime(...)'"
        return self._wayback

    async def _policy(self, policy_id: int) -> PolicyRecord | None:
        try:
            return await asyncio.to_thread(self.archive.policy_by_id, policy_id)
        except NotFound:
            return None

    async def check(self, policy_id: int) -> str:
        """Check one policy now (if it still exists and is active); returns the log line."""
        policy = await self._policy(policy_id)
        if policy is None:
            return f"policy {policy_id} no longer exists"
        if not policy.active:
            return f"{policy.slug}  paused, not checked"
        assert self._fetcher is not None, "use 'async with WorkerRuntime(...)'"
        async with self.hosts.slot(urlsplit(policy.url).hostname or policy.url):
            result = await self.pipeline.check(policy, self._fetcher)
        log.info("%s", result.line())
        return result.line()

    async def backfill(self, policy_id: int, *, from_: str | None = None, to: str | None = None,
                       every: str | None = None, follow_moves: bool = False) -> str:
        """Backfill one policy from the Wayback Machine under the deployment-wide limits
        (``follow_moves``: every URL its archived homepages linked to, see policywatch.checking.moves)."""
        policy = await self._policy(policy_id)
        if policy is None:
            return f"policy {policy_id} no longer exists"
        assert self._wayback is not None, "use 'async with WorkerRuntime(...)'"
        if follow_moves:
            from policywatch.checking.moves import DEFAULT_EVERY, backfill_following_moves

            result = await backfill_following_moves(self.archive, self._wayback, policy,
                                                    from_=from_, to=to,
                                                    every=every or DEFAULT_EVERY)
            line = f"{policy.slug}  " + "; ".join(x.strip() for x in result.lines())
            log.info("%s", line)
            return line
        progress = await backfill_policy(self.archive, self._wayback, policy, from_=from_, to=to,
                                         every=every, renderer=self.pipeline.renderer)
        line = f"{policy.slug}  {progress.line()}"
        log.info("%s", line)
        return line

    async def reextract(self, policy_id: int) -> str:
        """Re-extract one policy's snapshots and rebuild its history."""
        policy = await self._policy(policy_id)
        if policy is None:
            return f"policy {policy_id} no longer exists"
        done = await asyncio.to_thread(reextract_policy, self.archive, policy)
        line = f"{policy.slug}  {done.line()}"
        log.info("%s", line)
        return line
