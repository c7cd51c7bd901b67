"""The ``Archive``: the one face of storage (its contract is in ``storage/__init__.py``).

Each method opens one transaction and hands it to the module that does the job:
``policies`` (tracking, slugs), ``recording`` (fetches, failures, re-extraction),
``timeline`` (the version rule, used by recording), ``history`` (reads and listings),
``summaries`` (the change-summary cache), ``blobs`` (bodies); ``lookup`` says which version
a number or date names. Subscriptions and alerts, leases and tokens are the attributes
``outbox``, ``leases`` and ``tokens``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage import blobs, history, records, recording, unchanged
from storage import urls as url_store
from storage import policies as policy_store
from storage import search as search_index
from storage import summaries as summary_cache
from storage.db import make_engine, upgrade
from storage.errors import NotFound
from storage.kinds import ErrorKind, RenderMode, Source
from storage.leases import Leases
from storage.lookup import VersionLookup
from storage.outbox import Outbox
from storage.records import CheckRecord, PolicyRecord, SnapshotRecord, VersionRecord
from storage.search import SearchHit
from storage.tokens import Tokens
from storage.transaction import Transaction, lock_policy, session_scope
from storage.values import (
    UNSET,
    Capture,
    DashboardRow,
    Extraction,
    FetchRecorded,
    NewPolicy,
    Page,
    PolicyChanges,
    StoredExtraction,
    TimelineEntry,
    Unset,
    UrlCaptures,
    VersionHook,
)

Item = TypeVar("Item", NewPolicy, Mapping[str, Any])
K = TypeVar("K")


class _Discard(Exception):
    """Raised inside an import's transaction to roll it back (``import_policies``)."""


