"""Reading large diffs and managing tracking in a real browser (Chromium via Playwright), at
desktop and phone width: table of contents, collapsible sections, filters, context, whole
document; edit, pause/resume, check now, alerts with topic checkboxes and "send test",
delete keeping the history, discovery from a bare domain. Fixtures from test_web_browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fakes.receiver import Receiver
from tests.fakes.site import FakeSite
from tests.policywatch.test_web_browser import page, pytestmark, server  # noqa: F401

PAGE = ("<html><body><main><h1>Privacy Policy</h1>"
        "<p>We collect your email address, your name and your order history to run the shop, "
        "to send you receipts and to answer your questions about deliveries and returns.</p>"
        "<p>We share your address with the delivery company that brings your order, and with "
        "nobody else. We never sell your personal data to advertisers or data brokers.</p>"
        "<p>We keep logs for 30 days and then delete them. You can ask us for a copy of your "
        "data, or ask us to delete it, by writing to our privacy team at any time.</p>"
        "</main></body></html>")
HOME = "<html><body><nav><a href='/legal/privacy'>Privacy Policy</a></nav><p>Shop.</p></body></html>"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """The served app may reach the fakes on 127.0.0.1 (set before ``server`` starts)."""
    monkeypatch.setenv("POLICYWATCH_ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("POLICYWATCH_RESPECT_ROBOTS", "false")


def no_sideways_scroll(page) -> None:  # noqa: ANN001
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 1


def sign_in(page, server: dict[str, str]) -> None:  # noqa: ANN001
    page.goto(server["base"] + "/login")
    page.fill('input[name="token"]', server["token"])
    page.click('form.stacked button[type="submit"]')


@pytest.mark.parametrize("width", WIDTHS)
def test_reading_a_large_diff(server: dict[str, str], page, tmp_path: Path, width: str) -> None:  # noqa: ANN001, F811
    from playwright.sync_api import expect

    page.set_viewport_size(WIDTHS[width])
    page.goto(server["base"] + "/")
    page.get_by_role("link", name="Criteo", exact=True).click()
    expect(page.locator("h1")).to_have_text("Criteo")
    base = page.url + "/diff"
    page.goto(base + "?from=1&to=18")
    changes = page.locator("#diff .change")
    total = changes.count()
    assert total >= 5
    diff_text = page.inner_text("#diff")
    assert "**" not in diff_text and "](" not in diff_text
    if width == "phone":
        no_sideways_scroll(page)

    # Table of contents: one entry per change, each link lands on its change.
    toc = page.locator("details.toc")
    if not toc.evaluate("el => el.open"):
        toc.locator("summary").click()
    entries = page.locator("ol.toc-list li a")
    expect(entries).to_have_count(total)
    third = entries.nth(2)
    target = third.get_attribute("href").split("#")[1]  # type: ignore[union-attr]
    third.click()
    expect(page.locator(f"#{target}")).to_have_class(re.compile(r"\bcurrent\b"))
    expect(page.locator(f"#{target}")).to_be_in_viewport()

    # Collapsed sections open on a click, and stepping to a change opens its section.
    page.goto(base + "?from=1&to=18&collapsed=1")
    first_section = page.locator("details.diff-section").first
    assert not first_section.evaluate("el => el.open")
    expect(page.locator("#diff .change").first).to_be_hidden()
    first_section.locator("summary").click()
    expect(page.locator("#diff .change").first).to_be_visible()
    page.click("#next-change")
    page.click("#next-change")
    expect(page.locator("#diff .change.current")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"diff-collapsed-{width}.png"), full_page=True)

    # Filter by kind (links, server side), then context clauses, then the whole document.
    page.goto(base + "?from=1&to=18")
    kind_link = page.locator("nav.diff-filters a.filter-kind").first
    kind = re.search(r"kind-(\w+)", kind_link.get_attribute("class") or "").group(1)  # type: ignore[union-attr]
    kind_link.click()
    expect(page).to_have_url(re.compile(rf"kind={kind}"))
    shown = page.locator("#diff .change")
    assert 0 < shown.count() <= total
    for k in range(shown.count()):
        classes = shown.nth(k).get_attribute("class") or ""
        assert f"change-{kind}" in classes or (kind == "moved" and "change-moved" in classes)
    page.goto(base + "?from=1&to=2")
    page.get_by_role("link", name="1 clause", exact=True).click()
    expect(page.locator("#diff .context").first).to_be_visible()
    page.click("#document-view")
    expect(page).to_have_url(re.compile(r"view=document"))
    expect(page.locator("#diff.document-view .doc-heading").first).to_be_visible()
    expect(page.locator("#diff.document-view .change").first).to_be_visible()
    if width == "phone":
        no_sideways_scroll(page)
    page.screenshot(path=str(tmp_path / f"diff-document-{width}.png"), full_page=True)
    assert page.dialogs == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", WIDTHS)
def test_managing_tracking(loopback: None, server: dict[str, str], page, tmp_path: Path,  # noqa: ANN001, F811
                           width: str) -> None:
    from playwright.sync_api import expect

    page.set_viewport_size(WIDTHS[width])
    with FakeSite() as site, Receiver() as hooks:
        site.add("/", HOME)
        site.add("/legal/privacy", PAGE)
        sign_in(page, server)

        # Add from a bare homepage: the found link is shown, then confirmed.
        page.goto(server["base"] + "/add")
        page.fill('input[name="url"]', site.url("/"))
        page.fill('input[name="name"]', f"Shop {width}")
        page.click('form.stacked button[type="submit"]')
        expect(page.locator("p.notice.found")).to_contain_text(site.url("/legal/privacy"))
        if width == "phone":
            no_sideways_scroll(page)
        page.click('#confirm-found button[type="submit"]')
        expect(page.locator("h1")).to_have_text(f"Shop {width}")
        slug_path = page.url.split(server["base"], 1)[1]

        # Manage: check now (a job with its outcome), edit, pause and resume.
        page.click("#manage-link")
        expect(page.locator("h1")).to_have_text(f"Manage Shop {width}")
        page.click("#check-now")
        job = page.locator("li.job").first
        for _ in range(100):
            if "still running" not in job.inner_text():
                break
            page.wait_for_timeout(300)
            page.reload()
        expect(job.locator(".job-state")).to_have_text("done")
        expect(job.locator(".job-outcome")).to_contain_text("version 1")
        page.fill('#edit-form input[name="schedule"]', "12h")
        page.fill('#edit-form input[name="tags"]', "retail")
        page.click('#edit-form button[type="submit"]')
        expect(page.locator(".done-message")).to_have_text("Changes saved.")
        expect(page.locator("p.meta")).to_contain_text("checked every 12h")
        page.click("#pause")
        expect(page.locator("p.meta .status-paused")).to_be_visible()
        page.click("#resume")
        expect(page.locator("p.meta")).to_contain_text("active")

        # Alerts from the policy's page: topics as checkboxes, then "send test".
        page.fill('#alert-form input[name="target"]', hooks.url("/hook"))
        page.check('#alert-form input[name="topics"][value="sharing"]')
        page.click('#alert-form button[type="submit"]')
        row = page.locator("tr.alert-row")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("sharing")
        row.locator("button.send-test").click()
        expect(page.locator(".done-message")).to_have_text("Test alert delivered.")
        assert hooks.wait_for(1)[0].json()["event"] == "test"
        if width == "phone":
            no_sideways_scroll(page)
        page.screenshot(path=str(tmp_path / f"manage-{width}.png"), full_page=True)

        # Delete, keeping the history by default.
        page.get_by_role("link", name="Delete…").click()
        expect(page.locator("h1")).to_have_text(f"Delete Shop {width}?")
        page.click('#delete-form button[type="submit"]')
        expect(page.locator(".done-message")).to_contain_text("history is kept")
        page.goto(server["base"] + slug_path)
        expect(page.locator("li.version-entry")).to_have_count(1)
        expect(page.locator("p.meta")).to_contain_text("paused")
    assert page.dialogs == []  # type: ignore[attr-defined]
