"""The version timeline rule: which snapshots start a version, and version numbering.

A policy's versions are derived data: the runs of distinct texts among its snapshots in
capture order. Recording a fetch or re-extracting texts rebuilds the affected part.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement

from sqlmodel import Session, col
from sqlmodel import select as sa_select

from storage import records, tables
from storage.blobs import read_blob
from storage.records import VersionRecord
from storage.transaction import insert_row, now
from storage.values import Extraction, count_words


def identity(snap: tables.Snapshot) -> str | None:
    """What decides whether a snapshot's text is a new version (see ``rebuild_timeline``)."""
    return identity_of(snap.text_identity, snap.text_sha256)


def identity_of(text_identity: str | None, text_sha256: str | None) -> str | None:
    """``identity`` from a snapshot's two columns: its text identity, else its text's sha256."""
    return text_identity or text_sha256


def _in_order() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Version order: capture time, then id (two captures in the same second)."""
    return col(tables.Version.captured_at).asc(), col(tables.Version.id).asc()


def _newest_first() -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    return col(tables.Version.captured_at).desc(), col(tables.Version.id).desc()


def rebuild_timeline(session: Session, policy_id: int, *, since: datetime | None,
                     known: Mapping[str, Extraction] | None = None) -> list[tables.Version]:
    """Make the versions after ``since`` equal the runs of distinct texts among snapshots.

    A version starts at each snapshot whose text identity (``text_identity``, else the
    text's sha256) differs from the one before it (in capture order, whatever the source);
    the version keeps that first snapshot's exact text. Captures without a text (not the
    policy) are skipped. Only the part of the timeline from the version in force at
    ``since`` onwards is rebuilt, so appending a live fetch or backfilling oldest-first
    stays cheap.
    Versions that still match are kept (same first snapshot and text), so nothing is
    re-created; returns the versions created. ``known``: extractions the caller holds, by
    their text's sha256 (the text is not read back from its blob; a detected language is
    stored with the version).
    """
    start: datetime | None = None
    before: str | None = None
    if since is not None:
        anchor = session.exec(
            sa_select(tables.Version).where(col(tables.Version.policy_id) == policy_id,
                                            col(tables.Version.captured_at) < since)
            .order_by(*_newest_first()).limit(1)).first()
        if anchor is not None:
            start = anchor.captured_at
            prior = session.exec(
                sa_select(tables.Snapshot).join(
                    tables.Version, col(tables.Version.snapshot_id) == col(tables.Snapshot.id))
                .where(col(tables.Version.policy_id) == policy_id,
                       col(tables.Version.captured_at) < start)
                .order_by(*_newest_first()).limit(1)).first()
            before = identity(prior) if prior else None

    snap_query = sa_select(tables.Snapshot).where(col(tables.Snapshot.policy_id) == policy_id,
                                                  col(tables.Snapshot.text_sha256).is_not(None))
    version_query = sa_select(tables.Version).where(col(tables.Version.policy_id) == policy_id)
    if start is not None:
        snap_query = snap_query.where(col(tables.Snapshot.captured_at) >= start)
        version_query = version_query.where(col(tables.Version.captured_at) >= start)
    snaps = session.exec(snap_query.order_by(col(tables.Snapshot.captured_at),
                                             col(tables.Snapshot.id))).all()
    existing = {(v.snapshot_id, v.text_sha256): v for v in session.exec(version_query).all()}

    wanted: list[tables.Snapshot] = []
    current = before
    for snap in snaps:
        if identity(snap) != current:
            wanted.append(snap)
            current = identity(snap)
    keep = {(s.id, s.text_sha256) for s in wanted}
    for key, row in existing.items():
        if key not in keep:
            session.delete(row)
    session.flush()
    return [_new_version(session, snap, known) for snap in wanted
            if (snap.id, snap.text_sha256) not in existing]


def append_to_timeline(session: Session, snapshot: tables.Snapshot,
                       known: Mapping[str, Extraction] | None = None) -> list[tables.Version] | None:
    """``rebuild_timeline`` for a snapshot just stored that is the policy's newest with a
    text (a live fetch): a version starts at it when its text differs from the text before
    it, and nothing before it changes. None when a text capture comes after it (a backfill
    going forward, clocks apart): the caller rebuilds instead."""
    if snapshot.text_sha256 is None:
        return []       # a capture without text never starts or ends a version
    newest = session.exec(
        sa_select(col(tables.Snapshot.id), col(tables.Snapshot.text_identity),
                  col(tables.Snapshot.text_sha256))
        .where(col(tables.Snapshot.policy_id) == snapshot.policy_id,
               col(tables.Snapshot.text_sha256).is_not(None))
        .order_by(col(tables.Snapshot.captured_at).desc(), col(tables.Snapshot.id).desc())
        .limit(2)).all()
    if not newest or newest[0][0] != snapshot.id:
        return None
    before = identity_of(newest[1][1], newest[1][2]) if len(newest) > 1 else None
    if identity(snapshot) == before:
        return []
    return [_new_version(session, snapshot, known)]


def _new_version(session: Session, snap: tables.Snapshot,
                 known: Mapping[str, Extraction] | None) -> tables.Version:
    """The version starting at ``snap``, inserted."""
    assert snap.text_sha256 is not None and snap.id is not None
    held = known.get(snap.text_sha256) if known else None
    text = held.text if held is not None and held.text is not None else \
        read_blob(session, snap.text_sha256).decode("utf-8")
    row = tables.Version(
        policy_id=snap.policy_id, snapshot_id=snap.id, captured_at=snap.captured_at,
        source=snap.source, text=text, text_sha256=snap.text_sha256,
        extractor_version=snap.extractor_version or "", created_at=now(),
        words=held.words if held is not None and held.words is not None else count_words(text),
        language=held.language if held is not None else None,
    )
    insert_row(session, row)
    return row


def version_ids(session: Session, policy_id: int) -> list[int]:
    """The policy's version ids in version order: a version's number is its position."""
    rows = session.exec(sa_select(col(tables.Version.id))
                        .where(col(tables.Version.policy_id) == policy_id)
                        .order_by(*_in_order())).all()
    return [i for i in rows if i is not None]


def numbered(session: Session, order: list[int], ids: list[int | None]) -> list[VersionRecord]:
    """Records (numbered by their position in ``order``, from ``version_ids``) for the given
    version ids; only those rows are read (versions just made are in the session already)."""
    wanted = {i for i in ids if i is not None}
    found = []
    for number, version_id in enumerate(order, 1):
        if version_id in wanted:
            row = session.get(tables.Version, version_id)
            assert row is not None
            snap = session.get(tables.Snapshot, row.snapshot_id)
            assert snap is not None
            found.append(records.version_record(row, number, snap))
    return found


def previous_version(session: Session, version: VersionRecord) -> VersionRecord | None:
    """The version before ``version`` (None for the first)."""
    if version.number <= 1:
        return None
    row = session.exec(
        sa_select(tables.Version, tables.Snapshot)
        .join(tables.Snapshot, col(tables.Snapshot.id) == col(tables.Version.snapshot_id))
        .where(col(tables.Version.policy_id) == version.policy_id)
        .order_by(*_in_order())
        .offset(version.number - 2).limit(1)).first()
    return records.version_record(row[0], version.number - 1, row[1]) if row else None
