"""``policywatch run``: the unattended scheduler (checks on schedule, sends alerts)."""

from __future__ import annotations

from typing import Annotated

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError


def run(
    ctx: typer.Context,
    tick: Annotated[float | None, typer.Option(
        "--tick", help="Seconds between reads of the policy table (default: the "
        "scheduler_tick setting, 5). Policies added, paused or rescheduled take effect "
        "within one tick.")] = None,
    distributed: Annotated[bool, typer.Option("--distributed", help="Queue due checks for "
                           "`policywatch worker` processes (PostgreSQL) instead of running them.")] = False,
) -> None:
    """Check every active policy on its schedule until stopped (SIGINT/SIGTERM exit 0).

    Only one `run` may drive a database; a second one exits 1 naming the holder.
    Logs one line per check on stderr and delivers alerts.
    """
    import asyncio

    from policywatch.scheduling.scheduler import Scheduler
    if tick is not None and tick <= 0:
        raise UsageError("--tick must be more than 0 seconds")
    app = app_context(ctx)
    if distributed:
        from policywatch.distributed.central_scheduler import run_distributed_scheduler

        asyncio.run(run_distributed_scheduler(app.settings, app.archive, tick=tick))
        return
    scheduler = Scheduler(app.settings, app.archive, tick=tick)
    asyncio.run(scheduler.run())


def register(app: typer.Typer) -> None:
    app.command()(run)
