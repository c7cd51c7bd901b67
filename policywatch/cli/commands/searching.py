"""``search``: full-text search across every version of every policy."""

from __future__ import annotations

from typing import Annotated

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError


def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='Words and "quoted phrases"; every one must occur.')],
    policy: Annotated[str | None, typer.Option("--policy", "-p", help="Only this policy (slug).")] = None,
    oldest: Annotated[bool, typer.Option("--oldest", help="Oldest first: when did a policy first say it.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Results to show.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
) -> None:
    """Find versions whose text says QUERY, with the policy, version, date and clause."""
    if limit < 1:
        raise UsageError("--limit must be 1 or more")
    archive = app_context(ctx).archive
    if policy is not None:
        archive.policy(policy)
    try:
        hits, total = archive.search(query, slug=policy, limit=limit, oldest_first=oldest)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if as_json:
        from policywatch.cli.output import print_json
        print_json({"query": query, "total": total, "results": [h.to_dict() for h in hits]})
        return
    if not hits:
        typer.echo(f"no version says {query!r}")
        return
    for h in hits:
        where = f" · {h.section}" if h.section else ""
        typer.echo(f"{h.slug} v{h.number}  {h.captured_at:%Y-%m-%d}  {h.source}{where}")
        typer.echo(f"    {h.clause}")
    shown = f"{len(hits)} of {total}" if total > len(hits) else str(total)
    typer.echo(f"{shown} version{'s' if total != 1 else ''}")


def register(app: typer.Typer) -> None:
    app.command()(search)
