"""Every storage test runs on SQLite and, when reachable, on the local PostgreSQL."""

from __future__ import annotations

import pytest

from tests.databases import database_params, fresh_database_url


@pytest.fixture(params=database_params())
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    return fresh_database_url(request.param, tmp_path)
