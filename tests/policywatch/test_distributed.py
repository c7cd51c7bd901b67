"""Distributed mode on PostgreSQL: real `policywatch worker` processes, a fake site, a fake Wayback.

Each test starts worker subprocesses against a fresh database, queues jobs the way the
CLI does, and checks what a user would: every policy checked once, no duplicate versions,
snapshots or alerts, a killed worker's job finished by another, and the deployment-wide
request limits holding across processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from policywatch.distributed.enqueue import queue_jobs
from policywatch.distributed.jobs import BACKFILL, CHECK
from policywatch.settings import Settings
from storage import Archive
from tests.databases import fresh_database_url, pg_available
from tests.fakes.site import FakeSite, RecordedRequest, Response
from tests.fakes.wayback import FakeWayback
from tests.policywatch.cli_runner import Cli

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(not pg_available() and not os.environ.get("CI"),
                                reason="PostgreSQL not reachable")

WORKER_ENV = {
    "POLICYWATCH_ALLOW_PRIVATE_ADDRESSES": "true",  # the fake sites listen on loopback
    "POLICYWATCH_WORKER_HEARTBEAT": "0.5",
    "POLICYWATCH_STALLED_AFTER": "3",
    "POLICYWATCH_BACKOFF": "0.01",
    "POLICYWATCH_MAX_BACKOFF": "0.2",
    "POLICYWATCH_READ_TIMEOUT": "20",
    "POLICYWATCH_ALERT_BACKOFF": "3600",
}


def policy_page(n: int, extra: str = "") -> str:
    """A small but real privacy-policy page, distinct per ``n``."""
    clauses = "".join(
        f"<p>Section {k}. We collect the e-mail address and usage data of visitors of service "
        f"{n} to provide and secure the service; you may ask us to delete your personal data "
        f"at any time and we answer within {k + 20} days.</p>" for k in range(12))
    return (f"<html><head><title>Privacy Policy {n}</title></head><body><nav>Home</nav>"
            f"<main><h1>Privacy Policy of service {n}</h1>{clauses}{extra}</main>"
            f"<footer>Copyright</footer></body></html>")


@pytest.fixture
def pg_url(tmp_path: Path) -> str:
    return fresh_database_url("postgresql", tmp_path)


def dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def query(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(dsn(url)) as conn:
        return conn.execute(sql, params).fetchall()  # type: ignore[arg-type]


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


class Workers:
    """`policywatch worker` subprocesses, logs in tmp_path, stopped at the end."""

    def __init__(self, db_url: str, tmp_path: Path, env: dict[str, str]) -> None:
        self.db_url = db_url
        self.tmp_path = tmp_path
        self.env = env
        self.procs: list[tuple[subprocess.Popen[bytes], Path]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        log = self.tmp_path / f"worker{len(self.procs)}.log"
        env = {**os.environ, **WORKER_ENV, **self.env}
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "policywatch.cli", "--db", self.db_url, "worker", *args],
                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=self.tmp_path)
        self.procs.append((proc, log))
        return proc

    def alive(self) -> int:
        return query(self.db_url, "SELECT count(*) FROM procrastinate_workers")[0][0]

    def wait_registered(self, count: int) -> None:
        def ready() -> bool:
            for proc, log in self.procs:
                if proc.poll() is not None:
                    raise AssertionError(f"worker exited early:\n{log.read_text()}")
            try:
                return self.alive() >= count
            except psycopg.errors.UndefinedTable:
                return False
        wait_for(ready, timeout=60, what=f"{count} workers to start")

    def log(self, index: int) -> str:
        return self.procs[index][1].read_text(errors="replace")

    def stop(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, _ in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture
def workers(pg_url: str, tmp_path: Path) -> Iterator[Callable[..., Workers]]:
    made: list[Workers] = []

    def make(**env: str) -> Workers:
        w = Workers(pg_url, tmp_path, env)
        made.append(w)
        return w

    yield make
    for w in made:
        w.stop()


def open_archive(url: str, site: FakeSite, count: int, path: str = "/p") -> tuple[Archive, list[int]]:
    archive = Archive.open(url)
    added, skipped = archive.add_policies([
        {"url": site.url(f"{path}{i}"), "domain": "127.0.0.1", "name": f"service {i}",
         "slug": f"service-{i}"} for i in range(count)])
    assert not skipped
    return archive, [p.id for p in added]


def pending_jobs(url: str, task: str) -> int:
    return query(url, "SELECT count(*) FROM procrastinate_jobs WHERE task_name = %s "
                      "AND status IN ('todo', 'doing')", (task,))[0][0]


@pytest.mark.slow
def test_two_workers_check_a_batch_once_each_within_the_host_limit(pg_url, tmp_path, workers):
    in_flight, peak, lock = [0], [0], threading.Lock()

    def slow_page(request: RecordedRequest) -> Response:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        try:
            time.sleep(0.15)
            return Response(policy_page(int(request.route.removeprefix("/p"))))
        finally:
            with lock:
                in_flight[0] -= 1

    with FakeSite() as site:
        count = 16
        for i in range(count):
            site.handler(f"/p{i}", slow_page)
        archive, ids = open_archive(pg_url, site, count)
        settings = Settings(database_url=pg_url, allow_private_addresses=True)
        pool = workers(POLICYWATCH_PER_HOST="2")
        pool.start("--concurrency", "4")
        pool.start("--concurrency", "4")
        pool.wait_registered(2)

        first = queue_jobs(settings, CHECK, ids)
        again = queue_jobs(settings, CHECK, ids)  # a check already waits for each policy
        assert len(first.jobs) == count
        assert len(again.jobs) + len(again.already_queued) == count
        wait_for(lambda: pending_jobs(pg_url, CHECK) == 0, timeout=60, what="the checks")
        pool.stop()

    for policy in archive.policies():
        assert policy.last_outcome in ("new-version", "unchanged"), policy
        assert len(archive.versions(policy.id)) == 1
        assert len(archive.snapshots(policy.id)) == 1
    # A check queued while the first one ran may run too: it finds the same body.
    outcomes = query(pg_url, "SELECT outcome, count(*) FROM check_attempt GROUP BY 1")
    assert dict(outcomes)["new-version"] == count
    assert set(dict(outcomes)) <= {"new-version", "unchanged", "not-modified"}
    assert peak[0] <= 2, f"{peak[0]} requests to one host at once across workers (limit 2)"
    assert "new-version" in pool.log(0) and "new-version" in pool.log(1), "both workers checked"


@pytest.mark.slow
def test_a_killed_worker_s_check_is_finished_by_another_without_duplicates(pg_url, tmp_path, workers):
    release = threading.Event()
    arrived = threading.Event()
    body = {"text": policy_page(0)}

    def page(request: RecordedRequest) -> Response:
        if not release.is_set():
            arrived.set()
            release.wait(30)
        return Response(body["text"])

    with FakeSite() as site:
        site.handler("/p0", page)
        archive, ids = open_archive(pg_url, site, 1)
        add_webhook(archive, "http://127.0.0.1:9/hook")
        settings = Settings(database_url=pg_url, allow_private_addresses=True)
        pool = workers()

        # Round 1, clean: version 1.
        release.set()
        pool.start("--concurrency", "2")
        pool.wait_registered(1)
        queue_jobs(settings, CHECK, ids)
        wait_for(lambda: len(archive.versions(ids[0])) == 1, timeout=30, what="version 1")
        pool.stop()

        # Round 2: the page changed; the worker is killed while it fetches.
        body["text"] = policy_page(0, "<p>We now share your location with advertisers.</p>")
        release.clear()
        doomed = pool.start("--concurrency", "2")
        queue_jobs(settings, CHECK, ids)
        assert arrived.wait(60), "the worker never fetched the page"
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
        assert query(pg_url, "SELECT status::text FROM procrastinate_jobs "
                             "WHERE task_name = %s", (CHECK,)) == [("doing",)]
        release.set()
        pool.start("--concurrency", "2")
        wait_for(lambda: pending_jobs(pg_url, CHECK) == 0, timeout=60,
                 what="the stalled check to be retried and finished")
        rescuer_log = pool.log(2)
        pool.stop()

    assert "stopped responding: retrying it" in rescuer_log
    versions = archive.versions(ids[0])
    assert [v.number for v in versions] == [1, 2]
    assert "location with advertisers" in versions[1].text
    assert len(archive.snapshots(ids[0])) == 2
    alerts = query(pg_url, "SELECT kind, version_id FROM alert ORDER BY id")
    assert alerts == [("change", versions[1].id)]


def add_webhook(archive: Archive, target: str) -> None:
    from storage import Outbox

    Outbox(archive).add_subscription(target=target, channel="webhook", policies=[], topics=[],
                                     secret=None)


@pytest.mark.slow
def test_wayback_limit_holds_for_the_whole_deployment(pg_url, tmp_path, workers):
    # Two workers each allowed 2.5/s on their own would send 5/s and more at times.
    rate = 2.5  # CDX requests per second allowed to the deployment
    wayback = FakeWayback(cdx_rate=5.0, cdx_burst=1)  # refuses anything faster than 5/s
    count = 8
    for i in range(count):
        url = f"https://site{i}.example/privacy"
        wayback.add_capture(url, "20200101000000", policy_page(i).encode())
        wayback.add_capture(url, "20210101000000", policy_page(i, "<p>Updated.</p>").encode())
    with wayback:
        archive = Archive.open(pg_url)
        added, _ = archive.add_policies([
            {"url": f"https://site{i}.example/privacy", "domain": f"site{i}.example"}
            for i in range(count)])
        env = {"POLICYWATCH_WAYBACK_URL": wayback.base_url,
               "POLICYWATCH_CDX_PER_SECOND": str(rate), "POLICYWATCH_REPLAY_PER_SECOND": "50",
               "POLICYWATCH_RATE_LIMIT_PAUSE": "1", "POLICYWATCH_WAYBACK_BACKOFF": "0.1"}
        pool = workers(**env)
        pool.start("--concurrency", "4")
        pool.start("--concurrency", "4")
        pool.wait_registered(2)
        queued = queue_jobs(Settings(database_url=pg_url, **{k.removeprefix("POLICYWATCH_").lower(): v
                                                            for k, v in env.items()}),
                            BACKFILL, [p.id for p in added])
        assert len(queued.jobs) == count
        wait_for(lambda: pending_jobs(pg_url, BACKFILL) == 0, timeout=90, what="the backfills")
        logs = pool.log(0) + pool.log(1)
        pool.stop()
        requests = list(wayback.requests)

    cdx = sorted(r.at for r in requests if r.endpoint == "cdx")
    print("CDX request gaps:", [round(b - a, 3) for a, b in zip(cdx, cdx[1:], strict=False)])
    assert not [r for r in requests if r.status == 429], "the fake Wayback refused requests"
    assert len(cdx) >= count
    # Slots are booked exactly 1/rate apart; arrival times add the sender's scheduling
    # jitter (a busy 2-core machine), allowed here up to 0.15 s, not accumulating.
    for i in range(len(cdx)):
        for k in range(1, len(cdx) - i):
            spent = cdx[i + k] - cdx[i]
            assert spent >= k / rate - 0.15, f"{k + 1} CDX requests within {spent:.2f}s"
    assert "backfill" in logs or "fetched" in logs
    for policy in added:
        assert len(archive.versions(policy.id)) == 2


def test_distributed_commands_need_postgresql(tmp_path, capsys, monkeypatch):
    cli = Cli(f"sqlite:///{tmp_path / 'one.db'}", capsys, monkeypatch)
    (tmp_path / "domains.txt").write_text("example.com\n")
    for args in (("worker",), ("backfill", "--all", "--distributed"), ("queue",),
                 ("corpus", str(tmp_path / "domains.txt"), "-o", str(tmp_path / "out"),
                  "--distributed")):
        result = cli(*args)
        assert result.code == 2, result
        assert "distributed mode needs PostgreSQL" in result.err
        assert "Traceback" not in result.err
        assert len(result.err.strip().splitlines()) == 1


@pytest.mark.slow
def test_run_distributed_queues_due_checks_for_the_workers(pg_url, tmp_path, workers):
    with FakeSite() as site:
        count = 4
        for i in range(count):
            site.add(f"/p{i}", policy_page(i))
        archive, ids = open_archive(pg_url, site, count)
        env = {**os.environ, **WORKER_ENV, "POLICYWATCH_JITTER": "0",
               "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
        log = tmp_path / "scheduler.log"
        with log.open("wb") as out:
            scheduler = subprocess.Popen(
                [sys.executable, "-m", "policywatch.cli", "--db", pg_url, "run", "--distributed",
                 "--tick", "0.5"], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
        try:
            # Never-checked policies are due at once: the scheduler queues, it does not fetch.
            wait_for(lambda: "queued" in log.read_text(), timeout=60, what="queued checks")
            wait_for(lambda: query(pg_url, "SELECT count(*) FROM procrastinate_jobs")[0][0] == count,
                     timeout=30, what=f"{count} queued checks")
            assert site.requests_to("/p0") == []
            pool = workers()
            pool.start("--concurrency", "2")
            wait_for(lambda: all(p.last_check_at for p in archive.policies()), timeout=60,
                     what="the workers to check every policy")
        finally:
            scheduler.send_signal(signal.SIGTERM)
            assert scheduler.wait(timeout=30) == 0, log.read_text()
    assert {len(archive.versions(i)) for i in ids} == {1}


def test_a_pause_after_a_429_holds_every_limiter_of_the_deployment(pg_url):
    import asyncio

    from policywatch.distributed.app import conninfo
    from policywatch.distributed.limits import PostgresRateLimiter

    Archive.open(pg_url).close()  # the rate_limit table
    # Two limiters with their own connections stand for two worker processes.
    first = PostgresRateLimiter(conninfo(pg_url), "wayback cdx", 50.0)
    second = PostgresRateLimiter(conninfo(pg_url), "wayback cdx", 50.0)
    try:
        async def scenario() -> float:
            await first.acquire()
            first.pause(0.8)  # worker 1 got a 429
            started = time.monotonic()
            await second.acquire()  # worker 2 must wait the pause out too
            return time.monotonic() - started

        assert asyncio.run(scenario()) >= 0.7
    finally:
        first.close()
        second.close()


@pytest.mark.slow
def test_reextract_jobs_rebuild_histories_on_workers(pg_url, tmp_path, workers):
    from policywatch.distributed.jobs import REEXTRACT

    with FakeSite() as site:
        count = 3
        for i in range(count):
            site.add(f"/p{i}", policy_page(i))
        archive, ids = open_archive(pg_url, site, count)
        settings = Settings(database_url=pg_url, allow_private_addresses=True)
        queue_jobs(settings, CHECK, ids)
        pool = workers()
        worker = pool.start("--burst", "--concurrency", "3")
        assert worker.wait(timeout=60) == 0
        before = {i: [v.text for v in archive.versions(i)] for i in ids}
        assert all(len(texts) == 1 for texts in before.values())

        queued = queue_jobs(settings, REEXTRACT, ids)
        assert len(queued.jobs) == count
        worker = pool.start("--burst", "--queues", "reextracts")
        assert worker.wait(timeout=60) == 0
    assert pool.log(1).count("1 snapshots re-extracted") == count
    assert {i: [v.text for v in archive.versions(i)] for i in ids} == before
    assert pending_jobs(pg_url, REEXTRACT) == 0
