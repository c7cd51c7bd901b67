"""Wayback Machine client: CDX search and raw replay, rate-limited and retried."""

from crawler.wayback.cdx import url_variants
from crawler.wayback.client import WaybackClient, split_wayback_url
from crawler.wayback.models import (
    CdxRecord,
    Memento,
    format_timestamp,
    parse_timestamp,
    public_snapshot_url,
    sha1_digest,
)

__all__ = [
    "CdxRecord",
    "Memento",
    "WaybackClient",
    "format_timestamp",
    "parse_timestamp",
    "public_snapshot_url",
    "sha1_digest",
    "split_wayback_url",
    "url_variants",
]
