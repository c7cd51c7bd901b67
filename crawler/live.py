"""Fetching live pages politely: robots.txt, per-host limits, retries, redirects, size caps."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from types import TracebackType

import httpx

from crawler.addresses import AddressPolicy
from crawler.charset import detect_charset
from crawler.errors import (
    BodyTooLarge,
    ConnectError,
    ContentDecodingError,
    CrawlerError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    RedirectLoop,
    RobotsDisallowed,
    TooManyRedirects,
    UnsupportedContent,
    parse_retry_after,
    transient_status,
)
from crawler.hostlimit import HostLimiter
from crawler.http import build_client, robots_token
from crawler.models import FetchResult
from crawler.robots import RobotsCache
from crawler.urls import host_of, normalize_url

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
# Types servers put on HTML or PDF bodies by mistake: look at the bytes instead.
SNIFFED_TYPES = frozenset({
    "", "text/plain", "application/octet-stream", "binary/octet-stream",
    "application/download", "application/x-download", "application/force-download",
    "application/xml", "text/xml",
})
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")
_SNIFF_BYTES = 1024
# The read timeout restarts with every chunk, so a server trickling bytes could hold a
# request for ever; one exchange may take at most connect + this many read timeouts.
_TOTAL_READ_TIMEOUTS = 4


def sniff_media_type(body: bytes) -> str | None:
    """"text/html" or "application/pdf" when the first bytes say so, else None."""
    head = body[:_SNIFF_BYTES]
    if b"%PDF-" in head:
        return "application/pdf"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n\x0c").lower()
    if stripped.startswith(_HTML_STARTS):
        return "text/html"
    # An XML declaration or comment may come before <html> (XHTML, CMS banners).
    if stripped.startswith((b"<?xml", b"<!--")) and (b"<html" in stripped
                                                     or b"<!doctype html" in stripped):
        return "text/html"
    return None


# A redirect's body up to this size is read so its connection can be kept for the next hop.
_SMALL_BODY = 64 * 1024


# --- HACK: httpx decodes gzip/deflate without checking that the stream reached its end,
# so a body cut short (with a Content-Length that matches the cut) reads as a shorter
# page, which would be recorded as a real change. Its decoder keeps the zlib object; a
# finished stream has ``eof`` set. (httpx 0.28 ``_decoders.GZipDecoder``/``DeflateDecoder``.)
def _truncated_stream(response: httpx.Response) -> bool:
    decoder = getattr(response, "_decoder", None)
    decompressor = getattr(decoder, "decompressor", None)
    return decompressor is not None and hasattr(decompressor, "eof") and not decompressor.eof
# --- end HACK


@dataclass(frozen=True)
class _Redirect:
    location: str


@dataclass(frozen=True)
class _Attempt:
    """One answered request that is not a redirect: a body, or a 304."""

    status: int
    media_type: str
    content_type_header: str | None
    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool


class _Retryable(Exception):
    """Wraps a crawler error that a later attempt may not meet."""

    def __init__(self, error: CrawlerError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


class LiveFetcher:
    """Fetches live pages with one shared ``httpx.AsyncClient``; use as ``async with``.

    Parameters
    ----------
    user_agent:
        Sent with every request; its product token ("name/version") is matched in robots.txt.
    retries, backoff, max_backoff:
        Connection failures and transient statuses (``errors.transient_status``: 429 and
        5xx but 501/505) are retried ``retries`` times, waiting ``backoff * 2**attempt``
        seconds (half of it random jitter), at most ``max_backoff``.
        A Retry-After up to ``max_backoff`` is waited out; a longer one is not waited for:
        ``HTTPStatusError.retry_after`` carries it so a scheduler can come back later.
        Read timeouts are not retried: a slow server stays slow; the scheduler tries later.
    connect_timeout, read_timeout:
        Seconds to connect, and to wait for each piece of the answer; a whole exchange
        gets at most ``connect_timeout + 4 * read_timeout``.
    per_host:
        Requests in flight to one host at a time, across every ``fetch`` of this fetcher.
    respect_robots:
        Check robots.txt (cached per site) before each request, redirects included, and
        space requests to a site by its Crawl-delay (at most ``max_backoff`` seconds).
    transport:
        Handed to httpx (tests pass ``httpx.MockTransport``).
    addresses:
        Which addresses requests may reach (``crawler.addresses``); by default public ones
        only, checked on every request: each redirect hop and robots.txt included. Tests
        against local servers pass ``AddressPolicy(allow_private=True)``.
    """

    def __init__(self, *, user_agent: str, connect_timeout: float = 10,
                 read_timeout: float = 30, max_redirects: int = 10,
                 max_bytes: int = 10_000_000, retries: int = 3, backoff: float = 1.0,
                 max_backoff: float = 60, per_host: int = 2, respect_robots: bool = True,
                 transport: httpx.AsyncBaseTransport | None = None,
                 addresses: AddressPolicy | None = None) -> None:
        if not user_agent or not user_agent.strip():
            raise ValueError("user_agent must name the crawler (sites read it in their logs)")
        if retries < 0 or max_redirects < 0:
            raise ValueError("retries and max_redirects must not be negative")
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be positive, got {max_bytes}")
        if backoff < 0 or max_backoff < 0:
            raise ValueError("backoff and max_backoff must not be negative")
        self.user_agent = user_agent
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_redirects = max_redirects
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.respect_robots = respect_robots
        self._transport = transport
        self.addresses = addresses if addresses is not None else AddressPolicy()
        self._limiter = HostLimiter(per_host)
        self._client: httpx.AsyncClient | None = None
        self._robots: RobotsCache | None = None
        self._random = random.Random()

    async def __aenter__(self) -> LiveFetcher:
        if self._client is not None:
            raise RuntimeError("LiveFetcher is already open")
        self._client = build_client(user_agent=self.user_agent,
                                    connect_timeout=self.connect_timeout,
                                    read_timeout=self.read_timeout, keep_cookies=False,
                                    transport=self._transport, addresses=self.addresses)
        if self.respect_robots:
            self._robots = RobotsCache(self._client, user_agent=robots_token(self.user_agent),
                                       limiter=self._limiter)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client; the fetcher can be opened again afterwards."""
        if self._client is not None:
            await self._client.aclose()
        self._client = None
        self._robots = None

    @property
    def limiter(self) -> HostLimiter:
        """The per-host slots of this fetcher (a browser rendering for it shares them)."""
        return self._limiter

    async def robots_allow(self, url: str) -> bool:
        """Whether robots.txt lets this fetcher's user agent fetch ``url`` (True when the
        fetcher ignores robots)."""
        return self._robots is None or await self._robots.allowed(url)

    async def fetch(self, url: str, *, etag: str | None = None,
                    last_modified: str | None = None) -> FetchResult:
        """Fetch one HTML or PDF page, following redirects.

        With ``etag`` / ``last_modified`` the request is conditional; a 304 answer gives
        ``FetchResult(not_modified=True, body=b"")``.

        Raises
        ------
        InvalidURL, BlockedAddress, RobotsDisallowed, ConnectError, FetchTimeout,
        HTTPStatusError, TooManyRedirects, RedirectLoop, BodyTooLarge, UnsupportedContent,
        ContentDecodingError
        """
        client = self._client
        if client is None:
            raise RuntimeError("use 'async with LiveFetcher(...)' before calling fetch()")
        requested = normalize_url(url)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = requested
        chain: list[str] = []
        # Cookies live for one fetch only (a consent or session dance across redirects),
        # so every check sees the page as a first-time visitor does.
        cookies = httpx.Cookies()
        seen = {(current, self._cookie_state(cookies))}
        while True:
            if self._robots is not None and not await self._robots.allowed(current):
                raise RobotsDisallowed(f"robots.txt of {host_of(current)} disallows {current}",
                                       url=current)
            outcome = await self._request_with_retries(client, current, headers, cookies)
            if isinstance(outcome, _Attempt):
                return self._result(requested, current, outcome, tuple(chain))
            chain.append(current)
            target = self._redirect_target(current, outcome.location)
            # A site may redirect to the same URL after setting a cookie; that is only a
            # loop if nothing changed in between.
            state = (target, self._cookie_state(cookies))
            if state in seen:
                raise RedirectLoop(
                    f"redirect loop: {' -> '.join([*chain, target])}", url=requested)
            if len(chain) > self.max_redirects:
                raise TooManyRedirects(
                    f"{requested} redirected more than {self.max_redirects} times "
                    f"(last: {target})", url=requested)
            seen.add(state)
            current = target

    # -- one hop, with retries -----------------------------------------------------------

    async def _request_with_retries(self, client: httpx.AsyncClient, url: str,
                                    headers: dict[str, str],
                                    cookies: httpx.Cookies) -> _Attempt | _Redirect:
        attempt = 0
        while True:
            try:
                return await self._request_once(client, url, headers, cookies)
            except _Retryable as failure:
                if attempt >= self.retries:
                    raise failure.error from None
                delay = self._delay(attempt, failure.retry_after)
                if delay is None:  # the server asks for a longer pause than we wait
                    raise failure.error from None
                log.info("retrying %s in %.2fs after: %s", url, delay, failure.error)
                attempt += 1
                await asyncio.sleep(delay)

    def _delay(self, attempt: int, retry_after: float | None) -> float | None:
        if retry_after is not None:
            return retry_after if retry_after <= self.max_backoff else None
        ceiling = min(self.max_backoff, self.backoff * 2 ** attempt)
        return ceiling / 2 + self._random.uniform(0, ceiling / 2)

    async def _request_once(self, client: httpx.AsyncClient, url: str,
                            headers: dict[str, str],
                            cookies: httpx.Cookies) -> _Attempt | _Redirect:
        host = host_of(url)
        deadline = self.connect_timeout + _TOTAL_READ_TIMEOUTS * self.read_timeout
        spacing = 0.0
        if self._robots is not None:
            # Honour a Crawl-delay, but never wait longer than a retry would.
            spacing = min(await self._robots.crawl_delay(url) or 0.0, self.max_backoff)
        async with self._limiter.slot(host, min_interval=spacing):
            try:
                async with asyncio.timeout(deadline):
                    request = client.build_request("GET", url, headers=headers)
                    cookies.set_cookie_header(request)
                    response = await client.send(request, stream=True)
                    cookies.extract_cookies(response)
                    try:
                        return await self._handle(url, response)
                    finally:
                        await response.aclose()
            except TimeoutError:
                raise FetchTimeout(f"{host} took more than {deadline:g}s to send {url}",
                                   url=url) from None
            except httpx.HTTPError as exc:
                raise self._translate(exc, url) from exc

    async def _handle(self, url: str, response: httpx.Response) -> _Attempt | _Redirect:
        status = response.status_code
        location = response.headers.get("location")
        if status in REDIRECT_STATUSES and location:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) <= _SMALL_BODY:
                await response.aread()  # so the connection serves the next hop
            return _Redirect(location)
        header_type = response.headers.get("content-type")
        media_type = (header_type or "").split(";", 1)[0].strip().lower()
        etag = response.headers.get("etag")
        last_modified = response.headers.get("last-modified")
        if status == 304:
            # A 304 has no body; reading its end lets the connection go back to the pool
            # (closing an unread response closes the connection: a new one per 304).
            await response.aread()
            return _Attempt(304, media_type, header_type, b"", etag, last_modified, True)
        if not 200 <= status < 300:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            reason = response.reason_phrase or ""
            error = HTTPStatusError(f"{url} answered HTTP {status} {reason}".rstrip(),
                                    status=status, url=url, retry_after=retry_after)
            if transient_status(status):
                raise _Retryable(error, retry_after)
            raise error
        if media_type not in HTML_TYPES | PDF_TYPES | SNIFFED_TYPES:
            raise UnsupportedContent(f"{url} is {media_type}, not HTML or PDF",
                                     content_type=media_type, url=url)
        body = await self._read_body(url, response)
        if media_type in PDF_TYPES:
            effective = "application/pdf"
        elif media_type in HTML_TYPES:
            effective = media_type
        else:
            sniffed = sniff_media_type(body)
            if sniffed is None:
                shown = media_type or "untyped content"
                raise UnsupportedContent(f"{url} is {shown} and does not look like HTML or PDF",
                                         content_type=media_type or None, url=url)
            effective = sniffed
        return _Attempt(status, effective, header_type, body, etag, last_modified, False)

    async def _read_body(self, url: str, response: httpx.Response) -> bytes:
        """Read the decoded body, stopping as soon as it passes ``max_bytes``."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise BodyTooLarge(f"{url} announces {int(declared):,} bytes, more than the "
                               f"{self.max_bytes:,} byte limit", url=url)
        chunks: list[bytes] = []
        size = 0
        # aiter_bytes yields content-decoded (gunzipped, unbrotlied) data, so a small
        # compressed bomb is stopped by its decoded size, one network chunk at a time.
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                encoding = response.headers.get("content-encoding")
                detail = f" after {encoding} decoding" if encoding else ""
                raise BodyTooLarge(f"{url} body passes the {self.max_bytes:,} byte limit"
                                   f"{detail}", url=url)
            chunks.append(chunk)
        if _truncated_stream(response):
            encoding = response.headers.get("content-encoding")
            raise ContentDecodingError(f"{url} has a truncated {encoding} body (the compressed "
                                       "stream ends early)", url=url)
        return b"".join(chunks)

    # -- helpers ---------------------------------------------------------------------------

    def _result(self, requested: str, final: str, attempt: _Attempt,
                chain: tuple[str, ...]) -> FetchResult:
        charset = None
        if attempt.media_type in HTML_TYPES and not attempt.not_modified:
            charset = detect_charset(attempt.body, attempt.content_type_header)
        return FetchResult(
            requested_url=requested, final_url=final, status=attempt.status,
            content_type=attempt.media_type, body=attempt.body,
            fetched_at=datetime.now(timezone.utc), etag=attempt.etag,
            last_modified=attempt.last_modified, charset=charset,
            not_modified=attempt.not_modified, redirects=chain)

    @staticmethod
    def _redirect_target(current: str, location: str) -> str:
        try:
            joined = str(httpx.URL(current).join(location.strip()))
            return normalize_url(joined)
        except (InvalidURL, httpx.InvalidURL) as exc:
            raise InvalidURL(f"{current} redirects to an unusable address {location!r}: {exc}",
                             url=current) from None

    @staticmethod
    def _cookie_state(cookies: httpx.Cookies) -> frozenset[tuple[str, str, str, str | None]]:
        return frozenset((c.domain, c.path, c.name, c.value) for c in cookies.jar)

    def _translate(self, exc: httpx.HTTPError, url: str) -> CrawlerError | _Retryable:
        """Map an httpx failure to a crawler error (wrapped when a retry may help)."""
        host = host_of(url)
        if isinstance(exc, httpx.ConnectTimeout):
            return _Retryable(FetchTimeout(
                f"connecting to {host} timed out after {self.connect_timeout:g}s", url=url))
        if isinstance(exc, httpx.TimeoutException):
            return FetchTimeout(f"{host} sent no data for {self.read_timeout:g}s while "
                                f"fetching {url}", url=url)
        if isinstance(exc, httpx.ConnectError):
            return _Retryable(ConnectError(f"could not connect to {host}: {exc}", url=url))
        if isinstance(exc, (httpx.NetworkError, httpx.RemoteProtocolError)):
            return _Retryable(ConnectError(f"connection to {host} failed during {url}: "
                                           f"{exc or type(exc).__name__}", url=url))
        if isinstance(exc, httpx.DecodingError):
            return ContentDecodingError(f"{url} has a corrupt compressed body: {exc}", url=url)
        if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
            return InvalidURL(f"cannot fetch {url}: {exc}", url=url)
        return FetchError(f"fetching {url} failed: {exc or type(exc).__name__}", url=url)
