"""``policywatch run``: check every active policy on its own schedule, unattended.

Built on APScheduler 3 (``AsyncIOScheduler``), with the schedules living in the database:

- Every ``tick`` seconds the policy table is read and the jobs synchronised, so a policy
  added, paused, resumed or rescheduled while ``run`` is up takes effect without restart.
- Each policy gets a jittered trigger (``schedules.trigger_for``). On start (and when a
  policy is added or rescheduled) a policy whose last check is older than its interval,
  or that was never checked, is due now: missed runs after downtime become one catch-up
  check, spread over a few seconds. While running, ``coalesce`` folds late runs into one.
- A job only starts a check task; checks run concurrently under a global limit
  (``concurrency``) and the fetcher's per-host limit, so one slow site stalls nothing
  else. A policy whose previous check is still running is skipped, not queued twice.
- One ``run`` per database: a lease row (``lease`` table) renewed every third of
  ``lease_ttl``. A second ``run`` exits with a message naming the holder; a lease left by
  a process of this host that no longer exists (kill -9) is taken over at once.
- SIGINT/SIGTERM: no new checks start; in-flight ones get ``shutdown_grace`` seconds to
  finish, then are cancelled (each check writes in one transaction, so a cancelled check
  leaves nothing half-written); the lease is released and ``run`` returns normally.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from crawler import LiveFetcher
from policywatch.alerts.hooks import alert_hooks
from policywatch.alerts import Delivery
from policywatch.errors import AppError
from policywatch.checking.pipeline import CheckResult, Pipeline, make_fetcher
from policywatch.scheduling.schedules import cron_trigger, parse_interval, trigger_for
from policywatch.settings import Settings
from storage import Archive, LeaseHeld, Leases, NotFound, PolicyRecord, StorageError

log = logging.getLogger("policywatch.scheduling.scheduler")

LEASE_NAME = "scheduler"
CATCH_UP_SPREAD = 60.0  # at most this many seconds between the first and last catch-up check

CheckFunction = Callable[[PolicyRecord], Awaitable[CheckResult]]


class SchedulerBusy(AppError):
    """Another ``run`` holds this database's scheduler lease."""

    def __init__(self, message: str, *, holder: str) -> None:
        super().__init__(message)
        self.holder = holder


def lease_holder() -> str:
    """``host:pid`` of this process, as recorded in the lease."""
    return f"{socket.gethostname()}:{os.getpid()}"


