"""When a live check renders its page in a browser, and the one browser a process shares.

The rule (policy ``render``: auto | never | always; README "Script-built pages"):

- ``never``: the plain fetch's body is the snapshot, as always.
- ``auto``: a new plain body that is a script shell (``crawler.detect_shell``) is rendered;
  ``always``: every new plain body is. A live check extracts a new plain body first: one
  whose text has a policy's words is no shell (``crawler.has_policy_words``), so the page
  is not parsed a second time to look for script signals.
- Conditional GET still applies to the plain fetch. When the plain fetch is unchanged (304,
  or the same bytes as the plain body behind the last snapshot) and that snapshot was
  rendered, the last rendering stands (check ``render``: ``reused``) until
  ``render_refresh_days`` passed since it was made, or ``check --render-now``: a shell's
  data comes from API calls the plain fetch cannot see, so it is re-rendered that often.
- No browser (the ``playwright`` package or Chromium missing): a shell is kept as a
  snapshot rejected with ``needs-browser``, not "not a policy"; an unchanged shell whose
  last verdict was ``needs-browser`` is tried again, so installing a browser takes effect
  at the next check.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from crawler import (
    BrowserFetcher,
    FetchResult,
    LiveFetcher,
    RenderedPage,
    browser_available,
    detect_shell,
    has_policy_words,
)
from policywatch.settings import Settings
from storage import ErrorKind, PolicyRecord, RenderMode, Rendering, SnapshotRecord


class Step(StrEnum):
    """What a check does with its plain fetch."""

    PLAIN = "plain"                  # store the plain body (or record the 304) as before
    RENDER = "render"                # render the page and store the DOM
    REUSE = "reuse"                  # unchanged shell, rendering not due: the last one stands
    NEEDS_BROWSER = "needs-browser"  # should render, but there is no browser


def plain_unchanged(fetched: FetchResult, last: SnapshotRecord | None) -> bool:
    """The plain fetch gave what the last live snapshot was made from (304 or same bytes)."""
    if last is None:
        return False
    if fetched.not_modified:
        return True
    plain_sha = last.plain_body_sha256 or last.body_sha256
    return hashlib.sha256(fetched.body).hexdigest() == plain_sha


def decide(mode: RenderMode, fetched: FetchResult, last: SnapshotRecord | None, *,
           browser: bool, now: datetime, refresh: timedelta, render_now: bool = False,
           plain_text: str | None = None) -> Step:
    """The rule of the module docstring, on one plain fetch. ``plain_text``: the plain
    body's extracted text, when the caller extracted it."""
    if mode == RenderMode.NEVER:
        return Step.PLAIN
    if plain_unchanged(fetched, last):
        assert last is not None
        if last.render == Rendering.RENDERED:
            fetched_at = last.fetched_at if last.fetched_at.tzinfo else last.fetched_at.replace(
                tzinfo=UTC)
            if not render_now and now - fetched_at < refresh:
                return Step.REUSE
        elif last.rejection == ErrorKind.NEEDS_BROWSER:
            if not browser:
                return Step.PLAIN       # the stored needs-browser verdict stands
        elif mode == RenderMode.AUTO and (fetched.not_modified or last.rejection is None
                                          or not _is_shell(fetched)):
            return Step.PLAIN           # the same page as last time, and it was no shell
    elif mode == RenderMode.AUTO and (has_policy_words(plain_text) or not _is_shell(fetched)):
        return Step.PLAIN
    return Step.RENDER if browser else Step.NEEDS_BROWSER


def _is_shell(fetched: FetchResult) -> bool:
    if fetched.content_type not in ("text/html", "application/xhtml+xml"):
        return False
    return detect_shell(fetched.body, charset=fetched.charset).is_shell


class Renderer:
    """The process's browser for live checks, started on the first page that needs it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._fetcher: BrowserFetcher | None = None
        self._available: bool | None = None

    @property
    def available(self) -> bool:
        if self._available is None:
            self._available = browser_available(self.settings.browser_path or None)
        return self._available

    def browser(self) -> BrowserFetcher:
        if self._fetcher is None:
            settings = self.settings
            self._fetcher = BrowserFetcher(
                executable=settings.browser_path or None, user_agent=settings.user_agent,
                concurrency=settings.browser_concurrency, page_timeout=settings.render_timeout,
                settle=settings.render_settle, addresses=settings.address_policy())
        return self._fetcher

    async def render(self, url: str, fetcher: LiveFetcher) -> RenderedPage:
        """Render ``url`` under the plain fetcher's robots rules and per-host slots."""
        return await self.browser().render(url, robots=fetcher.robots_allow,
                                           limiter=fetcher.limiter)

    async def aclose(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()


def refresh_interval(settings: Settings) -> timedelta:
    """How long an unchanged shell's rendering stands (``render_refresh_days``)."""
    return timedelta(days=settings.render_refresh_days)


async def render_capture(renderer: Renderer, archive_url: str, timestamp: str,
                         original: str) -> RenderedPage:
    """Render an archived capture through the archive's frame replay (``/web/<ts>if_/<url>``):
    its scripts and API calls are answered from the archive, and only from it; the
    archive's insertions and URL rewriting are removed from the result."""
    from dataclasses import replace

    from crawler import strip_replay
    base = archive_url.rstrip("/")
    page = await renderer.browser().render(f"{base}/web/{timestamp}if_/{original}",
                                           only_origin=origin(base))
    return replace(page, html=strip_replay(page.html), final_url=original)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"
