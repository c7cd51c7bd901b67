"""`corpus --distributed`: one job per domain on real `policywatch worker` processes, the
fake Wayback Machine behind them, the export where the command runs; resumable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fakes.wayback import FakeWayback
from tests.policywatch.cli_runner import Cli, fast_settings
from tests.policywatch.test_distributed import (  # noqa: F401  (fixtures)
    pg_url,
    pytestmark,
    query,
    workers,
)
from tests.policywatch.test_moves import HOME, NEW, OLD, bodies, moved_site  # noqa: F401

WAYBACK_ENV = {"POLICYWATCH_CDX_PER_SECOND": "50", "POLICYWATCH_REPLAY_PER_SECOND": "500",
               "POLICYWATCH_WAYBACK_BACKOFF": "0.01"}


def corpus_args(domains: Path, out: Path, *extra: str) -> list[str]:
    return ["corpus", str(domains), "--from", "2009", "--to", "2019", "--every", "6mo",
            "-o", str(out), "--distributed", *extra]


@pytest.mark.slow
@pytest.mark.timeout(600)  # a hang guard: the command waits for the workers
def test_corpus_jobs_run_on_workers_and_resume(pg_url, tmp_path, workers, bodies, capsys,
                                               monkeypatch) -> None:
    fast_settings(monkeypatch)
    cli = Cli(pg_url, capsys, monkeypatch)
    domains = tmp_path / "domains.txt"
    domains.write_text("shop.example\nnolink.example\nempty.example\n")
    out = tmp_path / "corpus"
    with FakeWayback() as wayback:
        moved_site(wayback, bodies)  # shop.example: two URLs, three texts
        wayback.add_homepage("https://nolink.example/", "20120301000000", None)

        # No worker yet: --no-wait queues one job per domain and returns.
        queued = cli(*corpus_args(domains, out, "--no-wait"))
        assert queued.code == 0, queued.err
        assert "0 domains done" in queued.out and "3 still queued" in queued.out
        assert query(pg_url, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = "
                             "'policywatch.corpus' AND status = 'todo'") == [(3,)]
        # Queued again before any worker ran: nothing is queued twice.
        assert cli(*corpus_args(domains, out, "--no-wait")).code == 0
        assert query(pg_url, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = "
                             "'policywatch.corpus'") == [(3,)]

        pool = workers(POLICYWATCH_WAYBACK_URL=wayback.base_url, **WAYBACK_ENV)
        pool.start("--concurrency", "2", "--queues", "corpus")
        pool.start("--concurrency", "2", "--queues", "corpus")
        # The command waits for the workers, then exports on this machine.
        result = cli(*corpus_args(domains, out))
        assert result.code == 0, result.err
        assert "3 domains done" in result.out and "2 without a policy" in result.out, result.out
        assert "no policy  nolink.example: no privacy-policy link" in result.err
        assert "no policy  empty.example: the Wayback Machine has no capture" in result.err
        files = sorted(p.name for p in (out / "shop.example").glob("*.md"))
        assert files == ["2010-03-15.md", "2012-06-15.md", "2015-06-15.md"]
        index = [json.loads(x) for x in (out / "index.jsonl").read_text().splitlines()]
        assert [(r["domain"], r["date"], r["policy_url"]) for r in index] == [
            ("shop.example", "2010-03-15", OLD), ("shop.example", "2012-06-15", OLD),
            ("shop.example", "2015-06-15", NEW)]
        assert index[0]["wayback_url"] == f"https://web.archive.org/web/20100315000000id_/{OLD}"
        # The captures went through the workers' (deployment-wide) Wayback client.
        fetched = query(pg_url, "SELECT sum(captures) FROM corpus_job")[0][0]
        assert fetched == len(wayback.requests_to("replay")) - len(
            [r for r in wayback.requests_to("replay") if r.original.endswith(".example/")])
        assert f"{fetched} captures fetched" in result.out

        # A re-run queues and fetches nothing.
        wayback.requests.clear()
        again = cli(*corpus_args(domains, out))
        assert again.code == 0 and "3 from an earlier run" in again.out
        assert wayback.requests == []
        # The export is resumable too: a domain finished by the workers but not yet
        # exported here (the command was stopped) is exported without a new job.
        (out / "done.jsonl").write_text("")
        (out / "index.jsonl").unlink()
        resumed = cli(*corpus_args(domains, out))
        assert resumed.code == 0, resumed.err
        assert [json.loads(x) for x in (out / "index.jsonl").read_text().splitlines()] == index
        assert wayback.requests == []
        logs = pool.log(0) + pool.log(1)
        assert "corpus shop.example: 2 policy URL(s)" in logs
    assert query(pg_url, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = "
                         "'policywatch.corpus'") == [(0,)]  # successful jobs are deleted
