"""``serve`` (web UI + REST API), ``token create|list|revoke`` and ``feed`` (Atom to a file)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from policywatch.cli.context import app_context
from policywatch.errors import UsageError

token_app = typer.Typer(rich_markup_mode=None, help="API/admin tokens (stored hashed; shown once).", no_args_is_help=True)


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port.")] = 8000,
) -> None:
    """Serve the web UI, the REST API (/api/v1, docs at /docs) and the Atom feeds."""
    import uvicorn

    from policywatch.web import create_app

    app = app_context(ctx)
    web = create_app(app.settings.for_server(host, port), app.archive)
    typer.echo(f"policywatch web on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False,
                server_header=False)


def token_create(
    ctx: typer.Context,
    name: Annotated[str, typer.Option(help="What the token is for (shown in `token list`).")] = "admin",
) -> None:
    """Create a token for the API and the web sign-in; it is printed once, on the last line."""
    from storage import create_token
    record, plaintext = create_token(app_context(ctx).archive, name=name)
    typer.echo(f"Token {record.id} ({record.name}) created; it is not stored, copy it now:", err=True)
    typer.echo(plaintext)


def token_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List tokens (names and dates; the tokens themselves are not stored)."""
    from policywatch.cli.output import print_json
    from storage import list_tokens
    tokens = list_tokens(app_context(ctx).archive)
    if as_json:
        print_json([{"id": t.id, "name": t.name, "created_at": t.created_at.isoformat(),
                     "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None}
                    for t in tokens])
        return
    for t in tokens:
        used = t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "never"
        typer.echo(f"{t.id}\t{t.name}\tcreated {t.created_at:%Y-%m-%d %H:%M}\tlast used {used}")


def token_revoke(ctx: typer.Context, token_id: Annotated[int, typer.Argument(metavar="ID")]) -> None:
    """Delete a token: API calls and browser sessions using it stop working."""
    from storage import revoke_token
    revoke_token(app_context(ctx).archive, token_id)
    typer.echo(f"token {token_id} revoked")


def feed(
    ctx: typer.Context,
    slug: Annotated[str | None, typer.Argument(help="One policy (default: all policies).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")] = None,
) -> None:
    """Write the Atom feed of changes (all policies, or one) to a file."""
    from policywatch.feeds import changes_feed

    app = app_context(ctx)
    data = changes_feed(app.archive, app.settings, slug)
    if output is None:
        sys.stdout.buffer.write(data)
        return
    if output.is_dir():
        raise UsageError(f"{output} is a directory; give a file name")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    typer.echo(f"wrote {output}", err=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(feed)
    token_app.command("create")(token_create)
    token_app.command("list")(token_list)
    token_app.command("revoke")(token_revoke)
    app.add_typer(token_app, name="token")
