"""Typed errors of the crawler: every failure names its kind and whether a retry may help.

Also the two HTTP rules every fetcher shares (live and Wayback): which statuses may change
on a retry (:func:`transient_status`) and how long a ``Retry-After`` header asks us to wait
(:func:`parse_retry_after`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum


class ErrorKind(StrEnum):
    """``CrawlerError.kind``: what failed, as a stable slug."""

    CRAWLER = "crawler"            # the base class's, never raised on its own
    FETCH = "fetch"                # the base class's, never raised on its own
    CONNECT = "connect"
    TIMEOUT = "timeout"
    HTTP_STATUS = "http-status"
    REDIRECTS = "redirects"
    REDIRECT_LOOP = "redirect-loop"
    TOO_LARGE = "too-large"
    UNSUPPORTED_CONTENT = "unsupported-content"
    ROBOTS = "robots"
    DECODING = "decoding"
    INVALID_URL = "invalid-url"
    BLOCKED_ADDRESS = "blocked-address"
    DISCOVERY = "discovery"
    EXTRACTION = "extraction"      # see ExtractionError.reason for why
    NOT_A_POLICY = "not-a-policy"  # see ExtractionError.reason for why
    WAYBACK = "wayback"
    RATE_LIMITED = "rate-limited"
    WAYBACK_UNAVAILABLE = "wayback-unavailable"
    BLOCKED = "blocked"
    NO_MEMENTO = "no-memento"
    PLAYBACK = "playback"
    RENDER = "render"
    NEEDS_BROWSER = "needs-browser"


class Reason(StrEnum):
    """``ExtractionError.reason``: why a fetched body gave no policy text."""

    # The policy's own settings (its --select / --remove), not the site.
    SELECT_NO_MATCH = "select-no-match"
    BAD_SELECTOR = "bad-selector"
    # NotAPolicy: the page is not the policy.
    EMPTY = "empty"
    NOT_FOUND = "not-found"
    ERROR_PAGE = "error-page"
    BOT_WALL = "bot-wall"
    JS_REQUIRED = "js-required"
    REDIRECT = "redirect"
    PARKED = "parked"
    # ExtractionError: the body cannot be read.
    UNDECODABLE = "undecodable"
    UNPARSABLE = "unparsable"
    BAD_PDF = "bad-pdf"
    ENCRYPTED_PDF = "encrypted-pdf"


# 501 Not Implemented and 505 HTTP Version Not Supported answer the request itself, so
# they will not change on a retry; every other 5xx and 429 Too Many Requests may.
_PERMANENT_5XX = frozenset({501, 505})


def transient_status(status: int) -> bool:
    """Whether an HTTP error status may go away on a retry (the one rule for every fetcher)."""
    return status == 429 or (500 <= status < 600 and status not in _PERMANENT_5XX)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date); None if absent/bad.

    A date in the past, or a negative delay, means "now" (0.0).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN is no delay
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


class CrawlerError(Exception):
    """Base of every error the crawler raises on purpose.

    ``kind`` is a short stable slug stored in ``Check.error_kind``; ``transient`` says
    whether the same request may succeed later (set where raised, never parsed).
    """

    kind: ErrorKind = ErrorKind.CRAWLER
    transient: bool = False

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url

    def __str__(self) -> str:
        return self.message


# --- live fetching -------------------------------------------------------------------


class FetchError(CrawlerError):
    """A page could not be fetched."""

    kind = ErrorKind.FETCH


class ConnectError(FetchError):
    kind = ErrorKind.CONNECT
    transient = True


class FetchTimeout(FetchError):
    kind = ErrorKind.TIMEOUT
    transient = True


class HTTPStatusError(FetchError):
    """The server answered with an error status (after any retries)."""

    kind = ErrorKind.HTTP_STATUS

    def __init__(self, message: str, *, status: int, url: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after
        self.transient = transient_status(status)


class TooManyRedirects(FetchError):
    kind = ErrorKind.REDIRECTS


class RedirectLoop(FetchError):
    kind = ErrorKind.REDIRECT_LOOP


class BodyTooLarge(FetchError):
    kind = ErrorKind.TOO_LARGE


class UnsupportedContent(FetchError):
    """The body is neither HTML nor PDF."""

    kind = ErrorKind.UNSUPPORTED_CONTENT

    def __init__(self, message: str, *, content_type: str | None = None,
                 url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.content_type = content_type


class RobotsDisallowed(FetchError):
    kind = ErrorKind.ROBOTS


class ContentDecodingError(FetchError):
    """The body's Content-Encoding (gzip, brotli, ...) is corrupt and cannot be decoded."""

    kind = ErrorKind.DECODING


class RenderError(FetchError):
    """The browser rendering a page failed (it crashed, or the page could not be loaded);
    the next render starts a fresh browser when this one is gone."""

    kind = ErrorKind.RENDER
    transient = True


class BrowserUnavailable(CrawlerError):
    """No browser to render with: the ``playwright`` package or Chromium is missing."""

    kind = ErrorKind.NEEDS_BROWSER


class InvalidURL(CrawlerError):
    """The URL or domain given cannot be fetched (not http/https, no host, ...)."""

    kind = ErrorKind.INVALID_URL


class DiscoveryError(CrawlerError):
    """No privacy-policy link was found on a homepage."""

    kind = ErrorKind.DISCOVERY


# --- extraction ----------------------------------------------------------------------


class ExtractionError(CrawlerError):
    """A body could not be turned into policy text; ``reason`` (a :class:`Reason`) says why."""

    kind = ErrorKind.EXTRACTION

    def __init__(self, message: str, *, reason: Reason | str, url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.reason = Reason(reason)  # an unknown reason is a bug at the raise site


class NotAPolicy(ExtractionError):
    """The page is clearly not the policy: error page, bot wall, empty or near-empty text."""

    kind = ErrorKind.NOT_A_POLICY


# --- Wayback Machine -----------------------------------------------------------------


class WaybackError(CrawlerError):
    """Base of Wayback Machine failures."""

    kind = ErrorKind.WAYBACK


class WaybackRateLimited(WaybackError):
    """The Wayback Machine answered 429; ``retry_after`` in seconds."""

    kind = ErrorKind.RATE_LIMITED
    transient = True

    def __init__(self, message: str, *, retry_after: float | None = None,
                 url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.retry_after = retry_after


class WaybackUnavailable(WaybackError):
    """5xx or connection failure after retries."""

    kind = ErrorKind.WAYBACK_UNAVAILABLE
    transient = True


class BlockedSite(WaybackError):
    """403 with X-Archive-Wayback-Runtime-Error: the site is excluded from the archive."""

    kind = ErrorKind.BLOCKED


class NoMemento(WaybackError):
    """404: the archive has no capture at that address."""

    kind = ErrorKind.NO_MEMENTO


class PlaybackError(WaybackError):
    """Replay did not give the requested capture (redirect too far off, bad digest, ...)."""

    kind = ErrorKind.PLAYBACK


# --- outbound address policy ------------------------------------------------------------


class BlockedAddress(CrawlerError):
    """A user-decided request would reach an address that is not public (``addresses``).

    The message names the host as given, never the address it resolved to or whether a
    service listens there: readers of check errors must not map an internal network.
    ``reason``: ``private`` (resolves to a non-public address), ``unresolvable``, ``invalid``.
    """

    kind = ErrorKind.BLOCKED_ADDRESS

    def __init__(self, message: str, *, url: str | None = None, reason: str = "private") -> None:
        super().__init__(message, url=url)
        self.reason = reason
