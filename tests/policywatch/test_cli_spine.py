"""The spine end to end: add a policy, check it against a local site, read its history."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.corpus_pages import ota_stream
from tests.databases import sqlite_only
from tests.fakes.site import Response

DOC = "le-chat-privacy-policy"


@pytest.fixture
def pages(corpus: Path):
    stream = ota_stream(corpus, DOC)
    versions = [p for p in stream if p.kind in ("first", "change")]
    before_change = next(p for p in stream if p.kind == "before-change")
    return versions, before_change


@sqlite_only
def test_add_records_a_full_url_without_network(cli, site) -> None:
    result = cli("add", site.url("/legal/privacy"), "--name", "Le Chat", "--every", "6h")
    assert result.code == 0, result.err
    assert result.out.strip() == "127.0.0.1"
    assert site.requests == []
    listed = cli("list", "--json").json()
    assert listed == [{**listed[0], "slug": "127.0.0.1", "name": "Le Chat",
                       "url": site.url("/legal/privacy"), "domain": "127.0.0.1",
                       "active": True, "schedule": "6h"}]


def test_check_history_and_show_follow_the_page(cli, site, pages) -> None:
    versions, _ = pages
    site.add("/privacy", versions[0].body, etag='"v1"')
    slug = cli("add", site.url("/privacy")).out.strip()

    first = cli("check", slug)
    assert first.code == 0, first.err
    assert "new-version" in first.out

    # The site answers 304 to our conditional GET.
    second = cli("check", slug)
    assert "not-modified" in second.out
    assert site.requests_to("/privacy")[-1].headers.get("if-none-match") == '"v1"'

    # A new body whose text is the same (scripts, tokens, whitespace) is no new version.
    site.set_body("/privacy", versions[0].body.replace(b"</body>", b"<script>var t=42;</script>\n </body>"),
                  etag='"v1b"')
    assert "unchanged" in cli("check", slug).out

    # A real change of the policy is.
    site.set_body("/privacy", versions[1].body, etag='"v2"')
    assert "new-version" in cli("check", slug).out

    history = cli("history", slug, "--json").json()
    assert [v["version"] for v in history] == [1, 2]
    assert all(v["source"] == "live" and v["captured_at"].endswith("Z") for v in history)
    assert history[0]["sha256"] != history[1]["sha256"]
    assert history[1]["summary"]["line"]  # a change summary like "+3 -1 ~4"

    shown = cli("show", slug, "--version", "1")
    assert shown.code == 0
    header, _, body = shown.out.partition("\n")
    assert header.startswith("> *The following text is extracted and transformed from the 127.0.0.1 "
                             "privacy policy that was fetched on ")
    assert "# " in body
    assert cli("show", slug).out != shown.out  # default: the newest

    outcomes = [c["outcome"] for c in cli("checks", slug, "--json").json()]
    assert outcomes == ["new-version", "unchanged", "not-modified", "new-version"]


@sqlite_only
def test_failures_are_recorded_as_checks(cli, site, pages) -> None:
    versions, _ = pages
    site.add("/gone", "missing", status=404)
    site.redirect("/loop-a", "/loop-b")
    site.redirect("/loop-b", "/loop-a")
    site.add("/image", b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    site.add("/slow", versions[0].body, delay=3)
    site.sequence("/flaky", [Response(status=500), Response(status=503), Response(versions[0].body)])
    site.sequence("/busy", [Response(status=429, headers={"Retry-After": "0"}), Response(versions[0].body)])
    site.redirect("/moved", "/flaky-target")
    site.add("/flaky-target", versions[0].body)
    site.robots("User-agent: *\nDisallow: /private")
    site.add("/private", versions[0].body)
    expected = {"/gone": "http-status", "/loop-a": "redirect-loop", "/image": "unsupported-content",
                "/slow": "timeout", "/private": "robots"}
    slugs = {}
    for path in [*expected, "/flaky", "/busy", "/moved"]:
        slugs[path] = cli("add", site.url(path)).out.strip()
    result = cli("check", "--all")
    assert result.code == 0, result.err
    for path, kind in expected.items():
        checks = cli("checks", slugs[path], "--json").json()
        assert [c["outcome"] for c in checks] == ["error"], path
        assert checks[0]["error_kind"] == kind, path
    for path in ("/flaky", "/busy", "/moved"):
        assert cli("checks", slugs[path], "--json").json()[0]["outcome"] == "new-version", path
    assert len(site.requests_to("/flaky")) == 3
    moved = cli("history", slugs["/moved"], "--json").json()
    assert moved[0]["url"] == site.url("/flaky-target")
    # --ignore-robots overrides robots.txt.
    assert "new-version" in cli("check", slugs["/private"], "--ignore-robots").out


@sqlite_only
def test_add_discovers_the_policy_on_a_homepage(cli, site) -> None:
    site.add("/", """<html><head><title>Shop</title></head><body>
      <nav><a href="/products">Products</a> <a href="/privacy-settings">Privacy settings</a></nav>
      <main><p>Welcome.</p></main>
      <footer><a href="/terms">Terms of use</a> <a href="/legal/privacy-policy">Privacy Policy</a>
      <a href="https://other.example/privacy">Partner privacy</a></footer></body></html>""")
    result = cli("add", site.base_url, "--yes")
    assert result.code == 0, result.err
    slug = result.out.strip()
    assert cli("list", "--json").json()[0]["url"] == site.url("/legal/privacy-policy")
    assert "legal/privacy-policy" in result.err  # the choice is explained
    assert slug


@pytest.mark.parametrize("args, code, message", [
    (("show", "nope"), 2, "no policy 'nope'"),
    (("add", "ftp://example.com/privacy"), 2, "http"),
    (("add", "https://example.com/p", "--every", "sometimes"), 2, "invalid schedule"),
    (("check",), 2, "slug"),
    (("show", "x", "--at", "2024-13-01"), 2, ""),
])
@sqlite_only
def test_bad_input_gives_one_line_and_exit_code(cli, args, code, message) -> None:
    assert cli("db", "upgrade").code == 0  # read-only commands refuse a missing database
    result = cli(*args)
    assert result.code == code
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert message in result.err


@sqlite_only
def test_unreachable_database_is_one_line(cli, capsys, monkeypatch) -> None:
    from tests.policywatch.cli_runner import Cli

    broken = Cli("postgresql://nobody@127.0.0.1:1/none", capsys, monkeypatch)
    result = broken("list")
    assert result.code == 1
    assert result.err.startswith("policywatch: error: ") and result.err.count("\n") == 1


@pytest.mark.slow
def test_kill_during_check_all_leaves_a_consistent_database(db_url, site, pages, tmp_path) -> None:
    versions, _ = pages
    body = versions[0].body
    env = {**os.environ, "POLICYWATCH_DATABASE_URL": db_url, "POLICYWATCH_CONCURRENCY": "2",
           "POLICYWATCH_PER_HOST": "2", "POLICYWATCH_RESPECT_ROBOTS": "false",
           "POLICYWATCH_ALLOW_PRIVATE_ADDRESSES": "true"}     # the test site is on 127.0.0.1
    exe = [sys.executable, "-m", "policywatch.cli"]
    n = 12
    for i in range(n):
        site.add(f"/p{i}", body.replace(b"</body>", f"<p>Site number {i}.</p></body>".encode()),
                 body_delay=0.3)
        subprocess.run([*exe, "add", site.url(f"/p{i}")], env=env, check=True, capture_output=True)
    proc = subprocess.Popen([*exe, "check", "--all"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while sum(len(site.requests_to(f"/p{i}")) for i in range(n)) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    rerun = subprocess.run([*exe, "check", "--all"], env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    from storage import Archive

    archive = Archive.open(db_url)
    try:
        policies = archive.policies()
        assert len(policies) == n
        for policy in policies:
            assert archive.version_count(policy.id) == 1, policy.slug
            assert len(archive.snapshots(policy.id)) == 1, policy.slug
    finally:
        archive.close()
