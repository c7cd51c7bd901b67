"""Rendering pages whose text only exists after JavaScript runs (headless Chromium).

Playwright is an optional dependency (``policywatch[browser]``) imported only when a
browser starts; importing this package costs nothing more than lxml.
"""

from crawler.browser.blocking import TRACKER_HOSTS, block_reason, is_tracker
from crawler.browser.fetcher import (
    NEEDS_BROWSER,
    BrowserFetcher,
    RenderedPage,
    browser_available,
    find_executable,
)
from crawler.browser.replay import original_url, strip_replay

__all__ = [
    "NEEDS_BROWSER",
    "TRACKER_HOSTS",
    "BrowserFetcher",
    "RenderedPage",
    "block_reason",
    "browser_available",
    "find_executable",
    "is_tracker",
    "original_url",
    "strip_replay",
]
