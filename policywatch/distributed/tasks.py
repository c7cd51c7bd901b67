"""The jobs workers run: ``check``, ``backfill``, ``reextract``, ``corpus`` (one domain, see
distributed/corpus.py), and stalled-job recovery.

Every job on a policy carries the lock ``policy:<id>``, so at most one job touches a policy
at a time across the deployment, and a queueing lock (``check:<id>``, ...) so at most one
of each kind waits in the queue per policy: enqueueing a check for a policy whose check is
already pending is a no-op.

A worker killed mid-job leaves its job in ``doing``; the periodic ``recover_stalled`` task
(run by whichever worker is alive) hands jobs of workers silent for ``stalled_after``
seconds back to the queue. Each check records in one transaction, so a retried check
cannot duplicate a version or an alert (alerts carry a dedupe key).
"""

from __future__ import annotations

import logging
from typing import Any

from procrastinate import App, JobContext, RetryStrategy

from policywatch.distributed.jobs import BACKFILL, CHECK, CORPUS, QUEUES, RECOVER, REEXTRACT
from policywatch.distributed.runtime import WorkerRuntime
from policywatch.settings import Settings

log = logging.getLogger("policywatch.worker")

# Database errors and crashes are retried a few times; site failures never raise (they
# are recorded as failed checks).
_RETRY = RetryStrategy(max_attempts=3, wait=10, exponential_wait=2)


def runtime_of(context: JobContext) -> WorkerRuntime:
    runtime = (context.additional_context or {}).get("runtime")
    if not isinstance(runtime, WorkerRuntime):
        raise RuntimeError("policywatch jobs run in `policywatch worker` (no runtime given)")
    return runtime


def recover_every(settings: Settings) -> int:
    """Seconds between two stalled-job sweeps: a third of ``stalled_after``, 1 to 59."""
    return max(1, min(59, int(settings.stalled_after / 3)))


def register_tasks(app: App, settings: Settings) -> None:
    """Register policywatch's tasks on ``app`` (the worker does; enqueuers go by name)."""

    @app.task(name=CHECK, queue=QUEUES[CHECK], pass_context=True, retry=_RETRY)
    async def check(context: JobContext, policy_id: int) -> str:
        return await runtime_of(context).check(policy_id)

    @app.task(name=BACKFILL, queue=QUEUES[BACKFILL], pass_context=True, retry=_RETRY)
    async def backfill(context: JobContext, policy_id: int, from_: str | None = None,
                       to: str | None = None, every: str | None = None,
                       follow_moves: bool = False) -> str:
        return await runtime_of(context).backfill(policy_id, from_=from_, to=to, every=every,
                                                  follow_moves=follow_moves)

    @app.task(name=REEXTRACT, queue=QUEUES[REEXTRACT], pass_context=True, retry=_RETRY)
    async def reextract(context: JobContext, policy_id: int) -> str:
        return await runtime_of(context).reextract(policy_id)

    @app.task(name=CORPUS, queue=QUEUES[CORPUS], pass_context=True, retry=_RETRY)
    async def corpus(context: JobContext, corpus: str, domain: str, from_: str | None = None,
                     to: str | None = None, every: str = "6mo") -> str:
        from policywatch.distributed.corpus import run_corpus_job

        return await run_corpus_job(runtime_of(context), context.app, corpus, domain,
                                    from_=from_, to=to, every=every)

    stalled_after = settings.stalled_after

    @app.periodic(cron=f"* * * * * */{recover_every(settings)}", periodic_id="stalled")
    @app.task(name=RECOVER, queue=QUEUES[RECOVER], pass_context=True)
    async def recover_stalled(context: JobContext, timestamp: int) -> int:
        manager = context.app.job_manager
        stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after))
        for job in stalled:
            log.warning("job %s (%s %s) was running on a worker that stopped responding: "
                        "retrying it", job.id, job.task_name, _args(job.task_kwargs))
            await manager.retry_job(job)
        return len(stalled)


def _args(kwargs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in kwargs.items())
