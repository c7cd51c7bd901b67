"""Fetching privacy policies (live and from the Wayback Machine) and extracting their text.

The app imports only what is listed in ``__all__``.
"""

from typing import TYPE_CHECKING

from crawler._exports import lazy_getattr, module_of

# Each name loads its module on first use (PEP 562), so `policywatch show` renders the seed
# header without importing httpx or the extractor. Type checkers read the imports below;
# tests/crawler/test_exports.py keeps them and this table in step.
_SOURCES = {
    "errors": (
        "BlockedAddress", "BlockedSite", "BodyTooLarge", "BrowserUnavailable", "ConnectError", "ContentDecodingError",
        "CrawlerError", "DiscoveryError", "ErrorKind", "ExtractionError", "FetchError",
        "FetchTimeout", "HTTPStatusError", "InvalidURL", "NoMemento", "NotAPolicy",
        "PlaybackError", "Reason", "RedirectLoop", "RenderError", "RobotsDisallowed", "TooManyRedirects",
        "UnsupportedContent", "WaybackError", "WaybackRateLimited", "WaybackUnavailable",
        "parse_retry_after", "transient_status"),
    "charset": ("detect_charset",),
    "browser": ("NEEDS_BROWSER", "BrowserFetcher", "RenderedPage", "browser_available",
                "strip_replay"),
    "shell": ("ShellVerdict", "detect_shell", "has_policy_words"),
    "discover": ("PolicyCandidate", "best_policy_link", "find_policy_links"),
    "extract": (
        "EXTRACTOR_VERSION", "Extracted", "compose_document", "extract_policy", "render_header"),
    "addresses": ("AddressPolicy", "GuardedTransport", "IPAddress", "pinned_resolution"),
    "live": ("LiveFetcher",),
    "models": ("FetchResult",),
    "ratelimit": ("RateLimiter", "TokenBucketLimiter"),
    "sampling": ("Period", "PeriodUnit", "parse_date_bound", "sample_captures"),
    "wayback": (
        "CdxRecord", "Memento", "WaybackClient", "public_snapshot_url", "split_wayback_url",
        "url_variants"),
    "urls": ("normalize_url",),
}
_MODULE_OF = module_of(_SOURCES)

if TYPE_CHECKING:
    from crawler.errors import (
        BlockedAddress,
        BlockedSite,
        BodyTooLarge,
        BrowserUnavailable,
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
        RenderError,
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
    from crawler.browser import (
        NEEDS_BROWSER,
        BrowserFetcher,
        RenderedPage,
        browser_available,
        strip_replay,
    )
    from crawler.shell import ShellVerdict, detect_shell, has_policy_words
    from crawler.discover import PolicyCandidate, best_policy_link, find_policy_links
    from crawler.extract import (
        EXTRACTOR_VERSION,
        Extracted,
        compose_document,
        extract_policy,
        render_header,
    )
    from crawler.addresses import AddressPolicy, GuardedTransport, IPAddress, pinned_resolution
    from crawler.live import LiveFetcher
    from crawler.models import FetchResult
    from crawler.ratelimit import RateLimiter, TokenBucketLimiter
    from crawler.sampling import Period, PeriodUnit, parse_date_bound, sample_captures
    from crawler.wayback import (
        CdxRecord,
        Memento,
        WaybackClient,
        public_snapshot_url,
        split_wayback_url,
        url_variants,
    )
    from crawler.urls import normalize_url
else:
    __getattr__ = lazy_getattr(__name__, _MODULE_OF)


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
    "Period",
    "PeriodUnit",
    "TokenBucketLimiter",
    "split_wayback_url",
    "url_variants",
    "WaybackClient",
    "AddressPolicy",
    "IPAddress",
    "pinned_resolution",
    "BlockedAddress",
    "BlockedSite",
    "GuardedTransport",
    "BodyTooLarge",
    "BrowserFetcher",
    "BrowserUnavailable",
    "NEEDS_BROWSER",
    "RenderedPage",
    "RenderError",
    "ShellVerdict",
    "browser_available",
    "detect_shell",
    "has_policy_words",
    "strip_replay",
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
