"""Where a policy lived: ``urls``."""

from __future__ import annotations

from typing import Annotated

import typer

from policywatch.context import app_context


def urls(
    ctx: typer.Context,
    slug: str,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """Every URL a policy had (moves, redirects), with its first and last capture."""
    from policywatch.moves import policy_urls
    from policywatch.output import print_json, when
    archive = app_context(ctx).archive
    policy = archive.policy(slug)
    found = policy_urls(archive, policy)
    if as_json:
        print_json([u.to_dict() for u in found])
        return
    from rich.table import Table
    from policywatch.output import console
    table = Table("url", "source", "first capture", "last capture", "captures", "current",
                  "homepage capture")
    for u in found:
        table.add_row(u.url, str(u.source), when(u.first), when(u.last), str(u.captures),
                      "yes" if u.current else "", u.homepage_capture or "-")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(urls)
