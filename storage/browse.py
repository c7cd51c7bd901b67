"""Read queries for the web UI and API that the Archive lacks: dashboard rows, timelines, changes.

Everything here is read-only and returns frozen records; version texts are left out so
listing a long history stays cheap.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import col
from sqlmodel import select as sa_select

from storage import records, tables
from storage.archive import Archive
from storage.records import PolicyRecord


@dataclass(frozen=True)
class DashboardRow:
    """A tracked policy with what the dashboard shows about it."""

    policy: PolicyRecord
    versions: int
    first_capture: datetime | None
    last_version_at: datetime | None


@dataclass(frozen=True)
class TimelineEntry:
    """One version of a policy without its text."""

    number: int
    captured_at: datetime
    source: str
    words: int
    summary: dict[str, Any] | None
    url: str
    archive_timestamp: str | None


@dataclass(frozen=True)
class ChangeRow:
    """A version that changed a policy (every version but the first)."""

    slug: str
    name: str
    number: int
    captured_at: datetime
    source: str
    summary: dict[str, Any] | None


@dataclass(frozen=True)
class Page:
    """One page of results and the total count."""

    rows: tuple[Any, ...]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total


def _summary(value: str | None) -> dict[str, Any] | None:
    return json.loads(value) if value else None


def dashboard(archive: Archive, *, slug: str | None = None) -> list[DashboardRow]:
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
    with archive.session() as session:
        rows = session.exec(query).all()
        out = [DashboardRow(records.policy_record(p), int(n or 0), first, last)
               for p, n, first, last in rows]

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


def timeline(archive: Archive, policy_id: int) -> list[TimelineEntry]:
    """Every version of a policy, oldest first, numbered from 1, without texts."""
    with archive.session() as session:
        rows = session.execute(
            core_select(col(tables.Version.captured_at), col(tables.Version.source),
                        col(tables.Version.words), col(tables.Version.summary),
                        col(tables.Snapshot.source), col(tables.Snapshot.final_url),
                        col(tables.Snapshot.requested_url), col(tables.Snapshot.archive_timestamp))
            .join(tables.Snapshot, col(tables.Snapshot.id) == col(tables.Version.snapshot_id))
            .where(col(tables.Version.policy_id) == policy_id)
            .order_by(col(tables.Version.captured_at), col(tables.Version.id))).all()
    return [TimelineEntry(number=n, captured_at=at, source=source, words=words,
                          summary=_summary(summary),
                          url=final if snap_source == "live" else requested,
                          archive_timestamp=stamp)
            for n, (at, source, words, summary, snap_source, final, requested, stamp)
            in enumerate(rows, 1)]


def recent_changes(archive: Archive, *, limit: int = 50, offset: int = 0,
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
    with archive.session() as session:
        total = session.execute(core_select(func.count()).select_from(query.subquery())).scalar_one()
        rows = session.execute(query.order_by(numbered.c.captured_at.desc(), numbered.c.id.desc())
                            .limit(limit).offset(offset)).all()
    changes = tuple(ChangeRow(slug=s, name=name, number=int(n), captured_at=at, source=source,
                              summary=_summary(summary))
                    for s, name, n, at, source, summary in rows)
    return Page(rows=changes, total=int(total), limit=limit, offset=offset)
