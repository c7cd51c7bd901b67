"""Fetching privacy policies (live and from the Wayback Machine) and extracting their text.

The app imports only what is listed in ``__all__``.
"""

from crawler.errors import (
    BlockedSite,
    BodyTooLarge,
    ConnectError,
    ContentDecodingError,
    CrawlerError,
    DiscoveryError,
    ExtractionError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    NoMemento,
    NotAPolicy,
    PlaybackError,
    RedirectLoop,
    RobotsDisallowed,
    TooManyRedirects,
    UnsupportedContent,
    WaybackError,
    WaybackRateLimited,
    WaybackUnavailable,
)
from crawler.charset import detect_charset
from crawler.live import LiveFetcher
from crawler.models import FetchResult
from crawler.urls import normalize_url

__all__ = [
    "BlockedSite",
    "BodyTooLarge",
    "ConnectError",
    "ContentDecodingError",
    "CrawlerError",
    "DiscoveryError",
    "ExtractionError",
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "HTTPStatusError",
    "InvalidURL",
    "LiveFetcher",
    "NoMemento",
    "NotAPolicy",
    "PlaybackError",
    "RedirectLoop",
    "RobotsDisallowed",
    "TooManyRedirects",
    "UnsupportedContent",
    "WaybackError",
    "WaybackRateLimited",
    "WaybackUnavailable",
    "detect_charset",
    "normalize_url",
]
