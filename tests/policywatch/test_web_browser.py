"""The web UI in a real browser: Debian's Chromium driven by Playwright against
``policywatch serve`` (a subprocess on 127.0.0.1) over a SQLite archive filled from the
corpus histories. Screenshots go to the test's tmp dir.

Skips only when /usr/bin/chromium is missing outside CI (``make browser`` installs it);
in CI (``CI`` set) a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from storage import Archive
from tests.policywatch.history_loader import load_history, record_text

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="Debian's chromium is not installed (run `make browser`); the browser test needs it",
    ),
]

T0 = datetime(2023, 5, 1, tzinfo=UTC)
HOSTILE_NAME = "<script>window.__pwned = 'name'</script>Evil <img src=x onerror=alert(1)>"
HOSTILE = ("# Privacy <script>window.__pwned = 'heading'; alert(1)</script>\n\n"
           "We respect you. <img src=x onerror=\"window.__pwned = 'img'; alert(2)\">\n\n"
           "<script>alert(1)</script>\n\n"
           "[click me](javascript:window.__pwned='link') and [ok](https://evil.example/ok)\n")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(db_url: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "policywatch.cli", "--db", db_url, *args],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=120, check=False)


@pytest.fixture
def server(tmp_path: Path, corpus: Path) -> Iterator[dict[str, str]]:
    """A filled archive served by `policywatch serve`; yields base URL and an admin token."""
    db_url = f"sqlite:///{tmp_path / 'web.db'}"
    archive = Archive.open(db_url)
    load_history(archive, corpus, "criteo-privacy-policy", tags=("adtech",))
    load_history(archive, corpus, "telegram-privacy-policy", limit=10, tags=("messaging",))
    evil = archive.add_policy(name=HOSTILE_NAME, url="https://evil.example/privacy", domain="evil.example")
    record_text(archive, evil, T0, "# Privacy\n\nWe keep nothing.\n", source="wayback")
    record_text(archive, evil, T0 + timedelta(days=1), HOSTILE, source="live")
    archive.close()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "POLICYWATCH_PUBLIC_URL": base}
    env.pop("POLICYWATCH_SECRET_KEY", None)
    made = _cli(db_url, "token", "create", "--name", "browser", env=env)
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("pw_") and " " not in token

    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "policywatch.cli", "--db", db_url, "serve",
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=REPO)
    try:
        deadline = time.monotonic() + 180  # a loaded machine may take a minute to import and bind
        while True:
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail("policywatch serve did not start:\n" + (tmp_path / "serve.log").read_text())
            time.sleep(0.2)
        yield {"base": base, "token": token}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def page(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        tab.set_default_timeout(20_000)
        tab.dialogs = []  # type: ignore[attr-defined]
        tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def in_viewport(page, selector: str) -> bool:  # noqa: ANN001
    return bool(page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight; }"""))


