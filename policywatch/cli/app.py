"""The ``policywatch`` command line (Typer + Rich).

Every command lives in ``policywatch/cli/commands/``; this module builds the app, holds the
global options and turns expected failures into one line on stderr and an exit code:
2 for bad usage, 1 for failures (network, database, extraction).

Nothing heavy is imported here or at the top of a command module: settings (pydantic),
the archive (SQLAlchemy), the extractor, the web app and the queue load inside the
commands that use them, so `--help` and small commands answer at once
(bench/startup.py measures it; tests/policywatch/test_startup.py guards it).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

import typer

from policywatch import __version__
from policywatch.cli.commands import register
from policywatch.cli.context import AppContext
from policywatch.errors import AppError, UsageError

if TYPE_CHECKING:
    from policywatch.settings import Settings


# --- HACK: plain parameters without pydantic ------------------------------------------------
# Typer (0.29) coerces every parameter of the command it runs through a pydantic TypeAdapter:
# importing pydantic and building the adapters costs more CPU than the rest of `list --json`
# or `show SLUG` (~100 ms, bench/startup.py). A plain str, int or bool value needs none of
# that, so those are coerced here; any other annotation or constraint, and any value that does
# not parse (whose error message Typer words), still goes to Typer's own coercion.
# tests/policywatch/test_startup.py checks that `show SLUG --version N` loads no pydantic.
_PLAIN_INT = re.compile(r"[+-]?[0-9]+")


class _PlainValue:
    """Typer's runtime-parameter interface (``coerce``) for str, int and bool parameters."""

    def __init__(self, parameter: Any, typer_coercion: Callable[[Any], Any]) -> None:
        self.parameter = parameter
        self.typer_coercion = typer_coercion

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        kind = param.type_descriptor.annotation
        if value is None or (kind is bool and isinstance(value, bool)):
            return value
        if kind is str and isinstance(value, str):
            return value
        if kind is int and isinstance(value, str) and _PLAIN_INT.fullmatch(value):
            return int(value)
        return self.typer_coercion(self.parameter).coerce(value, param=param, ctx=ctx)


def _coerce_plain_parameters_without_pydantic() -> None:
    try:
        from typer.core import _TyperParameter
    except ImportError:  # another Typer: it coerces as it does
        return
    typer_coercion = _TyperParameter.get_runtime_param
    if getattr(typer_coercion, "plain", False):
        return

    def get_runtime_param(self: Any) -> Any:
        descriptor = self.type_descriptor
        info = descriptor.parameter_info
        if (descriptor.annotation in (str, int, bool) and descriptor.file_annotation is None
                and not self.multiple and self.nargs == 1
                and info.parser is None and info.min is None and info.max is None):
            return _PlainValue(self, typer_coercion)
        return typer_coercion(self)

    get_runtime_param.plain = True  # type: ignore[attr-defined]
    _TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]


_coerce_plain_parameters_without_pydantic()
# --- end HACK ---------------------------------------------------------------------------------

app = typer.Typer(
    name="policywatch",
    help="Track privacy policies: live checks, Wayback history, clause-level diffs, alerts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain click help: Rich's help renderer costs more than the rest of startup
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

    def settings() -> Settings:
        from policywatch.settings import load_settings

        return load_settings(**overrides)

    context = AppContext(settings, database=db)
    ctx.obj = context
    ctx.call_on_close(context.close)


register(app)


def _fail(message: str, code: int) -> None:
    typer.echo(f"policywatch: error: {message}", err=True)
    sys.exit(code)


def _loaded(module: str, *names: str) -> tuple[type[BaseException], ...]:
    """Exception classes of ``module`` if it was imported: an error of a library that was
    never loaded cannot have been raised, so the CLI need not import it to catch it."""
    loaded = sys.modules.get(module)
    return tuple(getattr(loaded, name) for name in names) if loaded else ()


@cache
def _command() -> Any:
    """The click command behind ``app``, built once per process (Typer rebuilds it on
    every ``app()``, reading every command's signature: ~20 ms of CPU per run)."""
    return typer.main.get_command(app)


def main() -> None:
    """Console-script entry point."""
    try:
        _command()()
    except UsageError as exc:
        _fail(str(exc), 2)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:
        if isinstance(exc, _loaded("storage.errors", "NotFound")
                      + _loaded("crawler.errors", "InvalidURL")):
            _fail(str(exc), 2)
        if isinstance(exc, (AppError, *_loaded("storage.errors", "StorageError"),
                            *_loaded("crawler.errors", "CrawlerError"),
                            *_loaded("diffing", "DiffingError"))):
            _fail(str(exc) or type(exc).__name__, 1)
        raise

