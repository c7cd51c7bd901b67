"""Subscriptions and the alert outbox.

An alert row is written in the same transaction as its cause (a new version, a policy
whose tracking broke or recovered), keyed by a unique ``dedupe_key`` so the same alert is
never recorded twice. Delivery then moves each row through
``pending -> sending -> sent`` (or back to ``pending`` with a later ``next_attempt_at``
after a failure that certainly did not deliver, or to ``failed``).

The claim (``pending -> sending``) is one conditional UPDATE in its own transaction, so
two processes delivering the same database never both send a row. A row left in
``sending`` by a process that died mid-send cannot be known to have been delivered or
not; ``abandon_interrupted`` marks it ``failed`` rather than sending it again (at most
once for that window; see docs/alerts.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col
from sqlmodel import select as sa_select

from storage import records, tables
from storage.errors import NotFound
from storage.records import AlertRecord, CheckRecord, SubscriptionRecord
from storage.transaction import SessionSource, Transaction, is_postgres, session_of

CHANNELS = ("email", "webhook", "apprise")
INTERRUPTED = ("interrupted while sending (the delivering process stopped); "
               "not sent again so it is never delivered twice")


@dataclass(frozen=True)
class NewAlert:
    """An alert to record: who gets it, why, and the rendered message (JSON-ready)."""

    dedupe_key: str
    subscription_id: int
    kind: str  # change | broken | recovered | test
    payload: dict[str, Any]
    policy_id: int | None = None
    version_id: int | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _json_list(values: Iterable[str]) -> str | None:
    items = list(values)
    return json.dumps(items) if items else None


# --- writes inside a recording transaction (event hooks) ---------------------------------


class AlertWriter:
    """Alert bookkeeping inside an event hook's transaction (commits or rolls back with it)."""

    def __init__(self, tx: Transaction) -> None:
        self._session = session_of(tx)

    def subscriptions(self) -> list[SubscriptionRecord]:
        """Active subscriptions."""
        rows = self._session.exec(sa_select(tables.Subscription)
                                 .where(tables.Subscription.active == True)  # noqa: E712
                                 .order_by(col(tables.Subscription.id))).all()
        return [records.subscription_record(r) for r in rows]

    def enqueue(self, alerts: Iterable[NewAlert]) -> int:
        """Record alerts; ones whose dedupe_key already exists are skipped. Returns how many."""
        return _enqueue(self._session, alerts)

    def mark_version_alerted(self, version_id: int) -> None:
        """Flag a version as evaluated for alerts (whether or not anyone was alerted)."""
        self._session.execute(update(tables.Version).where(col(tables.Version.id) == version_id)
                             .values(alerted=True))

    def set_broken_since(self, policy_id: int, since: datetime | None) -> None:
        """Mark a policy's tracking broken (since when) or recovered (None)."""
        self._session.execute(update(tables.Policy).where(col(tables.Policy.id) == policy_id)
                             .values(broken_since=since))

    def last_live_check(self, policy_id: int) -> CheckRecord | None:
        """The newest live check of a policy."""
        row = self._session.exec(
            sa_select(tables.Check).where(tables.Check.policy_id == policy_id,
                                          tables.Check.source == "live")
            .order_by(col(tables.Check.started_at).desc(), col(tables.Check.id).desc())
            .limit(1)).first()
        return records.check_record(row) if row else None

    def saw_policy(self, check: CheckRecord) -> bool:
        """Whether a check found the policy text: False for errors, and for a 304 answered
        for a capture that was not the policy."""
        if check.outcome == "error":
            return False
        snapshot_id = check.snapshot_id
        if snapshot_id is None:  # 304 Not Modified: what the last live capture was
            row = self._session.exec(
                sa_select(tables.Snapshot).where(tables.Snapshot.policy_id == check.policy_id,
                                                 tables.Snapshot.source == "live")
                .order_by(col(tables.Snapshot.captured_at).desc(), col(tables.Snapshot.id).desc())
                .limit(1)).first()
        else:
            row = self._session.get(tables.Snapshot, snapshot_id)
        return row is None or row.text_sha256 is not None


def _enqueue(session: Session, alerts: Iterable[NewAlert]) -> int:
    now = _now()
    insert = pg_insert if is_postgres(session) else sqlite_insert
    written = 0
    for alert in alerts:
        values = {"dedupe_key": alert.dedupe_key, "subscription_id": alert.subscription_id,
                  "policy_id": alert.policy_id, "version_id": alert.version_id,
                  "kind": alert.kind, "payload": json.dumps(alert.payload, ensure_ascii=False),
                  "created_at": now, "status": "pending", "attempts": 0,
                  "next_attempt_at": now}
        result = session.execute(insert(tables.Alert).values(**values).on_conflict_do_nothing()
                                 .returning(col(tables.Alert.id)))
        written += len(result.all())
    return written


# --- the repository --------------------------------------------------------------------------


