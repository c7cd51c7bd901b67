"""App-level fixtures: a database on SQLite and PostgreSQL, the CLI, a fake site."""

from __future__ import annotations

import pytest

from tests.fakes.site import FakeSite
from tests.policywatch.cli_runner import Cli, fast_settings


@pytest.fixture
def cli(db_url: str, capsys, monkeypatch, tmp_path) -> Cli:
    monkeypatch.chdir(tmp_path)
    fast_settings(monkeypatch)
    return Cli(db_url, capsys, monkeypatch)


@pytest.fixture
def site():
    with FakeSite() as server:
        yield server
