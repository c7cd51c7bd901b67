"""A live policy that moves: re-discovered from the homepage, tracked at its new URL, told once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.corpus_pages import ota_versions
from tests.databases import sqlite_only
from tests.fakes.receiver import Receiver


def homepage(href: str | None) -> str:
    link = f" <a href='{href}'>Privacy Policy</a>" if href else ""
    return ("<html><head><title>Shop Inc.</title></head><body><nav><a href='/shop'>Shop</a>"
            "</nav><p>Welcome to Shop Inc., the finest shop on the web.</p><footer>"
            f"<a href='/about'>About us</a>{link}</footer></body></html>")


@pytest.fixture
def versions(corpus: Path) -> list[bytes]:
    return [p.body for p in ota_versions(corpus, "le-chat-privacy-policy")[:2]]


@pytest.fixture
def hooks(monkeypatch):
    monkeypatch.setenv("POLICYWATCH_ALERT_BACKOFF", "0.05")
    monkeypatch.setenv("POLICYWATCH_RESPECT_ROBOTS", "false")
    monkeypatch.setenv("POLICYWATCH_RETRIES", "0")
    with Receiver() as receiver:
        yield receiver


def subscribe(cli, url: str) -> None:
    result = cli("alerts", "add", url)
    assert result.code == 0, result.err


def test_a_live_404_rediscovers_the_policy_and_alerts_once(cli, site, versions, hooks) -> None:
    site.add("/", homepage("/privacy"))
    site.add("/privacy", versions[0])
    old, new = site.url("/privacy"), site.url("/legal/privacy")
    slug = cli("add", old).out.strip()
    subscribe(cli, hooks.url("/hook"))
    assert "new-version" in cli("check", slug).out

    site.remove("/privacy")
    site.add("/", homepage("/legal/privacy"))
    site.add("/legal/privacy", versions[0])  # same text at the new address
    result = cli("check", slug)
    assert result.code == 0, result.err
    assert f"moved from {old} to {new}" in result.out
    assert cli("list", "--json").json()[0]["url"] == new
    history = cli("history", slug, "--json").json()
    assert len(history) == 1  # a move with the same text is no new version

    alerts = hooks.wait_for(1)
    moved = alerts[0].json()
    assert moved["event"] == "policy.moved"
    assert (moved["old_url"], moved["new_url"]) == (old, new)
    assert "homepage link" in moved["how"]
    urls = {u["url"]: u for u in cli("urls", slug, "--json").json()}
    assert urls[new]["source"] == "homepage" and urls[new]["current"]
    assert urls[old]["source"] == "given" and not urls[old]["current"]
    assert urls[new]["homepage_capture"] == site.url("/")

    # Later checks of the new URL tell no one again.
    assert "unchanged" in cli("check", slug).out
    assert len(hooks.wait_for(2, timeout=0.5)) == 1


@sqlite_only
def test_a_redirect_to_another_policy_page_is_followed(cli, site, versions, hooks) -> None:
    site.add("/privacy", versions[0])
    old, new = site.url("/privacy"), site.url("/legal/privacy")
    slug = cli("add", old).out.strip()
    subscribe(cli, hooks.url("/hook"))
    cli("check", slug)
    site.redirect("/privacy", "/legal/privacy", status=301)
    site.add("/legal/privacy", versions[1])
    result = cli("check", slug)
    assert "new-version" in result.out and f"moved from {old} to {new}" in result.out
    assert cli("list", "--json").json()[0]["url"] == new
    events = sorted(r.json()["event"] for r in hooks.wait_for(2))
    assert events == ["policy.changed", "policy.moved"]  # the new text is a change too
    urls = {u["url"]: u["source"] for u in cli("urls", slug, "--json").json()}
    assert urls[new] == "redirect"
    # An http -> https style redirect of the same page is no move.
    assert cli("check", slug).code == 0
    assert cli("list", "--json").json()[0]["url"] == new


@sqlite_only
def test_a_404_with_no_other_link_on_the_homepage_moves_nothing(cli, site, versions, hooks,
                                                                recorded_alerts) -> None:
    site.add("/", homepage(None))
    site.add("/privacy", versions[0])
    slug = cli("add", site.url("/privacy")).out.strip()
    subscribe(cli, hooks.url("/hook"))
    cli("check", slug)
    site.remove("/privacy")
    result = cli("check", slug)
    assert "error" in result.out and "moved" not in result.out
    assert cli("list", "--json").json()[0]["url"] == site.url("/privacy")
    assert recorded_alerts() == [] and hooks.accepted() == []


@sqlite_only
def test_a_url_that_always_redirected_is_no_move(cli, site, versions, hooks,
                                                 recorded_alerts) -> None:
    site.redirect("/privacy", "/privacy-policy", status=301)
    site.add("/privacy-policy", versions[0])
    slug = cli("add", site.url("/privacy")).out.strip()
    subscribe(cli, hooks.url("/hook"))
    for _ in range(2):
        assert "moved" not in cli("check", slug).out
    assert cli("list", "--json").json()[0]["url"] == site.url("/privacy")
    assert recorded_alerts() == [] and hooks.accepted() == []


@sqlite_only
def test_a_page_that_is_not_the_policy_three_checks_in_a_row_is_looked_for(
        cli, site, versions, hooks) -> None:
    site.add("/", homepage("/privacy"))
    site.add("/privacy", versions[0])
    old, new = site.url("/privacy"), site.url("/legal/privacy")
    slug = cli("add", old).out.strip()
    subscribe(cli, hooks.url("/hook"))
    cli("check", slug)
    site.add("/privacy", "<html><head><title>Page not found</title></head><body><h1>Page not "
                         "found</h1><p>Sorry, the page you are looking for does not exist."
                         "</p></body></html>")
    site.add("/", homepage("/legal/privacy"))
    site.add("/legal/privacy", versions[0])
    outs = [cli("check", slug).out for _ in range(3)]
    assert ["moved" in out for out in outs] == [False, False, True]
    assert cli("list", "--json").json()[0]["url"] == new
    events = [r.json()["event"] for r in hooks.wait_for(3)]
    # Broken at once (not the policy); then moved, and tracking works again at the new URL.
    assert events[0] == "policy.tracking_broken"
    assert sorted(events[1:]) == ["policy.moved", "policy.tracking_recovered"]
    assert len(hooks.wait_for(4, timeout=0.5)) == 3


@pytest.mark.parametrize(("domain", "new_url", "after"), [
    ("mistral.ai", "https://legal.mistral.ai/terms/privacy-policy", "mistral.ai"),
    ("www.shop.example.co.uk", "https://legal.example.co.uk/privacy", "www.shop.example.co.uk"),
    ("shop.example", "https://policies.other.example/shop", "policies.other.example"),
    ("127.0.0.1", "http://127.0.0.1:8080/legal", "127.0.0.1"),
    ("127.0.0.1", "http://localhost:8080/legal", "localhost"),
])
def test_a_move_keeps_the_domain_unless_it_leaves_the_registrable_domain(
        domain: str, new_url: str, after: str) -> None:
    from policywatch.checking.relocation import domain_after_move

    assert domain_after_move(domain, new_url) == after


@sqlite_only
def test_a_move_to_another_site_updates_the_domain_and_keeps_both_urls(
        cli, site, versions, hooks) -> None:
    site.add("/privacy", versions[0])
    old = site.url("/privacy")
    new = site.url("/legal/privacy").replace("127.0.0.1", "localhost")  # another site
    slug = cli("add", old).out.strip()
    assert cli("list", "--json").json()[0]["domain"] == "127.0.0.1"
    cli("check", slug)
    site.redirect("/privacy", new, status=301)
    site.add("/legal/privacy", versions[1])
    result = cli("check", slug)
    assert f"moved from {old} to {new}" in result.out, result.out + result.err
    policy = cli("list", "--json").json()[0]
    assert (policy["url"], policy["domain"], policy["slug"]) == (new, "localhost", slug)
    assert [v["url"] for v in cli("history", slug, "--json").json()] == [old, new]
    assert {u["url"] for u in cli("urls", slug, "--json").json()} == {old, new}
