"""Reading history: versions, snapshots, checks, and the listings of the web UI and API.

Read-only functions over the caller's session; they return frozen records. Listings leave
version texts out so a long history stays cheap to show.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlalchemy.orm import QueryableAttribute, defer
from sqlmodel import Session, col
from sqlmodel import select as sa_select

from storage import records, tables
from storage.errors import NotFound
from storage.records import CheckRecord, SnapshotRecord, VersionRecord
from storage.transaction import byte_length
from storage.values import ChangeRow, DashboardRow, Page, TimelineEntry, UrlCaptures

# --- snapshots and checks --------------------------------------------------------------------


def last_snapshot_row(session: Session, policy_id: int,
                      source: str | None) -> tables.Snapshot | None:
    """The newest snapshot of a policy (optionally of one source)."""
    query = sa_select(tables.Snapshot).where(col(tables.Snapshot.policy_id) == policy_id)
    if source:
        query = query.where(col(tables.Snapshot.source) == source)
    query = query.order_by(col(tables.Snapshot.captured_at).desc(), col(tables.Snapshot.id).desc())
    return session.exec(query.limit(1)).first()


def archived_timestamps(session: Session, policy_id: int) -> set[str]:
    """Wayback capture timestamps already stored for a policy (to resume a backfill)."""
    rows = session.exec(
        sa_select(tables.Snapshot.archive_timestamp).where(
            col(tables.Snapshot.policy_id) == policy_id, col(tables.Snapshot.source) == "wayback")
    ).all()
    return {r for r in rows if r}


def snapshot(session: Session, snapshot_id: int) -> SnapshotRecord:
    row = session.get(tables.Snapshot, snapshot_id)
    if row is None:
        raise NotFound(f"no snapshot {snapshot_id}")
    return records.snapshot_record(row)


def snapshots(session: Session, policy_id: int) -> list[SnapshotRecord]:
    """Every snapshot of a policy, by capture time."""
    rows = session.exec(sa_select(tables.Snapshot)
                        .where(col(tables.Snapshot.policy_id) == policy_id)
                        .order_by(col(tables.Snapshot.captured_at), col(tables.Snapshot.id))).all()
    return [records.snapshot_record(r) for r in rows]


def capture_times(session: Session, policy_id: int) -> list[datetime]:
    """When each snapshot of a policy was captured (UTC), oldest first: the capture calendar
    needs only these, not the snapshots."""
    rows = session.execute(core_select(col(tables.Snapshot.captured_at))
                           .where(col(tables.Snapshot.policy_id) == policy_id)
                           .order_by(col(tables.Snapshot.captured_at))).scalars().all()
    return [_utc(r) for r in rows]


def url_captures(session: Session, policy_id: int) -> list[UrlCaptures]:
    """A policy's snapshots grouped by requested and final URL (one row per pair), with
    their first and last capture time and count: what a URL history needs, in one query."""
    snap = tables.Snapshot
    rows = session.execute(
        core_select(col(snap.requested_url), col(snap.final_url),
                    func.min(col(snap.captured_at)), func.max(col(snap.captured_at)), func.count())
        .where(col(snap.policy_id) == policy_id)
        .group_by(col(snap.requested_url), col(snap.final_url))).all()
    return [UrlCaptures(requested, final, _utc(first), _utc(last), count)
            for requested, final, first, last, count in rows]


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite: naive, in UTC


def checks(session: Session, policy_id: int, *, limit: int) -> list[CheckRecord]:
    """Recent attempts, newest first."""
    rows = session.exec(sa_select(tables.Check).where(col(tables.Check.policy_id) == policy_id)
                        .order_by(col(tables.Check.started_at).desc(), col(tables.Check.id).desc())
                        .limit(limit)).all()
    return [records.check_record(r) for r in rows]


# --- versions --------------------------------------------------------------------------------


def versions(session: Session, policy_id: int, *, limit: int | None, offset: int,
             with_text: bool) -> list[VersionRecord]:
    """Versions oldest first, numbered from 1 (``with_text=False`` leaves ``text`` empty)."""
    size = byte_length(session, tables.Version.text)
    query = (sa_select(tables.Version, tables.Snapshot, size)
             .join(tables.Snapshot, col(tables.Snapshot.id) == col(tables.Version.snapshot_id))
             .where(col(tables.Version.policy_id) == policy_id)
             .order_by(col(tables.Version.captured_at), col(tables.Version.id))
             .offset(offset))
    if not with_text:
        query = query.options(defer(_attribute(tables.Version.text)))
    if limit is not None:
        query = query.limit(limit)
    rows = session.exec(query).all()
    return [records.version_record(v, offset + i + 1, s, size=n, with_text=with_text)
            for i, (v, s, n) in enumerate(rows)]


def _attribute(field: object) -> QueryableAttribute[Any]:
    """A model field as the ORM attribute it is at runtime (SQLModel types it as its value)."""
    assert isinstance(field, QueryableAttribute)
    return field


def version_count(session: Session, policy_id: int, *, until: datetime | None = None) -> int:
    """How many versions a policy has (captured at or before ``until``)."""
    query = (sa_select(func.count()).select_from(tables.Version)
             .where(col(tables.Version.policy_id) == policy_id))
    if until is not None:
        query = query.where(col(tables.Version.captured_at) <= until)
    return session.exec(query).one()


# --- listings for the web UI and API ---------------------------------------------------------


def _summary(value: str | None) -> dict[str, Any] | None:
    return json.loads(value) if value else None


def dashboard(session: Session, *, slug: str | None = None) -> list[DashboardRow]:
    """Every policy (or the one with ``slug``) with version count and first/last capture,
    sorted by last change, newest first."""
    stats = (sa_select(col(tables.Version.policy_id),
                       func.count().label("n"),
                       func.min(tables.Version.captured_at).label("first"),
                       func.max(tables.Version.captured_at).label("last"))
             .group_by(col(tables.Version.policy_id)).subquery())
    query = (sa_select(tables.Policy, stats.c.n, stats.c.first, stats.c.last)
             .join(stats, stats.c.policy_id == col(tables.Policy.id), isouter=True))
    if slug is not None:
        query = query.where(col(tables.Policy.slug) == slug)
    out = [DashboardRow(records.policy_record(p), int(n or 0), first, last)
           for p, n, first, last in session.exec(query).all()]

    def key(row: DashboardRow) -> tuple[bool, float, str]:
        # The newest version's capture time is when the policy last changed (for history
        # recorded from the Wayback Machine, last_change_at is when we learnt of it).
        changed = row.last_version_at or row.policy.last_change_at
        return (changed is None, -_timestamp(changed), row.policy.slug)

    return sorted(out, key=key)


def _timestamp(value: datetime | None) -> float:
    if value is None:
        return 0.0
    if value.tzinfo is None:  # SQLite hands back naive datetimes (stored as UTC)
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def timeline(session: Session, policy_id: int) -> list[TimelineEntry]:
    """Every version of a policy, oldest first, numbered from 1, without texts."""
    rows = session.execute(
        core_select(col(tables.Version.captured_at), col(tables.Version.source),
                    col(tables.Version.words), col(tables.Version.summary),
                    col(tables.Snapshot.source), col(tables.Snapshot.final_url),
                    col(tables.Snapshot.requested_url), col(tables.Snapshot.archive_timestamp),
                    col(tables.Version.language))
        .join(tables.Snapshot, col(tables.Snapshot.id) == col(tables.Version.snapshot_id))
        .where(col(tables.Version.policy_id) == policy_id)
        .order_by(col(tables.Version.captured_at), col(tables.Version.id))).all()
    return [TimelineEntry(number=n, captured_at=at, source=source, words=words,
                          summary=_summary(summary),
                          url=final if snap_source == "live" else requested,
                          archive_timestamp=stamp, language=records.language_of(language))
            for n, (at, source, words, summary, snap_source, final, requested, stamp, language)
            in enumerate(rows, 1)]


def recent_changes(session: Session, *, limit: int = 50, offset: int = 0,
                   slug: str | None = None) -> Page:
    """Changes across all policies (or one), newest capture first, with their version numbers."""
    number = func.row_number().over(
        partition_by=col(tables.Version.policy_id),
        order_by=(col(tables.Version.captured_at), col(tables.Version.id))).label("number")
    numbered = core_select(col(tables.Version.id), col(tables.Version.policy_id),
                           col(tables.Version.captured_at), col(tables.Version.source),
                           col(tables.Version.summary), number).subquery()
    query = (core_select(col(tables.Policy.slug), col(tables.Policy.name), numbered.c.number,
                         numbered.c.captured_at, numbered.c.source, numbered.c.summary)
             .join(tables.Policy, col(tables.Policy.id) == numbered.c.policy_id)
             .where(numbered.c.number >= 2))
    if slug is not None:
        query = query.where(col(tables.Policy.slug) == slug)
    total = session.execute(core_select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(numbered.c.captured_at.desc(), numbered.c.id.desc())
                           .limit(limit).offset(offset)).all()
    changes = tuple(ChangeRow(slug=s, name=name, number=int(n), captured_at=at, source=source,
                              summary=_summary(summary))
                    for s, name, n, at, source, summary in rows)
    return Page(rows=changes, total=int(total), limit=limit, offset=offset)
