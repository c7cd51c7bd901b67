"""App-level fixtures: a database on SQLite and PostgreSQL, the CLI, a fake site."""

from __future__ import annotations

import pytest

from tests.databases import database_params, fresh_database_url
from tests.fakes.site import FakeSite
from tests.policywatch.cli_runner import Cli, fast_settings


@pytest.fixture(params=database_params())
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    return fresh_database_url(request.param, tmp_path)


@pytest.fixture
def cli(db_url: str, capsys, monkeypatch, tmp_path) -> Cli:
    monkeypatch.chdir(tmp_path)
    fast_settings(monkeypatch)
    return Cli(db_url, capsys, monkeypatch)


@pytest.fixture
def site():
    with FakeSite() as server:
        yield server
