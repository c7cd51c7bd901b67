"""Issue 15, finding 1: a token holder cannot make the crawler read an internal page.

The address policy refuses at ``add`` time (API, CLI) with one clear line, guards every
request of a check (a public-looking site redirecting inward is not followed), and guards
alert targets (webhooks, Apprise). The fetched internal page never becomes readable.
Here 127.0.0.2 plays a public site (the only allowed network) and 127.0.0.1 the inside.
"""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from policywatch.alerts.apprise_channel import AppriseChannel
from policywatch.alerts.errors import DeliveryFailed
from policywatch.alerts.messages import Message
from policywatch.alerts.webhook import WebhookChannel
from policywatch.checking.pipeline import Pipeline
from policywatch.settings import Settings
from policywatch.web import create_app
from storage import AlertKind, Archive, Source, create_token
from tests.databases import sqlite_only
from tests.fakes.receiver import Receiver
from tests.fakes.site import FakeSite

SECRET = "<html><body><h1>Privacy</h1><p>internal admin console token 0xSECRET</p></body></html>"


@pytest.fixture
def internal():
    with FakeSite() as site:
        site.add("/admin", SECRET)
        yield site


def api(archive: Archive, db_url: str, **settings: object) -> tuple[TestClient, dict[str, str]]:
    app = create_app(Settings(database_url=db_url, public_url="http://testserver", **settings),
                     archive)
    token = create_token(archive, name="holder")[1]
    return TestClient(app, raise_server_exceptions=False), {"Authorization": f"Bearer {token}"}


@sqlite_only
@pytest.mark.parametrize("url", [
    "http://127.0.0.1:{port}/admin", "http://[::1]:{port}/admin", "http://localhost:{port}/",
    "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/", "http://0x7f.0.0.1:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/"])
def test_a_token_holder_cannot_add_an_internal_address(archive: Archive, db_url: str,
                                                       internal: FakeSite, url: str) -> None:
    client, headers = api(archive, db_url)
    r = client.post("/api/v1/policies", headers=headers,
                    json={"url": url.format(port=internal.port)})
    assert r.status_code == 422, r.text
    assert "not a public address" in r.text and "allow_private_addresses" in r.text
    assert archive.policies() == [] and internal.requests == []


@sqlite_only
def test_ports_out_of_range_are_refused_at_add_time(archive: Archive, db_url: str) -> None:
    client, headers = api(archive, db_url)
    r = client.post("/api/v1/policies", headers=headers, json={"url": "http://example.com:99999/p"})
    assert r.status_code == 422 and "port 99999" in r.text


@sqlite_only
def test_a_redirect_inward_is_refused_and_the_internal_page_never_readable(
        archive: Archive, db_url: str, internal: FakeSite) -> None:
    settings = dict(allowed_networks=["127.0.0.2/32"], respect_robots=False, retries=0)
    client, headers = api(archive, db_url, **settings)
    with FakeSite(host="127.0.0.2") as public:
        public.redirect("/privacy", internal.url("/admin"))
        r = client.post("/api/v1/policies", headers=headers,
                        json={"url": public.url("/privacy")})
        assert r.status_code == 201, r.text
        slug = r.json()["slug"]
        pipeline = Pipeline(Settings(database_url=db_url, **settings), archive)  # type: ignore[arg-type]
        [result] = asyncio.run(pipeline.check_many(archive.policies()))
    assert result.error_kind == "blocked-address"
    assert internal.requests == []
    policy = archive.policy(slug)
    assert archive.last_snapshot(policy.id, source=Source.LIVE) is None
    checks = client.get(f"/api/v1/policies/{slug}/checks").json()
    shown = checks[0]["error_message"]
    assert "not a public address" in shown
    assert str(internal.port) not in shown and "connect" not in shown.lower()
    assert "0xSECRET" not in client.get(f"/api/v1/policies/{slug}").text


@sqlite_only
def test_the_cli_refuses_with_one_line_unless_the_operator_allows(cli, internal: FakeSite,
                                                                  monkeypatch) -> None:
    monkeypatch.setenv("POLICYWATCH_ALLOW_PRIVATE_ADDRESSES", "false")
    refused = cli("add", internal.url("/admin"))
    assert refused.code == 2
    assert refused.err.strip().count("\n") == 0 and "not a public address" in refused.err
    monkeypatch.setenv("POLICYWATCH_ALLOWED_NETWORKS", '["127.0.0.0/8"]')
    assert cli("add", internal.url("/admin")).code == 0
    monkeypatch.setenv("POLICYWATCH_ALLOWED_NETWORKS", '["not a network"]')
    bad = cli("list")
    assert bad.code == 2 and "allowed_networks" in bad.err


def test_alert_targets_cannot_reach_internal_addresses() -> None:
    message = Message(kind=AlertKind.TEST, subject="s", text="t", short="t", html="", data={})
    settings = Settings()
    with Receiver() as receiver:
        with pytest.raises(DeliveryFailed) as webhook:
            asyncio.run(WebhookChannel(settings).send(receiver.url(), message, secret=None,
                                                      delivery_id="d1"))
        with pytest.raises(DeliveryFailed) as apprise:
            asyncio.run(AppriseChannel(settings).send(
                f"json://127.0.0.1:{receiver.port}/hook", message, secret=None, delivery_id="d2"))
        assert receiver.accepted() == []
    assert not webhook.value.retryable and "not a public address" in str(webhook.value)
    assert not apprise.value.retryable and "not a public address" in str(apprise.value)
