"""Shared fixtures: the real-page corpus in ../shared/corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.databases import database_params, fresh_database_url

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("POLICYWATCH_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Root of ../shared/corpus (Open Terms Archive data, ODC-By 1.0; Princeton-Leuven pairs)."""
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session", autouse=True)
def _drop_test_databases():
    """Drop PostgreSQL databases created by the tests when the run ends."""
    yield
    from tests.databases import drop_created_databases

    drop_created_databases()


@pytest.fixture(params=database_params())
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: every test using it runs on SQLite and on PostgreSQL."""
    return fresh_database_url(request.param, tmp_path)


@pytest.fixture
def archive(db_url: str):
    """The archive repository over ``db_url`` (schema upgraded)."""
    from storage import Archive

    opened = Archive.open(db_url)
    yield opened
    opened.close()
