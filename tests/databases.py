"""Database URLs for tests: a SQLite file per test and a fresh PostgreSQL schema per test.

PostgreSQL comes from ``POLICYWATCH_TEST_PG`` (a SQLAlchemy URL) or the local server at
127.0.0.1:5432 database ``test``. In CI (``CI`` set) an unreachable server is an error,
not a skip, so the PostgreSQL half of the suite cannot silently vanish. App tests marked
``sqlite_only`` run on SQLite alone.
"""

from __future__ import annotations

import os
import uuid
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


def fresh_database_url(kind: str, tmp_path: Path) -> str:
    """A URL to an empty database of ``kind`` that no other test uses."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'policywatch.db'}"
    if not pg_available():
        raise RuntimeError(f"PostgreSQL not reachable at {pg_base_url()}")
    import psycopg

    name = f"pw_test_{uuid.uuid4().hex[:12]}"
    admin = pg_base_url().replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    CREATED.append(name)
    base = pg_base_url().rsplit("/", 1)[0]
    return f"{base}/{name}"


CREATED: list[str] = []


def drop_created_databases() -> None:
    """Drop the PostgreSQL databases this test run created."""
    if not CREATED:
        return
    import psycopg

    admin = pg_base_url().replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in CREATED:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    CREATED.clear()
