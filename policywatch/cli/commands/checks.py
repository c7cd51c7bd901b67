"""Commands that fetch now and show attempts: check, checks."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError


def check(
    ctx: typer.Context,
    slugs: Annotated[list[str] | None, typer.Argument(metavar="[SLUG]...", help="Policies to check.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Check every active policy.")] = False,
    ignore_robots: Annotated[bool, typer.Option("--ignore-robots", help="Fetch even where robots.txt disallows it.")] = False,
    render_now: Annotated[bool, typer.Option("--render-now", help="Render unchanged script shells again now (not only every render_refresh_days).")] = False,
) -> None:
    """Fetch policies now; prints one line per policy with the outcome."""
    import asyncio

    from policywatch.alerts.hooks import alert_hooks
    from policywatch.checking.pipeline import CheckResult, Pipeline
    from storage import Outcome
    app = app_context(ctx)
    logging.getLogger("policywatch.checking.pipeline").setLevel(logging.WARNING)  # one line per policy below
    if all_ and slugs:
        raise UsageError("give slugs or --all, not both")
    if not all_ and not slugs:
        raise UsageError("name at least one policy slug, or use --all")
    archive = app.archive
    policies = archive.policies(active=True) if all_ else [archive.policy(s) for s in slugs or []]
    pipeline = Pipeline(app.settings, archive, hooks=alert_hooks(app.settings, archive),
                        render_now=render_now)
    counts = {"checked": 0, "failed": 0}

    def show(result: CheckResult) -> None:  # streamed: no list of every result is kept
        typer.echo(result.line())
        counts["checked"] += 1
        counts["failed"] += result.outcome == Outcome.ERROR

    asyncio.run(pipeline.check_many(policies, on_result=show, keep=False,
                                    respect_robots=False if ignore_robots else None))
    if counts["checked"] and counts["failed"] == counts["checked"]:
        raise typer.Exit(1)


def checks(
    ctx: typer.Context,
    slug: str,
    limit: Annotated[int, typer.Option(help="How many attempts to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """Recent attempts for a policy, newest first, with outcome and error."""
    from rich.table import Table
    from policywatch.cli.output import console, print_json, when
    archive = app_context(ctx).archive
    policy = archive.policy(slug)
    rows = archive.checks(policy.id, limit=limit)
    if as_json:
        print_json([c.to_dict() for c in rows])
        return
    table = Table("time (UTC)", "source", "outcome", "render", "error")
    for c in rows:
        # The stored kind, then what it means in plain words and the details.
        error = f"{c.error_kind}: {c.problem}" if c.error_kind else c.problem
        table.add_row(when(c.started_at), c.source, c.outcome, c.render or "-", error)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(checks)
