"""BrowserFetcher: a page rendered by headless Chromium through Playwright.

One browser process serves every render of a fetcher (started on first use, started again
after a crash); each render gets a fresh context (no cookies, storage or cache carried
over), the crawler's user agent, at most ``concurrency`` pages at once, the per-host
limiter and robots check the caller shares with its plain fetcher, and a route handler
that refuses images, fonts, media, trackers and, through the outbound address policy,
every request to an address the plain fetcher may not reach (subresources and API calls
included). The document is read when it stops changing: network idle, then the length of
the body's text unchanged for ``settle`` seconds, all within ``page_timeout``.

The system's Chromium is used (``executable``); nothing is downloaded at run time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from crawler.addresses import AddressPolicy
from crawler.browser.blocking import TRACKER_HOSTS, block_reason
from crawler.errors import (
    BlockedAddress,
    BrowserUnavailable,
    FetchTimeout,
    HTTPStatusError,
    RenderError,
    RobotsDisallowed,
)
from crawler.hostlimit import HostLimiter
from crawler.http import DEFAULT_HEADERS

log = logging.getLogger("crawler.browser")

NEEDS_BROWSER = "needs a browser: install policywatch[browser] and chromium"
_LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--mute-audio",
                "--blink-settings=imagesEnabled=false"]
_TEXT_LENGTH = "() => document.body ? document.body.innerText.length : 0"

RobotsCheck = Callable[[str], Awaitable[bool]]


@dataclass(frozen=True)
class RenderedPage:
    """The DOM a browser built for one URL, serialised, and what the render did."""

    requested_url: str
    final_url: str
    status: int
    html: str
    fetched_at: datetime
    requests: int   # requests the page made and were let through
    blocked: int    # requests refused (resources, trackers, addresses, other origins)

    @property
    def body(self) -> bytes:
        return self.html.encode("utf-8")


def find_executable(path: str | None) -> str | None:
    """The Chromium to run: ``path`` when it is an executable file, else None; with no path,
    the first of ``chromium``, ``chromium-browser``, ``google-chrome`` on PATH."""
    if path:
        return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_available(path: str | None) -> bool:
    """Whether rendering can work here: the ``playwright`` package and a Chromium."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return find_executable(path) is not None


