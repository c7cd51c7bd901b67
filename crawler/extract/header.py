"""The seed header: the line above a document naming where its text comes from.

Plain string work, kept apart from the converter so `policywatch show` renders it
without loading lxml or the extraction rules.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote


def render_header(*, domain: str, captured_at: datetime, url: str, source: str,
                  wayback_timestamp: str | None = None) -> str:
    """The seed header line naming where the text comes from (no trailing newline).

    ``source`` is ``"live"`` or ``"wayback"``; a wayback header needs the capture's
    14-digit ``wayback_timestamp`` (else it is derived from ``captured_at``).
    """
    day = captured_at.strftime("%Y-%m-%d")
    if source == "wayback":
        stamp = wayback_timestamp or captured_at.strftime("%Y%m%d%H%M%S")
        if not re.fullmatch(r"\d{4,14}", stamp):
            raise ValueError(f"wayback_timestamp must be digits, got {stamp!r}")
        snapshot = f"https://web.archive.org/web/{stamp}id_/{quote(url, safe='/')}"
        return (f"> *The following text is extracted and transformed from the {domain} "
                f"privacy policy that was archived on {day}. Please check the "
                f"[original snapshot on the Wayback Machine]({snapshot}) for the most "
                f"accurate reproduction.*")
    if source == "live":
        return (f"> *The following text is extracted and transformed from the {domain} "
                f"privacy policy that was fetched on {day}. Please check the "
                f"[live page]({url}) for the most accurate reproduction.*")
    raise ValueError(f"source must be 'live' or 'wayback', got {source!r}")


def compose_document(header: str, text: str) -> str:
    """A full document as users see it: header line, one blank line, the text."""
    return f"{header.rstrip()}\n\n{text.lstrip()}"
