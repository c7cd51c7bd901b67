"""Backfill end to end: a corpus stream from a fake Wayback Machine into one timeline."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage import Archive
from tests.corpus_pages import ota_stream
from tests.databases import sqlite_only
from tests.fakes.wayback import FakeWayback

DOC = "le-chat-privacy-policy"


@pytest.fixture
def stream(corpus: Path):
    return ota_stream(corpus, DOC)


URL = "https://legal.example.org/terms/privacy-policy"


def load(wayback: FakeWayback, stream, url: str = URL) -> None:
    for page in stream:
        wayback.add_capture(url, page.timestamp, page.body)


def texts(db_url: str, slug: str) -> list[tuple[str, str, str]]:
    archive = Archive.open(db_url)
    try:
        policy = archive.policy(slug)
        return [(v.source, v.captured_at.isoformat(), v.text_sha256) for v in archive.versions(policy.id)]
    finally:
        archive.close()


def test_backfill_records_the_history_fetching_each_digest_once(cli, wayback, stream, db_url) -> None:
    load(wayback, stream)
    slug = cli("add", URL).out.strip()
    result = cli("backfill", slug)
    assert result.code == 0, result.err
    replays = [r for r in wayback.requests if "/web/" in r.path]
    distinct = {p.body for p in stream}
    assert len(replays) == len(distinct)
    assert len({r.path for r in replays}) == len(replays)
    history = cli("history", slug, "--json").json()
    changes = sum(1 for p in stream if p.kind in ("first", "change"))
    assert changes <= len(history) <= round(1.2 * changes) + 1
    assert all(v["source"] == "wayback" for v in history)
    assert [v["captured_at"] for v in history] == sorted(v["captured_at"] for v in history)

    # The seed header names web.archive.org even though the client used a local server.
    shown = cli("show", slug, "--version", "1").out.splitlines()[0]
    ts = history[0]["archive_timestamp"]
    assert shown == (
        "> *The following text is extracted and transformed from the legal.example.org privacy "
        f"policy that was archived on {ts[:4]}-{ts[4:6]}-{ts[6:8]}. Please check the [original "
        f"snapshot on the Wayback Machine](https://web.archive.org/web/{ts}id_/"
        "https%3A//legal.example.org/terms/privacy-policy) for the most accurate reproduction.*")

    # Re-running fetches nothing new and changes nothing.
    before = texts(db_url, slug)
    wayback.requests.clear()
    assert cli("backfill", slug).code == 0
    assert not [r for r in wayback.requests if "/web/" in r.path]
    assert texts(db_url, slug) == before


@sqlite_only
def test_live_and_wayback_versions_interleave(cli, wayback, stream, site) -> None:
    versions = [p for p in stream if p.kind in ("first", "change")]
    site.add("/privacy", versions[-1].body)
    url = site.url("/privacy")
    for page in stream[: stream.index(versions[-1])]:
        wayback.add_capture(url, page.timestamp, page.body)
    slug = cli("add", url).out.strip()
    assert "new-version" in cli("check", slug).out
    assert cli("backfill", slug).code == 0
    history = cli("history", slug, "--json").json()
    assert history[-1]["source"] == "live"
    assert {v["source"] for v in history[:-1]} == {"wayback"}
    assert len(history) >= len(versions)
    # The live version's text differs from the last archived one.
    assert history[-1]["sha256"] != history[-2]["sha256"]


@sqlite_only
def test_sampling_and_date_bounds(cli, wayback, stream) -> None:
    load(wayback, stream)
    slug = cli("add", URL).out.strip()
    first_year = stream[0].timestamp[:4]
    assert cli("backfill", slug, "--every", "1y").code == 0
    sampled = [r for r in wayback.requests if "/web/" in r.path]
    years = {p.timestamp[:4] for p in stream}
    assert len(sampled) == len(years)
    assert cli("backfill", slug, "--from", "1990", "--to", f"{first_year}-13").code == 2


@sqlite_only
def test_blocked_site_and_missing_captures_are_checks_not_crashes(cli, wayback, stream) -> None:
    load(wayback, stream[:3])
    wayback.block("legal.example.org")
    slug = cli("add", URL).out.strip()
    result = cli("backfill", slug)
    assert result.code == 0, result.err
    checks = cli("checks", slug, "--json").json()
    assert checks and checks[0]["outcome"] == "error" and checks[0]["error_kind"] == "blocked"


@sqlite_only
def test_export_writes_seed_files_and_jsonl(cli, wayback, stream, tmp_path) -> None:
    load(wayback, stream)
    slug = cli("add", URL).out.strip()
    cli("backfill", slug)
    history = cli("history", slug, "--json").json()
    assert cli("export", str(tmp_path / "seed")).code == 0
    files = sorted((tmp_path / "seed" / "legal.example.org").glob("*.md"))
    assert len(files) == len(history)
    assert files[0].read_text().startswith("> *The following text is extracted and transformed from "
                                           "the legal.example.org privacy policy that was archived on ")
    assert cli("export", str(tmp_path / "jsonl"), "--format", "jsonl", slug).code == 0
    rows = [json.loads(x) for x in (tmp_path / "jsonl" / f"{slug}.jsonl").read_text().splitlines()]
    assert [r["version"] for r in rows] == [v["version"] for v in history]
    assert all(r["text"] and r["document"].startswith("> *") for r in rows)


@pytest.mark.slow
def test_kill_during_backfill_then_rerun_gives_the_same_versions(db_url, full_corpus: Path,
                                                                 tmp_path) -> None:
    stream = ota_stream(full_corpus, DOC)  # enough captures to kill the backfill mid-way
    env = {**os.environ, "POLICYWATCH_DATABASE_URL": db_url, "POLICYWATCH_CDX_PER_SECOND": "20",
           "POLICYWATCH_REPLAY_PER_SECOND": "8"}
    exe = [sys.executable, "-m", "policywatch.cli"]
    with FakeWayback() as wayback:
        load(wayback, stream)
        env["POLICYWATCH_WAYBACK_URL"] = wayback.base_url
        subprocess.run([*exe, "add", URL], env=env, check=True, capture_output=True)
        proc = subprocess.Popen([*exe, "backfill", "--all"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len([r for r in wayback.requests if "/web/" in r.path]) < 15 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        archive = Archive.open(db_url)
        try:
            stored_at_kill = len(archive.snapshots(archive.policy("legal.example.org").id))
        finally:
            archive.close()
        subprocess.run([*exe, "backfill", "--all"], env={**env, "POLICYWATCH_REPLAY_PER_SECOND": "200"},
                       check=True, capture_output=True)
    resumed = texts(db_url, "legal.example.org")

    clean_db = f"sqlite:///{tmp_path / 'clean.db'}"
    with FakeWayback() as wayback:
        load(wayback, stream)
        clean_env = {**env, "POLICYWATCH_DATABASE_URL": clean_db, "POLICYWATCH_WAYBACK_URL": wayback.base_url,
                     "POLICYWATCH_REPLAY_PER_SECOND": "200"}
        subprocess.run([*exe, "add", URL], env=clean_env, check=True, capture_output=True)
        subprocess.run([*exe, "backfill", "--all"], env=clean_env, check=True, capture_output=True)
    clean = texts(clean_db, "legal.example.org")
    assert 0 < stored_at_kill < len({p.body for p in stream})  # the kill came mid-way
    assert [(s, at, sha) for s, at, sha in resumed] == [(s, at, sha) for s, at, sha in clean]


@sqlite_only
def test_add_from_archive_finds_the_link_on_an_archived_homepage(cli, wayback) -> None:
    old_home = (b"<html><head><title>Gone Inc.</title></head><body><nav><a href='/shop'>Shop</a></nav>"
                b"<p>Welcome to Gone Inc.</p><footer><a href='/about'>About us</a> "
                b"<a href='/legal/privacy.html'>Privacy Policy</a></footer></body></html>")
    new_home = old_home.replace(b"/legal/privacy.html", b"/privacy-notice")
    wayback.add_capture("https://gone.example/", "20120301000000", old_home)
    wayback.add_capture("https://gone.example/", "20190301000000", new_home)
    result = cli("add", "gone.example", "--from-archive", "--at", "2012", "--yes")
    assert result.code == 0, result.err
    assert cli("list", "--json").json()[0]["url"] == "https://gone.example/legal/privacy.html"
    assert "archived on 2012-03-01" in result.err
    latest = cli("add", "gone.example", "--from-archive", "--yes", "--name", "Gone, latest")
    assert latest.code == 0, latest.err
    urls = {p["url"] for p in cli("list", "--json").json()}
    assert "https://gone.example/privacy-notice" in urls
