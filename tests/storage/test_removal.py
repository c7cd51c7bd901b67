"""Deleting a policy removes its recorded history and nothing of other policies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import Archive, NotFound, delete_policy
from tests.policywatch.history_loader import record_text

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def test_delete_policy_removes_its_history_only(archive: Archive) -> None:
    gone = archive.add_policy(name="Gone", url="https://gone.example/p", domain="gone.example")
    kept = archive.add_policy(name="Kept", url="https://kept.example/p", domain="kept.example")
    for policy in (gone, kept):
        record_text(archive, policy, T0, "# P\n\nWe sell nothing.\n", source="live")
        record_text(archive, policy, T0 + timedelta(days=1), "# P\n\nWe sell biometric data.\n", source="live")
    removed = delete_policy(archive, "gone.example")
    assert (removed.versions, removed.snapshots) == (2, 2)
    assert "gone.example deleted with 2 versions" in removed.line()
    with pytest.raises(NotFound):
        archive.policy("gone.example")
    assert archive.version_count(kept.id) == 2
    hits, total = archive.search("biometric")
    assert total == 1 and {h.slug for h in hits} == {"kept.example"}
    with pytest.raises(NotFound):
        delete_policy(archive, "gone.example")
