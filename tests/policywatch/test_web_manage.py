"""Managing tracking from the web UI (test client): edit, pause/resume, check now and
backfill as jobs, delete with confirmation (history kept unless asked), a policy's alerts
with topic checkboxes and "send test", and discovery from a bare domain in the add form."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policywatch.settings import Settings
from policywatch.web import create_app
from storage import Archive, Outbox, create_token
from tests.corpus_pages import ota_stream
from tests.databases import sqlite_only
from tests.fakes.receiver import Receiver
from tests.fakes.site import FakeSite
from tests.fakes.wayback import FakeWayback
from tests.policywatch.cli_runner import fast_settings
from tests.policywatch.history_loader import record_text
from tests.policywatch.web_client import web_client

pytestmark = sqlite_only

T0 = datetime(2024, 1, 1, tzinfo=UTC)
PAGE = ("<html><body><main><h1>Privacy Policy</h1>"
        "<p>We collect your email address, your name and your order history to run the shop, "
        "to send you receipts and to answer your questions about deliveries and returns.</p>"
        "<p>We share your address with the delivery company that brings your order, and with "
        "nobody else. We never sell your personal data to advertisers or data brokers.</p>"
        "<p>We keep logs for {days} days and then delete them. You can ask us for a copy of your "
        "data, or ask us to delete it, by writing to our privacy team at any time.</p>"
        "</main></body></html>")
HOME = ("<html><body><nav><a href='/about'>About</a> <a href='/legal/privacy'>Privacy Policy</a>"
        "</nav><p>Welcome to the shop.</p></body></html>")


@pytest.fixture
def site():
    with FakeSite() as server:
        server.add("/", HOME)
        server.add("/legal/privacy", PAGE.format(days=30))
        yield server


@pytest.fixture
def hooks():
    with Receiver() as receiver:
        yield receiver


@pytest.fixture
def archive(db_url: str):
    arch = Archive.open(db_url)
    yield arch
    arch.close()


@pytest.fixture
def admin(archive: Archive, db_url: str, monkeypatch: pytest.MonkeyPatch, wayback: FakeWayback) -> TestClient:
    """A signed-in test client (private addresses allowed: the fakes listen on loopback)."""
    fast_settings(monkeypatch)
    monkeypatch.setenv("POLICYWATCH_RESPECT_ROBOTS", "false")
    client = web_client(archive, db_url)
    _, token = create_token(archive, name="editor")
    csrf = csrf_of(client.get("/login").text)
    assert client.post("/login", data={"token": token, "csrf": csrf}, follow_redirects=False).status_code == 303
    return client


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the form"
    return match.group(1)


def post(client: TestClient, path: str, data: dict[str, object] | None = None, **kwargs: object):
    csrf = csrf_of(client.get("/add").text)
    return client.post(path, data={**(data or {}), "csrf": csrf}, **kwargs)  # type: ignore[arg-type]


def finished_job(client: TestClient, location: str) -> str:
    """The manage page after a job, once the job has ended (it usually has by the redirect)."""
    for _ in range(300):
        html = client.get(location).text
        if "still running" not in html:
            return html
        time.sleep(0.2)
    raise AssertionError("the job never finished")


def test_every_admin_page_sends_a_signed_out_browser_to_sign_in(archive: Archive,
                                                                 db_url: str) -> None:
    from policywatch.web import manage

    archive.add_policy(name="Shop", url="https://shop.example/p", domain="shop.example")
    client = TestClient(create_app(Settings(database_url=db_url, public_url="http://testserver"), archive))
    routes = [(method, route.path) for route in manage.router.routes
              for method in getattr(route, "methods", ())]
    routes += [("GET", "/subscriptions"), ("POST", "/subscriptions"),
               ("POST", "/subscriptions/{subscription_id}/delete")]
    assert len(routes) >= 15
    for method, template in routes:
        path = template.format(slug="shop.example", subscription_id="1")
        r = client.request(method, path, follow_redirects=False)
        assert r.status_code == 303, (method, path)
        assert r.headers["location"] == f"/login?next={path}", (method, path)
    assert archive.policy("shop.example").active  # nothing was done


def test_manage_needs_sign_in_and_csrf(archive: Archive, db_url: str) -> None:
    archive.add_policy(name="Shop", url="https://shop.example/p", domain="shop.example")
    client = TestClient(create_app(Settings(database_url=db_url, public_url="http://testserver"), archive))
    r = client.get("/policies/shop.example/manage", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/policies/shop.example/manage"
    assert client.post("/policies/shop.example/pause", follow_redirects=False).status_code == 303
    assert archive.policy("shop.example").active
    assert "Manage tracking" not in client.get("/policies/shop.example").text


def test_edit_pause_resume(admin: TestClient, archive: Archive) -> None:
    archive.add_policy(name="Shop", url="https://shop.example/p", domain="shop.example")
    assert 'id="manage-link"' in admin.get("/policies/shop.example").text
    page = admin.get("/policies/shop.example/manage").text
    assert "<h1>Manage Shop</h1>" in page
    assert admin.post("/policies/shop.example/edit", data={"name": "X"}).status_code == 403  # no CSRF
    saved = post(admin, "/policies/shop.example/edit",
                 {"name": "Shop Ltd", "schedule": "12h", "select": "main", "remove": ".cookie", "tags": "retail, eu"})
    assert saved.status_code == 200 and "Changes saved." in saved.text
    policy = archive.policy("shop.example")
    assert (policy.name, policy.schedule, policy.select, policy.remove, policy.tags) == (
        "Shop Ltd", "12h", "main", ".cookie", ("retail", "eu"))
    bad = post(admin, "/policies/shop.example/edit", {"name": "Shop", "schedule": "every tuesday"})
    assert bad.status_code == 422 and 'role="alert"' in bad.text and "every tuesday" in bad.text
    cleared = post(admin, "/policies/shop.example/edit", {"name": "Shop Ltd", "schedule": "", "select": "", "tags": ""})
    assert cleared.status_code == 200
    policy = archive.policy("shop.example")
    assert (policy.schedule, policy.select, policy.remove, policy.tags) == (None, None, None, ())
    assert "Paused" in post(admin, "/policies/shop.example/pause").text
    assert not archive.policy("shop.example").active
    assert "Resumed" in post(admin, "/policies/shop.example/resume").text
    assert archive.policy("shop.example").active
    assert post(admin, "/policies/nope.example/pause").status_code == 404


def test_check_now_runs_as_a_job_and_reports(admin: TestClient, archive: Archive, site: FakeSite) -> None:
    policy = archive.add_policy(name="Shop", url=site.url("/legal/privacy"), domain="127.0.0.1", slug="shop")
    r = post(admin, "/policies/shop/check", follow_redirects=False)
    assert r.status_code == 303 and "/policies/shop/manage?job=" in r.headers["location"]
    html = finished_job(admin, r.headers["location"])
    assert re.search(r'<span class="job-state">done</span>: <span class="job-outcome">[^<]*version 1', html)
    assert archive.version_count(policy.id) == 1
    site.add("/legal/privacy", PAGE.format(days=90))
    again = finished_job(admin, post(admin, "/policies/shop/check", follow_redirects=False).headers["location"])
    assert "version 2" in again and archive.version_count(policy.id) == 2
    assert "30 days → 90 days" in admin.get("/policies/shop/diff").text


def test_backfill_runs_as_a_job(admin: TestClient, archive: Archive, wayback: FakeWayback, corpus: Path) -> None:
    url = "https://legal.example.org/terms/privacy-policy"
    stream = list(ota_stream(corpus, "le-chat-privacy-policy"))[:6]
    for page in stream:
        wayback.add_capture(url, page.timestamp, page.body)
    policy = archive.add_policy(name="Le Chat", url=url, domain="legal.example.org")
    bad = post(admin, f"/policies/{policy.slug}/backfill", {"from": "2025", "to": "2020"})
    assert bad.status_code == 422 and "after" in bad.text
    # The CLI's interval grammar: "6m" is six minutes, refused for sampling; "6mo" is months.
    minutes = post(admin, f"/policies/{policy.slug}/backfill", {"every": "6m"})
    assert minutes.status_code == 422 and "is in minutes" in minutes.text
    months = post(admin, f"/policies/{policy.slug}/backfill", {"every": "6mo"},
                  follow_redirects=False)
    assert "done</span>" in finished_job(admin, months.headers["location"])
    r = post(admin, f"/policies/{policy.slug}/backfill", {"from": "", "to": "", "every": ""},
             follow_redirects=False)
    html = finished_job(admin, r.headers["location"])
    assert re.search(r"<strong>backfill</strong>.*done</span>: <span class=\"job-outcome\">6 captures found", html, re.S)
    assert archive.version_count(policy.id) >= 1


def test_delete_keeps_history_unless_asked_and_confirmed(admin: TestClient, archive: Archive) -> None:
    policy = archive.add_policy(name="Shop", url="https://shop.example/p", domain="shop.example")
    record_text(archive, policy, T0, "# P\n\nWe sell nothing.\n", source="live")
    record_text(archive, policy, T0 + timedelta(days=1), "# P\n\nWe sell data.\n", source="live")
    form = admin.get("/policies/shop.example/delete").text
    assert "2 recorded versions" in form and 'name="delete_history"' in form
    kept = post(admin, "/policies/shop.example/delete")
    assert kept.status_code == 200 and "history is kept" in kept.text
    assert not archive.policy("shop.example").active and archive.version_count(policy.id) == 2
    unconfirmed = post(admin, "/policies/shop.example/delete", {"delete_history": "1", "confirm": "shop"})
    assert unconfirmed.status_code == 422 and archive.version_count(policy.id) == 2
    gone = post(admin, "/policies/shop.example/delete", {"delete_history": "1", "confirm": "shop.example"})
    assert gone.status_code == 200 and "shop.example deleted with 2 versions" in gone.text
    assert admin.get("/policies/shop.example").status_code == 404


def test_alerts_from_the_policy_page_with_topics_and_test(admin: TestClient, archive: Archive,
                                                          hooks: Receiver) -> None:
    archive.add_policy(name="Shop", url="https://shop.example/p", domain="shop.example")
    page = admin.get("/policies/shop.example/manage").text
    assert page.count('type="checkbox" name="topics"') >= 5
    made = post(admin, "/policies/shop.example/alerts",
                {"target": hooks.url("/hook"), "topics": ["sharing", "retention"]})
    assert made.status_code == 200 and "Alert added." in made.text
    (sub,) = Outbox(archive).subscriptions()
    assert (sub.channel, sub.policies, sub.topics) == ("webhook", ("shop.example",), ("sharing", "retention"))
    assert post(admin, "/policies/shop.example/alerts", {"target": "mailto:x@y.example", "topics": ["nope"]}).status_code == 422
    sent = post(admin, f"/policies/shop.example/alerts/{sub.id}/test")
    assert sent.status_code == 200 and "Test alert delivered." in sent.text
    (hook,) = hooks.wait_for(1)
    assert hook.json()["event"] == "test"
    hooks.fail_next(1, status=410)
    failed = post(admin, f"/policies/shop.example/alerts/{sub.id}/test")
    assert failed.status_code == 502 and "not delivered" in failed.text
    removed = post(admin, f"/policies/shop.example/alerts/{sub.id}/delete")
    assert "Alert removed." in removed.text and not Outbox(archive).subscriptions()


def test_add_form_discovers_the_policy_from_a_bare_domain(admin: TestClient, archive: Archive,
                                                         site: FakeSite) -> None:
    home = site.url("/")
    found = post(admin, "/add", {"url": home, "name": "Shop"})
    assert found.status_code == 200 and 'id="confirm-found"' in found.text
    assert site.url("/legal/privacy") in found.text
    confirm = {k: re.search(rf'name="{k}" value="([^"]*)"', found.text).group(1)  # type: ignore[union-attr]
               for k in ("url", "homepage", "reason")}
    added = post(admin, "/add", {**confirm, "name": "Shop"}, follow_redirects=False)
    assert added.status_code == 303
    (policy,) = archive.policies()
    assert policy.url == site.url("/legal/privacy") and policy.name == "Shop"
    assert [u.url for u in archive.policy_urls(policy.id)] == [policy.url]
    site.add("/", "<html><body>No links here.</body></html>")
    none = post(admin, "/add", {"url": home})
    assert none.status_code == 422 and "no privacy-policy link found" in none.text
    site.add("/empty", "<html><body>No links here.</body></html>")
    plain = post(admin, "/add", {"url": site.url("/empty")}, follow_redirects=False)
    assert plain.status_code == 303  # a full URL is tracked as given, without discovery
    assert len(archive.policies()) == 2
