"""Typed errors of the crawler: every failure names its kind and whether a retry may help."""

from __future__ import annotations


class CrawlerError(Exception):
    """Base of every error the crawler raises on purpose.

    ``kind`` is a short stable slug stored in ``Check.error_kind``; ``transient`` says
    whether the same request may succeed later (set where raised, never parsed).
    """

    kind = "crawler"
    transient = False

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url

    def __str__(self) -> str:
        return self.message


# --- live fetching -------------------------------------------------------------------


class FetchError(CrawlerError):
    """A page could not be fetched."""

    kind = "fetch"


class ConnectError(FetchError):
    kind = "connect"
    transient = True


class FetchTimeout(FetchError):
    kind = "timeout"
    transient = True


class HTTPStatusError(FetchError):
    """The server answered with an error status (after any retries)."""

    kind = "http-status"

    def __init__(self, message: str, *, status: int, url: str | None = None,
                 retry_after: float | None = None) -> None:
        super().__init__(message, url=url)
        self.status = status
        self.retry_after = retry_after
        self.transient = status == 429 or status >= 500


class TooManyRedirects(FetchError):
    kind = "redirects"


class RedirectLoop(FetchError):
    kind = "redirect-loop"


class BodyTooLarge(FetchError):
    kind = "too-large"


class UnsupportedContent(FetchError):
    """The body is neither HTML nor PDF."""

    kind = "unsupported-content"

    def __init__(self, message: str, *, content_type: str | None = None,
                 url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.content_type = content_type


class RobotsDisallowed(FetchError):
    kind = "robots"


class ContentDecodingError(FetchError):
    """The body's Content-Encoding (gzip, brotli, ...) is corrupt and cannot be decoded."""

    kind = "decoding"


class InvalidURL(CrawlerError):
    """The URL or domain given cannot be fetched (not http/https, no host, ...)."""

    kind = "invalid-url"


class DiscoveryError(CrawlerError):
    """No privacy-policy link was found on a homepage."""

    kind = "discovery"


# --- extraction ----------------------------------------------------------------------


class ExtractionError(CrawlerError):
    """A body could not be turned into policy text; ``reason`` says why."""

    kind = "extraction"

    def __init__(self, message: str, *, reason: str = "extraction",
                 url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.reason = reason


class NotAPolicy(ExtractionError):
    """The page is clearly not the policy: error page, bot wall, empty or near-empty text."""

    kind = "not-a-policy"


# --- Wayback Machine -----------------------------------------------------------------


class WaybackError(CrawlerError):
    """Base of Wayback Machine failures."""

    kind = "wayback"


class WaybackRateLimited(WaybackError):
    """The Wayback Machine answered 429; ``retry_after`` in seconds."""

    kind = "rate-limited"
    transient = True

    def __init__(self, message: str, *, retry_after: float | None = None,
                 url: str | None = None) -> None:
        super().__init__(message, url=url)
        self.retry_after = retry_after


class WaybackUnavailable(WaybackError):
    """5xx or connection failure after retries."""

    kind = "wayback-unavailable"
    transient = True


class BlockedSite(WaybackError):
    """403 with X-Archive-Wayback-Runtime-Error: the site is excluded from the archive."""

    kind = "blocked"


class NoMemento(WaybackError):
    """404: the archive has no capture at that address."""

    kind = "no-memento"


class PlaybackError(WaybackError):
    """Replay did not give the requested capture (redirect too far off, bad digest, ...)."""

    kind = "playback"


# --- outbound address policy ------------------------------------------------------------


class BlockedAddress(CrawlerError):
    """A user-decided request would reach an address that is not public (``addresses``).

    The message names the host as given, never the address it resolved to or whether a
    service listens there: readers of check errors must not map an internal network.
    ``reason``: ``private`` (resolves to a non-public address), ``unresolvable``, ``invalid``.
    """

    kind = "blocked-address"

    def __init__(self, message: str, *, url: str | None = None, reason: str = "private") -> None:
        super().__init__(message, url=url)
        self.reason = reason
