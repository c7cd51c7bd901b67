"""The archive repository: policies, snapshots, the version timeline and checks.

Sessions and transactions stay in here; callers get records (``storage.records``). Every
public write is one transaction, so a process killed at any point leaves either all or
nothing of a fetch behind, and re-running the same job is safe.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import LargeBinary, cast, func, update
from sqlalchemy.orm import defer
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col
from sqlmodel import select as sa_select

from storage import blobs, records, tables
from storage.db import make_engine, upgrade
from storage.errors import Conflict, DatabaseUnavailable, NotFound
from storage.records import CheckRecord, PolicyRecord, SnapshotRecord, VersionRecord

OUTCOMES = ("new-version", "unchanged", "not-modified", "error")


@dataclass(frozen=True)
class Capture:
    """What the caller knows about one fetched body (live or Wayback)."""

    source: str  # live | wayback
    captured_at: datetime
    fetched_at: datetime
    requested_url: str
    final_url: str
    status: int
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    archive_timestamp: str | None = None


@dataclass(frozen=True)
class Extraction:
    """The extractor's verdict on a body: a text, or a note saying why there is none."""

    text: str | None
    extractor_version: str
    note: str | None = None  # e.g. "not-a-policy: bot-wall"
    # sha256 hex of the text's comparison form (the extractor's ``identity``): equal
    # identities are one version; None compares the exact text.
    identity: str | None = None


@dataclass(frozen=True)
class FetchRecorded:
    """What recording one fetch did."""

    outcome: str
    check: CheckRecord
    snapshot: SnapshotRecord | None
    new_versions: tuple[VersionRecord, ...]


@dataclass(frozen=True)
class VersionEvent:
    """A version that became the newest of its policy through a live fetch."""

    policy: PolicyRecord
    version: VersionRecord
    previous: VersionRecord | None


