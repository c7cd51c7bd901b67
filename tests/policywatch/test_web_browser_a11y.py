"""Issue 17 in a real browser, at desktop and phone width: axe-core finds no serious or
critical accessibility violation on any page, no page requests a third-party origin or
scrolls sideways at 390 px, navigation fits on two lines, and the policy timeline works
(chart bars reachable with Tab and clickable, calendar, picking versions to compare, "new
since your last visit").

axe-core comes from the npm registry (tests/policywatch/axe/package.json, installed by
``make test`` with ``npm ci``); it is run in the page through Playwright.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.policywatch.test_web_browser import page, pytestmark, server  # noqa: F401  (fixtures)

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])

READER_PAGES = ("/", "/changes", "/changes?formatting=1", "/search", "/search?q=cookies",
                "/policies/criteo.example", "/policies/criteo.example/versions/2",
                "/policies/criteo.example/at?date=2021-06-01", "/policies/criteo.example/diff",
                "/policies/criteo.example/diff?from=1&to=2&view=inline", "/docs", "/login",
                "/no/such/page")
ADMIN_PAGES = ("/add", "/subscriptions")


def _axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed: run `npm ci --prefix {AXE.parents[2]}` (make test does)")
    return AXE.read_text(encoding="utf-8")


def _serious_violations(page, source: str) -> list[str]:  # noqa: ANN001
    """axe-core's serious and critical violations on the loaded page, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(source)  # Runtime.evaluate: the page's CSP does not apply to it
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' -> '
               + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
    }""")
    return list(found)


def _sign_in(page, base: str, token: str) -> None:  # noqa: ANN001
    page.goto(base + "/login")
    page.fill('input[name="token"]', token)
    page.click('form.stacked button[type="submit"]')
    page.wait_for_url(base + "/")


@WIDTHS
def test_every_page_passes_axe_stays_on_origin_and_fits(server: dict[str, str], page,  # noqa: ANN001, F811
                                                        viewport: dict[str, int]) -> None:
    source = _axe_source()
    base = server["base"]
    origin = urlsplit(base).netloc
    elsewhere: list[str] = []
    page.on("request", lambda r: elsewhere.append(r.url)
            if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != origin else None)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size(viewport)
    report: dict[str, list[str]] = {}
    for path in READER_PAGES + ("SIGN-IN",) + ADMIN_PAGES:
        if path == "SIGN-IN":
            _sign_in(page, base, server["token"])
            continue
        page.goto(base + path)
        page.wait_for_load_state("load")
        if path == "/docs":
            page.wait_for_selector("#swagger-ui .opblock-tag")  # Swagger UI drew, from our server
        assert page.locator("h1").count() == 1, path
        found = _serious_violations(page, source)
        if found:
            report[path] = found
        if viewport is PHONE:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, overflow)
            # Navigation on at most two lines (the site name sits above it).
            line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('header.site nav a')).lineHeight)")
            nav = page.eval_on_selector("header.site nav", "el => el.getBoundingClientRect().height")
            assert nav <= 2 * line + 8, (path, nav, line)
    assert report == {}, json.dumps(report, indent=1)
    assert elsewhere == [], elsewhere
    assert errors == []


@WIDTHS
def test_timeline_chart_calendar_and_compare(server: dict[str, str], page, tmp_path: Path,  # noqa: ANN001, F811
                                             viewport: dict[str, int]) -> None:
    from playwright.sync_api import expect

    base = server["base"]
    page.set_viewport_size(viewport)
    page.goto(base + "/policies/criteo.example")
    kind = "narrow" if viewport is PHONE else "wide"
    chart = page.locator(f"svg.chart-{kind}")
    expect(chart).to_be_visible()
    expect(page.locator("svg.chart-" + ("wide" if kind == "narrow" else "narrow"))).to_be_hidden()
    # Axis text is drawn at 10 px or more on screen (the SVG is not shrunk to illegibility).
    sizes = page.eval_on_selector_all(
        f"svg.chart-{kind} text.chart-axis", "els => els.map(e => e.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 10, sizes
    page.screenshot(path=str(tmp_path / f"policy-{kind}.png"), full_page=True)

    # Bars are links in the Tab order: tab until one is focused, Enter opens its changes.
    bars = chart.locator("a.chart-link")
    assert bars.count() == 18
    page.locator("h2#over-time").click()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('chart-link')"):
            break
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused and focused.startswith("Version 1,"), focused
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/policies/criteo.example/diff?from=1&to=2")
    expect(page.locator("h1")).to_contain_text("version 1 → 2")

    # The table alternative opens and lists every version.
    page.goto(base + "/policies/criteo.example")
    page.locator("details.chart-table summary").click()
    expect(page.locator("details.chart-table tbody tr")).to_have_count(18)

    # The calendar: a year link, then a day that began a version leads to its changes.
    years = page.locator("nav.years a")
    first_year = years.first.inner_text().split()[0]
    years.first.click()
    expect(page).to_have_url(f"{base}/policies/criteo.example?year={first_year}#calendar")
    day = page.locator("a.day-changed").first
    day.click()
    expect(page).to_have_url(re.compile(r"/policies/criteo\.example/(diff\?from=\d+&to=\d+|versions/1)$"))

    # Pick two versions in the timeline and compare them.
    page.goto(base + "/policies/criteo.example")
    page.locator('input[name="from"][value="3"]').check()
    page.locator('input[name="to"][value="7"]').check()
    page.get_by_role("button", name="Compare selected versions").click()
    expect(page.locator("h1")).to_contain_text("version 3 → 7")


def test_new_since_last_visit_marker(server: dict[str, str], page) -> None:  # noqa: ANN001, F811
    from playwright.sync_api import expect

    base = server["base"]
    page.goto(base + "/")
    expect(page.locator(".since-visit")).to_have_count(0)  # first visit
    page.reload()
    expect(page.locator(".since-visit")).to_contain_text("Nothing changed since your last visit")
    page.context.add_cookies([{"name": "policywatch_last_visit", "value": "2000-01-01T00:00:00+00:00",
                               "url": base}])
    page.reload()
    expect(page.locator(".since-visit")).to_contain_text("3 policies changed since your last visit")
    expect(page.locator("td.latest-change .new-since")).to_have_count(3)
