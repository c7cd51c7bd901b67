"""Where a policy lived: the URLs it had and how each was found (``policy_url`` rows)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage import records, tables
from storage.records import PolicyUrlRecord
from storage.transaction import lock_policy


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


def move(session: Session, policy_id: int, new_url: str, *, source: str, found_at: datetime,
         homepage_capture: str | None, reason: str | None,
         domain: str | None = None) -> tuple[tables.Policy, str] | None:
    """Point the policy at ``new_url`` (locked first), and at ``domain`` when given; its
    old URL is noted as given if how it was found is unknown, the new one with ``source``.
    Returns the row and the old URL, or None when the policy is at ``new_url`` already
    (another process moved it)."""
    row = lock_policy(session, policy_id)
    old_url = row.url
    if old_url == new_url:
        return None
    note_url(session, policy_id, old_url, source="given", found_at=row.added_at)
    note_url(session, policy_id, new_url, source=source, found_at=found_at,
             homepage_capture=homepage_capture, reason=reason)
    row.url = new_url
    if domain:
        row.domain = domain
    session.add(row)
    session.flush()
    return row, old_url