class Transaction:
    """Handed to event hooks so they can write (outbox rows) in the recording transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Any) -> None:
        """Add a table row (from ``storage.tables``) to this transaction."""
        self.session.add(row)


VersionHook = Callable[[Transaction, VersionEvent], None]


def _now() -> datetime:
    return datetime.now(UTC)


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


class Archive:
    """Repository over one database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Archive:
        """Open the database at ``url`` and bring its schema up to date."""
        engine = make_engine(url)
        if migrate:
            upgrade(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                with session.begin():
                    yield session
        except OperationalError as exc:
            raise DatabaseUnavailable(f"database error: {str(exc.orig).strip()}") from exc

    # --- policies ------------------------------------------------------------------

    def add_policy(self, *, name: str, url: str, domain: str, slug: str | None = None,
                   schedule: str | None = None, select: str | None = None,
                   remove: str | None = None, tags: tuple[str, ...] = ()) -> PolicyRecord:
        """Track a new policy; raises Conflict when the URL or slug is already tracked."""
        with self.session() as session:
            existing = session.exec(sa_select(tables.Policy).where(tables.Policy.url == url)).first()
            if existing:
                raise Conflict(f"{url} is already tracked as {existing.slug!r}")
            if slug:
                if session.exec(sa_select(tables.Policy).where(tables.Policy.slug == slug)).first():
                    raise Conflict(f"slug {slug!r} is already taken")
            else:
                slug = _unique_slug(session, slugify(domain, url))
            row = tables.Policy(
                slug=slug, name=name, url=url, domain=domain, added_at=_now(), active=True,
                schedule=schedule, select_rules=select, remove_rules=remove,
                tags=",".join(tags) or None,
            )
            session.add(row)
            session.flush()
            return records.policy_record(row)

    def add_policies(self, items: list[dict[str, Any]]) -> tuple[list[PolicyRecord], list[tuple[dict[str, Any], str]]]:
        """Add many policies in one transaction; returns (added, [(item, reason skipped)])."""
        added: list[PolicyRecord] = []
        skipped: list[tuple[dict[str, Any], str]] = []
        with self.session() as session:
            urls = set(session.exec(sa_select(tables.Policy.url)).all())
            slugs = set(session.exec(sa_select(tables.Policy.slug)).all())
            rows = []
            for item in items:
                if item["url"] in urls:
                    skipped.append((item, "duplicate URL"))
                    continue
                slug = _free_slug(item.get("slug") or slugify(item["domain"], item["url"]), slugs)
                urls.add(item["url"])
                slugs.add(slug)
                rows.append(tables.Policy(
                    slug=slug, name=item.get("name") or item["domain"], url=item["url"],
                    domain=item["domain"], added_at=_now(), active=True,
                    schedule=item.get("schedule"), select_rules=item.get("select"),
                    remove_rules=item.get("remove"), tags=",".join(item.get("tags", ())) or None,
                ))
            session.add_all(rows)
            session.flush()
            added = [records.policy_record(r) for r in rows]
        return added, skipped

    def policy(self, slug: str) -> PolicyRecord:
        """The policy with ``slug``; raises NotFound."""
        with self.session() as session:
            return records.policy_record(_policy_row(session, slug))

    def policy_by_id(self, policy_id: int) -> PolicyRecord:
        with self.session() as session:
            row = session.get(tables.Policy, policy_id)
            if row is None:
                raise NotFound(f"no policy with id {policy_id}")
            return records.policy_record(row)

    def policies(self, *, active: bool | None = None) -> list[PolicyRecord]:
        """All policies (or only active / paused ones), by slug."""
        with self.session() as session:
            query = sa_select(tables.Policy).order_by(tables.Policy.slug)
            if active is not None:
                query = query.where(tables.Policy.active == active)
            return [records.policy_record(r) for r in session.exec(query).all()]

    _EDITABLE = {"name", "schedule", "active", "select", "remove", "tags"}

    def update_policy(self, slug: str, **changes: Any) -> PolicyRecord:
        """Change a policy's name, schedule, active flag, CSS rules or tags."""
        unknown = set(changes) - self._EDITABLE
        if unknown:
            raise TypeError(f"cannot update {sorted(unknown)}")
        with self.session() as session:
            row = _policy_row(session, slug)
            for key, value in changes.items():
                if key == "select":
                    row.select_rules = value
                elif key == "remove":
                    row.remove_rules = value
                elif key == "tags":
                    row.tags = ",".join(value) or None
                else:
                    setattr(row, key, value)
            session.add(row)
            session.flush()
            return records.policy_record(row)

    # --- recording fetches -----------------------------------------------------------

    def last_snapshot(self, policy_id: int, *, source: str | None = None) -> SnapshotRecord | None:
        """The newest snapshot of a policy (optionally of one source)."""
        with self.session() as session:
            row = _last_snapshot_row(session, policy_id, source)
            return records.snapshot_record(row) if row else None

    def archived_timestamps(self, policy_id: int) -> set[str]:
        """Wayback capture timestamps already stored for a policy (to resume a backfill)."""
        with self.session() as session:
            rows = session.exec(
                sa_select(tables.Snapshot.archive_timestamp).where(
                    tables.Snapshot.policy_id == policy_id, tables.Snapshot.source == "wayback")
            ).all()
            return {r for r in rows if r}

    def record_fetch(self, policy_id: int, capture: Capture, body: bytes,
                     extraction: Extraction | None, *, started_at: datetime,
                     on_new_version: VersionHook | None = None) -> FetchRecorded:
        """Store one fetched body, its text and any new version, with its Check, atomically.

        ``extraction`` may be None when the caller skipped extracting because the body is
        the same as the last snapshot's (then nothing but the Check is written).
        """
        body_sha = blobs.sha256_hex(body)
        for attempt in range(3):
            try:
                with self.session() as session:
                    return self._record_fetch(session, policy_id, capture, body, body_sha,
                                              extraction, started_at, on_new_version)
            except IntegrityError:
                # Another process recorded the same capture concurrently: retry, which
                # then finds it and records "unchanged" instead of a duplicate.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _record_fetch(self, session: Session, policy_id: int, capture: Capture, body: bytes,
                      body_sha: str, extraction: Extraction | None, started_at: datetime,
                      on_new_version: VersionHook | None) -> FetchRecorded:
        policy = _lock_policy(session, policy_id)
        last = _last_snapshot_row(session, policy_id, capture.source)
        duplicate = _same_capture_row(session, policy_id, capture, body_sha)
        same = duplicate if duplicate is not None else (
            last if capture.source == "live" and last is not None and last.body_sha256 == body_sha
            else None)
        if same is not None:
            # The body was seen before: its verdict stands (a bot wall seen again is still
            # a failure, not a success that would reset the failure count).
            if same.text_sha256 is None:
                check = _add_check(session, policy, capture, started_at, "error",
                                   snapshot_id=same.id, error_kind="not-a-policy",
                                   error_message=same.extract_note)
            else:
                check = _add_check(session, policy, capture, started_at, "unchanged",
                                   snapshot_id=same.id)
            if capture.source == "live":
                if check.outcome == "error":
                    _mark_failure(policy, check)
                else:
                    _mark_success(policy, check, changed=False)
            session.add(policy)
            return FetchRecorded(check.outcome, records.check_record(check), None, ())
        if extraction is None:
            raise TypeError("extraction is required for a new body")

        put_blob(session, body)
        text_sha = None
        if extraction.text is not None:
            text_sha = put_blob(session, extraction.text.encode("utf-8"))
        snapshot = tables.Snapshot(
            policy_id=policy_id, source=capture.source, captured_at=capture.captured_at,
            fetched_at=capture.fetched_at, requested_url=capture.requested_url,
            final_url=capture.final_url, status=capture.status,
            content_type=capture.content_type, etag=capture.etag,
            last_modified=capture.last_modified, body_sha256=body_sha,
            archive_timestamp=capture.archive_timestamp, text_sha256=text_sha,
            text_identity=extraction.identity if text_sha else None,
            extractor_version=extraction.extractor_version, extract_note=extraction.note,
        )
        session.add(snapshot)
        session.flush()
        created = _rebuild_timeline(session, policy_id, since=capture.captured_at)
        versions = _numbered(session, policy_id, [v.id for v in created])
        mine = [v for v in versions if v.snapshot_id == snapshot.id]
        if text_sha is None:
            outcome, kind, message = "error", "not-a-policy", extraction.note
        elif mine:
            outcome, kind, message = "new-version", None, None
        else:
            outcome, kind, message = "unchanged", None, None
        check = _add_check(session, policy, capture, started_at, outcome, snapshot_id=snapshot.id,
                           version_id=mine[0].id if mine else None, error_kind=kind,
                           error_message=message)
        if capture.source == "live":
            if outcome == "error":
                _mark_failure(policy, check)
            else:
                _mark_success(policy, check, changed=bool(mine))
        elif mine:
            latest = _latest_version_row(session, policy_id)
            if latest is not None:
                policy.last_change_at = max(policy.last_change_at or latest.captured_at,
                                            latest.captured_at)
        session.add(policy)
        session.flush()
        if on_new_version and capture.source == "live" and mine:
            latest = _latest_version_row(session, policy_id)
            if latest is not None and latest.id == mine[0].id:
                event = VersionEvent(records.policy_record(policy), mine[0],
                                     _previous_version(session, mine[0]))
                on_new_version(Transaction(session), event)
        return FetchRecorded(outcome, records.check_record(check),
                             records.snapshot_record(snapshot), tuple(versions))

    def record_failure(self, policy_id: int, *, source: str, started_at: datetime, kind: str,
                       message: str, url: str | None) -> CheckRecord:
        """Record a failed attempt (nothing fetched, or fetched but unusable)."""
        with self.session() as session:
            policy = _lock_policy(session, policy_id)
            check = tables.Check(
                policy_id=policy_id, started_at=started_at, finished_at=_now(), source=source,
                outcome="error", error_kind=kind, error_message=message[:2000], url=url,
            )
            session.add(check)
            session.flush()
            if source == "live":
                _mark_failure(policy, check)
            session.add(policy)
            return records.check_record(check)

    def record_not_modified(self, policy_id: int, *, started_at: datetime, url: str) -> CheckRecord:
        """Record a 304 answer to a conditional GET."""
        with self.session() as session:
            policy = _lock_policy(session, policy_id)
            check = tables.Check(policy_id=policy_id, started_at=started_at, finished_at=_now(),
                                 source="live", outcome="not-modified", url=url)
            session.add(check)
            session.flush()
            _mark_success(policy, check, changed=False)
            session.add(policy)
            return records.check_record(check)

    def in_transaction(self, policy_id: int,
                       work: Callable[[Transaction, PolicyRecord], None]) -> None:
        """Run ``work`` with the policy locked, in one transaction (hooks after a check)."""
        with self.session() as session:
            row = _lock_policy(session, policy_id)
            work(Transaction(session), records.policy_record(row))

    # --- reading history ----------------------------------------------------------------

    def versions(self, policy_id: int, *, limit: int | None = None, offset: int = 0,
                 with_text: bool = True) -> list[VersionRecord]:
        """Versions oldest first, numbered from 1.

        ``with_text=False`` leaves ``text`` empty (``size`` still says how long it is), so a
        listing of hundreds of versions does not read every policy text.
        """
        with self.session() as session:
            size = _byte_length(session, tables.Version.text)
            query = (sa_select(tables.Version, tables.Snapshot, size)
                     .join(tables.Snapshot, col(tables.Snapshot.id) == tables.Version.snapshot_id)
                     .where(tables.Version.policy_id == policy_id)
                     .order_by(col(tables.Version.captured_at), col(tables.Version.id))
                     .offset(offset))
            if not with_text:
                query = query.options(defer(tables.Version.text))  # type: ignore[arg-type]
            if limit is not None:
                query = query.limit(limit)
            rows = session.exec(query).all()
            return [records.version_record(v, offset + i + 1, s, size=n, with_text=with_text)
                    for i, (v, s, n) in enumerate(rows)]

    def version_count(self, policy_id: int) -> int:
        with self.session() as session:
            return session.exec(sa_select(func.count()).select_from(tables.Version)
                                .where(tables.Version.policy_id == policy_id)).one()

    def version(self, policy_id: int, number: int) -> VersionRecord:
        """Version ``number`` (1-based; negative counts from the newest); raises NotFound."""
        if number < 0:
            number = self.version_count(policy_id) + number + 1
        if number < 1:
            raise NotFound(f"no version {number}")
        found = self.versions(policy_id, limit=1, offset=number - 1)
        if not found:
            raise NotFound(f"no version {number}")
        return found[0]

    def version_at(self, policy_id: int, when: datetime) -> VersionRecord:
        """The version in force at ``when`` (the last one captured at or before it)."""
        with self.session() as session:
            count = session.exec(
                sa_select(func.count()).select_from(tables.Version).where(
                    tables.Version.policy_id == policy_id, tables.Version.captured_at <= when)).one()
        if count == 0:
            raise NotFound(f"no version captured on or before {when:%Y-%m-%d}")
        return self.version(policy_id, count)

    def snapshot(self, snapshot_id: int) -> SnapshotRecord:
        with self.session() as session:
            row = session.get(tables.Snapshot, snapshot_id)
            if row is None:
                raise NotFound(f"no snapshot {snapshot_id}")
            return records.snapshot_record(row)

    def snapshots(self, policy_id: int) -> list[SnapshotRecord]:
        """Every snapshot of a policy, by capture time."""
        with self.session() as session:
            rows = session.exec(sa_select(tables.Snapshot).where(tables.Snapshot.policy_id == policy_id)
                                .order_by(tables.Snapshot.captured_at, tables.Snapshot.id)).all()
            return [records.snapshot_record(r) for r in rows]

    def checks(self, policy_id: int, *, limit: int = 50) -> list[CheckRecord]:
        """Recent attempts, newest first."""
        with self.session() as session:
            rows = session.exec(sa_select(tables.Check).where(tables.Check.policy_id == policy_id)
                                .order_by(col(tables.Check.started_at).desc(),
                                          col(tables.Check.id).desc())
                                .limit(limit)).all()
            return [records.check_record(r) for r in rows]

    def body(self, sha256: str) -> bytes:
        """A stored body (or text) by its sha256; raises NotFound."""
        with self.session() as session:
            row = session.get(tables.Blob, sha256)
            if row is None:
                raise NotFound(f"no stored body {sha256}")
            return blobs.decompress(row.data, row.compression)

    # --- re-extraction and summaries --------------------------------------------------

    def update_extractions(self, policy_id: int,
                           results: dict[int, Extraction]) -> tuple[VersionRecord, ...]:
        """Store re-extracted texts for snapshots and rebuild the timeline; returns new versions."""
        with self.session() as session:
            _lock_policy(session, policy_id)
            for snapshot_id, extraction in results.items():
                row = session.get(tables.Snapshot, snapshot_id)
                if row is None or row.policy_id != policy_id:
                    raise NotFound(f"no snapshot {snapshot_id} for policy {policy_id}")
                text_sha = (put_blob(session, extraction.text.encode("utf-8"))
                            if extraction.text is not None else None)
                row.text_sha256 = text_sha
                row.text_identity = extraction.identity if text_sha else None
                row.extractor_version = extraction.extractor_version
                row.extract_note = extraction.note
                session.add(row)
            session.flush()
            created = _rebuild_timeline(session, policy_id, since=None)
            return tuple(_numbered(session, policy_id, [v.id for v in created]))

    def stale_summaries(self, policy_id: int) -> list[tuple[int, str | None, str]]:
        """(version id, previous text or None, text) for versions whose summary is outdated."""
        with self.session() as session:
            # Hashes first, texts only of the stale versions and their predecessors: the
            # history page calls this on every view, and texts are tens of KB each.
            rows = session.exec(
                sa_select(tables.Version.id, tables.Version.text_sha256,
                          col(tables.Version.summary).is_(None), tables.Version.base_sha256)
                .where(tables.Version.policy_id == policy_id)
                .order_by(col(tables.Version.captured_at), col(tables.Version.id))).all()
            pairs: list[tuple[int, int | None]] = []
            previous: tuple[int, str] | None = None
            for version_id, text_sha, no_summary, base_sha in rows:
                base = previous[1] if previous else ""
                if no_summary or (base_sha or "") != base:
                    pairs.append((version_id, previous[0] if previous else None))
                previous = (version_id, text_sha)
            wanted = {i for pair in pairs for i in pair if i is not None}
            texts = dict(session.exec(sa_select(tables.Version.id, tables.Version.text)
                                      .where(col(tables.Version.id).in_(wanted))).all()) if wanted else {}
        return [(v, texts[p] if p is not None else None, texts[v]) for v, p in pairs]

    def set_summaries(self, summaries: dict[int, tuple[str | None, dict[str, Any]]]) -> None:
        """Store change summaries: version id -> (base text sha256 or None, summary dict)."""
        with self.session() as session:
            for version_id, (base_sha, summary) in summaries.items():
                session.execute(update(tables.Version).where(col(tables.Version.id) == version_id)
                                .values(summary=json.dumps(summary, sort_keys=True),
                                        base_sha256=base_sha or ""))


