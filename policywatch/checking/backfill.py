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

from crawler import CdxRecord, CrawlerError, WaybackClient, detect_shell, sample_captures
from policywatch.checking.extraction import check_error_kind, extract_body
from policywatch.checking.pipeline import internal_message
from policywatch.checking.rendering import Renderer
from policywatch.checking.summaries import refresh_summaries
from policywatch.intervals import sampling_period
from storage import (
    Archive,
    Capture,
    ErrorKind,
    Extraction,
    Outcome,
    PolicyRecord,
    RenderMode,
    Rendering,
    Source,
    StorageError,
)

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
                          url: str | None = None,
                          renderer: Renderer | None = None) -> BackfillProgress:
    """Search, sample and replay a policy's captures, recording each; returns the counts.

    An unexpected error (a bug, not the archive) in one capture or in the search is
    recorded as an ``internal`` error of that attempt and logged; the rest go on, and so
    does a ``backfill --all``. Storage errors propagate. ``url`` searches another URL of
    the policy (one it had before a move) instead of its current one; its captures join
    the same timeline. With a ``renderer``, a capture that is a script shell is rendered
    through the archive's replay (``policywatch.checking.rendering.render_capture``).
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
    records = sample_captures(records, every=sampling_period(every))
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
                await _backfill_capture(archive, client, policy, record, progress, renderer)
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
                            record: CdxRecord, progress: BackfillProgress,
                            renderer: Renderer | None = None) -> None:
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
    body, plain, extraction = memento.body, None, None
    if _archived_shell(policy, memento.body, memento.content_type):
        try:
            body, plain, extraction = await _rendered_capture(client, policy, record, memento.body,
                                                              renderer)
        except CrawlerError as exc:
            log.info("%s %s: rendering failed: %s", policy.slug, record.timestamp, exc)
            await asyncio.to_thread(archive.record_failure, policy.id, source=Source.WAYBACK,
                                    started_at=started, kind=check_error_kind(exc),
                                    message=f"capture {record.timestamp}: {exc}",
                                    url=record.original)
            progress.errors += 1
            progress.error_kinds[exc.kind] = progress.error_kinds.get(exc.kind, 0) + 1
            return
    if extraction is None:
        extraction = await asyncio.to_thread(
            extract_body, body, url=record.original, content_type=memento.content_type,
            charset=None if plain is None else "utf-8", select=policy.select,
            remove=policy.remove)
    capture = Capture(
        source=Source.WAYBACK, captured_at=record.captured_at, fetched_at=datetime.now(UTC),
        requested_url=record.original, final_url=memento.final_url, status=memento.status,
        content_type=memento.content_type, archive_timestamp=record.timestamp,
        render=Rendering.PLAIN if plain is None else Rendering.RENDERED, plain_body=plain,
    )
    recorded = await asyncio.to_thread(archive.record_fetch, policy.id, capture, body,
                                       extraction, started_at=started)
    if extraction.text is None:
        progress.not_policy += 1
    if recorded.outcome == Outcome.NEW_VERSION:
        progress.new_versions += 1


def _archived_shell(policy: PolicyRecord, body: bytes, content_type: str | None) -> bool:
    """A capture to render: the policy may be rendered and the capture is a script shell."""
    if policy.render == RenderMode.NEVER:
        return False
    if (content_type or "text/html").split(";")[0].strip() not in ("text/html",
                                                                   "application/xhtml+xml"):
        return False
    return detect_shell(body).is_shell


async def _rendered_capture(client: WaybackClient, policy: PolicyRecord, record: CdxRecord,
                            plain: bytes, renderer: Renderer | None
                            ) -> tuple[bytes, bytes | None, Extraction | None]:
    """(body to store, plain body kept beside it, a verdict decided here) for a shell capture:
    no browser, needs-browser; rendered but still a shell, archive-incomplete (the archive
    lacks the data its script loads), never stored as a version."""
    from crawler import EXTRACTOR_VERSION
    from policywatch.checking.rendering import render_capture
    if renderer is None or not renderer.available:  # the kind's explanation: what to install
        return plain, None, Extraction.rejected(
            ErrorKind.NEEDS_BROWSER, f"capture {record.timestamp}: {detect_shell(plain).reason}",
            extractor_version=EXTRACTOR_VERSION)
    page = await render_capture(renderer, client.base_url, record.timestamp, record.original)
    verdict = detect_shell(page.body, charset="utf-8")
    if verdict.is_shell:
        return page.body, plain, Extraction.rejected(
            ErrorKind.ARCHIVE_INCOMPLETE,
            f"capture {record.timestamp} is still a script shell after rendering "
            f"({verdict.words} words): the archive lacks the data its script loads",
            extractor_version=EXTRACTOR_VERSION)
    return page.body, plain, None
