"""Recording what a check found: snapshots, their texts, the checks, new versions.

Every function here works inside the caller's session (one transaction, opened by the
``Archive``) and locks the policy first, so two processes recording the same policy take
turns and the timeline they rebuild is the same whichever commits first.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import Session, col
from sqlmodel import select as sa_select

from storage import records, tables
from storage.blobs import put_blob, put_blobs
from storage.errors import NotFound
from storage.history import last_snapshot_row
from storage.kinds import ErrorKind, Outcome, Rendering, Source
from storage.records import CheckRecord, VersionRecord, read_rejection, rejection_note
from storage.timeline import (
    append_to_timeline,
    numbered,
    previous_version,
    rebuild_timeline,
    version_ids,
)
from storage.transaction import Transaction, insert_row, lock_policy, now
from storage.values import (
    Capture,
    Extraction,
    FetchRecorded,
    StoredExtraction,
    VersionEvent,
    VersionHook,
)


def record_fetch(session: Session, policy_id: int, capture: Capture, body: bytes, body_sha: str,
                 extraction: Extraction | None, started_at: datetime,
                 on_new_version: VersionHook | None) -> FetchRecorded:
    """Store one fetched body, its text and any new version, with its Check (see Archive)."""
    policy = lock_policy(session, policy_id)
    last = last_snapshot_row(session, policy_id, capture.source)
    duplicate = _same_capture_row(session, policy_id, capture, body_sha)
    same = duplicate if duplicate is not None else (
        last if capture.source == Source.LIVE and last is not None
        and last.body_sha256 == body_sha else None)
    if same is not None:
        # The body was seen before: its verdict stands (a bot wall seen again is still
        # a failure, not a success that would reset the failure count).
        if same.text_sha256 is None:
            rejection, message = read_rejection(same.extract_note)
            check = _add_check(session, policy, capture, started_at, Outcome.ERROR,
                               snapshot_id=same.id, error_kind=rejection,
                               error_message=message)
        else:
            check = _add_check(session, policy, capture, started_at, Outcome.UNCHANGED,
                               snapshot_id=same.id)
        if capture.source == Source.LIVE:
            if check.outcome == Outcome.ERROR:
                _mark_failure(policy, check)
            else:
                _mark_success(policy, check, changed=False)
        session.add(policy)
        session.flush()
        return FetchRecorded(Outcome(check.outcome), records.check_record(check), None, ())
    if extraction is None:
        raise TypeError("extraction is required for a new body")

    bodies = [body] + [b for b in (capture.plain_body,) if b is not None]
    text_sha = None
    if extraction.text is not None:
        bodies.append(extraction.text.encode("utf-8"))
    stored = put_blobs(session, bodies)
    plain_sha = stored[1] if capture.plain_body is not None else None
    if extraction.text is not None:
        text_sha = stored[-1]
    snapshot = tables.Snapshot(
        policy_id=policy_id, source=capture.source, captured_at=capture.captured_at,
        fetched_at=capture.fetched_at, requested_url=capture.requested_url,
        final_url=capture.final_url, status=capture.status,
        content_type=capture.content_type, etag=capture.etag,
        last_modified=capture.last_modified, body_sha256=body_sha,
        archive_timestamp=capture.archive_timestamp, text_sha256=text_sha,
        text_identity=extraction.identity if text_sha else None,
        extractor_version=extraction.extractor_version, extract_note=_note(extraction),
        render=Rendering.PLAIN if capture.render == Rendering.PLAIN else Rendering.RENDERED,
        plain_body_sha256=plain_sha,
    )
    insert_row(session, snapshot)
    known = {text_sha: extraction} if text_sha else None
    created = append_to_timeline(session, snapshot, known)
    if created is None:
        created = rebuild_timeline(session, policy_id, since=capture.captured_at, known=known)
    order = version_ids(session, policy_id) if created else []
    versions = numbered(session, order, [v.id for v in created])
    mine = [v for v in versions if v.snapshot_id == snapshot.id]
    if extraction.rejection is not None:
        outcome = Outcome.ERROR
    else:
        outcome = Outcome.NEW_VERSION if mine else Outcome.UNCHANGED
    check = _add_check(session, policy, capture, started_at, outcome, snapshot_id=snapshot.id,
                       version_id=mine[0].id if mine else None,
                       error_kind=extraction.rejection,
                       error_message=extraction.note if extraction.rejection else None)
    if capture.source == Source.LIVE:
        if outcome == Outcome.ERROR:
            _mark_failure(policy, check)
        else:
            _mark_success(policy, check, changed=bool(mine))
    elif mine:
        latest = session.get(tables.Version, order[-1])
        if latest is not None:
            policy.last_change_at = max(policy.last_change_at or latest.captured_at,
                                        latest.captured_at)
    session.add(policy)
    session.flush()
    if on_new_version and capture.source == Source.LIVE and mine and order[-1] == mine[0].id:
        # The newest version: news. (An older one, behind a newer capture, is history.)
        event = VersionEvent(records.policy_record(policy), mine[0],
                             previous_version(session, mine[0]))
        on_new_version(Transaction(session), event)
    return FetchRecorded(outcome, records.check_record(check),
                         records.snapshot_record(snapshot), tuple(versions))


def record_failure(session: Session, policy_id: int, *, source: Source, started_at: datetime,
                   kind: ErrorKind, message: str, url: str | None) -> CheckRecord:
    """Record a failed attempt (nothing fetched, or fetched but unusable)."""
    policy = lock_policy(session, policy_id)
    check = tables.Check(
        policy_id=policy_id, started_at=started_at, finished_at=now(), source=source,
        outcome=Outcome.ERROR, error_kind=kind, error_message=message[:2000], url=url,
    )
    session.add(check)
    session.flush()
    if source == Source.LIVE:
        _mark_failure(policy, check)
    session.add(policy)
    return records.check_record(check)


def record_not_modified(session: Session, policy_id: int, *, started_at: datetime,
                        url: str) -> CheckRecord:
    """Record a 304 answer to a conditional GET.

    A 304 confirms the last live capture: when that gave no text, the check carries its
    rejection (``error_kind``) so alerts and ``checks`` say why, though the fetch succeeded.
    """
    policy = lock_policy(session, policy_id)
    last = last_snapshot_row(session, policy_id, Source.LIVE)
    kind, message = (read_rejection(last.extract_note)
                     if last is not None and last.text_sha256 is None else (None, None))
    check = tables.Check(policy_id=policy_id, started_at=started_at, finished_at=now(),
                         source=Source.LIVE, outcome=Outcome.NOT_MODIFIED, url=url,
                         error_kind=kind, error_message=message)
    session.add(check)
    session.flush()
    _mark_success(policy, check, changed=False)
    session.add(policy)
    return records.check_record(check)


def store_extractions(session: Session,
                      results: Mapping[int, Extraction]) -> dict[int, StoredExtraction]:
    """Store the texts of extractions (blobs only: no snapshot changes); their stand-ins."""
    return {snapshot_id: _stored(session, extraction)
            for snapshot_id, extraction in results.items()}


def update_extractions(session: Session, policy_id: int,
                       results: Mapping[int, Extraction | StoredExtraction]
                       ) -> tuple[VersionRecord, ...]:
    """Store re-extracted texts for snapshots and rebuild the timeline; returns new versions."""
    lock_policy(session, policy_id)
    for snapshot_id, extraction in results.items():
        row = session.get(tables.Snapshot, snapshot_id)
        if row is None or row.policy_id != policy_id:
            raise NotFound(f"no snapshot {snapshot_id} for policy {policy_id}")
        stored = (extraction if isinstance(extraction, StoredExtraction)
                  else _stored(session, extraction))
        row.text_sha256 = stored.text_sha256
        row.text_identity = stored.identity if stored.text_sha256 else None
        row.extractor_version = stored.extractor_version
        row.extract_note = stored.note
        session.add(row)
    session.flush()
    created = rebuild_timeline(session, policy_id, since=None)
    return tuple(numbered(session, version_ids(session, policy_id), [v.id for v in created]))


def _stored(session: Session, extraction: Extraction) -> StoredExtraction:
    text_sha = (put_blob(session, extraction.text.encode("utf-8"))
                if extraction.text is not None else None)
    return StoredExtraction(text_sha, extraction.extractor_version, _note(extraction),
                            extraction.identity)


def _note(extraction: Extraction) -> str | None:
    """What a snapshot keeps in ``extract_note``: the rejection and its message, or the note."""
    if extraction.rejection is not None:
        return rejection_note(extraction.rejection, extraction.note)
    return extraction.note


def _same_capture_row(session: Session, policy_id: int, capture: Capture,
                      body_sha: str) -> tables.Snapshot | None:
    query = sa_select(tables.Snapshot).where(
        col(tables.Snapshot.policy_id) == policy_id, col(tables.Snapshot.source) == capture.source,
        col(tables.Snapshot.body_sha256) == body_sha)
    if capture.archive_timestamp:
        query = query.where(col(tables.Snapshot.archive_timestamp) == capture.archive_timestamp)
    else:
        query = query.where(col(tables.Snapshot.captured_at) == capture.captured_at)
    return session.exec(query.limit(1)).first()


def _add_check(session: Session, policy: tables.Policy, capture: Capture, started_at: datetime,
               outcome: Outcome, *, snapshot_id: int | None = None,
               version_id: int | None = None, error_kind: ErrorKind | None = None,
               error_message: str | None = None) -> tables.Check:
    assert policy.id is not None
    check = tables.Check(
        policy_id=policy.id, started_at=started_at, finished_at=now(), source=capture.source,
        outcome=outcome, error_kind=error_kind, error_message=error_message,
        url=capture.requested_url, snapshot_id=snapshot_id, version_id=version_id,
        render=capture.render,
    )
    insert_row(session, check)
    return check


def _mark_success(policy: tables.Policy, check: tables.Check, *, changed: bool) -> None:
    policy.last_check_at = check.finished_at
    policy.last_outcome = check.outcome
    policy.consecutive_failures = 0
    if changed:
        policy.last_change_at = check.finished_at


def _mark_failure(policy: tables.Policy, check: tables.Check) -> None:
    policy.last_check_at = check.finished_at
    policy.last_outcome = check.outcome
    policy.consecutive_failures = (policy.consecutive_failures or 0) + 1