# --- helpers over a session ----------------------------------------------------------------


def slugify(domain: str, url: str) -> str:
    """A readable slug from the domain (``www.`` dropped), e.g. ``example.com``."""
    host = domain.lower().removeprefix("www.")
    slug = re.sub(r"[^a-z0-9.-]+", "-", host).strip("-.") or "policy"
    return slug[:180]


def _unique_slug(session: Session, base: str) -> str:
    taken = set(session.exec(sa_select(tables.Policy.slug).where(
        col(tables.Policy.slug).like(f"{base}%"))).all())
    return _free_slug(base, taken)


def _free_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``."""
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _policy_row(session: Session, slug: str) -> tables.Policy:
    row = session.exec(sa_select(tables.Policy).where(tables.Policy.slug == slug)).first()
    if row is None:
        raise NotFound(f"no policy {slug!r} (see `policywatch list`)")
    return row


def _lock(session: Session) -> bool:
    """Row locks where the database has them (PostgreSQL); SQLite serialises writers anyway."""
    return session.get_bind().dialect.name == "postgresql"


def _lock_policy(session: Session, policy_id: int) -> tables.Policy:
    row = session.get(tables.Policy, policy_id, with_for_update=_lock(session))
    if row is None:
        raise NotFound(f"no policy with id {policy_id}")
    return row


def put_blob(session: Session, data: bytes) -> str:
    """Store ``data`` once under its sha256 (concurrent writers are fine); return the hash."""
    sha = blobs.sha256_hex(data)
    values = {"sha256": sha, "size": len(data), "compression": blobs.COMPRESSION,
              "data": blobs.compress(data)}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = pg_insert(tables.Blob).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite_insert(tables.Blob).values(**values).on_conflict_do_nothing()
    else:
        if session.get(tables.Blob, sha) is None:
            session.add(tables.Blob(**values))
            session.flush()
        return sha
    session.execute(stmt)
    return sha


def _last_snapshot_row(session: Session, policy_id: int, source: str | None) -> tables.Snapshot | None:
    query = sa_select(tables.Snapshot).where(tables.Snapshot.policy_id == policy_id)
    if source:
        query = query.where(tables.Snapshot.source == source)
    query = query.order_by(col(tables.Snapshot.captured_at).desc(), col(tables.Snapshot.id).desc())
    return session.exec(query.limit(1)).first()


def _same_capture_row(session: Session, policy_id: int, capture: Capture,
                      body_sha: str) -> tables.Snapshot | None:
    query = sa_select(tables.Snapshot).where(
        tables.Snapshot.policy_id == policy_id, tables.Snapshot.source == capture.source,
        tables.Snapshot.body_sha256 == body_sha)
    if capture.archive_timestamp:
        query = query.where(tables.Snapshot.archive_timestamp == capture.archive_timestamp)
    else:
        query = query.where(tables.Snapshot.captured_at == capture.captured_at)
    return session.exec(query.limit(1)).first()


def _latest_version_row(session: Session, policy_id: int) -> tables.Version | None:
    return session.exec(sa_select(tables.Version).where(tables.Version.policy_id == policy_id)
                        .order_by(col(tables.Version.captured_at).desc(),
                                  col(tables.Version.id).desc()).limit(1)).first()


def _previous_version(session: Session, version: VersionRecord) -> VersionRecord | None:
    if version.number <= 1:
        return None
    row = session.exec(
        sa_select(tables.Version, tables.Snapshot)
        .join(tables.Snapshot, col(tables.Snapshot.id) == tables.Version.snapshot_id)
        .where(tables.Version.policy_id == version.policy_id)
        .order_by(tables.Version.captured_at, tables.Version.id)
        .offset(version.number - 2).limit(1)).first()
    return records.version_record(row[0], version.number - 1, row[1]) if row else None


def _byte_length(session: Session, column: Any) -> Any:
    """SQL for the UTF-8 byte length of a text column (PostgreSQL reads it without detoasting)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.octet_length(column)
    return func.length(cast(column, LargeBinary))


