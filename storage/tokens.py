"""API/admin tokens: the plaintext is shown once at creation; only its sha256 is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col
from sqlmodel import select as sa_select

from storage import tables
from storage.errors import NotFound
from storage.transaction import SessionSource, now

PREFIX = "pw_"


@dataclass(frozen=True)
class TokenRecord:
    """A stored token (never its plaintext)."""

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    # A short digest of the token's hash: a browser session carries it, so a session
    # outlives neither its token nor a token that might one day share its id.
    fingerprint: str = ""


def _record(row: tables.ApiToken) -> TokenRecord:
    assert row.id is not None
    return TokenRecord(id=row.id, name=row.name, created_at=row.created_at,
                       last_used_at=row.last_used_at,
                       fingerprint=hashlib.sha256(row.token_hash.encode()).hexdigest()[:32])


def hash_token(plaintext: str) -> str:
    """Hex sha256 of a token (what the database holds)."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


class Tokens:
    """Create, verify, list and revoke tokens (``archive.tokens``)."""

    def __init__(self, archive: SessionSource) -> None:
        self.archive = archive

    def create(self, *, name: str = "admin") -> tuple[TokenRecord, str]:
        """Create a token; returns its record and the plaintext, which is not stored anywhere."""
        name = name.strip() or "admin"
        plaintext = PREFIX + secrets.token_urlsafe(32)
        with self.archive.session() as session:
            row = tables.ApiToken(name=name[:200], token_hash=hash_token(plaintext),
                                  created_at=now())
            session.add(row)
            session.flush()
            return _record(row), plaintext

    def verify(self, plaintext: str, *, touch: bool = True) -> TokenRecord | None:
        """The token matching ``plaintext``, or None; records when it was last used."""
        if not plaintext or len(plaintext) > 200:
            return None
        digest = hash_token(plaintext)
        with self.archive.session() as session:
            row = session.exec(sa_select(tables.ApiToken)
                               .where(col(tables.ApiToken.token_hash) == digest)).first()
            # The lookup is by hash, so timing reveals nothing about the plaintext; the
            # comparison below only guards against a collation-insensitive match.
            if row is None or not hmac.compare_digest(row.token_hash, digest) or \
                    row.revoked_at is not None:
                return None
            if touch:
                row.last_used_at = now()
                session.add(row)
            return _record(row)

    def get(self, token_id: int) -> TokenRecord:
        """A live token by id; raises NotFound (unknown or revoked)."""
        with self.archive.session() as session:
            row = session.get(tables.ApiToken, token_id)
            if row is None or row.revoked_at is not None:
                raise NotFound(f"no token {token_id}")
            return _record(row)

    def all(self) -> list[TokenRecord]:
        """Every live token, oldest first."""
        with self.archive.session() as session:
            rows = session.exec(sa_select(tables.ApiToken)
                                .where(col(tables.ApiToken.revoked_at).is_(None))
                                .order_by(col(tables.ApiToken.id))).all()
            return [_record(r) for r in rows]

    def revoke(self, token_id: int) -> None:
        """Revoke a token for good: the row stays (its id is never reused) and no request or
        session authenticates with it again; raises NotFound."""
        with self.archive.session() as session:
            row = session.get(tables.ApiToken, token_id)
            if row is None or row.revoked_at is not None:
                raise NotFound(f"no token {token_id}")
            row.revoked_at = now()
            session.add(row)


# The free functions callers used before ``archive.tokens``; each is one call to it.


def create_token(archive: SessionSource, *, name: str = "admin") -> tuple[TokenRecord, str]:
    return Tokens(archive).create(name=name)


def verify_token(archive: SessionSource, plaintext: str, *,
                 touch: bool = True) -> TokenRecord | None:
    return Tokens(archive).verify(plaintext, touch=touch)


def token_by_id(archive: SessionSource, token_id: int) -> TokenRecord:
    return Tokens(archive).get(token_id)


def list_tokens(archive: SessionSource) -> list[TokenRecord]:
    return Tokens(archive).all()


def revoke_token(archive: SessionSource, token_id: int) -> None:
    Tokens(archive).revoke(token_id)
