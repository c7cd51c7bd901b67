"""Script-built policies: rendered in a browser when the plain fetch is a shell (--render).

The fake site serves a single-page app: a shell whose bundle fetches the policy from a
JSON endpoint. The browser tests drive the system Chromium and are marked slow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage import Archive
from tests.fakes.site import FakeSite
from tests.fakes.spa import APP_JS, RESTLESS, SHELL, policy_data, serve_app
from tests.fakes.wayback import FakeWayback
from tests.policywatch.cli_runner import Cli

CHROMIUM = Path("/usr/bin/chromium")
browser = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")


def _add(cli: Cli, url: str, *extra: str) -> str:
    added = cli("add", url, *extra)
    assert added.code == 0, added.err
    return added.out.strip()


def test_render_mode_is_set_on_add_and_by_its_setter(cli: Cli, site: FakeSite,
                                                       archive: Archive) -> None:
    slug = _add(cli, serve_app(site), "--render", "never")
    assert archive.policy(slug).render == "never"
    changed = cli("render", slug, "always")
    assert changed.code == 0 and archive.policy(slug).render == "always"
    bad = cli("render", slug, "sometimes")
    assert bad.code != 0 and "auto, never, always" in bad.err and "Traceback" not in bad.err
    listed = cli("list", "--json").json()
    assert listed[0]["render"] == "always"


def test_never_stores_the_shell_and_says_it_needs_javascript(cli: Cli, site: FakeSite,
                                                               archive: Archive) -> None:
    slug = _add(cli, serve_app(site), "--render", "never")
    checked = cli("check", slug)
    assert checked.code == 1
    assert "js-required" in checked.out or "empty" in checked.out
    assert not site.requests_to("/app/policy.json")  # no browser ran the bundle


def test_auto_without_a_browser_records_needs_browser(cli: Cli, site: FakeSite,
                                                      archive: Archive, monkeypatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYWATCH_BROWSER_PATH", str(tmp_path / "no-chromium"))
    slug = _add(cli, serve_app(site))
    checked = cli("check", slug)
    assert checked.code == 1
    assert "[needs-browser]" in checked.out
    assert "needs a browser: install policywatch[browser] and chromium" in checked.out
    rows = cli("checks", slug, "--json").json()
    assert rows[0]["error_kind"] == "needs-browser"
    again = cli("check", slug)  # the same shell: the verdict stands, still needs-browser
    assert "[needs-browser]" in again.out
    snapshot = archive.last_snapshot(archive.policy(slug).id)
    assert snapshot is not None and snapshot.rejection == "needs-browser"


def test_a_page_that_is_no_shell_is_not_rendered_under_auto(cli: Cli, site: FakeSite,
                                                           archive: Archive, monkeypatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setenv("POLICYWATCH_BROWSER_PATH", str(tmp_path / "no-chromium"))
    text = "<p>We collect your email address to send receipts and keep it a year.</p>" * 30
    site.add("/privacy", f"<html><body><h1>Privacy</h1>{text}</body></html>")
    slug = _add(cli, site.url("/privacy"))
    checked = cli("check", slug)
    assert checked.code == 0 and "new-version" in checked.out
    assert cli("checks", slug, "--json").json()[0]["render"] == "plain"


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_auto_renders_a_shell_and_stores_the_built_text(cli: Cli, site: FakeSite,
                                                        archive: Archive) -> None:
    slug = _add(cli, serve_app(site))
    checked = cli("check", slug)
    assert checked.code == 0, checked.out
    assert "new-version" in checked.out and "rendered in a browser" in checked.out
    policy = archive.policy(slug)
    version = archive.versions(policy.id)[-1]
    assert "# Example App Privacy Policy" in version.text
    assert "## How long we keep it" in version.text
    assert "two years after you close your account" in version.text
    assert "Payment records required by law" in version.text  # a list item the script built
    snapshot = archive.last_snapshot(policy.id)
    assert snapshot is not None and snapshot.render == "rendered"
    assert snapshot.plain_body_sha256 is not None
    assert b'<div id="root">' in archive.body(snapshot.plain_body_sha256)  # the shell, kept
    assert b"Payment records" in archive.body(snapshot.body_sha256)        # the rendered DOM
    assert cli("checks", slug, "--json").json()[0]["render"] == "rendered"
    shown = cli("checks", slug)
    assert "rendered" in shown.out
    # Trackers and images are refused: the page's analytics script never left the browser.
    assert not site.requests_to("/app/logo.png")

    # The shell unchanged (same bytes, 304 to the ETag): the last rendering stands...
    site.set_body("/app/policy.json", json.dumps(policy_data("five years")))
    again = cli("check", slug)
    assert again.code == 0 and "five years" not in archive.versions(policy.id)[-1].text
    assert len(site.requests_to("/app/policy.json")) == 1
    # ... until --render-now (or render_refresh_days): the API's new text is found.
    now = cli("check", slug, "--render-now")
    assert "new-version" in now.out, now.out
    assert "five years after you close" in archive.versions(policy.id)[-1].text


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_always_renders_and_waits_for_a_late_fill(cli: Cli, site: FakeSite,
                                                  archive: Archive) -> None:
    url = serve_app(site) + "?delay=500"
    slug = _add(cli, url, "--render", "always")
    checked = cli("check", slug)
    assert checked.code == 0 and "new-version" in checked.out, checked.out
    assert "Your rights" in archive.versions(archive.policy(slug).id)[-1].text


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_a_page_that_never_settles_is_a_timeout_and_the_next_check_works(
        cli: Cli, site: FakeSite, archive: Archive, monkeypatch) -> None:
    monkeypatch.setenv("POLICYWATCH_RENDER_TIMEOUT", "4")
    site.add("/ticker", RESTLESS)
    restless = _add(cli, site.url("/ticker"), "--render", "always")
    checked = cli("check", restless)
    assert checked.code == 1 and "[timeout]" in checked.out and "did not settle" in checked.out
    monkeypatch.setenv("POLICYWATCH_RENDER_TIMEOUT", "60")
    good = _add(cli, serve_app(site))
    assert "new-version" in cli("check", good).out


def _archive_app(wayback: FakeWayback, base: str, timestamp: str, *, with_data: bool) -> None:
    """An archived single-page app: the shell and its bundle, and its data when ``with_data``."""
    wayback.add_capture(base, timestamp, SHELL.encode())
    wayback.add_capture(base + "app.js", timestamp, APP_JS.encode(),
                        mimetype="application/javascript")
    if with_data:
        wayback.add_capture(base + "policy.json", timestamp,
                            json.dumps(policy_data("three years")).encode(),
                            mimetype="application/json")


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_an_archived_shell_is_rendered_through_the_replay(cli: Cli, archive: Archive,
                                                          monkeypatch) -> None:
    with FakeWayback() as wayback:
        monkeypatch.setenv("POLICYWATCH_WAYBACK_URL", wayback.base_url)
        _archive_app(wayback, "https://app.example/privacy/", "20210301000000", with_data=True)
        slug = _add(cli, "https://app.example/privacy/")
        done = cli("backfill", slug)
        assert done.code == 0, done.err
        assert "1 new versions" in done.out, done.out
        version = archive.versions(archive.policy(slug).id)[-1]
        assert "three years after you close your account" in version.text
        assert "toolbar" not in version.text and "captures" not in version.text
        snapshot = archive.last_snapshot(archive.policy(slug).id, source="wayback")
        assert snapshot is not None and snapshot.render == "rendered"
        stored = archive.body(snapshot.body_sha256).decode()
        assert "wombat" not in stored and "__wm" not in stored and "wm-ipp" not in stored
        # Every request of the page went to the archive, through the frame replay.
        assert any(r.path.startswith("/web/20210301000000if_/") for r in wayback.requests)


@pytest.mark.slow
@pytest.mark.browser
@browser
def test_an_archived_shell_without_its_data_is_reported_not_stored_as_a_version(
        cli: Cli, archive: Archive, monkeypatch) -> None:
    with FakeWayback() as wayback:
        monkeypatch.setenv("POLICYWATCH_WAYBACK_URL", wayback.base_url)
        _archive_app(wayback, "https://app.example/terms/", "20210301000000", with_data=False)
        slug = _add(cli, "https://app.example/terms/")
        done = cli("backfill", slug)
        assert "0 new versions" in done.out and "1 not the policy" in done.out, done.out
        policy = archive.policy(slug)
        assert archive.versions(policy.id) == []
        snapshot = archive.last_snapshot(policy.id, source="wayback")
        assert snapshot is not None and snapshot.rejection == "archive-incomplete"
