"""Fill an archive from ../shared/corpus/histories/<slug>/*.md through the storage API.

Each history file becomes one fetch recorded with ``Archive.record_fetch``: the older half
as Wayback captures, the newer half as live checks, so pages show both sources.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

from policywatch.checking.summaries import refresh_summaries
from storage import Archive, Capture, Extraction, PolicyRecord

_STAMP = re.compile(r"^(\d{8}T\d{6}Z)(?:_(\d+))?\.md$")


def history_files(folder: Path) -> list[tuple[datetime, Path]]:
    """The history's files in order, with the time each version was recorded."""
    out = []
    for path in folder.iterdir():
        match = _STAMP.match(path.name)
        if match:
            at = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            out.append((at, int(match.group(2) or 0), path))
    return [(at, path) for at, _, path in sorted(out)]


def service_name(corpus: Path, slug: str) -> str:
    for line in (corpus / "histories" / "index.jsonl").read_text().splitlines():
        item = json.loads(line)
        if item["slug"] == slug:
            return str(item["service"])
    return slug


def record_text(archive: Archive, policy: PolicyRecord, at: datetime, text: str, *,
                source: str) -> None:
    """Record one fetched version of ``policy`` captured at ``at``."""
    stamp = at.strftime("%Y%m%d%H%M%S")
    capture = Capture(source=source, captured_at=at, fetched_at=at, requested_url=policy.url,
                      final_url=policy.url, status=200, content_type="text/html",
                      archive_timestamp=stamp if source == "wayback" else None)
    archive.record_fetch(policy.id, capture, text.encode("utf-8"),
                         Extraction(text=text, extractor_version="corpus"), started_at=at)


def load_history(archive: Archive, corpus: Path, slug: str, *, limit: int | None = None,
                 tags: tuple[str, ...] = ()) -> PolicyRecord:
    """Track ``slug`` and record its first ``limit`` history files; summaries are computed."""
    name = service_name(corpus, slug)
    host = re.sub(r"[^a-z0-9]+", "", name.lower()) or "policy"
    policy = archive.add_policy(name=name, url=f"https://www.{host}.example/privacy",
                                domain=f"www.{host}.example", tags=tags)
    files = history_files(corpus / "histories" / slug)[:limit]
    for i, (at, path) in enumerate(files):
        record_text(archive, policy, at, path.read_text(encoding="utf-8"),
                    source="wayback" if i < len(files) // 2 else "live")
    refresh_summaries(archive, policy.id)
    return archive.policy(slug=policy.slug)
