"""Backfill: a policy's history from the Wayback Machine, merged into its one timeline.

Idempotent and resumable: captures already stored (by archive timestamp) are skipped, each
capture is recorded in its own transaction, and the timeline rule (a text equal to the
previous version's is no new version) holds whatever order captures arrive in.
Versions recorded here never alert: they are history, not news.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from crawler import CdxRecord, CrawlerError, WaybackClient, sample_captures
from policywatch.checking.pipeline import check_error_kind, extract_body, internal_message
from policywatch.checking.summaries import refresh_summaries
from policywatch.intervals import sampling_every
from storage import Archive, Capture, ErrorKind, Outcome, PolicyRecord, Source, StorageError

log = logging.getLogger("policywatch.checking.backfill")


@dataclass
class BackfillProgress:
    """Counts shown by the progress bar and the final summary."""

    found: int = 0
    skipped: int = 0
    fetched: int = 0
    new_versions: int = 0
    not_policy: int = 0
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.error_kinds.items()))
        return (f"{self.found} captures found, {self.skipped} already stored, {self.fetched} fetched, "
                f"{self.new_versions} new versions, {self.not_policy} not the policy, "
                f"{self.errors} errors" + (f" ({kinds})" if kinds else ""))


async def backfill_policy(archive: Archive, client: WaybackClient, policy: PolicyRecord, *,
                          from_: str | None = None, to: str | None = None,
                          every: str | None = None, concurrency: int = 4,
                          on_progress: Callable[[BackfillProgress], None] | None = None,
                          url: str | None = None) -> BackfillProgress:
    """Search, sample and replay a policy's captures, recording each; returns the counts.

    An unexpected error (a bug, not the archive) in one capture or in the search is
    recorded as an ``internal`` error of that attempt and logged; the rest go on, and so
    does a ``backfill --all``. Storage errors propagate. ``url`` searches another URL of
    the policy (one it had before a move) instead of its current one; its captures join
    the same timeline.
    """
    search_url = url or policy.url
    progress = BackfillProgress()
    started = datetime.now(UTC)
    try:
        records = await client.search(search_url, from_=from_, to=to)
    except StorageError:
        raise
    except Exception as exc:
        if not isinstance(exc, CrawlerError):
            await _record_internal(archive, policy, exc, started, search_url, progress)
            return progress
        await asyncio.to_thread(archive.record_failure, policy.id, source=Source.WAYBACK,
                                started_at=started, kind=check_error_kind(exc), message=str(exc),
                                url=search_url)
        progress.errors += 1
        progress.error_kinds[exc.kind] = progress.error_kinds.get(exc.kind, 0) + 1
        return progress
    records = sample_captures(records, every=sampling_every(every))
    progress.found = len(records)
    done = await asyncio.to_thread(archive.archived_timestamps, policy.id)
    todo = [r for r in records if r.timestamp not in done]
    progress.skipped = len(records) - len(todo)
    if on_progress:
        on_progress(progress)
    limit = asyncio.Semaphore(concurrency)

    async def one(record: CdxRecord) -> None:
        async with limit:
            try:
                await _backfill_capture(archive, client, policy, record, progress)
            except StorageError:
                raise
            except Exception as exc:
                await _record_internal(archive, policy, exc, datetime.now(UTC),
                                       record.original, progress,
                                       prefix=f"capture {record.timestamp}: ")
        if on_progress:
            on_progress(progress)

    await asyncio.gather(*(one(r) for r in todo))
    await asyncio.to_thread(refresh_summaries, archive, policy.id)
    return progress


async def _record_internal(archive: Archive, policy: PolicyRecord, exc: Exception,
                           started: datetime, url: str, progress: BackfillProgress, *,
                           prefix: str = "") -> None:
    log.error("%s: unexpected error during a backfill", policy.slug, exc_info=exc)
    await asyncio.to_thread(archive.record_failure, policy.id, source=Source.WAYBACK,
                            started_at=started, kind=ErrorKind.INTERNAL,
                            message=prefix + internal_message(exc), url=url)
    progress.errors += 1
    progress.error_kinds[ErrorKind.INTERNAL] = progress.error_kinds.get(ErrorKind.INTERNAL, 0) + 1


async def _backfill_capture(archive: Archive, client: WaybackClient, policy: PolicyRecord,
                            record: CdxRecord, progress: BackfillProgress) -> None:
    started = datetime.now(UTC)
    try:
        memento = await client.replay(record)
    except CrawlerError as exc:
        log.info("%s %s: %s", policy.slug, record.timestamp, exc)
        await asyncio.to_thread(archive.record_failure, policy.id, source=Source.WAYBACK,
                                started_at=started, kind=check_error_kind(exc),
                                message=f"capture {record.timestamp}: {exc}", url=record.original)
        progress.errors += 1
        progress.error_kinds[exc.kind] = progress.error_kinds.get(exc.kind, 0) + 1
        return
    progress.fetched += 1
    extraction = await asyncio.to_thread(
        extract_body, memento.body, url=record.original, content_type=memento.content_type,
        charset=None, select=policy.select, remove=policy.remove)
    capture = Capture(
        source=Source.WAYBACK, captured_at=record.captured_at, fetched_at=datetime.now(UTC),
        requested_url=record.original, final_url=memento.final_url, status=memento.status,
        content_type=memento.content_type, archive_timestamp=record.timestamp,
    )
    recorded = await asyncio.to_thread(archive.record_fetch, policy.id, capture, memento.body,
                                       extraction, started_at=started)
    if extraction.text is None:
        progress.not_policy += 1
    if recorded.outcome == Outcome.NEW_VERSION:
        progress.new_versions += 1
