"""Plain result types the crawler hands to its callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FetchResult:
    """One HTTP fetch of a page (live or replayed from the Wayback Machine).

    ``not_modified`` is True for a 304 answer to a conditional GET; ``body`` is then empty.
    ``body`` is the decoded transfer (gzip/brotli removed) as raw bytes; ``charset`` is the
    detected text encoding for HTML (headers, then meta, then charset-normalizer).
    """

    requested_url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    charset: str | None = None
    not_modified: bool = False
    redirects: tuple[str, ...] = field(default_factory=tuple)
