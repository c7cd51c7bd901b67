"""The rule that decides, on each plain fetch, whether a check renders (policywatch.checking.rendering)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from crawler import FetchResult
from crawler.shell import LITTLE_TEXT_WORDS
from policywatch.checking.rendering import Step, decide
from storage import ErrorKind, RenderMode, Rendering, SnapshotRecord, Source
from tests.fakes.spa import SHELL

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
DAY = timedelta(days=1)
POLICY = ("<html><body><h1>Privacy</h1>"
          + "<p>We collect your email address and keep it for a year.</p>" * 40
          + "</body></html>").encode()


def fetched(body: bytes = SHELL.encode(), *, not_modified: bool = False) -> FetchResult:
    return FetchResult(requested_url="https://a.example/p", final_url="https://a.example/p",
                       status=304 if not_modified else 200, content_type="text/html",
                       body=b"" if not_modified else body, fetched_at=NOW,
                       not_modified=not_modified, charset="utf-8")


def snapshot(plain: bytes, *, render: Rendering, age: timedelta = timedelta(hours=1),
             rejection: ErrorKind | None = None) -> SnapshotRecord:
    sha = hashlib.sha256(plain).hexdigest()
    return SnapshotRecord(
        id=1, policy_id=1, source=Source.LIVE, captured_at=NOW - age, fetched_at=NOW - age,
        requested_url="https://a.example/p", final_url="https://a.example/p", status=200,
        content_type="text/html", etag=None, last_modified=None,
        body_sha256=sha if render == Rendering.PLAIN else "f" * 64, archive_timestamp=None,
        text_sha256=None if rejection else "e" * 64, extractor_version="x", extract_note=None,
        rejection=rejection, render=render,
        plain_body_sha256=sha if render == Rendering.RENDERED else None)


def rule(mode: RenderMode, page: FetchResult, last: SnapshotRecord | None, *,
         browser: bool = True, render_now: bool = False) -> Step:
    return decide(mode, page, last, browser=browser, now=NOW, refresh=DAY,
                  render_now=render_now)


def test_auto_renders_a_new_shell_and_leaves_a_real_page_alone() -> None:
    assert rule(RenderMode.AUTO, fetched(), None) == Step.RENDER
    assert rule(RenderMode.AUTO, fetched(POLICY), None) == Step.PLAIN
    assert rule(RenderMode.AUTO, fetched(), None, browser=False) == Step.NEEDS_BROWSER


def test_never_and_always_do_what_they_say() -> None:
    assert rule(RenderMode.NEVER, fetched(), None) == Step.PLAIN
    assert rule(RenderMode.ALWAYS, fetched(POLICY), None) == Step.RENDER
    assert rule(RenderMode.ALWAYS, fetched(POLICY), None, browser=False) == Step.NEEDS_BROWSER


def test_an_unchanged_shell_reuses_its_rendering_until_it_is_due() -> None:
    fresh = snapshot(SHELL.encode(), render=Rendering.RENDERED)
    for page in (fetched(), fetched(not_modified=True)):
        assert rule(RenderMode.AUTO, page, fresh) == Step.REUSE
        assert rule(RenderMode.AUTO, page, fresh, render_now=True) == Step.RENDER
    stale = snapshot(SHELL.encode(), render=Rendering.RENDERED, age=DAY + timedelta(minutes=1))
    assert rule(RenderMode.AUTO, fetched(not_modified=True), stale) == Step.RENDER
    changed = SHELL.replace("app.js", "app.4f2a.js").encode()
    assert rule(RenderMode.AUTO, fetched(changed), fresh) == Step.RENDER


def test_a_needs_browser_verdict_is_retried_once_a_browser_exists() -> None:
    waiting = snapshot(SHELL.encode(), render=Rendering.PLAIN, rejection=ErrorKind.NEEDS_BROWSER)
    assert rule(RenderMode.AUTO, fetched(), waiting, browser=False) == Step.PLAIN
    assert rule(RenderMode.AUTO, fetched(), waiting, browser=True) == Step.RENDER
    assert rule(RenderMode.AUTO, fetched(not_modified=True), waiting) == Step.RENDER


def test_an_unchanged_plain_page_stays_plain_under_auto() -> None:
    plain = snapshot(POLICY, render=Rendering.PLAIN)
    assert rule(RenderMode.AUTO, fetched(POLICY), plain) == Step.PLAIN
    assert rule(RenderMode.AUTO, fetched(not_modified=True), plain) == Step.PLAIN
    # Switched to always: the same page is rendered once, then its rendering stands.
    assert rule(RenderMode.ALWAYS, fetched(POLICY), plain) == Step.RENDER


def test_a_page_whose_extraction_has_a_policys_words_is_not_parsed_for_script_signals(
        monkeypatch) -> None:
    import policywatch.checking.rendering as rendering

    def no_parse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again for script signals")

    monkeypatch.setattr(rendering, "detect_shell", no_parse)
    page = fetched(POLICY)
    enough = " ".join(["word"] * LITTLE_TEXT_WORDS)
    assert decide(RenderMode.AUTO, page, None, browser=True, now=NOW, refresh=DAY,
                  plain_text=enough) == Step.PLAIN
    monkeypatch.undo()
    # Fewer words than a shell may show: the page itself is looked at.
    assert decide(RenderMode.AUTO, fetched(), None, browser=True, now=NOW, refresh=DAY,
                  plain_text=" ".join(["word"] * (LITTLE_TEXT_WORDS - 1))) == Step.RENDER
