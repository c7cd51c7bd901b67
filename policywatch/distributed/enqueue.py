"""Putting work on the queue: checks (the scheduler), backfills and re-extractions (CLI)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field

from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import JobDeferrer
from procrastinate.types import JSONValue

from policywatch.checking.pipeline import CheckResult, Dispatched
from policywatch.distributed.app import ensure_schema, make_app
from policywatch.distributed.jobs import CHECK, KINDS, QUEUES, policy_lock, queueing_lock
from policywatch.settings import Settings
from storage import PolicyRecord


@dataclass
class Enqueued:
    """Jobs created, and policies skipped because the same job was already waiting."""

    jobs: dict[int, int] = field(default_factory=dict)  # policy id -> job id
    already_queued: list[int] = field(default_factory=list)

    def line(self, what: str) -> str:
        return (f"{len(self.jobs)} {what} jobs queued, "
                f"{len(self.already_queued)} already waiting in the queue")


_WAITING = """
SELECT queueing_lock FROM procrastinate_jobs
 WHERE status = 'todo' AND queueing_lock = ANY(%(locks)s)
"""
BATCH = 500


def _deferrer(app: App, task_name: str, policy_id: int) -> JobDeferrer:
    """By name: the enqueuer need not import the tasks (nor the worker they run in)."""
    kind = KINDS[task_name]
    return app.configure_task(task_name, queue=QUEUES[task_name], lock=policy_lock(policy_id),
                              queueing_lock=queueing_lock(kind, policy_id))


async def enqueue_one(app: App, task_name: str, policy_id: int, **kwargs: JSONValue) -> int | None:
    """Queue ``task_name`` for one policy; None when one is already waiting for it."""
    try:
        return await _deferrer(app, task_name, policy_id).defer_async(policy_id=policy_id, **kwargs)
    except AlreadyEnqueued:
        return None


async def enqueue_many(app: App, task_name: str, policy_ids: Iterable[int],
                       **kwargs: JSONValue) -> Enqueued:
    """Queue one job per policy, in batches of ``BATCH`` inserts; see ``enqueue_one``.

    Policies whose job already waits are skipped up front; if one is queued by someone
    else in the meantime, its batch is retried one job at a time.
    """
    out = Enqueued()
    ids = list(dict.fromkeys(policy_ids))
    kind = KINDS[task_name]
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        rows = await app.connector.execute_query_all_async(
            _WAITING, locks=[queueing_lock(kind, p) for p in chunk])
        waiting = {r["queueing_lock"] for r in rows}
        todo = [p for p in chunk if queueing_lock(kind, p) not in waiting]
        out.already_queued.extend(p for p in chunk if queueing_lock(kind, p) in waiting)
        jobs = [_deferrer(app, task_name, p).make_new_job(policy_id=p, **kwargs)  # type: ignore[arg-type]
                for p in todo]
        if not jobs:
            continue
        try:
            done = await app.job_manager.batch_defer_jobs_async(jobs)
        except AlreadyEnqueued:
            for policy_id in todo:
                job_id = await enqueue_one(app, task_name, policy_id, **kwargs)
                if job_id is None:
                    out.already_queued.append(policy_id)
                else:
                    out.jobs[policy_id] = job_id
            continue
        for policy_id, job in zip(todo, done, strict=True):
            assert job.id is not None
            out.jobs[policy_id] = job.id
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
            return CheckResult(policy, Dispatched.ALREADY_QUEUED, "a check is already waiting")
        return CheckResult(policy, Dispatched.QUEUED, f"job {job}")


def queue_jobs(settings: Settings, task_name: str, policy_ids: Iterable[int],
               **kwargs: JSONValue) -> Enqueued:
    """From a command: install the queue if needed, then queue one job per policy."""
    ensure_schema(settings)
    app = make_app(settings)

    async def run() -> Enqueued:
        async with app.open_async():
            return await enqueue_many(app, task_name, policy_ids, **kwargs)

    return asyncio.run(run())