def _numbered(session: Session, policy_id: int, ids: list[int | None]) -> list[VersionRecord]:
    """Records (with their 1-based numbers) for the given version ids."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return []
    rows = session.exec(
        sa_select(tables.Version, tables.Snapshot)
        .join(tables.Snapshot, col(tables.Snapshot.id) == tables.Version.snapshot_id)
        .where(tables.Version.policy_id == policy_id)
        .order_by(tables.Version.captured_at, tables.Version.id)).all()
    return [records.version_record(v, n, s) for n, (v, s) in enumerate(rows, 1) if v.id in wanted]


def _rebuild_timeline(session: Session, policy_id: int, *, since: datetime | None) -> list[tables.Version]:
    """Make the versions after ``since`` equal the runs of distinct texts among snapshots.

    A version starts at each snapshot whose text identity (``text_identity``, else the
    text's sha256) differs from the one before it (in capture order, whatever the source);
    the version keeps that first snapshot's exact text. Captures without a text (not the
    policy) are skipped. Only the part of the timeline from the version in force at ``since`` onwards
    is rebuilt, so appending a live fetch or backfilling oldest-first stays cheap.
    Versions that still match are kept (same first snapshot and text), so nothing is
    re-created; returns the versions created.
    """
    start: datetime | None = None
    before_sha: str | None = None
    if since is not None:
        anchor = session.exec(
            sa_select(tables.Version).where(tables.Version.policy_id == policy_id,
                                         col(tables.Version.captured_at) < since)
            .order_by(col(tables.Version.captured_at).desc(), col(tables.Version.id).desc())
            .limit(1)).first()
        if anchor is not None:
            start = anchor.captured_at
            prior = session.exec(
                sa_select(tables.Snapshot).join(
                    tables.Version, col(tables.Version.snapshot_id) == tables.Snapshot.id)
                .where(tables.Version.policy_id == policy_id,
                       col(tables.Version.captured_at) < start)
                .order_by(col(tables.Version.captured_at).desc(), col(tables.Version.id).desc())
                .limit(1)).first()
            before_sha = _identity(prior) if prior else None

    snap_query = sa_select(tables.Snapshot).where(tables.Snapshot.policy_id == policy_id,
                                               col(tables.Snapshot.text_sha256).is_not(None))
    version_query = sa_select(tables.Version).where(tables.Version.policy_id == policy_id)
    if start is not None:
        snap_query = snap_query.where(col(tables.Snapshot.captured_at) >= start)
        version_query = version_query.where(col(tables.Version.captured_at) >= start)
    snaps = session.exec(snap_query.order_by(tables.Snapshot.captured_at, tables.Snapshot.id)).all()
    existing = {(v.snapshot_id, v.text_sha256): v for v in session.exec(version_query).all()}

    wanted: list[tables.Snapshot] = []
    current = before_sha
    for snap in snaps:
        if _identity(snap) != current:
            wanted.append(snap)
            current = _identity(snap)
    keep = {(s.id, s.text_sha256) for s in wanted}
    for key, row in existing.items():
        if key not in keep:
            session.delete(row)
    session.flush()
    created: list[tables.Version] = []
    for snap in wanted:
        if (snap.id, snap.text_sha256) in existing:
            continue
        assert snap.text_sha256 is not None and snap.id is not None
        blob = session.get(tables.Blob, snap.text_sha256)
        assert blob is not None
        text = blobs.decompress(blob.data, blob.compression).decode("utf-8")
        row = tables.Version(
            policy_id=policy_id, snapshot_id=snap.id, captured_at=snap.captured_at,
            source=snap.source, text=text, text_sha256=snap.text_sha256,
            extractor_version=snap.extractor_version or "", created_at=_now(),
            words=_words(text),
        )
        session.add(row)
        created.append(row)
    session.flush()
    return created


def _identity(snap: tables.Snapshot) -> str | None:
    """What decides whether a snapshot's text is a new version (see ``_rebuild_timeline``)."""
    return snap.text_identity or snap.text_sha256


def _add_check(session: Session, policy: tables.Policy, capture: Capture, started_at: datetime,
               outcome: str, *, snapshot_id: int | None = None, version_id: int | None = None,
               error_kind: str | None = None, error_message: str | None = None) -> tables.Check:
    assert policy.id is not None
    check = tables.Check(
        policy_id=policy.id, started_at=started_at, finished_at=_now(), source=capture.source,
        outcome=outcome, error_kind=error_kind, error_message=error_message,
        url=capture.requested_url, snapshot_id=snapshot_id, version_id=version_id,
    )
    session.add(check)
    session.flush()
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
