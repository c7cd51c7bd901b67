"""Re-extraction: run the current extractor on a policy's stored snapshots, rebuild its history."""

from __future__ import annotations

from dataclasses import dataclass

from policywatch.pipeline import extract_body
from policywatch.summaries import refresh_summaries
from storage import Archive, Extraction, PolicyRecord


@dataclass(frozen=True)
class Reextracted:
    """What re-extracting one policy changed."""

    snapshots: int
    created: int
    removed: int
    versions: int

    def line(self) -> str:
        return (f"{self.snapshots} snapshots re-extracted, {self.created} versions created, "
                f"{self.removed} removed, {self.versions} versions now")


def reextract_policy(archive: Archive, policy: PolicyRecord) -> Reextracted:
    """Re-extract every snapshot of ``policy`` and rebuild its timeline (no alerts)."""
    before = archive.version_count(policy.id)
    results: dict[int, Extraction] = {}
    for snap in archive.snapshots(policy.id):
        results[snap.id] = extract_body(
            archive.body(snap.body_sha256), url=snap.final_url,
            content_type=snap.content_type, charset=None,
            select=policy.select, remove=policy.remove)
    created = archive.update_extractions(policy.id, results)
    refresh_summaries(archive, policy.id)
    after = archive.version_count(policy.id)
    return Reextracted(len(results), len(created), before - after + len(created), after)
