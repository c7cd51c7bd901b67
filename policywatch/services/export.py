"""Exporting versions to files: seed markdown per capture day, or JSON lines per policy.

``seed``: ``DIR/DOMAIN/YYYY-MM-DD.md`` (a second version on one day gets ``_1``, ...), each
the document users see (``services.documents``: seed header, then the text); ``jsonl``:
``DIR/SLUG.jsonl``, one object per version with its text and document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from policywatch.services.documents import version_document
from storage import Archive, PolicyRecord

FORMATS = ("seed", "jsonl")


def export_versions(archive: Archive, policies: Iterable[PolicyRecord], directory: Path,
                    fmt: str) -> int:
    """Write every version of ``policies`` under ``directory``; returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    directory.mkdir(parents=True, exist_ok=True)
    written = 0
    for policy in policies:
        versions = archive.versions(policy.id)
        if fmt == "jsonl":
            with (directory / f"{policy.slug}.jsonl").open("w", encoding="utf-8") as out:
                for v in versions:
                    row = {"slug": policy.slug, "domain": policy.domain, **v.to_dict(with_text=True),
                           "document": version_document(policy, v)}
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                    written += 1
            continue
        folder = directory / policy.domain.removeprefix("www.")
        folder.mkdir(parents=True, exist_ok=True)
        used: dict[str, int] = {}
        for v in versions:
            day = v.captured_at.strftime("%Y-%m-%d")
            used[day] = used.get(day, 0) + 1
            name = day if used[day] == 1 else f"{day}_{used[day] - 1}"
            (folder / f"{name}.md").write_text(version_document(policy, v), encoding="utf-8")
            written += 1
    return written
