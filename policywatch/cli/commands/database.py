"""Database maintenance: ``db upgrade``."""

from __future__ import annotations

import typer

from policywatch.cli.context import app_context

db_app = typer.Typer(rich_markup_mode=None, help="Database maintenance.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or upgrade the schema to the newest migration (safe to repeat)."""
    from storage import make_engine, schema_is_current, upgrade
    url = app_context(ctx).settings.database_url
    engine = make_engine(url)
    try:
        already = schema_is_current(engine)
        upgrade(engine)
    finally:
        engine.dispose()
    typer.echo("database schema already up to date" if already else "database schema upgraded")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
