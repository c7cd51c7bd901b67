"""Fault injection for PostgreSQL: the connection of a check is killed mid-transaction
(``pg_terminate_backend`` from another connection). Nothing is half-written, and
``check --all``'s pipeline retries the policy, so the check is still recorded once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from policywatch.checking.pipeline import Hooks, Pipeline
from policywatch.settings import Settings
from storage import Archive, Source
from storage.transaction import Transaction, session_of
from tests.databases import fresh_database_url, pg_available
from tests.fakes.site import FakeSite

pytestmark = pytest.mark.skipif(not pg_available(), reason="PostgreSQL not reachable")
PAGE = ("<html><body><main><h1>Privacy policy</h1>" + "<p>We keep your data for thirty days "
        "and explain what we collect and why we need it.</p>" * 20 + "</main></body></html>")


def killer(url: str, times: int) -> tuple[list[int], object]:
    """A version hook that kills its own transaction's connection the first ``times`` times."""
    killed: list[int] = []
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)
                          if url.startswith("postgresql://") else url)

    def hook(tx: Transaction, event: object) -> None:
        if len(killed) >= times:
            return
        session = session_of(tx)
        pid = session.connection().exec_driver_sql("select pg_backend_pid()").scalar()
        with admin.connect() as other:
            other.execute(text("select pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        killed.append(int(pid))  # type: ignore[arg-type]

    return killed, hook


def test_a_connection_killed_mid_check_leaves_nothing_and_is_retried(tmp_path: Path) -> None:
    url = fresh_database_url("postgresql", tmp_path)
    archive = Archive.open(url)
    settings = Settings(database_url=url, allow_private_addresses=True, respect_robots=False,
                        retries=0)
    try:
        with FakeSite() as site:
            site.add("/privacy", PAGE)
            policy = archive.add_policy(name="P", url=site.url("/privacy"), domain="127.0.0.1")

            # Killed every time: the check fails, and nothing of it was written.
            killed, hook = killer(url, times=2)
            pipeline = Pipeline(settings, archive, hooks=Hooks(on_new_version=[hook]))  # type: ignore[list-item]
            [result] = asyncio.run(pipeline.check_many([policy]))
            assert len(killed) == 2 and result.outcome == "error"
            assert result.error_kind == "internal" and "not recorded" in result.message
            assert archive.last_snapshot(policy.id, source=Source.LIVE) is None
            assert archive.version_count(policy.id) == 0

            # Killed once: the retry records the check, once.
            killed, hook = killer(url, times=1)
            pipeline = Pipeline(settings, archive, hooks=Hooks(on_new_version=[hook]))  # type: ignore[list-item]
            [result] = asyncio.run(pipeline.check_many([policy]))
            assert len(killed) == 1 and result.outcome == "new-version", result
            assert archive.version_count(policy.id) == 1
            assert archive.last_snapshot(policy.id, source=Source.LIVE) is not None
    finally:
        archive.close()
