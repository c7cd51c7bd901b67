"""Commands that manage the watch list: add, list, pause, resume, schedule, render."""

from __future__ import annotations

import sys
from typing import Annotated
from urllib.parse import urlsplit

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError


def is_homepage(url: str) -> bool:
    """True for a bare domain or a site root: those go through policy discovery."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def add(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="URL_OR_DOMAIN",
                      help="Policy URL (used as is) or a domain/homepage (the policy link is found).")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the domain).")] = None,
    every: Annotated[str | None, typer.Option(help="Schedule: 30m, 6h, 1d, 1w or a cron expression.")] = None,
    select: Annotated[str | None, typer.Option(help="CSS selector(s) of the policy text.")] = None,
    remove: Annotated[str | None, typer.Option(help="CSS selector(s) to drop from the text.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Tag (repeatable).")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Accept the discovered link without asking.")] = False,
    from_archive: Annotated[bool, typer.Option("--from-archive",
                            help="Discover the link on an archived homepage (Wayback).")] = False,
    at: Annotated[str | None, typer.Option(help="With --from-archive: year or date of the homepage capture.")] = None,
    ignore_robots: Annotated[bool, typer.Option("--ignore-robots", help="Ignore robots.txt for discovery.")] = False,
    render: Annotated[str, typer.Option(help="Render in a browser: auto (script shells only), never, always.")] = "auto",
) -> None:
    """Track a privacy policy; prints the new policy's slug."""
    import asyncio

    from policywatch.checking.homepage import discover_policy_url
    from policywatch.cli.output import err_console
    from policywatch.services.policies import (
        create_policy,
        policy_fields,
        policy_url,
        render_mode,
    )
    app = app_context(ctx)
    url = policy_url(target)
    # Everything but the URL is checked before discovery goes to the network.
    policy_fields(app.settings, name=name, every=every, tags=tag or (), select=select,
                  remove=remove)
    render_mode(render)
    homepage: tuple[str, str] | None = None  # (homepage, why its link was taken)
    if is_homepage(url) or from_archive:
        found = asyncio.run(discover_policy_url(app.settings, url, from_archive=from_archive,
                                                at=at, ignore_robots=ignore_robots))
        err_console.print(f"Found [bold]{found.url}[/bold]\n  {found.reason}")
        if not yes:
            if not sys.stdin.isatty():
                raise UsageError("not asking on a non-interactive input: add --yes to accept "
                                 f"{found.url}, or give the policy URL itself")
            if not typer.confirm("Track this page?", default=True, err=True):
                raise typer.Exit(1)
        homepage = (url, found.reason)
        url = found.url
    policy = create_policy(app.archive, app.settings, url=url, name=name, every=every,
                           tags=tag or (), select=select, remove=remove, render=render,
                           # where to look when the policy moves (backfill --follow-moves)
                           homepage=homepage[0] if homepage else None,
                           homepage_reason=homepage[1] if homepage else None)
    typer.echo(policy.slug)


def list_policies(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List tracked policies."""
    from policywatch.cli.output import print_json, when
    app = app_context(ctx)
    policies = app.reader.policies()
    if as_json:
        print_json([p.to_dict() for p in policies])
        return
    from rich.table import Table
    from policywatch.cli.output import console
    if not policies:
        console.print("No policies tracked yet: `policywatch add URL_OR_DOMAIN`.")
        return
    table = Table("slug", "name", "url", "schedule", "active", "last check", "outcome")
    for p in policies:
        table.add_row(p.slug, p.name, p.url, p.schedule or app.settings.default_schedule,
                      "yes" if p.active else "paused", when(p.last_check_at), p.last_outcome or "-")
    console.print(table)


def pause(ctx: typer.Context, slug: str) -> None:
    """Stop checking a policy (its history stays)."""
    from policywatch.services.policies import update_policy
    app = app_context(ctx)
    update_policy(app.archive, app.settings, slug, {"active": False})
    typer.echo(f"{slug} paused")


def resume(ctx: typer.Context, slug: str) -> None:
    """Check a paused policy again."""
    from policywatch.services.policies import update_policy
    app = app_context(ctx)
    update_policy(app.archive, app.settings, slug, {"active": True})
    typer.echo(f"{slug} resumed")


def schedule(ctx: typer.Context, slug: str,
             every: Annotated[str, typer.Argument(help="30m, 6h, 1d, 1w or a cron expression.")]) -> None:
    """Change how often a policy is checked."""
    from policywatch.services.policies import update_policy
    app = app_context(ctx)
    policy = update_policy(app.archive, app.settings, slug, {"schedule": every})
    typer.echo(f"{policy.slug} every {policy.schedule}")


def render(ctx: typer.Context, slug: str,
           mode: Annotated[str, typer.Argument(metavar="auto|never|always",
                                               help="auto: render script shells only.")]) -> None:
    """Change when a policy's page is rendered in a headless browser."""
    from policywatch.services.policies import update_policy
    app = app_context(ctx)
    policy = update_policy(app.archive, app.settings, slug, {"render": mode})
    typer.echo(f"{policy.slug} render {policy.render}")


def register(app: typer.Typer) -> None:
    app.command()(add)
    app.command("list")(list_policies)
    app.command()(pause)
    app.command()(resume)
    app.command()(schedule)
    app.command()(render)
