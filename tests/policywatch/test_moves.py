"""A policy across URL moves: archived homepages lead ``backfill --follow-moves`` to every URL."""

from __future__ import annotations

import json

import pytest

from storage import Archive
from tests.corpus_pages import ota_versions
from tests.databases import sqlite_only
from tests.fakes.wayback import FakeWayback

HOME = "https://shop.example/"
OLD = "https://shop.example/privacy.htm"
NEW = "https://shop.example/legal/privacy"


@pytest.fixture
def bodies(corpus):
    """Three distinct policy texts (Le Chat's first versions), oldest first."""
    return [p.body for p in ota_versions(corpus, "le-chat-privacy-policy")[:3]]


@pytest.fixture
def wayback(monkeypatch):
    with FakeWayback() as fake:
        monkeypatch.setenv("POLICYWATCH_WAYBACK_URL", fake.base_url)
        monkeypatch.setenv("POLICYWATCH_CDX_PER_SECOND", "50")
        monkeypatch.setenv("POLICYWATCH_REPLAY_PER_SECOND", "500")
        monkeypatch.setenv("POLICYWATCH_WAYBACK_BACKOFF", "0.01")
        yield fake


def moved_site(wayback: FakeWayback, bodies: list[bytes]) -> None:
    """/privacy.htm until 2013 (text A then B), no link in 2013, /legal/privacy from 2014
    (text B again, then C); the old URL answers 301 to the new one after the move."""
    for year in range(2010, 2013):
        wayback.add_homepage(HOME, f"{year}0301000000", "/privacy.htm")
        wayback.add_homepage(HOME, f"{year}0901000000", "privacy.htm")
    wayback.add_homepage(HOME, "20130301000000", None)
    wayback.add_homepage(HOME, "20130901000000", None)
    for year in range(2014, 2017):
        wayback.add_homepage(HOME, f"{year}0301000000", "/legal/privacy")
        wayback.add_homepage(HOME, f"{year}0901000000", "/legal/privacy")
    wayback.add_capture(OLD, "20100315000000", bodies[0])
    wayback.add_capture(OLD, "20110315000000", bodies[0])
    wayback.add_capture(OLD, "20120615000000", bodies[1])
    wayback.add_archived_redirect(OLD, "20140415000000", NEW)
    wayback.add_capture(NEW, "20140215000000", bodies[1])
    wayback.add_capture(NEW, "20150615000000", bodies[2])


def test_follow_moves_puts_both_eras_in_one_timeline(cli, wayback, bodies) -> None:
    moved_site(wayback, bodies)
    slug = cli("add", NEW).out.strip()
    result = cli("backfill", slug, "--follow-moves", "--every", "6mo")
    assert result.code == 0, result.err
    assert OLD in result.out and NEW in result.out
    assert "without a policy link" in result.out  # the 2013 homepages
    history = cli("history", slug, "--json").json()
    # A and B under the old URL, C under the new one: moving B to /legal/privacy is no version.
    assert [v["url"] for v in history] == [OLD, OLD, NEW]
    assert [v["captured_at"][:4] for v in history] == ["2010", "2012", "2015"]
    assert len({v["sha256"] for v in history}) == 3
    # Re-running replays nothing already stored.
    wayback.requests.clear()
    assert cli("backfill", slug, "--follow-moves").code == 0
    policy_replays = [r for r in wayback.requests_to("replay") if r.original != HOME]
    assert not policy_replays


@sqlite_only
def test_a_plain_backfill_of_the_new_url_misses_the_old_era(cli, wayback, bodies) -> None:
    moved_site(wayback, bodies)
    slug = cli("add", NEW).out.strip()
    assert cli("backfill", slug).code == 0
    assert [v["url"] for v in cli("history", slug, "--json").json()] == [NEW, NEW]


@sqlite_only
def test_a_homepage_without_links_in_some_intervals_keeps_one_span(cli, wayback, bodies) -> None:
    for year, href in ((2010, "/privacy.htm"), (2011, None), (2012, "/privacy.htm")):
        wayback.add_homepage(HOME, f"{year}0301000000", href)
    wayback.add_capture(OLD, "20100315000000", bodies[0])
    wayback.add_capture(OLD, "20120315000000", bodies[1])
    slug = cli("add", OLD).out.strip()
    result = cli("backfill", slug, "--follow-moves", "--every", "1y")
    assert result.code == 0, result.err
    assert "1 policy URL(s), 1 without a policy link" in result.out
    assert [v["url"] for v in cli("history", slug, "--json").json()] == [OLD, OLD]


