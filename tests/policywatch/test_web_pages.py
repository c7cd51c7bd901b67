"""HTML pages (FastAPI test client) over real corpus histories: dashboard, policy timeline,
version, diff, changes, sign-in and admin forms with CSRF, escaping of hostile policy text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from policywatch.web.app import CSP
from storage import Archive, Outbox, create_token
from tests.databases import fill_once, sqlite_only
from tests.policywatch.history_loader import load_history, record_text
from tests.policywatch.web_client import web_client

pytestmark = sqlite_only

T0 = datetime(2023, 5, 1, tzinfo=UTC)
HOSTILE = ("# Privacy <script>window.__pwned = 1</script>\n\n"
           "We respect you. <img src=x onerror=\"window.__pwned = 2\">\n\n"
           "[click](javascript:window.__pwned=3) and <a href=\"javascript:alert(1)\">raw link</a>\n\n"
           "See [our partners](/partners).\n")
MOVED_BEFORE = ("# Privacy\n\n## Sharing\n\nWe share data with advertising partners for marketing.\n\n"
                "We never sell data.\n\n## Retention\n\nWe keep logs for 30 days.\n")
MOVED_AFTER = ("# Privacy\n\n## Sharing\n\nWe never sell data.\n\n## Retention\n\nWe keep logs for 30 days.\n\n"
               "We share data with advertising partners for marketing.\n")
HOSTILE_NAME = "<script>window.__pwned = 4</script>Evil & Co"


def _fill(url: str, corpus: Path) -> None:
    arch = Archive.open(url)
    load_history(arch, corpus, "criteo-privacy-policy", tags=("adtech",))
    evil = arch.add_policy(name=HOSTILE_NAME, url="https://evil.example/privacy", domain="evil.example")
    record_text(arch, evil, T0, "# Privacy\n\nWe keep nothing.\n", source="wayback")
    record_text(arch, evil, T0 + timedelta(days=1), HOSTILE, source="live")
    fmt = arch.add_policy(name="Layout Only", url="https://layout.example/p", domain="layout.example")
    record_text(arch, fmt, T0, "# Privacy\n\nWe keep logs for 30 days.\n", source="live")
    record_text(arch, fmt, T0 + timedelta(days=2), "# Privacy\n\nWe keep   logs for *30* days.\n",
                source="live")
    moves = arch.add_policy(name="Mover", url="https://mover.example/p", domain="mover.example")
    record_text(arch, moves, T0, MOVED_BEFORE, source="live")
    record_text(arch, moves, T0 + timedelta(days=3), MOVED_AFTER, source="live")
    arch.close()


@pytest.fixture
def archive(db_url: str, corpus: Path):
    fill_once(db_url, f"web-pages {corpus}", lambda url: _fill(url, corpus))
    arch = Archive.open(db_url)
    yield arch
    arch.close()


@pytest.fixture
def client(archive: Archive, db_url: str) -> TestClient:
    return web_client(archive, db_url)


def scripts(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)


def test_dashboard_lists_and_filters(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-security-policy"].startswith(CSP)
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"
    html = r.text
    assert "Criteo" in html and "Layout Only" in html
    assert html.index("Criteo") < html.index("Layout Only")  # criteo changed last (2026)
    assert re.search(r'<td class="num"[^>]*>18</td>', html)
    assert "Criteo" in client.get("/?q=crit").text and "Layout Only" not in client.get("/?q=crit").text
    assert "Layout Only" not in client.get("/?tag=adtech").text
    assert "No policy matches" in client.get("/?status=paused").text
    assert client.get("/?status=weird").status_code == 422


def test_policy_page_timeline_chart_and_links(client: TestClient) -> None:
    html = client.get("/policies/criteo.example").text
    entries = re.findall(r'<li class="version-entry from-(\w+)">', html)
    assert len(entries) == 18 and entries[0] == "live" and entries[-1] == "wayback"
    assert "first version" in html
    assert re.search(r'class="counts">\+\d+ -\d+ ~\d+ &gt;\d+<', html)
    wide = html[html.index('<svg class="chart chart-wide"'):]
    assert wide[:wide.index('</svg>')].count('<a class="chart-link"') == 18
    assert 'href="/policies/criteo.example/diff?from=17&amp;to=18"' in html
    assert 'href="/policies/criteo.example/versions/1"' in html
    assert 'href="/feeds/criteo.example.atom"' in html
    assert client.get("/policies/nope.example").status_code == 404


def test_version_page_renders_markdown_and_links_the_original(client: TestClient, archive: Archive) -> None:
    policy = archive.policy("criteo.example")
    first = archive.version(policy.id, 1)
    r = client.get("/policies/criteo.example/versions/1")
    assert r.status_code == 200
    stamp = first.archive_timestamp
    assert stamp and f"https://web.archive.org/web/{stamp}id_/{policy.url}" in r.text
    assert re.search(r'<a class="external" href="https://web.archive.org/[^"]+" rel="noopener noreferrer">', r.text)
    body = r.text.split('class="policy-text"')[1]
    assert re.search(r"<h[1-6]>", body) and "<p>" in body
    assert re.search(r'<a href="https://www\.criteo\.com/[^"]*" rel="noopener noreferrer nofollow">', body)
    live = client.get("/policies/criteo.example/versions/18").text
    assert f'href="{policy.url}" rel="noopener noreferrer">Original page' in live
    raw = client.get("/policies/criteo.example/versions/1/raw")
    assert raw.headers["content-type"].startswith("text/markdown")
    assert "attachment" in raw.headers["content-disposition"] and ".md" in raw.headers["content-disposition"]
    assert first.text.strip()[:200] in raw.text
    assert client.get("/policies/criteo.example/versions/19").status_code == 404
    assert client.get("/policies/criteo.example/versions/abc").status_code == 422


def test_diff_page_default_and_explicit(client: TestClient) -> None:
    r = client.get("/policies/criteo.example/diff")
    assert r.status_code == 200
    assert "version 17 → 18" in r.text
    page = client.get("/policies/criteo.example/diff?from=1&to=2").text
    assert "version 1 → 2" in page
    assert re.search(r'<div class="change change-modified[^"]*" id="change-1"', page)
    assert "<del>" in page and "<ins>" in page
    assert 'class="section-title"' in page and 'id="next-change"' in page
    assert 'class="diff view-side"' in page
    inline = client.get("/policies/criteo.example/diff?from=1&to=2&view=inline").text
    assert 'class="diff view-inline"' in inline
    assert "Formatting-only change" not in page
    assert client.get("/policies/criteo.example/diff?from=1&to=99").status_code == 404
    assert client.get("/policies/criteo.example/diff?from=one").status_code == 422


def test_moved_clause_is_marked_under_its_new_section(client: TestClient) -> None:
    html = client.get("/policies/mover.example/diff").text
    assert '<div class="change change-moved" id="change-1"' in html
    assert "moved from “Privacy › Sharing”" in html
    section = html.split('class="section-title"')[1]
    assert section.startswith(">Privacy › Retention<")
    assert 'title="Third-party sharing and selling">sharing' in html


def test_formatting_only_banner(client: TestClient) -> None:
    html = client.get("/policies/layout.example/diff").text
    assert "Formatting-only change" in html
    assert 'id="change-1"' not in html


def test_hostile_policy_text_and_name_are_escaped(client: TestClient) -> None:
    for path in ("/", "/policies/evil.example", "/policies/evil.example/versions/2",
                 "/policies/evil.example/diff", "/changes"):
        html = client.get(path).text
        assert "window.__pwned" not in "".join(scripts(html)), path
        assert len(scripts(html)) == 1, path
        assert re.fullmatch(r'<script src="/static/app\.js\?v=[0-9a-f]{12}" defer>', scripts(html)[0]), path
        assert "<img" not in html and "onerror=\"window" not in html, path
        assert 'href="javascript:' not in html.lower(), path
    version = client.get("/policies/evil.example/versions/2").text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in version
    assert "&lt;script&gt;window.__pwned = 4&lt;/script&gt;Evil &amp; Co" in version
    assert 'href="https://evil.example/partners" rel="noopener noreferrer nofollow"' in version


def test_changes_page(client: TestClient) -> None:
    html = client.get("/changes?formatting=1").text  # formatting-only changes are hidden by default
    assert 'href="/feeds/changes.atom"' in html
    links = re.findall(r'href="/policies/([^/]+)/diff\?from=(\d+)&amp;to=(\d+)"', html)
    assert ("criteo.example", "16", "17") in links and ("layout.example", "1", "2") in links
    assert all(int(b) == int(a) + 1 for _, a, b in links)
    assert client.get("/changes?page=50").status_code == 404
    assert client.get("/changes?page=x").status_code == 422


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the form"
    return match.group(1)


def test_sign_in_add_policy_and_subscribe(client: TestClient, archive: Archive) -> None:
    _, token = create_token(archive, name="editor")
    r = client.get("/add", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/add"
    login = client.get("/login?next=/add").text
    csrf = _csrf(login)
    assert client.post("/login", data={"token": token, "next": "/add"}).status_code == 403  # no CSRF
    bad = client.post("/login", data={"token": "pw_nope", "next": "/add", "csrf": csrf})
    assert bad.status_code == 403 and "not valid" in bad.text
    ok = client.post("/login", data={"token": token, "next": "/add", "csrf": csrf}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/add"

    form = client.get("/add").text
    assert "Sign out<span class=\"who\"> (editor)</span>" in form
    csrf = _csrf(form)
    assert client.post("/add", data={"url": "https://forms.example/privacy"}).status_code == 403
    assert client.post("/add", data={"url": "https://forms.example/privacy", "csrf": "forged"}).status_code == 403
    added = client.post("/add", data={"url": "https://forms.example/privacy", "name": "Forms",
                                      "every": "12h", "tags": "test, web", "csrf": csrf},
                        follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == "/policies/forms.example"
    policy = archive.policy("forms.example")
    assert (policy.name, policy.schedule, policy.tags) == ("Forms", "12h", ("test", "web"))
    dup = client.post("/add", data={"url": "https://forms.example/privacy", "csrf": csrf})
    assert dup.status_code == 409 and "already tracked" in dup.text
    bad_url = client.post("/add", data={"url": "ftp://x.example/p", "csrf": csrf})
    assert bad_url.status_code == 422 and "only http and https" in bad_url.text

    subs = client.get("/subscriptions").text
    csrf = _csrf(subs)
    made = client.post("/subscriptions", data={"target": "mailto:dpo@forms.example",
                                               "policies": ["forms.example"], "topics": "sharing",
                                               "csrf": csrf}, follow_redirects=False)
    assert made.status_code == 303
    (sub,) = Outbox(archive).subscriptions()
    assert (sub.channel, sub.policies, sub.topics) == ("email", ("forms.example",), ("sharing",))
    assert "dpo@forms.example" in client.get("/subscriptions").text
    assert client.post("/subscriptions", data={"target": "nonsense", "csrf": csrf}).status_code == 422
    assert client.post(f"/subscriptions/{sub.id}/delete", data={}).status_code == 403
    assert client.post(f"/subscriptions/{sub.id}/delete", data={"csrf": csrf},
                       follow_redirects=False).status_code == 303
    assert Outbox(archive).subscriptions() == []

    client.post("/logout", data={"csrf": csrf})
    assert client.get("/add", follow_redirects=False).status_code == 303


def test_private_site_sends_readers_to_sign_in(archive: Archive, db_url: str) -> None:
    client = web_client(archive, db_url, public_read=False)
    for path in ("/", "/policies/criteo.example", "/changes", "/policies/criteo.example/diff"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path


def test_static_assets(client: TestClient) -> None:
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]
    assert "next-change" in js.text
    css = client.get("/static/style.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]


def test_session_cookie_flags_and_no_open_redirect(client: TestClient, archive: Archive) -> None:
    _, token = create_token(archive, name="admin")
    csrf = _csrf(client.get("/login").text)
    r = client.post("/login", data={"token": token, "next": "//evil.example/phish", "csrf": csrf},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert token not in r.headers["set-cookie"]
    assert r.headers["cache-control"] == "no-store"


def test_revocation_is_final_even_when_a_new_token_follows(client: TestClient, archive: Archive) -> None:
    """`token revoke N` then `token create`: the new token never gets id N, and the browser
    signed in with the revoked token stays signed out (it was an admin again before)."""
    revoked, token = create_token(archive, name="old")
    csrf = _csrf(client.get("/login").text)
    client.post("/login", data={"token": token, "next": "/add", "csrf": csrf})
    assert "Sign out<span class=\"who\"> (old)</span>" in client.get("/add").text
    archive.tokens.revoke(revoked.id)
    fresh, _ = create_token(archive, name="new")
    assert fresh.id != revoked.id
    r = client.get("/add", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert [t.name for t in archive.tokens.all()] == ["new"]


def test_the_timeline_marks_a_move_and_lists_where_the_policy_lived(
        client: TestClient, archive: Archive) -> None:
    from storage import Capture, Extraction

    policy = archive.add_policy(name="Relocated", url="https://relocated.example/privacy.htm",
                                domain="relocated.example")
    texts = ["# P\n\nWe keep data for 30 days.\n", "# P\n\nWe keep data for 90 days.\n"]
    for day, (url, text) in enumerate([("https://relocated.example/privacy.htm", texts[0]),
                                       ("https://relocated.example/legal/privacy", texts[0]),
                                       ("https://relocated.example/legal/privacy", texts[1])]):
        at = datetime(2020, 1, 1 + day, tzinfo=UTC)
        capture = Capture(source="wayback", captured_at=at, fetched_at=at, requested_url=url,
                          final_url=url, status=200, content_type="text/html",
                          archive_timestamp=at.strftime("%Y%m%d%H%M%S"))
        archive.record_fetch(policy.id, capture, (text + url).encode(),
                             Extraction(text=text, extractor_version="t"), started_at=at)
    page = client.get("/policies/relocated.example").text
    # Two versions (the move with the same text is none), the second at the new URL.
    assert page.count('class="version-entry') == 2
    assert "moved from https://relocated.example/privacy.htm" in page
    assert "Where this policy lived" in page and "https://relocated.example/legal/privacy" in page
