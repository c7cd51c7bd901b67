"""Wayback history and exports: ``backfill`` and ``export``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rich.progress import TaskID

    from policywatch.cli.context import AppContext
    from storage import PolicyRecord


def _bound(value: str | None, *, end: bool) -> str | None:
    from crawler import parse_date_bound
    if value is None:
        return None
    try:
        return parse_date_bound(value, end=end)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def backfill(
    ctx: typer.Context,
    slugs: Annotated[list[str] | None, typer.Argument(metavar="[SLUG]...")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every active policy.")] = False,
    from_: Annotated[str | None, typer.Option("--from", help="Oldest capture: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    to: Annotated[str | None, typer.Option(help="Newest capture: YYYY, YYYY-MM or YYYY-MM-DD.")] = None,
    every: Annotated[str | None, typer.Option(help="Keep one capture per interval: 30d, 2w, 6mo, 1y (d, w, mo, y).")] = None,
    distributed: Annotated[bool, typer.Option("--distributed", help="Queue one job per policy "
                           "for `policywatch worker` processes (PostgreSQL) instead.")] = False,
    follow_moves: Annotated[bool, typer.Option("--follow-moves", help="Find the policy link "
                            "on the site's archived homepages (one per --every, default 6mo) "
                            "and backfill every URL the policy had.")] = False,
) -> None:
    """Fetch a policy's past versions from the Wayback Machine into its timeline."""
    import asyncio
    import sys

    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
    from policywatch.checking.backfill import BackfillProgress, backfill_policy
    from policywatch.cli.output import err_console
    from policywatch.checking.wayback_client import make_wayback_client
    app = app_context(ctx)
    if all_ == bool(slugs):
        raise UsageError("name policy slugs or use --all")
    start, end = _bound(from_, end=False), _bound(to, end=True)
    if start and end and start > end:
        raise UsageError(f"--from {from_} is after --to {to}")
    if follow_moves:
        from policywatch.checking.moves import DEFAULT_EVERY
        every = every or DEFAULT_EVERY
    if every:
        from policywatch.intervals import sampling_period
        sampling_period(every)  # UsageError naming the grammar, before any work
    archive = app.archive
    # --all streams the policies a page at a time (a long run holds one page, not the list).
    policies: Iterable[PolicyRecord] = (archive.iter_policies(active=True) if all_
                                        else [archive.policy(s) for s in slugs or []])
    if follow_moves and not distributed:
        _follow_moves(app, policies, start, end, every)
        return
    if distributed:
        from policywatch.distributed.enqueue import queue_jobs
        from policywatch.distributed.jobs import BACKFILL

        extra = {"follow_moves": True} if follow_moves else {}
        queued = queue_jobs(app.settings, BACKFILL, [p.id for p in policies],
                            from_=start, to=end, every=every, **extra)
        typer.echo(queued.line("backfill"))
        return

    async def run() -> None:
        """Streamed: each policy's line is printed when it is done and its bar removed, so
        neither results nor progress tasks pile up over a long ``--all``."""
        from policywatch.checking.rendering import Renderer
        renderer = Renderer(app.settings)  # its browser starts on the first shell capture
        async with make_wayback_client(app.settings) as client:
            with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[counts]}"),
                          TimeElapsedColumn(), console=err_console, transient=True,
                          # lines above the bar on a terminal; into the file when redirected
                          redirect_stdout=sys.stdout.isatty()) as bar:
                for policy in policies:
                    task = bar.add_task(policy.slug, total=None, counts="searching the archive")

                    def show(p: BackfillProgress, task: TaskID = task) -> None:
                        bar.update(task, total=max(p.found - p.skipped, 1),
                                   completed=p.fetched + p.errors,
                                   counts=f"{p.found} found, {p.fetched} fetched, "
                                          f"{p.new_versions} new versions, {p.errors} errors")
                    result = await backfill_policy(archive, client, policy, from_=start, to=end,
                                                   every=every, on_progress=show,
                                                   renderer=renderer)
                    bar.remove_task(task)
                    typer.echo(f"{policy.slug}  {result.line()}")
        await renderer.aclose()

    asyncio.run(run())


def _follow_moves(app: AppContext, policies: Iterable[PolicyRecord], start: str | None,
                  end: str | None, every: str | None) -> None:
    import asyncio
    import sys

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    from policywatch.checking.backfill import BackfillProgress
    from policywatch.checking.moves import FollowResult, backfill_following_moves
    from policywatch.cli.output import err_console
    from policywatch.checking.wayback_client import make_wayback_client

    async def run() -> None:
        """Streamed like ``backfill``: lines printed as policies finish, bars removed."""
        async with make_wayback_client(app.settings) as client:
            with Progress(TextColumn("{task.description}"), BarColumn(),
                          TextColumn("{task.fields[counts]}"), TimeElapsedColumn(),
                          console=err_console, transient=True,
                          redirect_stdout=sys.stdout.isatty()) as bar:
                for policy in policies:
                    task = bar.add_task(policy.slug, total=None, counts="reading archived homepages")

                    def show(url: str, p: BackfillProgress, task: TaskID = task) -> None:
                        bar.update(task, total=max(p.found - p.skipped, 1),
                                   completed=p.fetched + p.errors,
                                   counts=f"{url}: {p.found} found, {p.fetched} fetched, "
                                          f"{p.new_versions} new versions")
                    result: FollowResult = await backfill_following_moves(
                        app.archive, client, policy, from_=start, to=end, every=every,
                        on_progress=show)
                    bar.remove_task(task)
                    lines = result.lines()
                    typer.echo(f"{policy.slug}  {lines[0]}")
                    for line in lines[1:]:
                        typer.echo(line)

    asyncio.run(run())


def export(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(metavar="DIR")],
    slugs: Annotated[list[str] | None, typer.Argument(metavar="[SLUG]...")] = None,
    fmt: Annotated[str, typer.Option("--format", help="seed (DIR/DOMAIN/YYYY-MM-DD.md) or jsonl (DIR/SLUG.jsonl).")] = "seed",
) -> None:
    """Write every version of policies to files, as seed markdown or JSON lines."""
    from policywatch.services.export import FORMATS, export_versions
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}: use {' or '.join(FORMATS)}")
    archive = app_context(ctx).archive
    policies = [archive.policy(s) for s in slugs] if slugs else archive.policies()
    written = export_versions(archive, policies, directory, fmt)
    typer.echo(f"{written} version{'s' * (written != 1)} of {len(policies)} "
               f"polic{'ies' if len(policies) != 1 else 'y'} written to {directory}")


def register(app: typer.Typer) -> None:
    app.command()(backfill)
    app.command()(export)