@sqlite_only
def test_follow_moves_refuses_a_bad_interval(cli, wayback) -> None:
    slug = cli("add", NEW).out.strip()
    assert cli("backfill", slug, "--follow-moves", "--every", "6x").code == 2


@sqlite_only
def test_urls_lists_every_url_the_policy_had(cli, wayback, bodies) -> None:
    moved_site(wayback, bodies)
    slug = cli("add", NEW).out.strip()
    assert cli("backfill", slug, "--follow-moves", "--every", "6mo").code == 0
    urls = cli("urls", slug, "--json").json()
    assert [(u["url"], u["source"], u["current"]) for u in urls] == [
        (OLD, "homepage", False), (NEW, "given", True)]
    assert urls[0]["first_capture"].startswith("2010-03-15")
    assert urls[0]["last_capture"].startswith("2012-06-15")
    assert urls[1]["first_capture"].startswith("2014-02-15")
    assert urls[0]["homepage_capture"] == (
        "https://web.archive.org/web/20100301000000id_/https://shop.example/")
    assert "privacy" in urls[0]["reason"].lower()
    table = cli("urls", slug)
    assert table.code == 0 and "given" in table.out


@sqlite_only
def test_corpus_builds_seed_files_an_index_and_resumes(cli, wayback, bodies, tmp_path) -> None:
    moved_site(wayback, bodies)  # shop.example: two URLs, three texts
    wayback.add_homepage("https://nolink.example/", "20120301000000", None)
    domains = tmp_path / "domains.txt"
    domains.write_text("# research list\nshop.example\nhttps://www.nolink.example/\nempty.example\n")
    out = tmp_path / "corpus"
    result = cli("corpus", str(domains), "--from", "2009", "--to", "2019", "--every", "6mo",
                 "-o", str(out))
    assert result.code == 0, result.err
    assert "3 domains done" in result.out and "2 without a policy" in result.out
    assert "no policy  nolink.example: no privacy-policy link on 1 archived homepage" in result.err
    assert "no policy  empty.example: the Wayback Machine has no capture" in result.err
    files = sorted(p.name for p in (out / "shop.example").glob("*.md"))
    assert files == ["2010-03-15.md", "2012-06-15.md", "2015-06-15.md"]
    first = (out / "shop.example" / "2010-03-15.md").read_text()
    assert first.startswith("> *The following text is extracted and transformed from the "
                            "shop.example privacy policy that was archived on 2010-03-15.")
    index = [json.loads(x) for x in (out / "index.jsonl").read_text().splitlines()]
    assert [(r["domain"], r["date"], r["policy_url"]) for r in index] == [
        ("shop.example", "2010-03-15", OLD), ("shop.example", "2012-06-15", OLD),
        ("shop.example", "2015-06-15", NEW)]
    assert index[0]["wayback_url"] == f"https://web.archive.org/web/20100315000000id_/{OLD}"
    assert all(len(r["sha256"]) == 64 for r in index)
    missing = [json.loads(x)["domain"] for x in (out / "no-policy.jsonl").read_text().splitlines()]
    assert missing == ["nolink.example", "empty.example"]
    # The corpus policy is paused: the scheduler never checks it live.
    assert [p["active"] for p in cli("list", "--json").json()] == [False]

    # A re-run fetches nothing; a run killed during a domain (its done line cut short)
    # does that domain again and ends with the same index.
    wayback.requests.clear()
    assert cli("corpus", str(domains), "-o", str(out), "--from", "2009", "--to", "2019").code == 0
    assert wayback.requests == []
    done = (out / "done.jsonl").read_text().splitlines()
    (out / "done.jsonl").write_text("\n".join(done[1:]) + "\n" + done[0][:40])
    (out / "index.jsonl").unlink()
    rerun = cli("corpus", str(domains), "-o", str(out), "--from", "2009", "--to", "2019")
    assert rerun.code == 0, rerun.err
    assert "2 from an earlier run" in rerun.out
    assert [json.loads(x) for x in (out / "index.jsonl").read_text().splitlines()] == index
    assert not [r for r in wayback.requests_to("replay") if r.original != HOME]  # all stored


@sqlite_only
def test_a_policy_that_left_the_main_site_is_found_on_both_homepages(cli, wayback, bodies) -> None:
    legal = "https://legal.shop.example/terms/privacy-policy"
    wayback.add_homepage(HOME, "20180301000000", "/terms/")
    wayback.add_homepage(HOME, "20190301000000", legal)
    wayback.add_homepage("https://legal.shop.example/", "20190301000000", "/terms/privacy-policy")
    wayback.add_capture("https://shop.example/terms/", "20180315000000", bodies[0])
    wayback.add_capture(legal, "20190315000000", bodies[1])
    slug = cli("add", legal).out.strip()
    result = cli("backfill", slug, "--follow-moves", "--every", "1y")
    assert result.code == 0, result.err
    history = cli("history", slug, "--json").json()
    assert [v["url"] for v in history] == ["https://shop.example/terms/", legal]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)   # workers need PostgreSQL
