"""The service layer the CLI and the web/API share: one validation of policies and
subscriptions, tested here once; the CLI and the API give the same answer to the same input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from policywatch.errors import UsageError
from policywatch.services.policies import create_policy, policy_fields, split_list, update_policy
from policywatch.services.subscriptions import create_subscription
from policywatch.settings import Settings
from policywatch.web import create_app
from storage import Archive, NotFound, create_token
from tests.databases import sqlite_only

pytestmark = sqlite_only


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, allow_private_addresses=True)


@pytest.fixture
def shop(archive: Archive, settings: Settings) -> str:
    return create_policy(archive, settings, url="https://shop.example/privacy").slug


@pytest.mark.parametrize("kwargs, message", [
    ({"target": "  "}, "alert target is empty"),
    ({"target": "gopher://x.example"}, "gopher"),
    ({"target": "mailto:a@example.org", "secret": "s"}, "secret only applies"),
    ({"target": "https://hooks.example/pw", "topics": ["sharing,astrology"]}, "unknown topic 'astrology'"),
    ({"target": "mailto:a\x00@example.org"}, "control characters"),
])
def test_bad_subscriptions_are_one_line_usage_errors(archive: Archive, kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message) as caught:
        create_subscription(archive, **kwargs)
    assert "\n" not in str(caught.value)


def test_a_subscription_is_cleaned_once(archive: Archive, shop: str) -> None:
    with pytest.raises(NotFound):
        create_subscription(archive, target="mailto:a@example.org", policies=["nope"])
    record = create_subscription(archive, target=" https://hooks.example/pw ", policies=[shop, shop],
                                 topics=iter(["sharing, retention", "sharing"]), secret=" s3 ")
    assert (record.target, record.channel, record.policies, record.topics, record.secret) == (
        "https://hooks.example/pw", "webhook", (shop,), ("sharing", "retention"), "s3")


def test_policy_fields_and_updates(archive: Archive, settings: Settings, shop: str) -> None:
    fields = policy_fields(settings, name="  ", every="6h", tags=iter(["a, b", "a"]))
    assert (fields.name, fields.schedule, fields.tags) == (None, "6h", ("a", "b"))
    with pytest.raises(UsageError, match="invalid schedule"):
        policy_fields(settings, every="6x")
    with pytest.raises(UsageError, match="shorter than the minimum interval"):
        policy_fields(settings, every="1m")
    assert archive.policy(shop).name == "shop.example"
    assert update_policy(archive, settings, shop, {"schedule": "2w"}).schedule == "2w"
    assert update_policy(archive, settings, shop, {"active": False}).active is False
    with pytest.raises(UsageError, match="cannot change 'url'"):
        update_policy(archive, settings, shop, {"url": "https://x.example"})
    assert split_list(["a,b", "c d", "a"]) == ["a", "b", "c", "d"]


def test_cli_and_api_refuse_the_same_subscription_alike(cli, archive: Archive, db_url: str) -> None:  # type: ignore[no-untyped-def]
    bad = {"target": "mailto:a@example.org", "secret": "s", "topics": ["sharing"]}
    result = cli("alerts", "add", bad["target"], "--secret", bad["secret"], "--topics", "sharing")
    client = TestClient(create_app(Settings(database_url=db_url), archive),
                        raise_server_exceptions=False)
    token = create_token(archive, name="tests")[1]
    answer = client.post("/api/v1/subscriptions", json=bad,
                         headers={"Authorization": f"Bearer {token}"})
    assert result.code == 2 and answer.status_code == 422
    assert "a secret only applies to http(s):// webhook targets" in result.err
    assert "a secret only applies to http(s):// webhook targets" in answer.text
