"""App-level fixtures: a database on SQLite and PostgreSQL, the CLI, a fake site, a fake
Wayback Machine the CLI is pointed at."""

from __future__ import annotations

import pytest

from tests.fakes.site import FakeSite
from tests.fakes.wayback import FakeWayback
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


@pytest.fixture
def wayback(monkeypatch):
    """A fake Wayback (25 captures per CDX page) that the CLI's settings point at."""
    with FakeWayback(page_size=25) as fake:
        monkeypatch.setenv("POLICYWATCH_WAYBACK_URL", fake.base_url)
        monkeypatch.setenv("POLICYWATCH_CDX_PER_SECOND", "20")
        monkeypatch.setenv("POLICYWATCH_REPLAY_PER_SECOND", "200")
        monkeypatch.setenv("POLICYWATCH_WAYBACK_BACKOFF", "0.01")
        yield fake


@pytest.fixture
def recorded_alerts(db_url: str):
    """The alerts the archive recorded (newest first). An alert is queued in the same
    transaction as the check that caused it, so after a check command returns, none
    recorded means none will be sent: no need to wait and see."""
    from storage import Archive

    def read() -> list:
        archive = Archive.open(db_url)
        try:
            return archive.outbox.alerts()
        finally:
            archive.close()
    return read
