"""Per-version change summaries (``+3 -1 ~4 >1``, topics) computed by the differ and cached."""

from __future__ import annotations

import hashlib
from typing import Any

from diffing import detect_language, diff_texts, summary_line
from storage import Archive


def summarize(previous: str | None, text: str) -> dict[str, Any]:
    """The stored summary of a version against the one before it."""
    if previous is None:
        return {"first": True, "line": "first version"}
    report = diff_texts(previous, text)
    data = report.to_dict()["summary"]
    summary = {
        "added": data["added"], "removed": data["removed"], "modified": data["modified"],
        "moved": data["moved"], "topics": data.get("topics", {}),
        "formatting_only": report.formatting_only, "line": summary_line(report),
    }
    if report.language_changed:
        summary["language_changed"] = [report.old_language, report.new_language]
    return summary


def refresh_languages(archive: Archive, policy_id: int) -> int:
    """Detect the language of versions that have none stored (new rows, rows from before
    the column existed); ``und`` marks an undetermined one. Returns how many."""
    missing = archive.unlabelled_versions(policy_id)
    if missing:
        archive.set_languages({version_id: detect_language(text) or "und" for version_id, text in missing})
    return len(missing)


def refresh_summaries(archive: Archive, policy_id: int) -> int:
    """Compute summaries that are missing or outdated for a policy (and the languages of
    versions that have none); returns how many summaries."""
    refresh_languages(archive, policy_id)
    stale = archive.stale_summaries(policy_id)
    if not stale:
        return 0
    computed = {}
    for version_id, previous, text in stale:
        base = hashlib.sha256(previous.encode("utf-8")).hexdigest() if previous is not None else None
        computed[version_id] = (base, summarize(previous, text))
    archive.set_summaries(computed)
    return len(computed)
