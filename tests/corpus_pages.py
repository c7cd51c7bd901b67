"""Real pages of a corpus folder (tests/data/corpus or ../shared/corpus): Open Terms Archive
snapshot streams (ODC-By 1.0) and Princeton-Leuven pairs."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OtaPage:
    timestamp: str
    body: bytes
    kind: str  # first | change | before-change | other


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def ota_stream(corpus: Path, slug: str) -> list[OtaPage]:
    """Every snapshot body included for a document, oldest first, labelled by its role."""
    folder = corpus / "ota" / slug
    versions = _jsonl(folder / "versions.jsonl")
    changes = {v["snapshot_file"]: v["kind"] for v in versions if v["kind"] in ("first", "change")}
    rows = [r for r in _jsonl(folder / "snapshots.jsonl") if r.get("file")]
    seen: set[str] = set()
    pages: list[OtaPage] = []
    for i, row in enumerate(rows):
        if row["sha1"] in seen and row["file"] not in changes:
            continue
        seen.add(row["sha1"])
        next_file = rows[i + 1]["file"] if i + 1 < len(rows) else None
        kind = changes.get(row["file"]) or ("before-change" if changes.get(next_file) == "change" else "other")
        pages.append(OtaPage(row["timestamp"], gzip.decompress((folder / row["file"]).read_bytes()), kind))
    return pages


def ota_versions(corpus: Path, slug: str) -> list[OtaPage]:
    """The bodies OTA's first and changed versions were extracted from, oldest first."""
    return [p for p in ota_stream(corpus, slug) if p.kind in ("first", "change")]