class Archive(VersionLookup):
    """Repository over one database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.outbox = Outbox(self)
        self.leases = Leases(self)
        self.tokens = Tokens(self)

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
        """One transaction: commits on success, rolls back on error (storage, tests and tools)."""
        with session_scope(self.engine) as session:
            yield session

    # --- policies ------------------------------------------------------------------

    def add_policy(self, *, name: str, url: str, domain: str, slug: str | None = None,
                   schedule: str | None = None, select: str | None = None,
                   remove: str | None = None, tags: tuple[str, ...] = (),
                   render: RenderMode = RenderMode.AUTO, homepage: str | None = None,
                   homepage_reason: str | None = None) -> PolicyRecord:
        """Track a new policy; raises Conflict when the URL or slug is already tracked.
        ``homepage``: the page its link was found on (see ``NewPolicy``)."""
        new = NewPolicy(url=url, domain=domain, name=name, slug=slug, schedule=schedule,
                        select=select, remove=remove, tags=tags, render=render,
                        homepage=homepage, homepage_reason=homepage_reason)
        with self.session() as session:
            return policy_store.add(session, new)

    def add_policies(self, items: Sequence[Item]
                     ) -> tuple[list[PolicyRecord], list[tuple[Item, str]]]:
        """Add many policies in one transaction; returns (added, [(item, reason skipped)]).

        Items are ``NewPolicy`` values, or dicts with the same keys (an import's rows).
        """
        new = [i if isinstance(i, NewPolicy) else NewPolicy.from_mapping(i) for i in items]
        with self.session() as session:
            added, skipped = policy_store.add_many(session, new)
        return added, [(items[index], reason) for index, reason in skipped]

    def import_policies(self, items: Iterable[tuple[K, NewPolicy]], *,
                        keep: Callable[[], bool] = lambda: True,
                        on_added: Callable[[K, str], None] | None = None,
                        on_skipped: Callable[[K, str], None] | None = None) -> tuple[int, bool]:
        """Add policies streamed from ``(key, NewPolicy)`` pairs, any number, in one
        transaction with memory bounded per chunk (``policies.add_stream``).

        When ``keep()`` answers False once the items are exhausted (an import met invalid
        rows), the transaction rolls back and nothing is written. Returns (added, kept).
        """
        try:
            with self.session() as session:
                added = policy_store.add_stream(session, items, on_added=on_added,
                                                on_skipped=on_skipped)
                if not keep():
                    raise _Discard
        except _Discard:
            return added, False
        return added, True

    def policy(self, slug: str) -> PolicyRecord:
        """The policy with ``slug``; raises NotFound."""
        with self.session() as session:
            return records.policy_record(policy_store.by_slug(session, slug))

    def policy_by_id(self, policy_id: int) -> PolicyRecord:
        with self.session() as session:
            return policy_store.by_id(session, policy_id)

    def policies(self, *, active: bool | None = None) -> list[PolicyRecord]:
        """All policies (or only active / paused ones), by slug."""
        with self.session() as session:
            return policy_store.listing(session, active=active)

    def iter_policies(self, *, active: bool | None = None,
                      page: int = 500) -> Iterator[PolicyRecord]:
        """``policies`` read ``page`` at a time, each page in its own short transaction: a
        run over every policy (``backfill --all``) holds one page, not the whole list. A
        policy added or renamed meanwhile is met if its slug sorts after the current page."""
        after: str | None = None
        while True:
            with self.session() as session:
                batch = policy_store.listing(session, active=active, after=after, limit=page)
            yield from batch
            if len(batch) < page:
                return
            after = batch[-1].slug

    def update_policy(self, slug: str, changes: PolicyChanges | None = None, *,
                      name: str | Unset = UNSET, schedule: str | None | Unset = UNSET,
                      active: bool | Unset = UNSET, select: str | None | Unset = UNSET,
                      remove: str | None | Unset = UNSET,
                      tags: tuple[str, ...] | Unset = UNSET,
                      render: RenderMode | Unset = UNSET) -> PolicyRecord:
        """Change a policy's name, schedule, active flag, CSS rules or tags: given as
        ``changes`` or as keywords (None clears a schedule or rule). Raises NotFound."""
        if changes is None:
            changes = PolicyChanges(name=name, schedule=schedule, active=active, select=select,
                                    remove=remove, tags=tags, render=render)
        with self.session() as session:
            return policy_store.update(session, slug, changes)

    # --- where a policy lived ----------------------------------------------------------

    def note_url(self, policy_id: int, url: str, *, source: str, found_at: datetime,
                 homepage_capture: str | None = None, reason: str | None = None) -> bool:
        """Record a URL the policy lived at and how it was found; False if already known
        (the first finding is kept)."""
        for attempt in range(3):
            try:
                with self.session() as session:
                    return url_store.note_url(session, policy_id, url, source=source,
                                              found_at=found_at,
                                              homepage_capture=homepage_capture, reason=reason)
            except IntegrityError:
                if attempt == 2:  # another process noted it at the same time: it is known
                    return False
        raise AssertionError("unreachable")

    def move_policy(self, policy_id: int, new_url: str, *, source: str, found_at: datetime,
                    homepage_capture: str | None = None, reason: str | None = None,
                    domain: str | None = None,
                    on_moved: Callable[[Transaction, PolicyRecord, str], None] | None = None,
                    ) -> PolicyRecord | None:
        """Track the policy at ``new_url`` (and ``domain``, when given) from now on (its
        history stays one timeline) and note both URLs; ``on_moved(tx, policy, old_url)`` runs in the same transaction (the
        "policy moved" alerts commit with the move or not at all). Returns the moved
        policy, or None when it was at ``new_url`` already."""
        with self.session() as session:
            moved = url_store.move(session, policy_id, new_url, source=source,
                                   found_at=found_at, homepage_capture=homepage_capture,
                                   reason=reason, domain=domain)
            if moved is None:
                return None
            row, old_url = moved
            policy = records.policy_record(row)
            if on_moved is not None:
                on_moved(Transaction(session), policy, old_url)
            return policy

    def policy_urls(self, policy_id: int) -> list[records.PolicyUrlRecord]:
        """The URLs recorded for a policy (``note_url``), in the order they were found."""
        with self.session() as session:
            return url_store.urls_of(session, policy_id)

    # --- recording fetches -----------------------------------------------------------

    def record_fetch(self, policy_id: int, capture: Capture, body: bytes,
                     extraction: Extraction | None, *, started_at: datetime,
                     on_new_version: VersionHook | None = None) -> FetchRecorded:
        """Store one fetched body, its text and any new version, with its Check, atomically.

        ``extraction`` may be None when the caller skipped extracting because the body is
        the same as the last snapshot's (then nothing but the Check is written).
        ``on_new_version`` runs inside the transaction when a live fetch made the newest
        version; what it writes commits with the fetch.
        """
        body_sha = blobs.sha256_hex(body)
        for attempt in range(3):
            try:
                with self.session() as session:
                    return recording.record_fetch(session, policy_id, capture, body, body_sha,
                                                  extraction, started_at, on_new_version)
            except IntegrityError:
                # Another process recorded the same capture concurrently: retry, which
                # then finds it and records "unchanged" instead of a duplicate.
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def record_failure(self, policy_id: int, *, source: Source, started_at: datetime,
                       kind: ErrorKind, message: str, url: str | None) -> CheckRecord:
        """Record a failed attempt (nothing fetched, or fetched but unusable)."""
        with self.session() as session:
            return recording.record_failure(session, policy_id, source=source,
                                            started_at=started_at, kind=kind, message=message,
                                            url=url)

    def record_not_modified(self, policy_id: int, *, started_at: datetime, url: str) -> CheckRecord:
        """Record a 304 answer to a conditional GET."""
        with self.session() as session:
            return recording.record_not_modified(session, policy_id, started_at=started_at, url=url)

    def live_states(self, policy_ids: Sequence[int]) -> dict[int, unchanged.LiveState]:
        """The last live snapshot (ETag, Last-Modified, body hash) of each policy that has
        one, read in one query per chunk of ids: what the checks of a round compare against."""
        with self.session() as session:
            return unchanged.live_states(session, policy_ids)

    def record_unchanged(self, checks: Sequence[unchanged.UnchangedCheck]) -> set[int]:
        """Record many unchanged live checks (304, or the last live snapshot's body) in one
        transaction; returns the policy ids recorded. A check whose policy has a newer live
        snapshot than the one it compared against, a snapshot without text, or is marked
        broken is not written: record it with ``record_fetch`` / ``record_not_modified``."""
        with self.session() as session:
            return unchanged.record_unchanged(session, checks)

    def in_transaction(self, policy_id: int,
                       work: Callable[[Transaction, PolicyRecord], None]) -> None:
        """Run ``work`` with the policy locked, in one transaction (hooks after a check)."""
        with self.session() as session:
            row = lock_policy(session, policy_id)
            work(Transaction(session), records.policy_record(row))

    def store_extractions(self, results: Mapping[int, Extraction]) -> dict[int, StoredExtraction]:
        """Store the texts of re-extracted snapshots (by snapshot id), nothing else: the
        stand-ins ``update_extractions`` takes, so a caller can re-extract any number of
        snapshots in chunks and still change a policy's history in one transaction."""
        with self.session() as session:
            return recording.store_extractions(session, results)

    def update_extractions(self, policy_id: int,
                           results: Mapping[int, Extraction | StoredExtraction]
                           ) -> tuple[VersionRecord, ...]:
        """Store re-extracted texts for snapshots and rebuild the timeline; returns new versions."""
        with self.session() as session:
            return recording.update_extractions(session, policy_id, results)

    # --- reading history ----------------------------------------------------------------

    def last_snapshot(self, policy_id: int, *, source: str | None = None) -> SnapshotRecord | None:
        """The newest snapshot of a policy (optionally of one source)."""
        with self.session() as session:
            row = history.last_snapshot_row(session, policy_id, source)
            return records.snapshot_record(row) if row else None

    def archived_timestamps(self, policy_id: int) -> set[str]:
        """Wayback capture timestamps already stored for a policy (to resume a backfill)."""
        with self.session() as session:
            return history.archived_timestamps(session, policy_id)

    def versions(self, policy_id: int, *, limit: int | None = None, offset: int = 0,
                 with_text: bool = True) -> list[VersionRecord]:
        """Versions oldest first, numbered from 1.

        ``with_text=False`` leaves ``text`` empty (``size`` still says how long it is), so a
        listing of hundreds of versions does not read every policy text.
        """
        with self.session() as session:
            return history.versions(session, policy_id, limit=limit, offset=offset,
                                    with_text=with_text)

    def version_count(self, policy_id: int, *, until: datetime | None = None) -> int:
        """How many versions a policy has (captured at or before ``until``)."""
        with self.session() as session:
            return history.version_count(session, policy_id, until=until)

    def snapshot(self, snapshot_id: int) -> SnapshotRecord:
        with self.session() as session:
            return history.snapshot(session, snapshot_id)

    def snapshots(self, policy_id: int) -> list[SnapshotRecord]:
        """Every snapshot of a policy, by capture time."""
        with self.session() as session:
            return history.snapshots(session, policy_id)

    def capture_times(self, policy_id: int) -> list[datetime]:
        """When each snapshot of a policy was captured (UTC), oldest first."""
        with self.session() as session:
            return history.capture_times(session, policy_id)

    def url_captures(self, policy_id: int) -> list[UrlCaptures]:
        """Snapshots grouped by requested and final URL, with first/last capture and count."""
        with self.session() as session:
            return history.url_captures(session, policy_id)

    def checks(self, policy_id: int, *, limit: int = 50) -> list[CheckRecord]:
        """Recent attempts, newest first."""
        with self.session() as session:
            return history.checks(session, policy_id, limit=limit)

    def body(self, sha256: str) -> bytes:
        """A stored body (or text) by its sha256; raises NotFound."""
        with self.session() as session:
            return blobs.read_blob(session, sha256)

    # --- listings for the web UI and API ----------------------------------------------

    def dashboard(self, *, slug: str | None = None) -> list[DashboardRow]:
        """Every policy (or the one with ``slug``) with version count and first/last capture,
        most recently changed first."""
        with self.session() as session:
            return history.dashboard(session, slug=slug)

    def timeline(self, policy_id: int) -> list[TimelineEntry]:
        """Every version of a policy, oldest first, numbered from 1, without texts."""
        with self.session() as session:
            return history.timeline(session, policy_id)

    def recent_changes(self, *, limit: int = 50, offset: int = 0, slug: str | None = None) -> Page:
        """Changes (``ChangeRow``) across all policies or one, newest first, one page."""
        with self.session() as session:
            return history.recent_changes(session, limit=limit, offset=offset, slug=slug)

    def search(self, query: str, *, slug: str | None = None, limit: int = 20, offset: int = 0,
               oldest_first: bool = False) -> tuple[list[SearchHit], int]:
        """Versions whose text holds every word / "phrase" of ``query``, one page, and the
        total; ValueError for a query without words (see ``storage.search``)."""
        with self.session() as session:
            return search_index.search(session, query, slug=slug, limit=limit, offset=offset,
                                       oldest_first=oldest_first)

    # --- change summaries -------------------------------------------------------------

    def stale_summaries(self, policy_id: int) -> list[tuple[int, str | None, str]]:
        """(version id, previous text or None, text) for versions whose summary is outdated."""
        with self.session() as session:
            return summary_cache.stale_summaries(session, policy_id)

    def set_summaries(self, summaries: Mapping[int, tuple[str | None, dict[str, Any]]]) -> None:
        """Store change summaries: version id -> (base text sha256 or None, summary dict)."""
        with self.session() as session:
            summary_cache.set_summaries(session, summaries)

    def unlabelled_versions(self, policy_id: int) -> list[tuple[int, str]]:
        """(version id, text) of the versions whose language was never detected."""
        with self.session() as session:
            return summary_cache.unlabelled_versions(session, policy_id)

    def set_languages(self, languages: Mapping[int, str]) -> None:
        """Store detected languages: version id -> ISO 639-1 code or ``und``."""
        with self.session() as session:
            summary_cache.set_languages(session, languages)


# The free functions callers used before ``Archive.dashboard`` and its siblings.


def dashboard(archive: Archive, *, slug: str | None = None) -> list[DashboardRow]:
    return archive.dashboard(slug=slug)


def timeline(archive: Archive, policy_id: int) -> list[TimelineEntry]:
    return archive.timeline(policy_id)


def recent_changes(archive: Archive, *, limit: int = 50, offset: int = 0,
                   slug: str | None = None) -> Page:
    return archive.recent_changes(limit=limit, offset=offset, slug=slug)