class Outbox:
    """Subscriptions and alert delivery state over one archive's database."""

    def __init__(self, archive: SessionSource) -> None:
        self.archive = archive

    # subscriptions

    def add_subscription(self, *, target: str, channel: str, policies: Iterable[str] = (),
                         topics: Iterable[str] = (), secret: str | None = None) -> SubscriptionRecord:
        """Subscribe ``target`` (validated by the caller) to alerts."""
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
        with self.archive.session() as session:
            row = tables.Subscription(target=target, channel=channel,
                                      policies=_json_list(policies), topics=_json_list(topics),
                                      secret=secret or None, created_at=_now(), active=True)
            session.add(row)
            session.flush()
            return records.subscription_record(row)

    def subscription(self, subscription_id: int) -> SubscriptionRecord:
        """One subscription (active or removed); raises NotFound."""
        with self.archive.session() as session:
            row = session.get(tables.Subscription, subscription_id)
            if row is None:
                raise NotFound(f"no subscription {subscription_id} (see `policywatch alerts list`)")
            return records.subscription_record(row)

    def subscriptions(self, *, active: bool | None = True) -> list[SubscriptionRecord]:
        """Subscriptions by id (only active ones by default)."""
        with self.archive.session() as session:
            query = sa_select(tables.Subscription).order_by(col(tables.Subscription.id))
            if active is not None:
                query = query.where(tables.Subscription.active == active)
            return [records.subscription_record(r) for r in session.exec(query).all()]

    def remove_subscription(self, subscription_id: int) -> SubscriptionRecord:
        """Stop a subscription; its undelivered alerts are dropped, sent ones stay as history."""
        with self.archive.session() as session:
            row = session.get(tables.Subscription, subscription_id)
            if row is None or not row.active:
                raise NotFound(f"no active subscription {subscription_id} "
                               "(see `policywatch alerts list`)")
            row.active = False
            session.add(row)
            session.execute(update(tables.Alert)
                            .where(col(tables.Alert.subscription_id) == subscription_id,
                                   col(tables.Alert.status) == "pending")
                            .values(status="failed", last_error="subscription removed"))
            session.flush()
            return records.subscription_record(row)

    def enqueue(self, alerts: Iterable[NewAlert]) -> int:
        """Record alerts in a transaction of their own (e.g. ``alerts test``)."""
        with self.archive.session() as session:
            return _enqueue(session, alerts)

    # delivery

    def due(self, *, now: datetime | None = None, limit: int = 100) -> list[int]:
        """Ids of pending alerts whose next attempt is due, oldest first."""
        with self.archive.session() as session:
            rows = session.exec(
                sa_select(tables.Alert.id).where(tables.Alert.status == "pending",
                                                 col(tables.Alert.next_attempt_at) <= (now or _now()))
                .order_by(col(tables.Alert.id)).limit(limit)).all()
            return [r for r in rows if r is not None]

    def claim(self, alert_id: int, *, hold: timedelta) -> AlertRecord | None:
        """Take a pending alert for sending (None when another process took it first).

        ``hold`` bounds how long the send may take; after it a row still ``sending`` is
        considered interrupted (see ``abandon_interrupted``).
        """
        now = _now()
        with self.archive.session() as session:
            result = session.execute(
                update(tables.Alert)
                .where(col(tables.Alert.id) == alert_id, col(tables.Alert.status) == "pending",
                       col(tables.Alert.next_attempt_at) <= now)
                .values(status="sending", attempts=tables.Alert.attempts + 1,
                        next_attempt_at=now + hold))
            if result.rowcount != 1:  # type: ignore[attr-defined]
                return None
            row = session.get(tables.Alert, alert_id)
            assert row is not None
            return records.alert_record(row)

    def mark_sent(self, alert_id: int) -> None:
        """Record a successful delivery."""
        with self.archive.session() as session:
            session.execute(update(tables.Alert).where(col(tables.Alert.id) == alert_id)
                            .values(status="sent", sent_at=_now(), last_error=None))

    def mark_failed(self, alert_id: int, error: str, *, retry_at: datetime | None) -> None:
        """Record a failed attempt: pending again at ``retry_at``, or failed for good (None)."""
        with self.archive.session() as session:
            values: dict[str, Any] = {"last_error": error[:2000]}
            if retry_at is None:
                values["status"] = "failed"
            else:
                values.update(status="pending", next_attempt_at=retry_at)
            session.execute(update(tables.Alert)
                            .where(col(tables.Alert.id) == alert_id,
                                   col(tables.Alert.status) == "sending")
                            .values(**values))

    def abandon_interrupted(self, *, now: datetime | None = None) -> int:
        """Mark alerts whose sender stopped mid-send as failed (never re-sent); returns how many."""
        with self.archive.session() as session:
            result = session.execute(
                update(tables.Alert)
                .where(col(tables.Alert.status) == "sending",
                       col(tables.Alert.next_attempt_at) < (now or _now()))
                .values(status="failed", last_error=INTERRUPTED))
            return result.rowcount or 0  # type: ignore[attr-defined]

    def alert(self, alert_id: int) -> AlertRecord:
        with self.archive.session() as session:
            row = session.get(tables.Alert, alert_id)
            if row is None:
                raise NotFound(f"no alert {alert_id}")
            return records.alert_record(row)

    def alerts(self, *, subscription_id: int | None = None, kind: str | None = None,
               status: str | None = None, limit: int = 100) -> list[AlertRecord]:
        """Recorded alerts, newest first."""
        with self.archive.session() as session:
            query = sa_select(tables.Alert)
            if subscription_id is not None:
                query = query.where(tables.Alert.subscription_id == subscription_id)
            if kind is not None:
                query = query.where(tables.Alert.kind == kind)
            if status is not None:
                query = query.where(tables.Alert.status == status)
            rows = session.exec(query.order_by(col(tables.Alert.id).desc()).limit(limit)).all()
            return [records.alert_record(r) for r in rows]
