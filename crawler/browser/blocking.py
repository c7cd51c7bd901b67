"""Which requests a rendering page may not make: heavy resources, trackers, other origins.

Images, fonts and media never change a policy's text, so they are refused (faster, and no
pixel tells a tracker we came). Known third-party trackers are refused by host suffix.
An archived replay may only reach the archive (``only_origin``): a live URL its script
still names would mix today's data into an old capture.
"""

from __future__ import annotations

from urllib.parse import urlsplit

BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media", "imageset", "beacon", "ping",
                                    "websocket", "eventsource", "manifest"})
# Hosts (and their subdomains) of common analytics, ad and tag-manager services.
TRACKER_HOSTS = frozenset({
    "google-analytics.com", "googletagmanager.com", "googlesyndication.com",
    "doubleclick.net", "googleadservices.com", "adservice.google.com", "connect.facebook.net",
    "facebook.com", "analytics.twitter.com", "ads-twitter.com", "static.ads-twitter.com",
    "bat.bing.com", "clarity.ms", "hotjar.com", "hotjar.io", "segment.com", "segment.io",
    "cdn.segment.com", "mixpanel.com", "amplitude.com", "fullstory.com", "heap.io",
    "heapanalytics.com", "newrelic.com", "nr-data.net", "quantserve.com", "scorecardresearch.com",
    "criteo.com", "criteo.net", "taboola.com", "outbrain.com", "adnxs.com", "rubiconproject.com",
    "pubmatic.com", "linkedin.com/px", "px.ads.linkedin.com", "snap.licdn.com",
    "tiktok.com/i18n/pixel", "analytics.tiktok.com", "matomo.cloud", "plausible.io",
    "cloudflareinsights.com", "sentry.io", "bugsnag.com", "intercom.io", "intercomcdn.com",
    "optimizely.com", "crazyegg.com", "mouseflow.com", "yandex.ru/metrika", "mc.yandex.ru",
})
ALLOWED_SCHEMES = frozenset({"http", "https"})
INLINE_SCHEMES = frozenset({"data", "blob", "about"})  # no request leaves the browser


def is_tracker(host: str, trackers: frozenset[str] = TRACKER_HOSTS) -> bool:
    """True when ``host`` is a tracker host or one of its subdomains."""
    host = host.lower().rstrip(".")
    parts = host.split(".")
    return any(".".join(parts[i:]) in trackers for i in range(len(parts) - 1))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}"


def block_reason(url: str, resource_type: str, *, trackers: frozenset[str] = TRACKER_HOSTS,
                 only_origin: str | None = None) -> str | None:
    """Why the browser may not make this request (None: it may, address guard permitting)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in INLINE_SCHEMES:
        return None
    if scheme not in ALLOWED_SCHEMES:
        return f"{scheme}: URLs are not fetched"
    if resource_type in BLOCKED_RESOURCE_TYPES:
        return f"{resource_type} not needed for the text"
    if is_tracker(parts.hostname or "", trackers):
        return "tracker"
    if only_origin is not None and origin_of(url) != only_origin:
        return "outside the archive"
    return None
