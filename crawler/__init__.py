"""Fetching privacy policies (live and from the Wayback Machine) and extracting their text.

The app imports only what is listed in ``__all__``.
"""

from crawler.errors import (
    BlockedAddress,
    BlockedSite,
    BodyTooLarge,
    ConnectError,
    ContentDecodingError,
    CrawlerError,
    DiscoveryError,
    ErrorKind,
    ExtractionError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    NoMemento,
    NotAPolicy,
    PlaybackError,
    Reason,
    RedirectLoop,
    RobotsDisallowed,
    TooManyRedirects,
    UnsupportedContent,
    WaybackError,
    WaybackRateLimited,
    WaybackUnavailable,
    parse_retry_after,
    transient_status,
)
from crawler.charset import detect_charset
from crawler.discover import PolicyCandidate, best_policy_link, find_policy_links
from crawler.extract import (
    EXTRACTOR_VERSION,
    Extracted,
    compose_document,
    extract_policy,
    render_header,
)
from crawler.addresses import AddressPolicy, GuardedTransport
from crawler.live import LiveFetcher
from crawler.models import FetchResult
from crawler.ratelimit import RateLimiter, TokenBucketLimiter
from crawler.sampling import parse_date_bound, sample_captures
from crawler.wayback import (
    CdxRecord,
    Memento,
    WaybackClient,
    public_snapshot_url,
    split_wayback_url,
    url_variants,
)
from crawler.urls import normalize_url

__all__ = [
    "EXTRACTOR_VERSION",
    "Extracted",
    "compose_document",
    "extract_policy",
    "render_header",
    # Wayback Machine client
    "CdxRecord",
    "Memento",
    "parse_date_bound",
    "public_snapshot_url",
    "RateLimiter",
    "sample_captures",
    "TokenBucketLimiter",
    "split_wayback_url",
    "url_variants",
    "WaybackClient",
    "AddressPolicy",
    "BlockedAddress",
    "BlockedSite",
    "GuardedTransport",
    "BodyTooLarge",
    "ConnectError",
    "ContentDecodingError",
    "CrawlerError",
    "DiscoveryError",
    "ErrorKind",
    "ExtractionError",
    "FetchError",
    "FetchResult",
    "FetchTimeout",
    "HTTPStatusError",
    "InvalidURL",
    "LiveFetcher",
    "NoMemento",
    "NotAPolicy",
    "PolicyCandidate",
    "PlaybackError",
    "Reason",
    "RedirectLoop",
    "RobotsDisallowed",
    "TooManyRedirects",
    "UnsupportedContent",
    "WaybackError",
    "WaybackRateLimited",
    "WaybackUnavailable",
    "best_policy_link",
    "detect_charset",
    "find_policy_links",
    "normalize_url",
    "parse_retry_after",
    "transient_status",
]
