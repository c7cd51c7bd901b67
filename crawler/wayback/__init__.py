"""Wayback Machine client: CDX search and raw replay, rate-limited and retried.

    async with WaybackClient(cdx_per_second=0.4, replay_per_second=8) as client:
        records = await client.search("https://example.com/privacy", from_="2019")
        for record in sample_captures(records, every=Period(6, PeriodUnit.MONTHS)):
            memento = await client.replay(record)   # raises a WaybackError subclass

``cdx.py`` parses and cleans CDX answers, ``session.py`` owns rate limits and retries,
``client.py`` the API and replay rules, ``models.py`` the returned types.
"""

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
