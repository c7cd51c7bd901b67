"""REST API under /api/v1 (FastAPI test client), on SQLite and PostgreSQL: every endpoint,
auth failures (401 without a token, 403 with a wrong one), bad input (422) and unknown
records (404), never a 500."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from storage import Archive, create_token
from tests.databases import sqlite_only
from tests.policywatch.history_loader import record_text
from tests.policywatch.web_client import web_client

pytestmark = sqlite_only

T0 = datetime(2024, 3, 1, tzinfo=UTC)
PUBLIC = "https://watch.example.org"
V1 = "# Privacy\n\n## Retention\n\nWe keep your data for 30 days.\n\n## Sharing\n\nWe never sell data.\n"
V2 = ("# Privacy\n\n## Retention\n\nWe keep your data for 90 days.\n\n## Sharing\n\n"
      "We never sell data.\n\nWe share data with advertising partners.\n")
V3 = ("# Privacy\n\n## Retention\n\nWe keep your data for 90 days.\n\n## Sharing\n\n"
      "We share data with advertising partners.\n")
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def seeded(archive: Archive):
    """Two policies: 'shop.example' with three versions (wayback, live, live), 'quiet.example' with one."""
    shop = archive.add_policy(name="Shop", url="https://shop.example/privacy", domain="shop.example",
                              tags=("retail",))
    record_text(archive, shop, T0, V1, source="wayback")
    record_text(archive, shop, T0 + timedelta(days=30), V2, source="live")
    record_text(archive, shop, T0 + timedelta(days=60), V3, source="live")
    quiet = archive.add_policy(name="Quiet", url="https://quiet.example/p", domain="quiet.example")
    record_text(archive, quiet, T0, V1, source="live")
    return archive


@pytest.fixture
def client(seeded: Archive, db_url: str) -> TestClient:
    return web_client(seeded, db_url, public_url=PUBLIC)


@pytest.fixture
def token(archive: Archive) -> str:
    return create_token(archive, name="tests")[1]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --- policies --------------------------------------------------------------------------------


def test_list_policies_sorted_by_last_change_with_status(client: TestClient) -> None:
    r = client.get("/api/v1/policies")
    assert r.status_code == 200
    data = r.json()
    assert [p["slug"] for p in data] == ["shop.example", "quiet.example"]
    shop = data[0]
    assert shop["versions"] == 3 and shop["status"] == "ok" and shop["tags"] == ["retail"]
    assert shop["first_capture"].startswith("2024-03-01")
    assert shop["links"]["html"] == f"{PUBLIC}/policies/shop.example"


def test_list_policies_filters(client: TestClient) -> None:
    assert [p["slug"] for p in client.get("/api/v1/policies?q=QUIET").json()] == ["quiet.example"]
    assert [p["slug"] for p in client.get("/api/v1/policies?tag=retail").json()] == ["shop.example"]
    assert client.get("/api/v1/policies?status=paused").json() == []
    assert client.get("/api/v1/policies?status=sleepy").status_code == 422


def test_get_policy_and_unknown_slug(client: TestClient) -> None:
    r = client.get("/api/v1/policies/shop.example")
    assert r.status_code == 200 and r.json()["url"] == "https://shop.example/privacy"
    missing = client.get("/api/v1/policies/nope.example")
    assert missing.status_code == 404 and "nope.example" in missing.json()["detail"]


def test_create_policy_needs_a_valid_token(client: TestClient, token: str) -> None:
    body = {"url": "https://new.example/privacy", "name": "New", "every": "6h"}
    r = client.post("/api/v1/policies", json=body)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert client.post("/api/v1/policies", json=body, headers=auth("pw_wrong")).status_code == 403
    assert client.post("/api/v1/policies", json=body,
                       headers={"Authorization": f"Basic {token}"}).status_code == 403
    assert client.get("/api/v1/policies/new.example").status_code == 404

    created = client.post("/api/v1/policies", json=body, headers=auth(token))
    assert created.status_code == 201
    policy = created.json()
    assert policy["slug"] == "new.example" and policy["name"] == "New"
    assert policy["schedule"] == "6h" and policy["versions"] == 0
    assert created.headers["location"] == "/api/v1/policies/new.example"
    assert client.get("/api/v1/policies/new.example").json()["url"] == "https://new.example/privacy"


def test_create_policy_duplicate_and_bad_input(client: TestClient, token: str) -> None:
    h = auth(token)
    dup = client.post("/api/v1/policies", json={"url": "https://shop.example/privacy"}, headers=h)
    assert dup.status_code == 409 and "already tracked" in dup.json()["detail"]
    bad = [
        {"url": "ftp://files.example/privacy"},
        {"url": "https://ok.example/p", "every": "every tuesday"},
        {"url": ""},
        {"name": "no url"},
        {"url": "https://ok.example/p", "surprise": 1},
        {"url": ["not", "a", "string"]},
        {"url": "https://ok.example/p", "name": "x" * 600},
        {"url": "https://ok.example/p", "name": "nul\x00byte"},
    ]
    for body in bad:
        r = client.post("/api/v1/policies", json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["detail"]
    r = client.post("/api/v1/policies", content=b"{not json", headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 422
    assert client.get("/api/v1/policies/ok.example").status_code == 404


def test_patch_policy_schedule_rules_and_pause(client: TestClient, token: str) -> None:
    h = auth(token)
    assert client.patch("/api/v1/policies/shop.example", json={"active": False}).status_code == 401
    r = client.patch("/api/v1/policies/shop.example",
                     json={"schedule": "12h", "select": "main", "remove": ".ads", "active": False},
                     headers=h)
    assert r.status_code == 200
    data = r.json()
    assert (data["schedule"], data["select"], data["remove"], data["active"]) == ("12h", "main", ".ads", False)
    assert data["status"] == "paused"
    assert [p["slug"] for p in client.get("/api/v1/policies?status=paused").json()] == ["shop.example"]
    resumed = client.patch("/api/v1/policies/shop.example", json={"active": True, "select": None}, headers=h)
    assert resumed.json()["active"] is True and resumed.json()["select"] is None
    assert client.patch("/api/v1/policies/nope", json={"active": True}, headers=h).status_code == 404
    assert client.patch("/api/v1/policies/shop.example", json={"schedule": "soon"}, headers=h).status_code == 422
    assert client.patch("/api/v1/policies/shop.example", json={}, headers=h).status_code == 422
    assert client.patch("/api/v1/policies/shop.example", json={"slug": "x"}, headers=h).status_code == 422
    assert client.patch("/api/v1/policies/shop.example", json={"active": "maybe"}, headers=h).status_code == 422


# --- versions, diffs, checks, changes ------------------------------------------------------------


def test_versions_list_and_paging(client: TestClient) -> None:
    r = client.get("/api/v1/policies/shop.example/versions")
    assert r.status_code == 200
    data = r.json()
    assert data["total"] == 3
    assert [(v["version"], v["source"]) for v in data["versions"]] == [(1, "wayback"), (2, "live"), (3, "live")]
    assert data["versions"][0]["summary"]["first"] is True
    second = data["versions"][1]["summary"]
    assert (second["added"], second["modified"]) == (1, 1)
    assert "text" not in data["versions"][0]
    paged = client.get("/api/v1/policies/shop.example/versions?limit=1&offset=2").json()
    assert [v["version"] for v in paged["versions"]] == [3]
    assert client.get("/api/v1/policies/shop.example/versions?limit=0").status_code == 422
    assert client.get("/api/v1/policies/shop.example/versions?offset=-1").status_code == 422
    assert client.get("/api/v1/policies/nope/versions").status_code == 404


def test_get_version_json_and_markdown(client: TestClient) -> None:
    r = client.get("/api/v1/policies/shop.example/versions/2")
    assert r.status_code == 200
    assert r.json()["text"] == V2 and r.json()["version"] == 2 and r.json()["source"] == "live"
    raw = client.get("/api/v1/policies/shop.example/versions/1?format=markdown")
    assert raw.status_code == 200 and raw.headers["content-type"].startswith("text/markdown")
    assert raw.text == V1
    assert client.get("/api/v1/policies/shop.example/versions/-1").json()["text"] == V3
    assert client.get("/api/v1/policies/shop.example/versions/4").status_code == 404
    assert client.get("/api/v1/policies/shop.example/versions/0").status_code == 404
    assert client.get("/api/v1/policies/shop.example/versions/two").status_code == 422
    assert client.get("/api/v1/policies/shop.example/versions/1?format=pdf").status_code == 422
    assert client.get("/api/v1/policies/nope/versions/1").status_code == 404


def test_diff_defaults_to_last_two_versions(client: TestClient) -> None:
    r = client.get("/api/v1/policies/shop.example/diff")
    assert r.status_code == 200
    report = r.json()
    assert (report["from"]["version"], report["to"]["version"]) == (2, 3)
    assert report["summary"]["removed"] == 1 and report["formatting_only"] is False
    explicit = client.get("/api/v1/policies/shop.example/diff?from=1&to=2").json()
    kinds = sorted(c["kind"] for c in explicit["changes"])
    assert kinds == ["added", "modified"]
    modified = next(c for c in explicit["changes"] if c["kind"] == "modified")
    assert ["-", "30"] in modified["words"] and ["+", "90"] in modified["words"]
    assert client.get("/api/v1/policies/shop.example/diff?from=1&to=9").status_code == 404
    assert client.get("/api/v1/policies/shop.example/diff?from=0&to=2").status_code == 422
    assert client.get("/api/v1/policies/shop.example/diff?from=x").status_code == 422
    assert client.get("/api/v1/policies/quiet.example/diff").status_code == 404
    assert client.get("/api/v1/policies/nope/diff").status_code == 404


def test_checks(client: TestClient) -> None:
    r = client.get("/api/v1/policies/shop.example/checks")
    assert r.status_code == 200
    checks = r.json()
    assert len(checks) == 3 and checks[0]["started_at"] > checks[-1]["started_at"]
    assert {c["outcome"] for c in checks} == {"new-version"}
    assert len(client.get("/api/v1/policies/shop.example/checks?limit=1").json()) == 1
    assert client.get("/api/v1/policies/shop.example/checks?limit=0").status_code == 422
    assert client.get("/api/v1/policies/nope/checks").status_code == 404


def test_changes_feed_json(client: TestClient) -> None:
    r = client.get("/api/v1/changes")
    assert r.status_code == 200
    data = r.json()
    assert data["total"] == 2
    assert [(c["policy"], c["version"]) for c in data["changes"]] == [("shop.example", 3), ("shop.example", 2)]
    assert data["changes"][0]["diff"] == f"{PUBLIC}/policies/shop.example/diff?from=2&to=3"
    assert client.get("/api/v1/changes?policy=quiet.example").json()["total"] == 0
    assert client.get("/api/v1/changes?limit=1&offset=1").json()["changes"][0]["version"] == 2
    assert client.get("/api/v1/changes?policy=nope").status_code == 404
    assert client.get("/api/v1/changes?limit=100000").status_code == 422


# --- subscriptions -----------------------------------------------------------------------------


def test_subscriptions_lifecycle(client: TestClient, token: str) -> None:
    h = auth(token)
    assert client.get("/api/v1/subscriptions").status_code == 401
    assert client.get("/api/v1/subscriptions", headers=auth("pw_bad")).status_code == 403
    assert client.post("/api/v1/subscriptions", json={"target": "mailto:a@b.example"}).status_code == 401

    email = client.post("/api/v1/subscriptions", headers=h,
                        json={"target": "mailto:dpo@watch.example", "policies": ["shop.example"],
                              "topics": ["sharing"]})
    assert email.status_code == 201
    assert (email.json()["channel"], email.json()["policies"], email.json()["topics"]) == (
        "email", ["shop.example"], ["sharing"])
    hook = client.post("/api/v1/subscriptions", headers=h,
                       json={"target": "https://hooks.example/pw", "secret": "s3cret"}).json()
    assert hook["channel"] == "webhook" and hook["signed"] is True and "secret" not in hook
    ntfy = client.post("/api/v1/subscriptions", headers=h, json={"target": "ntfy://alerts"}).json()
    assert ntfy["channel"] == "apprise"

    listed = client.get("/api/v1/subscriptions", headers=h).json()
    assert [s["id"] for s in listed] == [email.json()["id"], hook["id"], ntfy["id"]]

    assert client.delete(f"/api/v1/subscriptions/{hook['id']}").status_code == 401
    assert client.delete(f"/api/v1/subscriptions/{hook['id']}", headers=h).status_code == 204
    assert client.delete(f"/api/v1/subscriptions/{hook['id']}", headers=h).status_code == 404
    assert client.delete("/api/v1/subscriptions/0", headers=h).status_code == 422
    assert client.delete("/api/v1/subscriptions/abc", headers=h).status_code == 422
    assert [s["id"] for s in client.get("/api/v1/subscriptions", headers=h).json()] == [
        email.json()["id"], ntfy["id"]]


def test_subscription_bad_input(client: TestClient, token: str) -> None:
    h = auth(token)
    for body in ({"target": "just words"}, {"target": "mailto:not-an-address"}, {"target": ""},
                 {"target": "https://"}, {}, {"target": "mailto:a@b.example", "extra": True},
                 {"target": "ntfy://x\x00y"}, {"target": "nosuchservice://x"},
                 {"target": "mailto:a@b.example", "topics": ["weather"]}):
        r = client.post("/api/v1/subscriptions", json=body, headers=h)
        assert r.status_code == 422, (body, r.text)
    unknown = client.post("/api/v1/subscriptions", headers=h,
                          json={"target": "mailto:a@b.example", "policies": ["nope.example"]})
    assert unknown.status_code == 404
    assert client.get("/api/v1/subscriptions", headers=h).json() == []


# --- settings, docs, feeds, robustness -----------------------------------------------------------


def test_private_reads_need_a_token(seeded: Archive, db_url: str, token: str) -> None:
    client = web_client(seeded, db_url, public_url=PUBLIC, public_read=False)
    assert client.get("/api/v1/policies").status_code == 401
    assert client.get("/api/v1/policies", headers=auth("pw_bad")).status_code == 403
    assert client.get("/api/v1/policies/shop.example/versions/1").status_code == 401
    assert client.get("/feeds/changes.atom").status_code == 401
    assert [p["slug"] for p in client.get("/api/v1/policies", headers=auth(token)).json()] == [
        "shop.example", "quiet.example"]


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/v1/policies", "/api/v1/policies/{slug}", "/api/v1/policies/{slug}/versions",
                 "/api/v1/policies/{slug}/versions/{number}", "/api/v1/policies/{slug}/diff",
                 "/api/v1/policies/{slug}/checks", "/api/v1/changes", "/api/v1/subscriptions",
                 "/api/v1/subscriptions/{subscription_id}"):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/api/v1/policies/{slug}"]) == {"get", "patch"}
    docs = client.get("/docs")
    assert docs.status_code == 200 and 'id="swagger-ui"' in docs.text
    assert "<script>" not in docs.text  # the bootstrap lives in /static/app.js
    assert "<code>/api/v1/policies/{slug}/diff</code>" in docs.text  # readable offline too
    # Swagger UI comes from this server (fastapi-offline), never from a third party.
    csp = docs.headers["content-security-policy"]
    assert "http" not in csp and "script-src 'self';" in csp
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.text)
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))
                and not a.startswith(PUBLIC)], assets
    for name in ("/static/swagger-ui/swagger-ui-bundle.js", "/static/swagger-ui/swagger-ui.css"):
        asset = next(a for a in assets if a.startswith(name + "?v="))  # content-hashed URL
        served = client.get(asset)
        assert served.status_code == 200 and len(served.content) > 10_000
    assert "cdn.jsdelivr.net" not in client.get("/").headers["content-security-policy"]


def test_atom_feeds(client: TestClient) -> None:
    r = client.get("/feeds/changes.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == f"{PUBLIC}/policies/shop.example/diff?from=2&to=3"
    assert "removed" in first.find(f"{ATOM}summary").text
    one = ET.fromstring(client.get("/feeds/shop.example.atom").content)
    assert "Shop" in one.find(f"{ATOM}title").text and len(one.findall(f"{ATOM}entry")) == 2
    assert client.get("/feeds/quiet.example.atom").status_code == 200
    assert client.get("/feeds/nope.atom").status_code == 404


def test_odd_paths_never_500(client: TestClient, token: str) -> None:
    for path in ("/api/v1/policies/%00", "/api/v1/policies/..%2F..%2Fetc",
                 "/api/v1/policies/" + "a" * 300, "/api/v1/policies/%C3%A9t%C3%A9/versions/1",
                 "/api/v1/policies/shop.example/versions/99999999999999999999999",
                 "/api/v1/policies/shop.example/versions/999999", "/api/v1/changes?offset=9999999",
                 "/api/v1/policies/shop.example/diff?from=3&to=1",
                 "/api/v1/nothing-here", "/api/v1/changes?policy=%00", "/feeds/%00.atom"):
        r = client.get(path)
        assert r.status_code < 500, (path, r.status_code, r.text)
        assert r.status_code in (200, 404, 422), (path, r.status_code)
    r = client.post("/api/v1/policies", json={"url": "https://" + "x" * 300 + ".example/p"},
                    headers=auth(token))
    assert r.status_code in (201, 422), r.text


# --- CLI: tokens and feeds --------------------------------------------------------------------


def test_token_commands(cli, seeded: Archive, db_url: str) -> None:  # noqa: ANN001
    made = cli("token", "create", "--name", "ci bot")
    assert made.code == 0
    token = made.out.strip().splitlines()[-1]
    assert token.startswith("pw_") and " " not in token
    client = web_client(seeded, db_url, public_url=PUBLIC)
    body = {"url": "https://cli.example/privacy"}
    assert client.post("/api/v1/policies", json=body, headers=auth(token)).status_code == 201
    listed = cli("token", "list", "--json").json()
    assert [(t["name"], t["last_used_at"] is not None) for t in listed] == [("ci bot", True)]
    assert token not in cli("token", "list").out
    assert cli("token", "revoke", str(listed[0]["id"])).code == 0
    again = client.post("/api/v1/policies", json={"url": "https://cli2.example/p"}, headers=auth(token))
    assert again.status_code == 403
    assert cli("token", "revoke", "999").code == 2


def test_feed_command_writes_atom(cli, seeded: Archive, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "feeds" / "all.atom"
    assert cli("feed", "-o", str(out)).code == 0
    root = ET.fromstring(out.read_bytes())
    links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
    assert links == ["http://127.0.0.1:8000/policies/shop.example/diff?from=2&to=3",
                     "http://127.0.0.1:8000/policies/shop.example/diff?from=1&to=2"]
    one = cli("feed", "shop.example")
    assert one.code == 0 and "<feed" in one.out and "Shop: privacy policy changes" in one.out
    missing = cli("feed", "nope.example", "-o", str(tmp_path / "x.atom"))
    assert missing.code == 2 and "nope.example" in missing.err
    assert not (tmp_path / "x.atom").exists()


def test_render_mode_is_set_and_changed_through_the_api(client: TestClient, token: str,
                                                         archive: Archive) -> None:
    created = client.post("/api/v1/policies", json={"url": "https://spa.example/privacy",
                                                    "render": "always"}, headers=auth(token))
    assert created.status_code == 201, created.text
    slug = created.json()["slug"]
    assert archive.policy(slug).render == "always"
    patched = client.patch(f"/api/v1/policies/{slug}", json={"render": "never"},
                           headers=auth(token))
    assert patched.status_code == 200 and archive.policy(slug).render == "never"
    bad = client.patch(f"/api/v1/policies/{slug}", json={"render": "sometimes"},
                       headers=auth(token))
    assert bad.status_code == 422
