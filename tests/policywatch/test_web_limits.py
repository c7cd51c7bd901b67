"""Web hardening: a body size cap and throttled failed sign-ins and API tokens."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from policywatch.settings import Settings
from policywatch.web import create_app
from policywatch.web.app import FAILED_AUTH_PER_MINUTE, MAX_REQUEST_BYTES
from policywatch.web.limits import FailureThrottle
from storage import Archive, create_token
from tests.databases import sqlite_only




@pytest.fixture
def client(archive: Archive, db_url: str) -> TestClient:
    app = create_app(Settings(database_url=db_url, public_url="http://127.0.0.1:8000"), archive)
    return TestClient(app, raise_server_exceptions=False)


@sqlite_only
def test_an_oversized_body_is_refused_before_it_is_read(client: TestClient, archive: Archive) -> None:
    _, token = create_token(archive)
    big = b"x" * (MAX_REQUEST_BYTES + 1)
    r = client.post("/api/v1/policies", content=big,
                    headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert r.status_code == 413
    r = client.post("/login", content=big, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413

    def chunks():                    # no Content-Length: counted as it streams
        for _ in range(MAX_REQUEST_BYTES // 65536 + 2):
            yield b"y" * 65536

    assert client.post("/login", content=chunks(),
                       headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 413
    # A normal post still works.
    assert client.post("/api/v1/policies", json={"url": "https://ok.example/privacy"},
                       headers={"Authorization": f"Bearer {token}"}).status_code in (200, 201)


@sqlite_only
def test_failed_api_tokens_are_throttled_with_retry_after(client: TestClient, archive: Archive) -> None:
    _, good = create_token(archive)
    for _ in range(FAILED_AUTH_PER_MINUTE):
        assert client.post("/api/v1/policies", json={"url": "https://x.example/p"},
                           headers={"Authorization": "Bearer pw_guess"}).status_code == 403
    r = client.post("/api/v1/policies", json={"url": "https://x.example/p"},
                    headers={"Authorization": f"Bearer {good}"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1


@sqlite_only
def test_failed_sign_ins_are_throttled(client: TestClient) -> None:
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    for _ in range(FAILED_AUTH_PER_MINUTE):
        assert client.post("/login", data={"token": "pw_nope", "csrf": csrf}).status_code == 403
    r = client.post("/login", data={"token": "pw_nope", "csrf": csrf})
    assert r.status_code == 429 and "Retry-After" in r.headers


def test_the_throttle_forgets_old_failures() -> None:
    now = [0.0]
    throttle = FailureThrottle(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        throttle.failed("a")
    assert throttle.retry_after("a") == 60 and throttle.retry_after("b") == 0
    now[0] = 61.0
    assert throttle.retry_after("a") == 0
