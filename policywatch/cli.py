"""The ``policywatch`` command line (Typer + Rich).

Every command lives in ``policywatch/commands/``; this module builds the app, holds the
global options and turns expected failures into one line on stderr and an exit code:
2 for bad usage, 1 for failures (network, database, extraction).
"""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer
from pydantic import ValidationError

from crawler import CrawlerError, InvalidURL
from diffing import DiffingError
from policywatch import __version__
from policywatch.commands import register
from policywatch.context import AppContext
from policywatch.errors import AppError, UsageError
from policywatch.settings import Settings
from storage import NotFound, StorageError

app = typer.Typer(
    name="policywatch",
    help="Track privacy policies: live checks, Wayback history, clause-level diffs, alerts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"policywatch {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="Database URL (SQLAlchemy), e.g. "
                  "sqlite:///policies.db or postgresql://user@host/db. "
                  "Default: $POLICYWATCH_DATABASE_URL or the user data folder.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log debug details.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                       help="Print the version and exit.")] = False,
) -> None:
    """Global options."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic", "procrastinate", "apprise"):
        logging.getLogger(noisy).setLevel(logging.WARNING if not verbose else logging.DEBUG)
    overrides = {"database_url": db} if db else {}
    settings = Settings(**overrides)
    context = AppContext(settings)
    ctx.obj = context
    ctx.call_on_close(context.close)


register(app)


def _fail(message: str, code: int) -> None:
    typer.echo(f"policywatch: error: {message}", err=True)
    sys.exit(code)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except UsageError as exc:
        _fail(str(exc), 2)
    except (NotFound, InvalidURL) as exc:
        _fail(str(exc), 2)
    except (AppError, StorageError, CrawlerError, DiffingError) as exc:
        _fail(str(exc) or type(exc).__name__, 1)
    except ValidationError as exc:
        first = exc.errors()[0]
        _fail(f"invalid setting {'.'.join(map(str, first['loc']))}: {first['msg']}", 2)
    except KeyboardInterrupt:
        _fail("interrupted", 130)


if __name__ == "__main__":
    main()
