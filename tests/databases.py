"""Database URLs for tests: a SQLite file per test and a fresh PostgreSQL database per test.

Each is a copy of a template migrated once per test process (a file copy for SQLite,
``CREATE DATABASE ... TEMPLATE`` for PostgreSQL), so a test does not pay for the
migrations; ``migrated=False`` gives a database without any schema.
PostgreSQL comes from ``POLICYWATCH_TEST_PG`` (a SQLAlchemy URL) or the local server at
127.0.0.1:5432 database ``test``. In CI (``CI`` set) an unreachable server is an error,
not a skip, so the PostgreSQL half of the suite cannot silently vanish. App tests marked
``sqlite_only`` run on SQLite alone. Databases of finished tests are dropped in the background.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
import sqlite3
import tempfile
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path

import pytest

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pg_base_url() -> str:
    return os.environ.get("POLICYWATCH_TEST_PG", DEFAULT_PG)


@cache
def pg_available() -> bool:
    import psycopg

    url = pg_base_url().replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def database_params() -> list:
    marks = []
    if not pg_available() and not os.environ.get("CI"):
        marks = [pytest.mark.skip(reason="PostgreSQL not reachable")]
    return ["sqlite", pytest.param("postgresql", marks=marks)]


#: For app tests (CLI, web, API, alerts) whose subject is not the database: run them on
#: SQLite only. ``db_url`` runs every test on both by default; storage tests and a few
#: end-to-end tests keep that, so PostgreSQL is still reached without doubling the suite.
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def fresh_database_url(kind: str, tmp_path: Path, *, migrated: bool = True) -> str:
    """A URL to a database of ``kind`` that no other test uses, holding no rows: at the
    newest schema, or without any schema when not ``migrated``."""
    if kind == "sqlite":
        path = tmp_path / "policywatch.db"
        if migrated:
            shutil.copyfile(_sqlite_template(), path)
        return f"sqlite:///{path}"
    if not pg_available():
        raise RuntimeError(f"PostgreSQL not reachable at {pg_base_url()}")
    import psycopg

    _retire_finished()
    name = f"pw_test_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{_pg_template()}"' if migrated else ""
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{template}')
    CREATED.append(name)
    _MADE_BY[name] = _current_test()
    return _pg_url(name)


def _pg_url(name: str) -> str:
    return f"{pg_base_url().rsplit('/', 1)[0]}/{name}"


_FILLED: dict[str, Path] = {}


def fill_once(db_url: str, key: str, fill: Callable[[str], None]) -> None:
    """Give a test's fresh database the rows ``fill(url)`` writes, filled once per test
    process for each ``key`` (which must name everything ``fill`` depends on): on SQLite
    the test's file becomes a copy of one filled database; PostgreSQL is filled in place."""
    if not db_url.startswith("sqlite:///"):
        fill(db_url)
        return
    if key not in _FILLED:
        path = Path(tempfile.mkdtemp(prefix="pw-filled-")) / "filled.db"
        shutil.copyfile(_sqlite_template(), path)
        fill(f"sqlite:///{path}")
        _fold_wal(path)
        _FILLED[key] = path
    shutil.copyfile(_FILLED[key], db_url.removeprefix("sqlite:///"))


def _fold_wal(path: Path) -> None:
    """Fold a SQLite file's write-ahead log into the file, so copying the file alone copies
    every row."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


@cache
def _sqlite_template() -> Path:
    """A SQLite file at the newest schema, made once per test process."""
    from storage import Archive

    path = Path(tempfile.mkdtemp(prefix="pw-template-")) / "template.db"
    Archive.open(f"sqlite:///{path}").close()
    _fold_wal(path)
    return path


@cache
def _pg_template() -> str:
    """A PostgreSQL database at the newest schema, made once per test process (dropped
    with the others); nothing connects to it after, as a template requires."""
    import psycopg

    from storage import Archive

    name = f"pw_template_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    TEMPLATES.append(name)
    Archive.open(_pg_url(name)).close()
    return name


CREATED: list[str] = []  # databases of this process not yet handed to the dropper
TEMPLATES: list[str] = []  # template databases of this process, dropped at the end
_MADE_BY: dict[str, str] = {}
_DROPPING: list[Future[str | None]] = []
_DROPPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-test-db")


def _admin_url() -> str:
    return pg_base_url().replace("postgresql+psycopg://", "postgresql://")


def _current_test() -> str:
    return os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]


def _drop(name: str) -> str | None:
    """Drop one database; its name back if that failed (retried at the end of the run)."""
    import psycopg

    try:
        with psycopg.connect(_admin_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except psycopg.Error:
        return name
    return None


def _retire_finished() -> None:
    """Drop, in a background thread, the databases of tests that have ended.

    Tests of one process run one after the other, so a database made by another test
    than the current one is no longer used. DROP DATABASE can take a second on a busy
    server (it waits for a checkpoint); doing it while the next tests run keeps that off
    the end of the run.
    """
    current = _current_test()
    for name in [n for n in CREATED if _MADE_BY[n] != current]:
        CREATED.remove(name)
        _DROPPING.append(_DROPPER.submit(_drop, name))


def drop_created_databases() -> None:
    """Drop the PostgreSQL databases this test run created."""
    failed = [name for name in (f.result() for f in _DROPPING) if name]
    _DROPPING.clear()
    left = [*failed, *CREATED, *TEMPLATES]
    CREATED.clear()
    TEMPLATES.clear()
    if not left:
        return
    import psycopg

    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        for name in left:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
