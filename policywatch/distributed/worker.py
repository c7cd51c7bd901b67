"""``policywatch worker``: run jobs from the queue until stopped."""

from __future__ import annotations

import logging
import os
import socket

from policywatch.distributed.app import ensure_schema, make_app
from policywatch.distributed.runtime import WorkerRuntime
from policywatch.distributed.tasks import register_tasks
from policywatch.settings import Settings

log = logging.getLogger("policywatch.worker")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def run_worker(settings: Settings, *, concurrency: int | None = None,
                     queues: list[str] | None = None, burst: bool = False) -> None:
    """Execute jobs with ``concurrency`` at a time until SIGINT/SIGTERM (or, with
    ``burst``, until the queues are empty); in-flight jobs finish before it returns."""
    ensure_schema(settings)
    concurrency = concurrency or settings.worker_concurrency
    app = make_app(settings)
    register_tasks(app, settings)
    async with WorkerRuntime(settings, concurrency=concurrency) as runtime, app.open_async():
        log.info("worker %s started (concurrency %d, queues %s)", worker_name(), concurrency,
                 ", ".join(queues) if queues else "all")
        await app.run_worker_async(
            name=worker_name(), concurrency=concurrency, wait=not burst,
            queues=queues,  # type: ignore[arg-type]  # None (every queue) is what Worker takes
            additional_context={"runtime": runtime},
            update_heartbeat_interval=settings.worker_heartbeat,
            stalled_worker_timeout=settings.stalled_after,
            # Finished jobs are kept for `procrastinate` inspection unless they succeeded.
            delete_jobs="successful",
        )
    log.info("worker %s stopped", worker_name())
