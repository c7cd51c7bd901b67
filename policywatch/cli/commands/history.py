"""Commands that read history: history, show."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError


def history(
    ctx: typer.Context,
    slug: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List a policy's versions, oldest first, with a change summary each."""
    from rich.table import Table
    from policywatch.cli.output import console, print_json, when
    from policywatch.checking.summaries import refresh_summaries
    archive = app_context(ctx).archive
    policy = archive.policy(slug)
    refresh_summaries(archive, policy.id)
    versions = archive.versions(policy.id, with_text=False)
    if as_json:
        print_json([v.to_dict() for v in versions])
        return
    if not versions:
        console.print(f"No versions of {slug} yet: `policywatch check {slug}` or `policywatch backfill {slug}`.")
        return
    table = Table("#", "captured (UTC)", "source", "url", "size", "change")
    for v in versions:
        line = (v.summary or {}).get("line", "")
        table.add_row(str(v.number), when(v.captured_at), v.source, v.url,
                      f"{v.size:,} B", line)
    console.print(table)


def parse_day(value: str) -> datetime:
    """``YYYY-MM-DD`` -> the end of that day in UTC."""
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise UsageError(f"invalid date {value!r}: use YYYY-MM-DD") from None
    return datetime.combine(day, time.max, tzinfo=UTC)


def show(
    ctx: typer.Context,
    slug: str,
    version: Annotated[int | None, typer.Option("--version", "-n", help="Version number (1 = oldest, -1 = newest).")] = None,
    at: Annotated[str | None, typer.Option(help="The version in force on YYYY-MM-DD.")] = None,
) -> None:
    """Print a version's seed-style markdown (header included); default: the newest."""
    from policywatch.services.documents import version_document
    archive = app_context(ctx).reader
    policy = archive.policy(slug)
    if version is not None and at is not None:
        raise UsageError("give --version or --at, not both")
    if at is not None:
        record = archive.version_at(policy.id, parse_day(at))
    else:
        record = archive.version(policy.id, version if version is not None else -1)
    typer.echo(version_document(policy, record), nl=False)


def register(app: typer.Typer) -> None:
    app.command()(history)
    app.command()(show)