def holder_is_dead(holder: str) -> bool:
    """True when ``holder`` names a process of this host that no longer exists."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def next_due(schedule: str, last_check_at: datetime | None, now: datetime) -> datetime:
    """When a policy is next due given its last check (``now`` if never checked)."""
    if last_check_at is None:
        return now
    interval = parse_interval(schedule)
    if interval is not None:
        return last_check_at + interval
    due = cron_trigger(schedule).get_next_fire_time(None, last_check_at)
    return due or now


def catch_up_spread(schedule: str, jitter: float) -> float:
    """Seconds over which overdue checks are spread: a share of the interval, at most a minute."""
    interval = parse_interval(schedule)
    seconds = interval.total_seconds() if interval else 3600.0
    return min(seconds * jitter, CATCH_UP_SPREAD)


class Scheduler:
    """Runs checks on schedule until stopped; see the module docstring."""

    def __init__(self, settings: Settings, archive: Archive, *, tick: float | None = None,
                 check: CheckFunction | None = None, holder: str | None = None) -> None:
        self.settings = settings
        self.archive = archive
        self.tick = tick if tick is not None else settings.scheduler_tick
        self.holder = holder or lease_holder()
        self.leases = Leases(archive)
        self.delivery = Delivery(settings, archive)
        self.pipeline = Pipeline(settings, archive,
                                 hooks=alert_hooks(settings, archive, delivery=self.delivery))
        self._check_function = check
        self._fetcher: LiveFetcher | None = None
        self._scheduler: AsyncIOScheduler | None = None
        self._schedules: dict[int, str] = {}  # policy id -> schedule its job was built from
        self._inflight: dict[int, asyncio.Task[None]] = {}
        self._limit = asyncio.Semaphore(settings.concurrency)
        self._stop: asyncio.Event | None = None
        self._stopping = False
        self.checks_started = 0

    # --- lifecycle ---------------------------------------------------------------------

    def acquire_lease(self) -> None:
        """Take the scheduler lease or raise SchedulerBusy naming who holds it."""
        ttl = timedelta(seconds=self.settings.lease_ttl)
        try:
            self.leases.acquire(LEASE_NAME, self.holder, ttl=ttl)
        except LeaseHeld as exc:
            if holder_is_dead(exc.holder):
                log.warning("taking over the lease of %s (that process is gone)", exc.holder)
                try:
                    self.leases.acquire(LEASE_NAME, self.holder, ttl=ttl, replace=exc.holder)
                    return
                except LeaseHeld as again:
                    exc = again
            current = self.leases.current(LEASE_NAME)
            until = f", lease until {current.expires_at:%Y-%m-%d %H:%M:%S} UTC" if current else ""
            raise SchedulerBusy(
                f"another `policywatch run` is already checking this database "
                f"(held by {exc.holder}{until}); stop it first", holder=exc.holder) from exc

    def stop(self) -> None:
        """Stop taking new work (the signal handler); a second call abandons in-flight checks."""
        if self._stopping:
            log.warning("second stop request: abandoning %d in-flight check(s)", len(self._inflight))
            for task in self._inflight.values():
                task.cancel()
            return
        self._stopping = True
        if self._stop is not None:
            self._stop.set()

    async def run(self) -> None:
        """Hold the lease, schedule and run checks until ``stop`` (or SIGINT/SIGTERM)."""
        await asyncio.to_thread(self.acquire_lease)
        loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        if self._stopping:
            self._stop.set()
        installed = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, self.stop)
                installed.append(sig)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread (tests) or not supported here
        lost_lease: LeaseHeld | None = None
        try:
            async with make_fetcher(self.settings) as fetcher:
                self._fetcher = fetcher
                self._scheduler = AsyncIOScheduler(
                    timezone="UTC", event_loop=loop,
                    job_defaults={"coalesce": True, "misfire_grace_time": None,
                                  "max_instances": 1})
                self._scheduler.start()
                log.info("scheduler started as %s (tick %.1fs, concurrency %d)", self.holder,
                         self.tick, self.settings.concurrency)
                await self._deliver()  # anything left over from a previous process
                lost_lease = await self._loop()
                self._scheduler.shutdown(wait=False)
                await self._finish_inflight()
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)
            self._fetcher = None
            await self.pipeline.aclose()
            if lost_lease is None:
                await asyncio.to_thread(self.leases.release, LEASE_NAME, self.holder)
        if lost_lease is not None:
            raise SchedulerBusy(f"lost the scheduler lease: {lost_lease}", holder=lost_lease.holder)
        log.info("scheduler stopped")

    async def _loop(self) -> LeaseHeld | None:
        """Synchronise jobs, renew the lease and deliver alerts every tick until stopped."""
        assert self._stop is not None
        renew_every = self.settings.lease_ttl / 3
        last_renewal = time.monotonic()
        while not self._stop.is_set():
            try:
                await self.sync()
                if time.monotonic() - last_renewal >= renew_every:
                    await asyncio.to_thread(self.leases.renew, LEASE_NAME, self.holder,
                                            ttl=timedelta(seconds=self.settings.lease_ttl))
                    last_renewal = time.monotonic()
                await self._deliver()
            except LeaseHeld as exc:
                log.error("lost the scheduler lease to %s; stopping", exc.holder)
                return exc
            except StorageError as exc:  # database briefly unreachable: try again next tick
                log.error("scheduler: %s", exc)
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=min(self.tick, renew_every))
            except TimeoutError:
                pass
        return None

    async def _finish_inflight(self) -> None:
        tasks = [t for t in self._inflight.values() if not t.done()]
        if tasks:
            log.info("stopping: waiting up to %.0fs for %d in-flight check(s)",
                     self.settings.shutdown_grace, len(tasks))
            _, pending = await asyncio.wait(tasks, timeout=self.settings.shutdown_grace)
            for task in pending:
                task.cancel()
            if pending:
                log.warning("stopping: abandoned %d check(s) still running", len(pending))
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _deliver(self) -> None:
        try:
            await self.delivery.deliver_due()
        except StorageError as exc:
            log.error("alert delivery: %s", exc)

    # --- jobs ----------------------------------------------------------------------------

    async def sync(self) -> None:
        """Make the jobs match the active policies and their schedules in the database."""
        assert self._scheduler is not None
        policies = await asyncio.to_thread(self.archive.policies, active=True)
        now = datetime.now(UTC)
        wanted = {p.id: p for p in policies}
        for policy_id in list(self._schedules):
            if policy_id not in wanted:
                if self._scheduler.get_job(_job_id(policy_id)) is not None:
                    self._scheduler.remove_job(_job_id(policy_id))
                del self._schedules[policy_id]
                log.info("policy %d no longer active: unscheduled", policy_id)
        for policy in policies:
            schedule = policy.schedule or self.settings.default_schedule
            if self._schedules.get(policy.id) == schedule:
                continue
            try:
                trigger = trigger_for(schedule, jitter=self.settings.jitter,
                                      min_interval=parse_interval(self.settings.min_interval))
            except (ValueError, AppError) as exc:
                log.error("%s: unusable schedule %r (%s); not scheduled", policy.slug, schedule, exc)
                if self._scheduler.get_job(_job_id(policy.id)) is not None:
                    self._scheduler.remove_job(_job_id(policy.id))
                self._schedules[policy.id] = schedule
                continue
            first = next_due(schedule, policy.last_check_at, now)
            if first <= now:
                first = now + timedelta(seconds=random.uniform(
                    0, catch_up_spread(schedule, self.settings.jitter)))
            self._scheduler.add_job(self._fire, trigger=trigger, id=_job_id(policy.id),
                                    name=policy.slug, kwargs={"policy_id": policy.id},
                                    next_run_time=first, replace_existing=True)
            self._schedules[policy.id] = schedule
            log.debug("%s: every %s, next check %s", policy.slug, schedule, first.isoformat())

    async def _fire(self, policy_id: int) -> None:
        """The APScheduler job: start a check task (jobs must return at once)."""
        if self._stopping:
            return
        running = self._inflight.get(policy_id)
        if running is not None and not running.done():
            log.info("policy %d: previous check still running, skipped", policy_id)
            return
        task = asyncio.create_task(self._check(policy_id), name=f"check-{policy_id}")
        self._inflight[policy_id] = task
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        for policy_id, running in list(self._inflight.items()):
            if running is task:
                del self._inflight[policy_id]

    async def _check(self, policy_id: int) -> None:
        async with self._limit:
            if self._stopping:
                return
            try:
                policy = await asyncio.to_thread(self.archive.policy_by_id, policy_id)
            except NotFound:
                return
            if not policy.active:
                return
            self.checks_started += 1
            started = time.monotonic()
            try:
                result = await self._run_check(policy)
            except asyncio.CancelledError:
                log.warning("%s  abandoned (stopping)", policy.slug)
                raise
            except Exception as exc:  # one broken check must not stop the scheduler
                log.error("%s  failed: %s: %s", policy.slug, type(exc).__name__, exc)
                return
            log.info("%s  (%.1fs)", result.line(), time.monotonic() - started)

    async def _run_check(self, policy: PolicyRecord) -> CheckResult:
        if self._check_function is not None:
            return await self._check_function(policy)
        assert self._fetcher is not None
        return await self.pipeline.check(policy, self._fetcher)


def _job_id(policy_id: int) -> str:
    return f"policy-{policy_id}"
