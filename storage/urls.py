"""Where a policy lived: the URLs it had and how each was found (``policy_url`` rows)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage import records, tables
from storage.records import PolicyUrlRecord


def note_url(session: Session, policy_id: int, url: str, *, source: str,
             found_at: datetime, homepage_capture: str | None = None,
             reason: str | None = None) -> bool:
    """Record that a policy lived at ``url``; False (and nothing written) if already known.

    The first finding is kept: it says how the URL was found; later sightings would only
    blur that.
    """
    known = session.exec(select(tables.PolicyUrl).where(
        tables.PolicyUrl.policy_id == policy_id, tables.PolicyUrl.url == url)).first()
    if known is not None:
        return False
    session.add(tables.PolicyUrl(policy_id=policy_id, url=url, source=str(source),
                                 found_at=found_at, homepage_capture=homepage_capture,
                                 reason=reason))
    session.flush()
    return True


def urls_of(session: Session, policy_id: int) -> list[PolicyUrlRecord]:
    """A policy's recorded URLs, in the order they were found."""
    rows = session.exec(select(tables.PolicyUrl).where(tables.PolicyUrl.policy_id == policy_id)
                        .order_by(tables.PolicyUrl.found_at, tables.PolicyUrl.id)).all()  # type: ignore[arg-type]
    return [records.policy_url_record(row) for row in rows]
