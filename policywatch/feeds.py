"""Atom feeds of changes (all policies, or one) built with feedgen.

Each entry is one new version: it links to the diff page of that change (under
``settings.public_url``) and carries the change summary (counts and privacy topics).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from feedgen.feed import FeedGenerator

from markupsafe import escape

from policywatch.settings import Settings
from policywatch.checking.summaries import refresh_headlines
from policywatch.headlines import headline_html, headline_text
from storage import Archive, ChangeRow, recent_changes

FEED_SIZE = 50


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def describe(summary: dict[str, Any] | None) -> str:
    """A plain-words summary of a change for feed readers."""
    if not summary:
        return "The policy text changed."
    if summary.get("formatting_only"):
        return "Formatting-only change: no clause was added, removed or reworded."
    parts = []
    for key, word in (("added", "added"), ("removed", "removed"), ("modified", "modified"),
                      ("moved", "moved")):
        n = int(summary.get(key) or 0)
        if n:
            parts.append(f"{n} clause{'s' if n != 1 else ''} {word}")
    text = (", ".join(parts) or "no clause-level change") + "."
    topics = summary.get("topics") or {}
    if topics:
        text += " Topics: " + ", ".join(sorted(topics)) + "."
    return text


def changes_feed(archive: Archive, settings: Settings, slug: str | None = None) -> bytes:
    """Atom XML of the latest changes across all policies, or of one policy (NotFound if unknown)."""
    base = settings.public_url.rstrip("/")
    feed = FeedGenerator()
    if slug is not None:
        policy = archive.policy(slug)
        refresh_headlines(archive, policy.id)
        feed.id(f"{base}/policies/{slug}")
        feed.title(f"{policy.name}: privacy policy changes")
        feed.link(href=f"{base}/policies/{slug}", rel="alternate")
        feed.link(href=f"{base}/feeds/{slug}.atom", rel="self")
    else:
        feed.id(f"{base}/changes")
        feed.title("policywatch: privacy policy changes")
        feed.link(href=f"{base}/changes", rel="alternate")
        feed.link(href=f"{base}/feeds/changes.atom", rel="self")
    feed.subtitle("New versions of tracked privacy policies, with what changed.")
    feed.generator("policywatch")
    rows: tuple[ChangeRow, ...] = recent_changes(archive, limit=FEED_SIZE, slug=slug).rows
    if slug is None:
        stale = {archive.policy(r.slug).id for r in rows if r.summary is None or "headline" not in r.summary}
        for policy_id in stale:
            refresh_headlines(archive, policy_id)
        rows = recent_changes(archive, limit=FEED_SIZE).rows
    newest = max((_aware(r.captured_at) for r in rows), default=datetime(1970, 1, 1, tzinfo=UTC))
    feed.updated(newest)
    # feedgen lists entries in reverse order of addition; add oldest first so newest lead.
    for row in reversed(rows):
        link = f"{base}/policies/{row.slug}/diff?from={row.number - 1}&to={row.number}"
        entry = feed.add_entry()
        entry.id(link)
        entry.link(href=link, rel="alternate")
        line = (row.summary or {}).get("line") or ""
        entry.title(f"{row.name}: version {row.number}" + (f" ({line})" if line else ""))
        entry.updated(_aware(row.captured_at))
        entry.published(_aware(row.captured_at))
        text, marked = describe(row.summary), headline_html(row.summary, spoken=False)
        clause = headline_text(row.summary)
        entry.summary(text + (f" {clause}" if clause else ""))
        if marked is not None:
            entry.content(f"<p>{escape(text)}</p><p>{marked}</p>", type="html")
        entry.author({"name": "policywatch"})
        entry.category(term=row.slug)
        for topic in sorted((row.summary or {}).get("topics") or {}):
            entry.category(term=f"topic:{topic}")
    return feed.atom_str(pretty=True)
