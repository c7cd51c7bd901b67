"""Distributed mode commands: ``worker`` (run queued jobs), ``queue`` and ``queue-shell`` (inspect it)."""

from __future__ import annotations

from typing import Annotated

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError


def _queues(values: list[str] | None) -> list[str] | None:
    from policywatch.distributed.jobs import QUEUE_NAMES

    if not values:
        return None
    names = [q.strip() for v in values for q in v.split(",") if q.strip()]
    unknown = sorted(set(names) - set(QUEUE_NAMES))
    if unknown:
        raise UsageError(f"unknown queue(s) {', '.join(unknown)}: use {', '.join(QUEUE_NAMES)}")
    return names


def worker(
    ctx: typer.Context,
    concurrency: Annotated[int | None, typer.Option("--concurrency", "-c", help="Jobs run at "
                           "once (default: the worker_concurrency setting, 8).")] = None,
    queues: Annotated[list[str] | None, typer.Option("--queues", "-q", help="Queues to take "
                      "jobs from, comma-separated or repeated: checks, backfills, reextracts, "
                      "corpus, maintenance (default: all).")] = None,
    burst: Annotated[bool, typer.Option("--burst", help="Exit once the queues are empty.")] = False,
) -> None:
    """Run queued checks, backfills, re-extractions and corpus domains (PostgreSQL; stop
    with SIGINT/SIGTERM).

    Start any number of workers on any machines against the same database; one
    `policywatch run --distributed` queues the due checks.
    """
    import asyncio

    from policywatch.distributed.worker import run_worker

    if concurrency is not None and concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    app = app_context(ctx)
    names = _queues(queues)
    app.archive  # noqa: B018 -- opens the database and brings its schema up to date first
    asyncio.run(run_worker(app.settings, concurrency=concurrency, queues=names, burst=burst))


_COUNTS = """
SELECT queue_name, task_name, status::text, count(*)
  FROM procrastinate_jobs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
"""


def queue(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """Show queued, running and failed jobs per queue and task."""
    import psycopg
    from rich.table import Table
    from policywatch.cli.output import console, print_json
    from policywatch.distributed.app import conninfo, ensure_schema
    from policywatch.distributed.errors import QueueUnavailable

    settings = app_context(ctx).settings
    ensure_schema(settings)
    try:
        with psycopg.connect(conninfo(settings.database_url), connect_timeout=10) as conn:
            rows = conn.execute(_COUNTS).fetchall()
            workers = conn.execute("SELECT count(*) FROM procrastinate_workers").fetchone()
    except psycopg.Error as exc:
        raise QueueUnavailable(f"cannot read the job queue: {str(exc).strip()}") from exc
    if as_json:
        print_json({"workers": workers[0] if workers else 0,
                    "jobs": [{"queue": q, "task": t, "status": s, "count": n}
                             for q, t, s, n in rows]})
        return
    table = Table("queue", "task", "status", "jobs")
    for q, t, s, n in rows:
        table.add_row(q, t, s, str(n))
    console.print(table)
    console.print(f"{workers[0] if workers else 0} worker(s) alive")


def register(app: typer.Typer) -> None:
    app.command()(worker)
    app.command()(queue)
    app.command("queue-shell")(queue_shell)


def queue_shell(
    ctx: typer.Context,
    command: Annotated[list[str] | None, typer.Argument(metavar="[COMMAND]...", help="One shell "
                       "command to run (e.g. list_jobs status=failed), instead of the prompt.")] = None,
) -> None:
    """procrastinate's admin shell on this deployment's queue: list_jobs, retry, cancel, ..."""
    import asyncio

    from procrastinate.cli import shell_

    from policywatch.distributed.app import ensure_schema, make_app

    settings = app_context(ctx).settings
    ensure_schema(settings)
    app = make_app(settings)

    async def run() -> None:
        async with app.open_async():
            await shell_(app, command or [])

    asyncio.run(run())
