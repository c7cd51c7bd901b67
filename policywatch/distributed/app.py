"""The procrastinate App of a deployment: built from settings, PostgreSQL only.

The queue lives in the same PostgreSQL database as the archive (procrastinate's tables sit
next to policywatch's), so one database URL configures a whole deployment.
"""

from __future__ import annotations

import psycopg
from procrastinate import App, PsycopgConnector
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from policywatch.distributed.errors import NotPostgres, QueueUnavailable
from policywatch.settings import Settings

# Key of the advisory lock taken while the queue schema is installed, so workers starting
# together do not both try to create it.
_SCHEMA_LOCK = 0x70770000


def conninfo(database_url: str) -> str:
    """A libpq connection string for a SQLAlchemy PostgreSQL URL; NotPostgres otherwise."""
    try:
        url = make_url(database_url)
    except ArgumentError:
        raise NotPostgres(f"invalid database URL {database_url!r}") from None
    if url.get_backend_name() != "postgresql":
        raise NotPostgres(
            f"distributed mode needs PostgreSQL, not {url.get_backend_name()}: set "
            "POLICYWATCH_DATABASE_URL (or --db) to postgresql://USER@HOST/DB")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def make_app(settings: Settings) -> App:
    """The procrastinate App for ``settings.database_url``, without tasks: enqueuers queue
    jobs by name (``policywatch.distributed.jobs``); the worker registers the tasks."""
    return App(connector=PsycopgConnector(conninfo=conninfo(settings.database_url)))


def ensure_schema(settings: Settings) -> bool:
    """Install procrastinate's tables unless present; returns True when it installed them."""
    dsn = conninfo(settings.database_url)
    from procrastinate.schema import SchemaManager

    try:
        with psycopg.connect(dsn, connect_timeout=10) as conn:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                row = conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
                if row and row[0] is not None:
                    return False
                conn.execute(SchemaManager.get_schema())  # type: ignore[arg-type]
                return True
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise QueueUnavailable(f"cannot set up the job queue: {first}") from exc
