"""The unchanged path of a check round: what it reads for many policies, what it writes.

A live check answered 304 Not Modified, or with the same body as the policy's last live
snapshot, stores no body, no text and no version: only a check row and the policy's
tracking status. ``live_states`` reads what such a check compares against (the last live
snapshot's ETag, Last-Modified and body hash) for many policies in one query per chunk;
``record_unchanged`` writes a batch of such checks in one transaction, after confirming
under the policies' locks that each one's last live snapshot is still the one its check
compared against and the policy is not marked broken. Checks that fail that test are
left to the caller, which records them one by one (``recording``), as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlmodel import Session

from storage import tables
from storage.kinds import Outcome, Rendering, Source
from storage.transaction import is_postgres, now

CHUNK = 500  # policy ids per query (bound parameters stay well under SQLite's limit)


@dataclass(frozen=True)
class LiveState:
    """A policy's last live snapshot, as much as a check compares against."""

    policy_id: int
    snapshot_id: int
    etag: str | None
    last_modified: str | None
    body_sha256: str
    final_url: str
    has_text: bool  # False: the capture gave no text (its check carries the rejection)
    rendered: bool = False  # the snapshot is a browser's rendering, not the plain body


@dataclass(frozen=True)
class UnchangedCheck:
    """One live check that found what the policy's last live snapshot holds."""

    policy_id: int
    snapshot_id: int  # the last live snapshot it confirmed (LiveState.snapshot_id)
    outcome: Outcome  # UNCHANGED (same body) or NOT_MODIFIED (304)
    started_at: datetime
    url: str


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def live_states(session: Session, policy_ids: Sequence[int]) -> dict[int, LiveState]:
    """The last live snapshot of each policy that has one (newest capture, then id)."""
    s = tables.Snapshot.__table__.c  # type: ignore[attr-defined]
    states: dict[int, LiveState] = {}
    for chunk in _chunks(policy_ids):
        ranked = select(
            s.policy_id, s.id, s.etag, s.last_modified, s.body_sha256, s.final_url,
            s.text_sha256.is_not(None).label("has_text"), s.render,
            func.row_number().over(partition_by=s.policy_id,
                                   order_by=(s.captured_at.desc(), s.id.desc())).label("rank"),
        ).where(s.policy_id.in_(chunk), s.source == Source.LIVE.value).subquery()
        rows = session.execute(select(ranked).where(ranked.c.rank == 1))
        for policy_id, snapshot_id, etag, modified, body_sha, final_url, has_text, render, \
                _ in rows:
            states[policy_id] = LiveState(policy_id, snapshot_id, etag, modified, body_sha,
                                          final_url, bool(has_text),
                                          rendered=render == Rendering.RENDERED.value)
    return states


def record_unchanged(session: Session, checks: Sequence[UnchangedCheck]) -> set[int]:
    """Record the checks whose policy still stands where they found it; returns their
    policy ids (the others are not written: the caller records them one by one).

    One lock statement for the batch, one read of the policies' state, one multi-row
    insert of check rows and one multi-row update of the policies.
    """
    if not checks:
        return set()
    ids = sorted({c.policy_id for c in checks})
    p = tables.Policy.__table__.c  # type: ignore[attr-defined]
    if is_postgres(session):
        # Row locks in id order, so two batches (or a batch and one recording) never wait
        # on each other in a cycle.
        session.execute(select(p.id).where(p.id.in_(ids)).order_by(p.id).with_for_update())
    else:  # the database's write lock (see transaction.lock_policy)
        session.execute(update(tables.Policy.__table__)  # type: ignore[attr-defined]
                        .where(p.id.in_(ids)).values(id=p.id))
    healthy = {row[0] for row in session.execute(
        select(p.id).where(p.id.in_(ids), p.broken_since.is_(None)))}
    states = live_states(session, ids)
    accepted: list[UnchangedCheck] = []
    seen: set[int] = set()
    for check in checks:
        state = states.get(check.policy_id)
        if (check.policy_id in healthy and check.policy_id not in seen and state is not None
                and state.snapshot_id == check.snapshot_id and state.has_text):
            accepted.append(check)
            seen.add(check.policy_id)
    if not accepted:
        return set()
    finished = now()
    session.execute(insert(tables.Check.__table__), [  # type: ignore[attr-defined]
        {"policy_id": c.policy_id, "started_at": c.started_at, "finished_at": finished,
         "source": Source.LIVE.value, "outcome": c.outcome.value, "url": c.url,
         "snapshot_id": c.snapshot_id} for c in accepted])
    session.execute(
        update(tables.Policy.__table__)  # type: ignore[attr-defined]
        .where(p.id == bindparam("policy"))
        .values(last_check_at=bindparam("at"), last_outcome=bindparam("outcome"),
                consecutive_failures=0),
        [{"policy": c.policy_id, "at": finished, "outcome": c.outcome.value} for c in accepted])
    return seen