def test_browse_diff_navigate_sign_in_and_add(server: dict[str, str], page, tmp_path: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    shots = tmp_path / "screenshots"
    shots.mkdir()
    base = server["base"]

    # Dashboard
    page.goto(base + "/")
    expect(page.locator("h1")).to_have_text("Tracked policies")
    expect(page.locator("tr.policy-row")).to_have_count(3)
    expect(page.get_by_role("link", name="Criteo", exact=True)).to_be_visible()
    page.screenshot(path=str(shots / "dashboard.png"), full_page=True)

    # Policy page: timeline of both sources, chart
    page.get_by_role("link", name="Criteo", exact=True).click()
    expect(page.locator("h1")).to_have_text("Criteo")
    expect(page.locator("li.version-entry")).to_have_count(18)
    expect(page.locator("li.version-entry .source-wayback").first).to_be_visible()
    expect(page.locator("li.version-entry .source-live").first).to_be_visible()
    expect(page.locator("svg.chart-wide a.chart-link")).to_have_count(18)
    page.screenshot(path=str(shots / "policy.png"), full_page=True)

    # Diff page: highlighted clauses are visible
    page.locator('a.diff-link[href$="diff?from=1&to=2"]').click()
    expect(page.locator("h1")).to_contain_text("version 1 → 2")
    changes = page.locator("#diff .change")
    assert changes.count() >= 2
    expect(page.locator("#diff .change .side ins").first).to_be_visible()
    expect(page.locator("#diff .change .side del").first).to_be_visible()
    highlight = page.eval_on_selector("#diff .side ins", "el => getComputedStyle(el).backgroundColor")
    assert highlight not in ("rgba(0, 0, 0, 0)", "transparent")
    expect(page.locator(".section-title").first).to_be_visible()

    # Next / previous change navigation
    page.click("#next-change")
    expect(page.locator("#change-1")).to_have_class(re.compile(r"\bcurrent\b"))
    assert page.evaluate("location.hash") == "#change-1"
    page.click("#next-change")
    expect(page.locator("#change-2")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator("#change-1")).not_to_have_class(re.compile(r"\bcurrent\b"))
    assert page.evaluate("location.hash") == "#change-2" and in_viewport(page, "#change-2")
    expect(page.locator("#change-position")).to_contain_text("change 2 of")
    page.click("#prev-change")
    assert page.evaluate("location.hash") == "#change-1"
    page.screenshot(path=str(shots / "diff-side.png"), full_page=True)

    # Side-by-side / inline toggle
    expect(page.locator("#change-1 .side")).to_be_visible()
    page.click('a[data-view="inline"]')
    expect(page.locator("#change-1 .inline")).to_be_visible()
    expect(page.locator("#change-1 .side")).to_be_hidden()
    assert "view=inline" in page.url
    page.screenshot(path=str(shots / "diff-inline.png"), full_page=True)
    page.click('a[data-view="side"]')
    expect(page.locator("#change-1 .side")).to_be_visible()

    # Sign in with a token, add a policy through the form
    page.goto(base + "/add")
    expect(page).to_have_url(re.compile(r"/login\?next=/add$"))
    page.fill('input[name="token"]', server["token"])
    page.click('form.stacked button[type="submit"]')
    expect(page.locator("h1")).to_have_text("Add a policy")
    page.fill('input[name="url"]', "https://browser.example/legal/privacy")
    page.fill('input[name="name"]', "Browser Example")
    page.fill('input[name="every"]', "6h")
    page.click('form.stacked button[type="submit"]')
    expect(page).to_have_url(base + "/policies/browser.example")
    expect(page.locator("h1")).to_have_text("Browser Example")
    expect(page.get_by_text("checked every 6h")).to_be_visible()
    page.screenshot(path=str(shots / "added.png"), full_page=True)
    page.goto(base + "/")
    expect(page.locator("tr.policy-row")).to_have_count(4)

    assert page.dialogs == []  # type: ignore[attr-defined]
    assert sorted(p.name for p in shots.iterdir()) == [
        "added.png", "dashboard.png", "diff-inline.png", "diff-side.png", "policy.png"]


def test_hostile_policy_renders_inert(server: dict[str, str], page, tmp_path: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    base = server["base"]
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    for path in ("/", "/policies/evil.example", "/policies/evil.example/versions/2",
                 "/policies/evil.example/diff", "/changes"):
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.evaluate("document.querySelectorAll('main img').length") == 0, path
        scripts = page.evaluate("[...document.scripts].map(s => s.src)")
        assert len(scripts) == 1 and re.fullmatch(re.escape(base) + r"/static/app\.js\?v=[0-9a-f]{12}",
                                                  scripts[0]), (path, scripts)
    page.goto(base + "/policies/evil.example/versions/2")
    text = page.locator("article.policy-text")
    expect(text).to_contain_text("<script>window.__pwned = 'heading'; alert(1)</script>")
    expect(text).to_contain_text("<img src=x onerror=")
    expect(page.locator("main > h1")).to_contain_text("<script>window.__pwned = 'name'</script>Evil")
    assert page.locator("article.policy-text a", has_text="click me").count() == 0
    ok = page.locator("article.policy-text a", has_text="ok")
    assert ok.get_attribute("rel") == "noopener noreferrer nofollow"
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
    page.wait_for_timeout(300)
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # Strict CSP arrives with every page.
    csp = httpx.get(base + "/policies/evil.example").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp


def test_glance_search_keyboard_and_phone(server: dict[str, str], page, tmp_path: Path) -> None:  # noqa: ANN001
    """Issue 17 in a browser: headline clauses, search, date comparison, the skip link and
    focus ring from the keyboard, and the dashboard at phone width without sideways scroll."""
    from playwright.sync_api import expect

    base = server["base"]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(base + "/changes")
    expect(page.locator("li.change-entry .headline").first).to_be_visible()
    page.locator("li.change-entry a.tag.topic").first.click()
    expect(page).to_have_url(re.compile(r"/changes\?topic="))

    page.goto(base + "/search")
    page.fill('input[name="q"]', "cookies")
    page.click('form[role="search"] button[type="submit"]')
    expect(page.locator("li.search-hit mark").first).to_be_visible()

    page.goto(base + "/policies/criteo.example/diff")
    page.fill('input[name="from_date"]', "2020-01-01")
    page.get_by_role("button", name="Compare dates").click()
    expect(page.locator("h1")).to_contain_text("version")

    page.goto(base + "/policies/criteo.example")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    assert in_viewport(page, "a.skip-link")
    outline = page.eval_on_selector("a.skip-link", "el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    expect(page.locator('nav a[aria-current="page"]')).to_have_text("Policies")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + "/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, overflow
    page.screenshot(path=str(tmp_path / "dashboard-390.png"), full_page=True)
    assert errors == []
