"""API tokens (stored hashed) and the read queries behind the web UI, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from storage import (
    Archive,
    Capture,
    Extraction,
    NotFound,
    create_token,
    dashboard,
    list_tokens,
    recent_changes,
    revoke_token,
    timeline,
    verify_token,
)
from storage import tables

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def test_token_plaintext_is_returned_once_and_only_its_hash_is_stored(archive: Archive) -> None:
    record, plaintext = create_token(archive, name="ci")
    assert record.name == "ci" and plaintext.startswith("pw_") and len(plaintext) > 40
    with archive.session() as session:
        rows = session.exec(select(tables.ApiToken)).all()
    assert [r.token_hash for r in rows] == [hashlib.sha256(plaintext.encode()).hexdigest()]
    assert all(plaintext not in (r.token_hash, r.name) for r in rows)


def test_verify_accepts_the_token_and_rejects_anything_else(archive: Archive) -> None:
    record, plaintext = create_token(archive, name="admin")
    found = verify_token(archive, plaintext)
    assert found is not None and found.id == record.id
    assert found.last_used_at is not None
    assert verify_token(archive, plaintext + "x") is None
    assert verify_token(archive, "") is None
    assert verify_token(archive, "pw_" + "a" * 500) is None


def test_tokens_are_listed_and_revoked(archive: Archive) -> None:
    first, token_a = create_token(archive, name="a")
    second, _ = create_token(archive, name="b")
    assert [t.name for t in list_tokens(archive)] == ["a", "b"]
    revoke_token(archive, first.id)
    assert verify_token(archive, token_a) is None
    assert [t.id for t in list_tokens(archive)] == [second.id]
    with pytest.raises(NotFound):
        revoke_token(archive, first.id)


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
