"""`policywatch run` as a real process: checks on schedule, alerts, signals, the lease, kill -9."""

from __future__ import annotations

import hashlib
import hmac
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storage import Archive, Outbox
from tests.corpus_pages import ota_stream
from tests.fakes.receiver import MailServer, Receiver

DOC = "buffer-privacy-policy"  # a small real change: a clause added, one modified, one moved
FORMATTING_DOC = "perplexity-privacy-policy"  # its 2nd -> 3rd version is a real formatting-only change
EXE = [sys.executable, "-m", "policywatch.cli"]
# The same CLI with a crash point injected right after an alert's commit (kill -9 test).
CRASHING_EXE = [sys.executable, "-m", "tests.policywatch.crash_after_commit"]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def formatting_pair(corpus: Path) -> list[bytes]:
    return [p.body for p in ota_stream(corpus, FORMATTING_DOC) if p.kind in ("first", "change")][1:3]


@pytest.fixture
def versions(corpus: Path) -> list[bytes]:
    return [p.body for p in ota_stream(corpus, DOC) if p.kind in ("first", "change")]


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


@pytest.fixture
def hooks() -> Iterator[Receiver]:
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def env(db_url: str, mail: MailServer, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "POLICYWATCH_DATABASE_URL": db_url,
            "POLICYWATCH_CONFIG": str(tmp_path / "none.toml"),
            "POLICYWATCH_RESPECT_ROBOTS": "false", "POLICYWATCH_RETRIES": "0",
            "POLICYWATCH_ALLOW_PRIVATE_ADDRESSES": "true",  # the fake site is on loopback
            "POLICYWATCH_MIN_INTERVAL": "1s",  # schedules of a second keep these tests short
            "POLICYWATCH_BACKOFF": "0.01", "POLICYWATCH_READ_TIMEOUT": "5",
            "POLICYWATCH_SMTP_HOST": mail.host, "POLICYWATCH_SMTP_PORT": str(mail.port),
            "POLICYWATCH_ALERT_BACKOFF": "0.1", "POLICYWATCH_JITTER": "0",
            "POLICYWATCH_SHUTDOWN_GRACE": "10", "POLICYWATCH_LEASE_TTL": "30"}


