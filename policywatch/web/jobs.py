"""Long admin actions started from the web UI (check now, backfill), run off the request.

Each job runs its coroutine with ``asyncio.run`` on a thread of its own, so it outlives the
request that started it (and the request's event loop) and never blocks the server's loop.
The request waits a bounded time (``JobRegistry.wait``) and then shows the job as running
or finished; the policy's manage page lists its recent jobs with their outcome. One job of
a kind runs per policy at a time. Jobs live in memory: a restart forgets them (what they
recorded stays in the archive).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

KEEP_JOBS = 200  # finished jobs remembered, newest first


@dataclass
class Job:
    """One admin action: what, on which policy, and how it ended (``outcome`` or ``error``)."""

    id: str
    kind: str  # "check" | "backfill"
    slug: str
    started_at: datetime
    finished_at: datetime | None = None
    outcome: str | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def running(self) -> bool:
        return not self.done.is_set()


class JobRegistry:
    """The app's jobs (``app.state.jobs``)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, kind: str, slug: str, work: Callable[[], Coroutine[Any, Any, str]]) -> Job:
        """Run ``work()`` (a coroutine returning the outcome line) on its own thread; a job of
        the same kind already running on ``slug`` is returned instead of starting another."""
        with self._lock:
            for job in self._jobs.values():
                if job.kind == kind and job.slug == slug and job.running:
                    return job
            job = Job(id=uuid.uuid4().hex[:12], kind=kind, slug=slug, started_at=datetime.now(UTC))
            self._jobs[job.id] = job
            finished = sorted((j for j in self._jobs.values() if not j.running),
                              key=lambda j: j.started_at)
            for old in finished[:max(len(self._jobs) - KEEP_JOBS, 0)]:
                del self._jobs[old.id]

        def run() -> None:
            try:
                job.outcome = asyncio.run(work())
            except Exception as exc:  # shown on the page; the server keeps running
                log.warning("%s of %s failed: %s", kind, slug, exc)
                job.error = str(exc) or type(exc).__name__
            finally:
                job.finished_at = datetime.now(UTC)
                job.done.set()

        threading.Thread(target=run, name=f"policywatch-{kind}-{slug}", daemon=True).start()
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def of(self, slug: str) -> list[Job]:
        """The policy's jobs, newest first."""
        return sorted((j for j in self._jobs.values() if j.slug == slug),
                      key=lambda j: j.started_at, reverse=True)

    async def wait(self, job: Job, seconds: float) -> bool:
        """Wait up to ``seconds`` for ``job`` without blocking the event loop; True when done."""
        return await asyncio.to_thread(job.done.wait, seconds)
