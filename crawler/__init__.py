"""Fetching privacy policies (live and from the Wayback Machine) and extracting their text.

The app imports only what is listed in ``__all__``.
"""

from crawler.errors import (
    BlockedSite,
    BodyTooLarge,
    ConnectError,
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
from crawler.models import FetchResult

__all__ = [
    "BlockedSite",
    "BodyTooLarge",
    "ConnectError",
    "CrawlerError",
    "DiscoveryError",
    "ExtractionError",
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "HTTPStatusError",
    "InvalidURL",
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
]