def pw(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one policywatch command to completion."""
    result = subprocess.run([*EXE, *args], env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


class Run:
    """A `policywatch run` process whose stderr is collected in a file."""

    def __init__(self, env: dict[str, str], log: Path, *args: str,
                 exe: list[str] | None = None) -> None:
        self.log = log
        self._file = log.open("w")
        self.proc = subprocess.Popen([*(exe or EXE), "run", "--tick", "0.2", *args], env=env,
                                     stdout=subprocess.DEVNULL, stderr=self._file, cwd=REPO)

    def text(self) -> str:
        return self.log.read_text()

    def wait_for_log(self, needle: str, timeout: float = 30) -> None:
        wait_until(lambda: needle in self.text() or self.proc.poll() is not None, timeout)
        assert needle in self.text(), self.text()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._file.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._file.close()


@pytest.fixture
def runs() -> Iterator[Callable[..., Run]]:
    started: list[Run] = []

    def start(env: dict[str, str], log: Path, *args: str, exe: list[str] | None = None) -> Run:
        run = Run(env, log, *args, exe=exe)
        started.append(run)
        return run

    yield start
    for run in started:
        run.kill()


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.slow
def test_run_checks_on_schedule_alerts_once_and_stops_on_sigterm(
        env, site, versions, formatting_pair, mail, hooks, runs, tmp_path) -> None:
    site.add("/privacy", versions[0])
    site.add("/other", formatting_pair[0])
    slug = pw(env, "add", site.url("/privacy"), "--name", "Buffer", "--every", "1s").stdout.strip()
    other = pw(env, "add", site.url("/other"), "--name", "Perplexity", "--every", "1s").stdout.strip()
    pw(env, "alerts", "add", "mailto:dpo@example.org")
    pw(env, "alerts", "add", hooks.url("/hook"), "--secret", "s3cret")
    pw(env, "alerts", "add", hooks.url("/apprise", scheme="json"))
    run = runs(env, tmp_path / "run.log")

    # Checks happen on schedule: the never-checked policy at once, then about every second.
    assert wait_until(lambda: len(site.requests_to("/privacy")) >= 3, 30), run.text()
    times = [r.received_at for r in site.requests_to("/privacy")]
    # About one check a second (a late firing may be followed by an early one; the mean holds).
    assert (times[-1] - times[0]) / (len(times) - 1) > 0.7, times

    site.set_body("/privacy", versions[1])
    assert len(mail.wait_for(1)) == 1
    assert len(hooks.wait_for(1, path="/hook")) == 1
    assert len(hooks.wait_for(1, path="/apprise")) == 1
    hook = hooks.accepted("/hook")[0]
    assert hook.headers["x-policywatch-signature"] == \
        "sha256=" + hmac.new(b"s3cret", hook.body, hashlib.sha256).hexdigest()
    assert hook.json()["policy"]["slug"] == slug

    # A formatting-only change (of the other policy) is recorded but alerts no one.
    site.set_body("/other", formatting_pair[1])
    seen = len(site.requests_to("/other"))
    assert wait_until(lambda: len(site.requests_to("/other")) >= seen + 3, 30)
    assert len(mail.wait_for(2, timeout=1)) == 1 and len(hooks.accepted()) == 2
    assert pw(env, "history", other, "--json").stdout.count('"version":') == 2

    assert run.stop(signal.SIGTERM) == 0
    log = run.text()
    assert "Traceback" not in log, log
    check_lines = [line for line in log.splitlines() if f" {slug}  " in line]
    assert any("new-version  version 2" in line for line in check_lines), log
    assert sum("unchanged" in line or "not-modified" in line for line in check_lines) >= 2
    history = pw(env, "history", slug, "--json").stdout
    assert history.count('"version":') == 2
    assert "scheduler stopped" in log


@pytest.mark.slow
def test_a_second_run_on_the_same_database_refuses_to_start(env, site, versions, runs,
                                                            tmp_path) -> None:
    site.add("/privacy", versions[0])
    pw(env, "add", site.url("/privacy"), "--every", "1h")
    # A short lease: the first run must keep renewing it to stay the only one.
    env = {**env, "POLICYWATCH_LEASE_TTL": "1.5"}
    first = runs(env, tmp_path / "first.log")
    first.wait_for_log("scheduler started")
    time.sleep(2.5)
    second = pw(env, "run", check=False)
    assert second.returncode == 1
    assert second.stderr.count("\n") == 1, second.stderr
    assert "another `policywatch run` is already checking this database" in second.stderr
    assert f":{first.proc.pid}" in second.stderr
    assert first.stop(signal.SIGINT) == 0
    # The lease was released: the next run starts at once.
    third = runs(env, tmp_path / "third.log")
    third.wait_for_log("scheduler started")
    assert third.stop() == 0


@pytest.mark.slow
def test_schedule_changes_take_effect_without_restart(env, site, versions, runs, tmp_path) -> None:
    site.add("/privacy", versions[0])
    slug = pw(env, "add", site.url("/privacy"), "--every", "1h").stdout.strip()
    run = runs(env, tmp_path / "run.log")
    assert wait_until(lambda: len(site.requests_to("/privacy")) == 1, 30)  # never checked: due now
    time.sleep(1.0)
    assert len(site.requests_to("/privacy")) == 1  # then not before an hour
    pw(env, "schedule", slug, "1s")
    assert wait_until(lambda: len(site.requests_to("/privacy")) >= 3, 30), run.text()
    pw(env, "pause", slug)
    time.sleep(0.6)  # a check already started may finish
    paused_at = len(site.requests_to("/privacy"))
    time.sleep(2.0)
    assert len(site.requests_to("/privacy")) == paused_at
    pw(env, "resume", slug)
    assert wait_until(lambda: len(site.requests_to("/privacy")) > paused_at, 30)
    assert run.stop() == 0


@pytest.mark.slow
def test_missed_runs_after_downtime_are_one_catch_up_check(env, site, versions, runs,
                                                           tmp_path) -> None:
    site.add("/privacy", versions[0])
    slug = pw(env, "add", site.url("/privacy"), "--every", "1h").stdout.strip()
    pw(env, "check", slug)
    archive = Archive.open(env["POLICYWATCH_DATABASE_URL"])
    try:
        # Pretend the last check was three and a half intervals ago.
        from datetime import UTC, datetime, timedelta

        from sqlalchemy import text

        with archive.session() as session:
            session.execute(text("UPDATE policy SET last_check_at = :t"),
                            {"t": datetime.now(UTC) - timedelta(hours=3.5)})
    finally:
        archive.close()
    before = len(site.requests_to("/privacy"))
    run = runs(env, tmp_path / "run.log")
    # A busy machine can take long to start the process: wait for conditions, not a clock.
    run.wait_for_log(f"{slug}  ", timeout=120)  # the catch-up check has finished
    time.sleep(1.5)  # several ticks in which a second or third catch-up would start
    assert len(site.requests_to("/privacy")) == before + 1, run.text()  # one catch-up, not three
    assert run.stop() == 0


@pytest.mark.slow
def test_sigterm_lets_an_in_flight_check_finish_and_exits_0(env, site, versions, runs,
                                                            tmp_path) -> None:
    site.add("/privacy", versions[0], body_delay=1.5)
    slug = pw(env, "add", site.url("/privacy"), "--every", "1h").stdout.strip()
    run = runs(env, tmp_path / "run.log")
    assert wait_until(lambda: len(site.requests_to("/privacy")) == 1, 30)
    assert run.stop(signal.SIGTERM) == 0
    assert "waiting up to" in run.text()
    checks = pw(env, "checks", slug, "--json").stdout
    assert '"outcome": "new-version"' in checks  # finished, recorded whole


@pytest.mark.slow
def test_kill_9_between_commit_and_send_delivers_exactly_once_after_restart(
        env, site, versions, hooks, mail, runs, tmp_path) -> None:
    site.add("/privacy", versions[0])
    slug = pw(env, "add", site.url("/privacy"), "--every", "1s").stdout.strip()
    pw(env, "check", slug)  # version 1
    pw(env, "alerts", "add", hooks.url("/hook"))
    pw(env, "alerts", "add", "mailto:dpo@example.org")
    site.set_body("/privacy", versions[1])

    crashing = runs(env, tmp_path / "crash.log", exe=CRASHING_EXE)
    assert crashing.proc.wait(timeout=60) == -signal.SIGKILL, crashing.text()
    # The version and its alerts were committed; nothing was sent.
    assert hooks.received == [] and mail.messages == []
    archive = Archive.open(env["POLICYWATCH_DATABASE_URL"])
    try:
        assert [a.status for a in Outbox(archive).alerts()] == ["pending", "pending"]
        assert archive.version_count(archive.policy(slug).id) == 2
    finally:
        archive.close()

    # Restart: the dead process's lease is taken over and the alerts go out, once.
    restarted = runs(env, tmp_path / "restart.log")
    restarted.wait_for_log("scheduler started")
    assert len(hooks.wait_for(1)) == 1 and len(mail.wait_for(1)) == 1
    seen = len(site.requests_to("/privacy"))
    assert wait_until(lambda: len(site.requests_to("/privacy")) >= seen + 2, 30)
    assert restarted.stop() == 0
    pw(env, "check", slug)
    assert len(hooks.received) == 1 and len(mail.messages) == 1
    assert "taking over the lease" in restarted.text()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.slow
def test_one_slow_site_never_stalls_the_others(env, site, versions, runs, tmp_path) -> None:
    from tests.fakes.site import FakeSite

    env = {**env, "POLICYWATCH_CONCURRENCY": "3", "POLICYWATCH_PER_HOST": "2",
           "POLICYWATCH_READ_TIMEOUT": "30", "POLICYWATCH_SHUTDOWN_GRACE": "1"}
    with FakeSite() as slow:
        slow.add("/slow", versions[0], body_delay=20)
        # "localhost" is another host than "127.0.0.1" for the per-host limit.
        pw(env, "add", f"http://localhost:{slow.port}/slow", "--every", "1s")
        for i in range(4):
            site.add(f"/p{i}", versions[0].replace(b"</body>", f"<p>Copy {i}.</p></body>".encode()),
                     body_delay=0.3)
            pw(env, "add", site.url(f"/p{i}"), "--every", "1s")
        run = runs(env, tmp_path / "run.log")
        assert wait_until(lambda: all(len(site.requests_to(f"/p{i}")) >= 3 for i in range(4)), 40), \
            run.text()
        assert len(slow.requests_to("/slow")) == 1  # still in flight, not started again
        assert site.max_in_flight <= 2  # the per-host limit
        assert run.stop() == 0
    log = run.text()
    assert "previous check still running, skipped" in log
    assert "abandoned" in log  # the slow check did not finish within the grace period


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.slow
def test_the_global_concurrency_limit_holds(env, site, versions, runs, tmp_path) -> None:
    env = {**env, "POLICYWATCH_CONCURRENCY": "2", "POLICYWATCH_PER_HOST": "8"}
    for i in range(5):
        site.add(f"/p{i}", versions[0].replace(b"</body>", f"<p>Copy {i}.</p></body>".encode()),
                 body_delay=0.4)
        pw(env, "add", site.url(f"/p{i}"), "--every", "1h")
    run = runs(env, tmp_path / "run.log")
    assert wait_until(lambda: all(len(site.requests_to(f"/p{i}")) == 1 for i in range(5)), 30)
    assert site.max_in_flight == 2
    assert run.stop() == 0


@pytest.mark.slow
def test_a_failing_site_alerts_broken_once_then_recovered_once(env, site, versions, hooks, runs,
                                                               tmp_path) -> None:
    site.add("/privacy", versions[0])
    slug = pw(env, "add", site.url("/privacy"), "--every", "1s").stdout.strip()
    pw(env, "check", slug)
    pw(env, "alerts", "add", hooks.url("/hook"))
    site.set_body("/privacy", "down", status=503)
    run = runs(env, tmp_path / "run.log")
    assert wait_until(lambda: len(site.requests_to("/privacy")) >= 7, 40), run.text()
    events = [r.json()["event"] for r in hooks.wait_for(1)]
    assert events == ["policy.tracking_broken"]
    site.set_body("/privacy", versions[0], status=200)
    hooks.wait_for(2)
    seen = len(site.requests_to("/privacy"))
    assert wait_until(lambda: len(site.requests_to("/privacy")) >= seen + 3, 30)
    assert [r.json()["event"] for r in hooks.accepted()] == ["policy.tracking_broken",
                                                             "policy.tracking_recovered"]
    assert run.stop() == 0


def test_when_a_policy_is_due() -> None:
    from datetime import UTC, datetime, timedelta

    from policywatch.scheduling.scheduler import catch_up_spread, next_due

    now = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)
    assert next_due("6h", None, now) == now  # never checked: now
    assert next_due("6h", now - timedelta(hours=1), now) == now + timedelta(hours=5)
    assert next_due("6h", now - timedelta(days=3), now) < now  # overdue: one catch-up now
    # Cron: the first firing after the last check.
    assert next_due("0 6 * * *", now - timedelta(hours=1), now) == datetime(2025, 3, 6, 6, 0, tzinfo=UTC)
    assert next_due("0 6 * * *", now - timedelta(days=2), now) == datetime(2025, 3, 4, 6, 0, tzinfo=UTC)
    assert next_due("30 2 1 * *", now, now) == datetime(2025, 4, 1, 2, 30, tzinfo=UTC)
    assert catch_up_spread("1d", 0.1) == 60.0 and catch_up_spread("1s", 0.1) == pytest.approx(0.1)