def test_a_worker_backfill_job_follows_moves(db_url, wayback, bodies) -> None:
    """What `backfill --follow-moves --distributed` queues, run by a worker's runtime."""
    import asyncio

    from policywatch.distributed.runtime import WorkerRuntime
    from policywatch.settings import Settings

    moved_site(wayback, bodies)
    settings = Settings(database_url=db_url, wayback_url=wayback.base_url, cdx_per_second=50,
                        replay_per_second=500, wayback_backoff=0.01)
    runtime = WorkerRuntime(settings, concurrency=2)

    async def job() -> str:
        async with runtime:
            policy = await asyncio.to_thread(runtime.archive.add_policy, name="Shop", url=NEW,
                                             domain="shop.example")
            return await runtime.backfill(policy.id, follow_moves=True, every="6mo")

    line = asyncio.run(job())
    assert "2 policy URL(s)" in line
    archive = Archive.open(db_url)
    try:
        policy = archive.policy("shop.example")
        assert [v.url for v in archive.versions(policy.id)] == [OLD, OLD, NEW]
    finally:
        archive.close()


@sqlite_only
def test_the_homepage_given_at_add_time_is_walked_first(cli, wayback, bodies) -> None:
    home = "https://shop.example/en/"  # not the site root: only known because add was given it
    wayback.add_homepage(home, "20100301000000", "/privacy.htm")
    wayback.add_homepage(home, "20150301000000", "/legal/privacy")
    wayback.add_capture(OLD, "20100315000000", bodies[0])
    wayback.add_capture(NEW, "20150315000000", bodies[1])
    added = cli("add", home, "--from-archive", "--yes")
    assert added.code == 0, added.err
    slug = added.out.strip()
    assert cli("list", "--json").json()[0]["url"] == NEW
    given = cli("urls", slug, "--json").json()
    assert [(u["url"], u["source"], u["homepage_capture"]) for u in given] == [(NEW, "given", home)]
    assert cli("backfill", slug, "--follow-moves", "--every", "1y").code == 0
    assert [v["url"] for v in cli("history", slug, "--json").json()] == [OLD, NEW]


@pytest.mark.slow
@sqlite_only
@pytest.mark.timeout(600)  # a hang guard: the killed run is waited for
def test_a_killed_corpus_run_resumes_where_it_stopped(cli, wayback, bodies, tmp_path,
                                                      db_url) -> None:
    """A `corpus` process killed (SIGKILL) while it fetches the second domain's policy: the
    re-run skips the first domain and ends with the index an uninterrupted run writes."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    moved_site(wayback, bodies)  # shop.example
    other = "https://other.example/privacy"
    wayback.add_homepage("https://other.example/", "20120301000000", "/privacy")
    wayback.add_capture(other, "20120315000000", bodies[2])
    held = wayback.hold(other)
    domains = tmp_path / "domains.txt"
    domains.write_text("shop.example\nother.example\n")
    out = tmp_path / "corpus"
    args = ["corpus", str(domains), "--from", "2009", "--to", "2019", "-o", str(out)]
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "POLICYWATCH_ALLOW_PRIVATE_ADDRESSES": "true"}
    run = subprocess.Popen([sys.executable, "-m", "policywatch.cli", "--db", db_url, *args],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while not held.arrived.wait(0.2):
            assert run.poll() is None, run.stderr.read().decode() if run.stderr else ""
        run.kill()
        run.wait()
    finally:
        held.release()
    assert [json.loads(x)["domain"] for x in (out / "done.jsonl").read_text().splitlines()] == [
        "shop.example"]
    assert not (out / "index.jsonl").exists()  # written at the end of a run only

    wayback.requests.clear()
    rerun = cli(*args)
    assert rerun.code == 0, rerun.err
    assert "2 domains done (1 from an earlier run)" in rerun.out
    assert {r.original for r in wayback.requests_to("replay")} <= {
        "https://other.example/", other}  # nothing of shop.example again
    index = [json.loads(x) for x in (out / "index.jsonl").read_text().splitlines()]
    assert [(r["domain"], r["date"], r["policy_url"]) for r in index] == [
        ("shop.example", "2010-03-15", OLD), ("shop.example", "2012-06-15", OLD),
        ("shop.example", "2015-06-15", NEW), ("other.example", "2012-03-15", other)]
