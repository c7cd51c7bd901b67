"""Shared fixtures: the real-page corpus in ../shared/corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
