"""Named leases in the database, so only one process drives a given job (the scheduler).

A lease has a holder and an expiry; the holder renews it well before it expires. Taking a
lease is one conditional UPDATE (free, expired or already mine) or an INSERT that loses
cleanly to a concurrent one, so two processes racing for it cannot both win, on SQLite or
PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from storage import records, tables
from storage.errors import LeaseHeld
from storage.records import LeaseRecord
from storage.transaction import SessionSource, is_postgres


def _now() -> datetime:
    return datetime.now(UTC)


class Leases:
    """Acquire, renew and release named leases."""

    def __init__(self, archive: SessionSource) -> None:
        self.archive = archive

    def current(self, name: str) -> LeaseRecord | None:
        """The lease row, expired or not (None when never taken or released)."""
        with self.archive.session() as session:
            row = session.get(tables.Lease, name)
            return records.lease_record(row) if row else None

    def acquire(self, name: str, holder: str, *, ttl: timedelta,
                replace: str | None = None) -> LeaseRecord:
        """Take the lease for ``ttl``; raises LeaseHeld naming the live holder.

        ``replace`` names a holder the caller knows to be dead (a process of this host
        that no longer exists): its lease is taken over even before it expires.
        """
        now = _now()
        with self.archive.session() as session:
            taken = session.execute(
                update(tables.Lease)
                .where(col(tables.Lease.name) == name,
                       (col(tables.Lease.expires_at) < now) | (col(tables.Lease.holder) == holder)
                       | (col(tables.Lease.holder) == (replace or holder)))
                .values(holder=holder, acquired_at=now, expires_at=now + ttl))
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                return LeaseRecord(name, holder, now, now + ttl)
            insert = pg_insert if is_postgres(session) else sqlite_insert
            created = session.execute(
                insert(tables.Lease).values(name=name, holder=holder, acquired_at=now,
                                            expires_at=now + ttl).on_conflict_do_nothing()
                .returning(col(tables.Lease.name)))
            if created.all():
                return LeaseRecord(name, holder, now, now + ttl)
            row = session.get(tables.Lease, name)
        holder_now = row.holder if row else "unknown"
        until = f" until {row.expires_at:%Y-%m-%d %H:%M:%S} UTC" if row else ""
        raise LeaseHeld(f"lease {name!r} is held by {holder_now}{until}", holder=holder_now)

    def renew(self, name: str, holder: str, *, ttl: timedelta) -> LeaseRecord:
        """Extend a lease we hold; raises LeaseHeld when it was lost to another holder."""
        now = _now()
        with self.archive.session() as session:
            result = session.execute(
                update(tables.Lease)
                .where(col(tables.Lease.name) == name, col(tables.Lease.holder) == holder)
                .values(expires_at=now + ttl))
            if result.rowcount == 1:  # type: ignore[attr-defined]
                row = session.get(tables.Lease, name)
                assert row is not None
                return records.lease_record(row)
        return self.acquire(name, holder, ttl=ttl)

    def release(self, name: str, holder: str) -> bool:
        """Give the lease up (only if we hold it); returns whether it was ours."""
        with self.archive.session() as session:
            result = session.execute(delete(tables.Lease).where(
                col(tables.Lease.name) == name, col(tables.Lease.holder) == holder))
            return result.rowcount == 1  # type: ignore[attr-defined]
