"""The one place an ``httpx.AsyncClient`` is built: timeouts, user agent, pool limits."""

from __future__ import annotations

from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from crawler.addresses import AddressPolicy, GuardedTransport

DEFAULT_USER_AGENT = (
    "policywatch/0.1 (+https://github.com/policywatch/policywatch; "
    "privacy-policy archive and change tracker)"
)

# Ask for what we can store; a stable Accept-Language keeps language negotiation from
# flipping a page between fetches and reporting it as a change.
DEFAULT_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.5",
    "Accept-Language": "en-US,en;q=0.9,*;q=0.5",
}


def robots_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against ("policywatch/0.1 (...)" -> "policywatch")."""
    first = user_agent.strip().split(" ", 1)[0]
    return first.split("/", 1)[0] or user_agent


def build_client(*, user_agent: str = DEFAULT_USER_AGENT, connect_timeout: float = 10,
                 read_timeout: float = 30, max_connections: int = 100,
                 max_keepalive: int = 20, headers: dict[str, str] | None = None,
                 keep_cookies: bool = True,
                 transport: httpx.AsyncBaseTransport | None = None,
                 addresses: AddressPolicy | None = None) -> httpx.AsyncClient:
    """Build an async client that never follows redirects itself (callers record the chain).

    ``read_timeout`` bounds each wait for data (also used for writes); waiting for a free
    pooled connection is unbounded because per-host limits already queue requests.
    ``keep_cookies=False`` makes the client store no cookies, so every fetch starts as a
    first-time visitor (callers may still carry cookies within one fetch themselves).
    With ``addresses`` every request (each redirect hop, robots.txt) goes through a
    ``GuardedTransport`` that reaches only the addresses the policy allows.
    """
    if not user_agent or not user_agent.strip():
        raise ValueError("user_agent must not be empty: sites need to know who is crawling")
    timeout = httpx.Timeout(connect=connect_timeout, read=read_timeout,
                            write=read_timeout, pool=None)
    limits = httpx.Limits(max_connections=max_connections,
                          max_keepalive_connections=max_keepalive)
    merged = {**DEFAULT_HEADERS, **(headers or {}), "User-Agent": user_agent}
    cookies = None if keep_cookies else CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    if addresses is not None:
        # A transport handed to the client ignores the client's limits: give them to it.
        inner = transport or httpx.AsyncHTTPTransport(limits=limits)
        transport = GuardedTransport(addresses, inner)
    return httpx.AsyncClient(timeout=timeout, limits=limits, headers=merged, cookies=cookies,
                             follow_redirects=False, transport=transport)
