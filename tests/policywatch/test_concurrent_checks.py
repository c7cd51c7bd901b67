"""Two `check --all` processes on one database: one version and one alert per real change."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from storage import Archive
from tests.fakes.receiver import Receiver
from tests.fakes.site import FakeSite, policy_page

POLICIES = 12
EXE = [sys.executable, "-m", "policywatch.cli"]


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_two_check_all_processes_make_one_version_and_one_alert_per_change(db_url, tmp_path) -> None:
    env = {**os.environ, "POLICYWATCH_DATABASE_URL": db_url, "POLICYWATCH_BACKOFF": "0.01",
           "POLICYWATCH_ALLOW_PRIVATE_ADDRESSES": "true", "POLICYWATCH_PER_HOST": "4"}

    def run(*args: str) -> subprocess.Popen:
        return subprocess.Popen([*EXE, *args], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    with FakeSite() as site, Receiver() as hooks:
        for n in range(POLICIES):
            site.add(f"/p{n}", policy_page(n, 30))
            assert run("add", site.url(f"/p{n}")).wait() == 0
        assert run("alerts", "add", hooks.url()).wait() == 0
        first = run("check", "--all")
        assert first.wait() == 0, first.stderr.read()
        for n in range(POLICIES):
            site.set_body(f"/p{n}", policy_page(n, 90))
        racers = [run("check", "--all") for _ in range(2)]
        outputs = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in racers]
        assert all(code == 0 for code, _, _ in outputs), outputs
        reported = [line for _, out, _ in outputs for line in out.splitlines() if "new-version" in line]
        assert len(reported) == POLICIES          # each change reported by one process only
        hooks.wait_for(POLICIES, timeout=30)
        time.sleep(0.5)                           # a duplicate would arrive now
        assert len(hooks.accepted()) == POLICIES

    archive = Archive.open(db_url)
    try:
        for policy in archive.policies():
            assert archive.version_count(policy.id) == 2, policy.slug
            checks = archive.checks(policy.id, limit=20)
            versions = {v.id for v in archive.versions(policy.id)}
            assert all(c.version_id is None or c.version_id in versions for c in checks)
    finally:
        archive.close()
