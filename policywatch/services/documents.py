"""A stored version as users see it: the seed header rendered from its snapshot, then the text."""

from __future__ import annotations

from crawler import compose_document, render_header
from storage import PolicyRecord, VersionRecord


def version_document(policy: PolicyRecord, version: VersionRecord) -> str:
    """Seed-style markdown of a version, header included."""
    header = render_header(domain=policy.domain, captured_at=version.captured_at, url=version.url,
                           source=version.source, wayback_timestamp=version.archive_timestamp)
    return compose_document(header, version.text)
