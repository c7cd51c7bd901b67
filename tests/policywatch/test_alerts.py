"""Alerts end to end through `policywatch check`: real SMTP server, webhook and Apprise receivers."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pytest

from storage import Archive, Outbox
from tests.corpus_pages import ota_stream
from tests.databases import sqlite_only
from tests.fakes.receiver import MailServer, Receiver

DOC = "buffer-privacy-policy"  # a small real change: a clause added, one modified, one moved
FORMATTING_DOC = "perplexity-privacy-policy"  # its 2nd -> 3rd version is a real formatting-only change
BOT_WALL = ("<html><head><title>Just a moment...</title></head><body>"
            "<h1>Checking your browser before accessing the site</h1>"
            "<p>Please enable JavaScript and cookies to continue.</p></body></html>")


@pytest.fixture
def formatting_pair(corpus: Path) -> list[bytes]:
    return [p.body for p in ota_stream(corpus, FORMATTING_DOC) if p.kind in ("first", "change")][1:3]


@pytest.fixture
def versions(corpus: Path):
    return [p.body for p in ota_stream(corpus, DOC) if p.kind in ("first", "change")]


@pytest.fixture
def mail(monkeypatch):
    with MailServer() as server:
        monkeypatch.setenv("POLICYWATCH_SMTP_HOST", server.host)
        monkeypatch.setenv("POLICYWATCH_SMTP_PORT", str(server.port))
        monkeypatch.setenv("POLICYWATCH_SMTP_FROM", "policywatch@test.example")
        yield server


@pytest.fixture
def hooks(monkeypatch):
    monkeypatch.setenv("POLICYWATCH_ALERT_BACKOFF", "0.05")
    monkeypatch.setenv("POLICYWATCH_RESPECT_ROBOTS", "false")
    with Receiver() as receiver:
        yield receiver


def _subscribe(cli, *args: str) -> int:
    result = cli("alerts", "add", *args)
    assert result.code == 0, result.err
    return int(result.out.strip())


def test_a_change_sends_one_email_one_signed_webhook_and_one_apprise_notification(
        cli, site, versions, mail, hooks) -> None:
    site.add("/privacy", versions[0])
    slug = cli("add", site.url("/privacy"), "--name", "Le Chat").out.strip()
    _subscribe(cli, "mailto:dpo@example.org")
    _subscribe(cli, hooks.url("/hook"), "--secret", "s3cret")
    _subscribe(cli, hooks.url("/apprise", scheme="json"))

    assert "new-version" in cli("check", slug).out  # the first version is no change
    site.set_body("/privacy", versions[1])
    result = cli("check", slug)
    assert "new-version" in result.out, result.err

    emails = mail.wait_for(1)
    webhooks = hooks.wait_for(1, path="/hook")
    notes = hooks.wait_for(1, path="/apprise")
    assert len(emails) == 1 and len(webhooks) == 1 and len(notes) == 1

    email = emails[0]
    assert email["To"] == "dpo@example.org" and email["From"] == "policywatch@test.example"
    assert email["Subject"].startswith("[policywatch] Le Chat privacy policy changed: ")
    assert mail.recipients == [["dpo@example.org"]]
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "Changes by section:" in text and site.url("/privacy") in text
    assert f"/policies/{slug}/diff?from=1&to=2" in text
    assert "<h1" in html and f"/policies/{slug}/diff?from=1&amp;to=2" in html

    hook = webhooks[0]
    expected = "sha256=" + hmac.new(b"s3cret", hook.body, hashlib.sha256).hexdigest()
    assert hook.headers["x-policywatch-signature"] == expected
    assert hook.headers["x-policywatch-event"] == "change"
    payload = hook.json()
    assert payload["event"] == "policy.changed" and payload["policy"]["slug"] == slug
    assert payload["version"]["number"] == 2 and payload["previous"]["number"] == 1
    report = payload["report"]
    assert report["changes"] and not report["formatting_only"]
    assert payload["summary"]["modified"] + payload["summary"]["added"] + \
        payload["summary"]["removed"] + payload["summary"]["moved"] == len(report["changes"])

    note = notes[0].json()  # Apprise's json:// format
    assert note["title"] == email["Subject"]
    assert "privacy policy changed" in note["message"]

    # Checking again (same page) and re-running delivery sends nothing more.
    cli("check", slug)
    cli("check", slug)
    assert len(mail.wait_for(2, timeout=1)) == 1
    assert len(hooks.accepted()) == 2


@sqlite_only
def test_formatting_only_changes_alert_no_one(cli, site, formatting_pair, mail, hooks,
                                               recorded_alerts) -> None:
    site.add("/privacy", formatting_pair[0])
    slug = cli("add", site.url("/privacy")).out.strip()
    _subscribe(cli, "mailto:dpo@example.org")
    _subscribe(cli, hooks.url("/hook"))
    cli("check", slug)
    site.set_body("/privacy", formatting_pair[1])
    result = cli("check", slug)
    assert "new-version" in result.out  # the text did change ...
    history = cli("history", slug, "--json").json()
    assert history[-1]["summary"]["formatting_only"] is True
    assert recorded_alerts() == []  # ... no alert
    assert hooks.accepted() == [] and mail.messages == []


@sqlite_only
def test_subscriptions_filter_by_policy_and_topic(cli, site, versions, hooks) -> None:
    from crawler import extract_policy
    from diffing import TOPICS, diff_texts

    old, new = (extract_policy(b, url=site.url("/privacy"), content_type="text/html").text
                for b in versions[:2])
    touched = set(diff_texts(old, new).summary.topics)
    untouched = [t for t in TOPICS if t not in touched]
    assert touched and untouched
    site.add("/privacy", versions[0])
    site.add("/other", versions[0].replace(b"</body>", b"<p>Another site.</p></body>"))
    slug = cli("add", site.url("/privacy")).out.strip()
    other = cli("add", site.url("/other"), "--name", "Other").out.strip()
    _subscribe(cli, hooks.url("/topic-hit"), "--topics", sorted(touched)[0])
    _subscribe(cli, hooks.url("/topic-miss"), "--topics", ",".join(untouched))
    _subscribe(cli, hooks.url("/other-policy"), "--policy", other)
    _subscribe(cli, hooks.url("/both"), "--policy", slug, "--policy", other)
    cli("check", "--all")
    site.set_body("/privacy", versions[1])
    cli("check", slug)
    hooks.wait_for(2)
    paths = sorted(r.path for r in hooks.accepted())
    assert paths == ["/both", "/topic-hit"]


@sqlite_only
def test_a_failing_site_gives_one_broken_and_later_one_recovered_alert(cli, site, versions,
                                                                       hooks, monkeypatch,
                                                                       recorded_alerts) -> None:
    monkeypatch.setenv("POLICYWATCH_RETRIES", "0")
    site.add("/privacy", versions[0])
    slug = cli("add", site.url("/privacy"), "--name", "Le Chat").out.strip()
    _subscribe(cli, hooks.url("/hook"))
    cli("check", slug)
    site.set_body("/privacy", "down", status=500)
    for _ in range(2):
        cli("check", slug)
    assert recorded_alerts() == []  # two failures: not yet broken (threshold 3)
    for _ in range(3):
        cli("check", slug)
    broken = hooks.wait_for(1)
    assert [r.json()["event"] for r in broken] == ["policy.tracking_broken"]
    assert broken[0].json()["consecutive_failures"] == 3
    assert "Tracking broken: Le Chat" in broken[0].json()["subject"]
    assert cli("list", "--json").json()[0]["broken"] is True

    site.set_body("/privacy", versions[0], status=200)
    cli("check", slug)
    cli("check", slug)
    events = [r.json()["event"] for r in hooks.wait_for(2)]
    assert events == ["policy.tracking_broken", "policy.tracking_recovered"]
    assert cli("list", "--json").json()[0]["broken"] is False
    # A new episode is a new pair of alerts.
    site.set_body("/privacy", BOT_WALL)
    result = cli("check", slug)
    assert "bot-wall" in result.out
    events = [r.json()["event"] for r in hooks.wait_for(3)]
    assert events[-1] == "policy.tracking_broken"  # a bot wall breaks tracking at once
    cli("check", slug)
    assert len(hooks.accepted()) == 3


# Longer than a check command takes between its first delivery pass and its last (which
# sends what came due meanwhile): with the hooks' 0.05 s, a slow machine sent the retries
# inside the failing check itself.
RETRY_AFTER = 1.5


@sqlite_only
def test_failed_deliveries_are_retried_with_backoff_and_sent_once(cli, site, versions, hooks,
                                                                    db_url, monkeypatch) -> None:
    monkeypatch.setenv("POLICYWATCH_ALERT_BACKOFF", str(RETRY_AFTER))
    site.add("/privacy", versions[0])
    slug = cli("add", site.url("/privacy")).out.strip()
    retried = _subscribe(cli, hooks.url("/flaky"))
    second = _subscribe(cli, hooks.url("/gone"))
    cli("check", slug)
    hooks.fail_next(2, status=503)  # the two first POSTs (one per subscription) fail
    site.set_body("/privacy", versions[1])
    cli("check", slug)
    outbox = Outbox(Archive.open(db_url))
    try:
        states = {a.subscription_id: a for a in outbox.alerts()}
        assert {states[retried].status, states[second].status} == {"pending"}
        assert "HTTP 503" in (states[retried].last_error or "")
        # The next delivery pass (any later check, or `run`) sends them once.
        import time

        time.sleep(RETRY_AFTER + 0.1)
        cli("check", slug)
        assert sorted(r.path for r in hooks.wait_for(2)) == ["/flaky", "/gone"]
        states = {a.subscription_id: a for a in outbox.alerts()}
        assert all(a.status == "sent" and a.attempts == 2 for a in states.values())
        cli("check", slug)
        assert len(hooks.accepted()) == 2
    finally:
        outbox.archive.close()


@sqlite_only
def test_a_refused_webhook_fails_for_good_without_retrying(cli, site, versions, hooks, db_url) -> None:
    site.add("/privacy", versions[0])
    slug = cli("add", site.url("/privacy")).out.strip()
    _subscribe(cli, hooks.url("/hook"))
    cli("check", slug)
    hooks.fail_next(1, status=410)
    site.set_body("/privacy", versions[1])
    cli("check", slug)
    cli("check", slug)
    archive = Archive.open(db_url)
    try:
        (alert,) = Outbox(archive).alerts()
        assert alert.status == "failed" and "HTTP 410" in (alert.last_error or "")
    finally:
        archive.close()
    assert len(hooks.received) == 1


@sqlite_only
def test_alerts_commands(cli, hooks, mail) -> None:
    first = _subscribe(cli, "mailto:dpo@example.org", "--topics", "sharing,retention")
    second = _subscribe(cli, hooks.url("/hook"), "--secret", "k")
    listed = cli("alerts", "list", "--json").json()
    assert [(s["id"], s["channel"], s["topics"], s["signed"]) for s in listed] == [
        (first, "email", ["sharing", "retention"], False), (second, "webhook", [], True)]
    assert "k" not in cli("alerts", "list").out.split()

    sent = cli("alerts", "test", str(second))
    assert sent.code == 0, sent.err
    (hook,) = hooks.wait_for(1)
    assert hook.json()["event"] == "test" and hook.json()["subject"].startswith("[policywatch test]")
    assert hook.json()["numbers"] == [{"old": "30 days", "new": "90 days",
                                       "section": ["Privacy Policy", "How long we keep your data"],
                                       "topics": hook.json()["numbers"][0]["topics"]}]
    assert "30 days -> 90 days" in hook.json()["text"]
    assert cli("alerts", "test", str(first)).code == 0
    (email,) = mail.wait_for(1)
    assert "30 days -> 90 days" in email.get_body(("plain",)).get_content()

    assert cli("alerts", "remove", str(first)).code == 0
    assert [s["id"] for s in cli("alerts", "list", "--json").json()] == [second]


@pytest.mark.parametrize("args, code, message", [
    (("alerts", "add", "carrier-pigeon://home"), 2, "cannot send alerts to"),
    (("alerts", "add", "mailto:not-an-address"), 2, "invalid e-mail address"),
    (("alerts", "add", "mailto:a@example.org", "--topics", "weather"), 2, "unknown topic 'weather'"),
    (("alerts", "add", "mailto:a@example.org", "--secret", "x"), 2, "secret only applies"),
    (("alerts", "add", "mailto:a@example.org", "--policy", "nope"), 2, "no policy 'nope'"),
    (("alerts", "remove", "42"), 2, "no active subscription 42"),
    (("alerts", "test", "42"), 2, "no subscription 42"),
])
@sqlite_only
def test_bad_alert_input_is_one_line(cli, args, code, message) -> None:
    result = cli(*args)
    assert result.code == code, result.err
    assert result.err.count("\n") == 1 and message in result.err


@sqlite_only
def test_alerts_test_to_an_unreachable_target_fails_with_one_line(cli) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sub = _subscribe(cli, f"http://127.0.0.1:{port}/hook")
    result = cli("alerts", "test", str(sub))
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"policywatch: error: POST http://127.0.0.1:{port}/hook: ")


@sqlite_only
def test_backfilled_history_alerts_no_one(cli, hooks, corpus, db_url, monkeypatch) -> None:
    from tests.fakes.wayback import FakeWayback

    url = "https://legal.example.org/privacy"
    with FakeWayback() as wayback:
        monkeypatch.setenv("POLICYWATCH_WAYBACK_URL", wayback.base_url)
        monkeypatch.setenv("POLICYWATCH_CDX_PER_SECOND", "50")
        monkeypatch.setenv("POLICYWATCH_REPLAY_PER_SECOND", "200")
        for page in ota_stream(corpus, DOC):
            wayback.add_capture(url, page.timestamp, page.body)
        slug = cli("add", url).out.strip()
        _subscribe(cli, hooks.url("/hook"))
        result = cli("backfill", slug)
        assert result.code == 0, result.err
    assert len(cli("history", slug, "--json").json()) >= 3  # several versions: history ...
    archive = Archive.open(db_url)
    try:
        assert Outbox(archive).alerts() == []  # ... not news
    finally:
        archive.close()
    assert hooks.received == []
