"""Re-extraction: run the current extractor on a policy's stored snapshots, rebuild its history."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from policywatch.checking.extraction import extract_body
from policywatch.checking.pipeline import internal_message
from policywatch.checking.summaries import refresh_summaries
from storage import (
    Archive,
    ErrorKind,
    Extraction,
    PolicyRecord,
    Rendering,
    StorageError,
    StoredExtraction,
)

log = logging.getLogger("policywatch.checking.reextract")
_NOT_THE_EXTRACTORS = frozenset({ErrorKind.NEEDS_BROWSER, ErrorKind.ARCHIVE_INCOMPLETE})

CHUNK = 20  # snapshots extracted before their texts are stored


@dataclass(frozen=True)
class Reextracted:
    """What re-extracting one policy changed."""

    snapshots: int
    created: int
    removed: int
    versions: int
    error: str | None = None  # an unexpected error left the policy as it was

    def line(self) -> str:
        if self.error:
            return f"not re-extracted: {self.error}; its history is unchanged"
        return (f"{self.snapshots} snapshots re-extracted, {self.created} versions created, "
                f"{self.removed} removed, {self.versions} versions now")


def reextract_policy(archive: Archive, policy: PolicyRecord) -> Reextracted:
    """Re-extract every snapshot of ``policy`` and rebuild its timeline (no alerts).

    An unexpected error (a bug, not the page) leaves the policy untouched, is logged and
    reported in the result, so ``reextract --all`` goes on with the next policy.
    """
    before = archive.version_count(policy.id)
    # Texts are stored a chunk at a time and only their hashes kept, so memory stays flat
    # however many snapshots a policy has; the history changes in one transaction at the end.
    stored: dict[int, StoredExtraction] = {}
    chunk: dict[int, Extraction] = {}
    try:
        for snap in archive.snapshots(policy.id):
            if snap.rejection in _NOT_THE_EXTRACTORS:
                continue    # a verdict about rendering, not about the text: it stands
            # A rendered body is the browser's DOM, written as UTF-8 whatever its <meta> says.
            chunk[snap.id] = extract_body(
                archive.body(snap.body_sha256), url=snap.final_url,
                content_type=snap.content_type,
                charset="utf-8" if snap.render == Rendering.RENDERED else None,
                select=policy.select, remove=policy.remove)
            if len(chunk) >= CHUNK:
                stored.update(archive.store_extractions(chunk))
                chunk = {}
        stored.update(archive.store_extractions(chunk))
    except StorageError:
        raise
    except Exception as exc:
        log.error("%s: unexpected error during a re-extraction", policy.slug, exc_info=exc)
        return Reextracted(len(stored) + len(chunk), 0, 0, before, error=internal_message(exc))
    created = archive.update_extractions(policy.id, stored)
    refresh_summaries(archive, policy.id)
    after = archive.version_count(policy.id)
    return Reextracted(len(stored), len(created), before - after + len(created), after)
