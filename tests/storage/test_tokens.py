"""API tokens (stored hashed), on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from storage import Archive, NotFound, create_token, list_tokens, revoke_token, verify_token
from storage import tables


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