class BrowserFetcher:
    """Renders pages in one shared headless Chromium; use as ``async with BrowserFetcher(...)``.

    Parameters
    ----------
    executable:
        Chromium's path (None: found on PATH). A missing one raises ``BrowserUnavailable``
        at the first render, as does a missing ``playwright`` package.
    concurrency:
        Pages rendering at once (each costs a renderer process).
    page_timeout:
        Seconds from navigation until the document must have settled (``FetchTimeout``).
    settle:
        Seconds the body's text length must stay unchanged after the network went idle.
    addresses:
        The outbound address policy every request of the page goes through.
    """

    def __init__(self, *, executable: str | None, user_agent: str, concurrency: int = 2,
                 page_timeout: float = 30.0, settle: float = 1.0,
                 addresses: AddressPolicy | None = None,
                 trackers: frozenset[str] = TRACKER_HOSTS) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        if page_timeout <= 0 or settle < 0:
            raise ValueError("page_timeout must be positive and settle not negative")
        self.executable = executable
        self.user_agent = user_agent
        self.page_timeout = page_timeout
        self.settle = settle
        self.addresses = addresses if addresses is not None else AddressPolicy()
        self.trackers = trackers
        self._slots = asyncio.Semaphore(concurrency)
        self._start_lock = asyncio.Lock()
        self._playwright: Any = None
        self._browser: Any = None
        self.launches = 0  # browser processes started (a crash makes the next render relaunch)

    async def __aenter__(self) -> BrowserFetcher:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the browser and Playwright (a later render starts them again)."""
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        if browser is not None:
            try:
                await browser.close()
            except Exception:  # already gone (crashed): nothing to close
                pass
        if playwright is not None:
            try:
                await playwright.stop()
            except Exception:
                pass

    async def _ensure_browser(self) -> Any:
        async with self._start_lock:
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            await self.aclose()
            executable = find_executable(self.executable)
            if executable is None:
                where = f" at {self.executable}" if self.executable else " on PATH"
                raise BrowserUnavailable(f"{NEEDS_BROWSER} (no Chromium{where})")
            try:
                from playwright.async_api import async_playwright
            except ImportError:
                raise BrowserUnavailable(f"{NEEDS_BROWSER} (the playwright package is "
                                         "not installed)") from None
            self._playwright = await async_playwright().start()
            try:
                self._browser = await self._playwright.chromium.launch(
                    executable_path=executable, headless=True, args=_LAUNCH_ARGS)
            except Exception as exc:
                await self.aclose()
                raise RenderError(f"Chromium at {executable} did not start: "
                                  f"{_first_line(exc)}") from None
            self.launches += 1
            log.info("started Chromium %s (%s)", self._browser.version, executable)
            return self._browser

    async def render(self, url: str, *, robots: RobotsCheck | None = None,
                     limiter: HostLimiter | None = None,
                     only_origin: str | None = None) -> RenderedPage:
        """Load ``url``, run its scripts, and return the settled DOM.

        ``robots`` and ``limiter`` are the plain fetcher's (same rules, same host slots);
        ``only_origin`` confines every request to one origin (an archive's replay).

        Raises
        ------
        BrowserUnavailable, RobotsDisallowed, BlockedAddress, FetchTimeout, HTTPStatusError,
        RenderError
        """
        try:
            from playwright.async_api import Error as PlaywrightError
        except ImportError:
            raise BrowserUnavailable(f"{NEEDS_BROWSER} (the playwright package is "
                                     "not installed)") from None
        if robots is not None and not await robots(url):
            raise RobotsDisallowed(f"robots.txt of {_host(url)} disallows {url}", url=url)
        async with self._slots:
            browser = await self._ensure_browser()
            slot = limiter.slot(_host(url)) if limiter is not None else _nothing()
            async with slot:
                try:
                    return await self._render(browser, url, only_origin)
                except PlaywrightError as exc:
                    if not browser.is_connected():
                        raise RenderError(f"the browser crashed while rendering {url}",
                                          url=url) from None
                    raise RenderError(f"rendering {url} failed: {_first_line(exc)}",
                                      url=url) from None

    async def _render(self, browser: Any, url: str, only_origin: str | None) -> RenderedPage:
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        counts = {"requests": 0, "blocked": 0}
        refused: dict[str, BlockedAddress] = {}
        context = await browser.new_context(
            user_agent=self.user_agent, service_workers="block", java_script_enabled=True,
            extra_http_headers={"Accept-Language": DEFAULT_HEADERS["Accept-Language"]})

        async def route(route: Any, request: Any) -> None:
            reason = block_reason(request.url, request.resource_type, trackers=self.trackers,
                                  only_origin=only_origin)
            if reason is None and only_origin is None:
                reason = await self._address_refusal(request.url, refused)
            if reason is not None:
                counts["blocked"] += 1
                log.debug("refused %s (%s)", request.url, reason)
                await route.abort("blockedbyclient")
                return
            counts["requests"] += 1
            await route.continue_()

        deadline = time.monotonic() + self.page_timeout
        try:
            await context.route("**/*", route)
            page = await context.new_page()
            try:
                response = await page.goto(url, wait_until="domcontentloaded",
                                           timeout=self.page_timeout * 1000)
            except PlaywrightTimeout:
                raise FetchTimeout(f"{_host(url)} did not load {url} within "
                                   f"{self.page_timeout:g}s in the browser", url=url) from None
            except Exception:
                if url in refused:
                    raise refused[url] from None
                raise
            if response is not None and response.status >= 400:
                raise HTTPStatusError(f"{url} answered HTTP {response.status} in the browser",
                                      status=response.status, url=url)
            await self._settle(page, url, deadline)
            html = await page.content()
            return RenderedPage(
                requested_url=url, final_url=page.url, status=response.status if response else 200,
                html=html, fetched_at=datetime.now(UTC), requests=counts["requests"],
                blocked=counts["blocked"])
        finally:
            try:
                await context.close()
            except Exception:
                pass

    async def _address_refusal(self, url: str, refused: dict[str, BlockedAddress]) -> str | None:
        if self.addresses.open:
            return None
        parts = urlsplit(url)
        try:
            await self.addresses.resolve(parts.hostname or "",
                                         parts.port or (443 if parts.scheme == "https" else 80))
        except BlockedAddress as exc:
            refused[url] = BlockedAddress(str(exc), url=url, reason=exc.reason)
            return "address not allowed"
        return None

    async def _settle(self, page: Any, url: str, deadline: float) -> None:
        """Wait for network idle, then for the text length to hold still ``settle`` seconds."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        def late() -> FetchTimeout:
            return FetchTimeout(f"{url} did not settle within {self.page_timeout:g}s in the "
                                "browser (its content kept changing)", url=url)

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise late()
        try:
            await page.wait_for_load_state("networkidle", timeout=remaining * 1000)
        except PlaywrightTimeout:
            raise late() from None
        step = max(0.05, min(0.25, self.settle / 4))
        length = await page.evaluate(_TEXT_LENGTH)
        still_since = time.monotonic()
        while time.monotonic() - still_since < self.settle:
            if time.monotonic() > deadline:
                raise late()
            await asyncio.sleep(step)
            current = await page.evaluate(_TEXT_LENGTH)
            if current != length:
                length, still_since = current, time.monotonic()


class _nothing:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
