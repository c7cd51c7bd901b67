"""``policywatch run --distributed``: the one scheduler of a deployment queues due checks.

It is the ordinary scheduler (same lease, same schedules, same catch-up after downtime)
with its check function replaced by ``CheckDispatcher``: a due policy becomes a queued
``check`` job (at most one waiting per policy) that some worker runs.
"""

from __future__ import annotations

from policywatch.distributed.app import ensure_schema, make_app
from policywatch.distributed.enqueue import CheckDispatcher
from policywatch.settings import Settings
from storage import Archive


async def run_distributed_scheduler(settings: Settings, archive: Archive, *,
                                    tick: float | None = None) -> None:
    """Hold the scheduler lease and queue checks on schedule until SIGINT/SIGTERM."""
    from policywatch.scheduling.scheduler import Scheduler

    ensure_schema(settings)
    app = make_app(settings)
    async with app.open_async():
        scheduler = Scheduler(settings, archive, tick=tick, check=CheckDispatcher(app))
        await scheduler.run()
