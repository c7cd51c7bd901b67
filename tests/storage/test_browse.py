"""The read queries behind the web UI and API (dashboard, timeline, changes), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import Archive, Capture, Extraction, dashboard, recent_changes, timeline

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _record(archive: Archive, policy_id: int, day: int, text: str, source: str = "live") -> None:
    at = T0 + timedelta(days=day)
    capture = Capture(source=source, captured_at=at, fetched_at=at,
                      requested_url="https://example.com/privacy",
                      final_url="https://example.com/privacy", status=200,
                      archive_timestamp=at.strftime("%Y%m%d%H%M%S") if source == "wayback" else None)
    archive.record_fetch(policy_id, capture, text.encode(), Extraction(text=text, extractor_version="t"),
                         started_at=at)


def test_dashboard_timeline_and_changes(archive: Archive) -> None:
    quiet = archive.add_policy(name="Quiet", url="https://quiet.example/privacy", domain="quiet.example")
    busy = archive.add_policy(name="Busy", url="https://example.com/privacy", domain="example.com")
    never = archive.add_policy(name="Never", url="https://never.example/p", domain="never.example")
    _record(archive, quiet.id, 1, "# Quiet\n\nOne.\n", source="wayback")
    for day, words in [(2, "one"), (3, "one two"), (5, "one two three")]:
        _record(archive, busy.id, day, f"# Busy\n\nWe keep {words}.\n",
                source="wayback" if day == 2 else "live")

    rows = dashboard(archive)
    assert [r.policy.slug for r in rows] == [busy.slug, quiet.slug, never.slug]
    assert [r.versions for r in rows] == [3, 1, 0]
    assert rows[0].first_capture is not None and rows[0].first_capture.day == 3  # T0 + 2 days
    assert rows[2].first_capture is None

    entries = timeline(archive, busy.id)
    assert [(e.number, e.source) for e in entries] == [(1, "wayback"), (2, "live"), (3, "live")]
    assert entries[2].words > entries[0].words

    page = recent_changes(archive, limit=1)
    assert page.total == 2 and page.has_next
    assert [(c.slug, c.number) for c in page.rows] == [(busy.slug, 3)]
    rest = recent_changes(archive, limit=10, offset=1)
    assert [(c.slug, c.number) for c in rest.rows] == [(busy.slug, 2)] and not rest.has_next
    assert recent_changes(archive, slug=quiet.slug).total == 0
