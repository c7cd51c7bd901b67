"""Putting work on the queue: checks (the scheduler), backfills and re-extractions (CLI)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued

from policywatch.distributed.app import ensure_schema, make_app
from policywatch.distributed.tasks import (
    BACKFILL,
    CHECK,
    REEXTRACT,
    policy_lock,
    queueing_lock,
)
from policywatch.pipeline import CheckResult
from policywatch.settings import Settings
from storage import PolicyRecord

_KINDS = {CHECK: "check", BACKFILL: "backfill", REEXTRACT: "reextract"}


@dataclass
class Enqueued:
    """Jobs created, and policies skipped because the same job was already waiting."""

    jobs: dict[int, int] = field(default_factory=dict)  # policy id -> job id
    already_queued: list[int] = field(default_factory=list)

    def line(self, what: str) -> str:
        return (f"{len(self.jobs)} {what} jobs queued, "
                f"{len(self.already_queued)} already waiting in the queue")


async def enqueue_one(app: App, task_name: str, policy_id: int, **kwargs: object) -> int | None:
    """Queue ``task_name`` for one policy; None when one is already waiting for it."""
    kind = _KINDS[task_name]
    deferrer = app.tasks[task_name].configure(
        lock=policy_lock(policy_id), queueing_lock=queueing_lock(kind, policy_id))
    try:
        return await deferrer.defer_async(policy_id=policy_id, **kwargs)
    except AlreadyEnqueued:
        return None


async def enqueue_many(app: App, task_name: str, policy_ids: Iterable[int], *,
                       parallel: int = 8, **kwargs: object) -> Enqueued:
    """Queue one job per policy (``parallel`` inserts at a time); see ``enqueue_one``."""
    out = Enqueued()
    limit = asyncio.Semaphore(parallel)

    async def one(policy_id: int) -> None:
        async with limit:
            job = await enqueue_one(app, task_name, policy_id, **kwargs)
        if job is None:
            out.already_queued.append(policy_id)
        else:
            out.jobs[policy_id] = job

    await asyncio.gather(*(one(p) for p in policy_ids))
    return out


async def enqueue_due_checks(app: App, policies: Iterable[PolicyRecord]) -> Enqueued:
    """Queue a check for each policy that is due (the caller decides which are)."""
    return await enqueue_many(app, CHECK, [p.id for p in policies])


class CheckDispatcher:
    """The scheduler's check function in distributed mode: queue the check, do not run it."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, policy: PolicyRecord) -> CheckResult:
        job = await enqueue_one(self.app, CHECK, policy.id)
        if job is None:
            return CheckResult(policy, "already-queued", "a check is already waiting")
        return CheckResult(policy, "queued", f"job {job}")


def queue_jobs(settings: Settings, task_name: str, policy_ids: Iterable[int],
               **kwargs: object) -> Enqueued:
    """From a command: install the queue if needed, then queue one job per policy."""
    ensure_schema(settings)
    app = make_app(settings)

    async def run() -> Enqueued:
        async with app.open_async():
            return await enqueue_many(app, task_name, policy_ids, **kwargs)

    return asyncio.run(run())
