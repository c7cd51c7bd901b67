"""A policy across URL moves: archived homepages lead ``backfill --follow-moves`` to every URL."""

from __future__ import annotations

import pytest

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
    assert cli("backfill", slug, "--follow-moves", "--every", "6m").code == 0
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
