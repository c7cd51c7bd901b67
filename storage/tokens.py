"""API/admin tokens: the plaintext is shown once at creation; only its sha256 is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import col
from sqlmodel import select as sa_select

from storage import tables
from storage.archive import Archive
from storage.errors import NotFound

PREFIX = "pw_"


@dataclass(frozen=True)
class TokenRecord:
    """A stored token (never its plaintext)."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


def _record(row: tables.ApiToken) -> TokenRecord:
    assert row.id is not None
    return TokenRecord(id=row.id, name=row.name, created_at=row.created_at,
                       last_used_at=row.last_used_at)


def hash_token(plaintext: str) -> str:
    """Hex sha256 of a token (what the database holds)."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_token(archive: Archive, *, name: str = "admin") -> tuple[TokenRecord, str]:
    """Create a token; returns its record and the plaintext, which is not stored anywhere."""
    name = name.strip() or "admin"
    plaintext = PREFIX + secrets.token_urlsafe(32)
    with archive.session() as session:
        row = tables.ApiToken(name=name[:200], token_hash=hash_token(plaintext),
                              created_at=datetime.now(UTC))
        session.add(row)
        session.flush()
        return _record(row), plaintext


def verify_token(archive: Archive, plaintext: str, *, touch: bool = True) -> TokenRecord | None:
    """The token matching ``plaintext``, or None; records when it was last used."""
    if not plaintext or len(plaintext) > 200:
        return None
    digest = hash_token(plaintext)
    with archive.session() as session:
        row = session.exec(sa_select(tables.ApiToken)
                           .where(tables.ApiToken.token_hash == digest)).first()
        # The lookup is by hash, so timing reveals nothing about the plaintext; the
        # comparison below only guards against a collation-insensitive match.
        if row is None or not hmac.compare_digest(row.token_hash, digest):
            return None
        if touch:
            row.last_used_at = datetime.now(UTC)
            session.add(row)
        return _record(row)


def token_by_id(archive: Archive, token_id: int) -> TokenRecord:
    """A token by id; raises NotFound (a revoked token)."""
    with archive.session() as session:
        row = session.get(tables.ApiToken, token_id)
        if row is None:
            raise NotFound(f"no token {token_id}")
        return _record(row)


def list_tokens(archive: Archive) -> list[TokenRecord]:
    """Every token, oldest first."""
    with archive.session() as session:
        rows = session.exec(sa_select(tables.ApiToken).order_by(col(tables.ApiToken.id))).all()
        return [_record(r) for r in rows]


def revoke_token(archive: Archive, token_id: int) -> None:
    """Delete a token; raises NotFound."""
    with archive.session() as session:
        row = session.get(tables.ApiToken, token_id)
        if row is None:
            raise NotFound(f"no token {token_id}")
        session.delete(row)
