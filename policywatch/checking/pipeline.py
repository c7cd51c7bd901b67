"""The check pipeline: fetch a live policy, extract its text, record it, emit events.

Like Open Terms Archive's Archivist: the crawler fetches and extracts, storage records
(one transaction per fetch), then hooks write alerts into the same transaction and are
told after commit so they can deliver.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from crawler import (
    CrawlerError,
    FetchResult,
    HTTPStatusError,
    LiveFetcher,
)
from policywatch.checking.checkround import CheckRound
from policywatch.checking.extraction import (
    POOL_MIN_CHECKS,
    ExtractorDied,
    Extractors,
    check_error_kind,
    pool_size,
)
from policywatch.settings import Settings
from policywatch.checking.summaries import FirstSummary, refresh_summaries
from storage import (
    Archive,
    Capture,
    ErrorKind,
    Extraction,
    LiveState,
    Outcome,
    PolicyRecord,
    RenderMode,
    Rendering,
    SnapshotRecord,
    Source,
    StorageError,
    Transaction,
    VersionHook,
)

log = logging.getLogger("policywatch.checking.pipeline")

FailureHook = Callable[[Transaction, PolicyRecord], None]


@dataclass
class Hooks:
    """Subscribers to pipeline events (alerts, feeds)."""

    on_new_version: list[VersionHook] = field(default_factory=list)
    on_check: list[FailureHook] = field(default_factory=list)
    # A live check found the policy at another URL (policywatch/checking/relocation.py): runs in the
    # transaction that moves it, so its alerts commit with the move.
    on_moved: list[Callable[[Transaction, PolicyRecord, MoveEvent], None]] = field(
        default_factory=list)
    after_commit: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    def version_hook(self) -> VersionHook | None:
        if not self.on_new_version:
            return None

        def run(tx: Transaction, event: object) -> None:
            for hook in self.on_new_version:
                hook(tx, event)  # type: ignore[arg-type]
        return run

    def check_hook(self) -> FailureHook | None:
        if not self.on_check:
            return None

        def run(tx: Transaction, policy: PolicyRecord) -> None:
            for hook in self.on_check:
                hook(tx, policy)
        return run


@dataclass(frozen=True)
class MoveEvent:
    """A policy moved: from which URL to which, how it was found, when."""

    old_url: str
    new_url: str
    how: str
    moved_at: datetime


class Dispatched(StrEnum):
    """A check handed to a worker (distributed mode) instead of run: not a stored outcome."""

    QUEUED = "queued"
    ALREADY_QUEUED = "already-queued"


@dataclass(frozen=True)
class CheckResult:
    """What one check of one policy came to, for the CLI and logs."""

    policy: PolicyRecord
    outcome: Outcome | Dispatched
    message: str = ""
    error_kind: ErrorKind | None = None
    version_number: int | None = None  # the new version's number (not the record: a batch
    # of thousands of checks must not hold every policy text)
    choice: str | None = None   # how the text was chosen on a multi-document page
    moved: str | None = None    # "moved from OLD to NEW (how)" when this check moved the policy
    render: Rendering | None = None  # rendered in a browser, or its last rendering reused

    def line(self) -> str:
        """One log/CLI line, e.g. ``example.com  new-version  version 3``.

        A failure says what went wrong in plain words first (``your selector matches
        nothing on the page: ...``), then the details.
        """
        detail = self.message if self.outcome == Outcome.ERROR else (
            f"version {self.version_number}" if self.version_number else self.message)
        if self.error_kind is not None:
            detail = f"{self.error_kind.explanation}: {detail}" if detail else (
                self.error_kind.explanation)
        if self.choice:
            detail = f"{detail}; {self.choice}"
        if self.moved:
            detail = f"{self.moved}; {detail}" if detail else self.moved
        if self.render in (Rendering.RENDERED, Rendering.REUSED):
            detail = f"{detail}; {self.render} in a browser".lstrip("; ")
        kind = f" [{self.error_kind}]" if self.error_kind else ""
        return f"{self.policy.slug}  {self.outcome}{kind}  {detail}".rstrip()


def make_fetcher(settings: Settings, *, respect_robots: bool | None = None) -> LiveFetcher:
    """A live fetcher configured from settings, guarded by the outbound address policy."""
    return LiveFetcher(
        user_agent=settings.user_agent, connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout, max_redirects=settings.max_redirects,
        max_bytes=settings.max_bytes, retries=settings.retries, backoff=settings.backoff,
        max_backoff=settings.max_backoff, per_host=settings.per_host,
        respect_robots=settings.respect_robots if respect_robots is None else respect_robots,
        addresses=settings.address_policy(),
    )


def internal_message(exc: BaseException) -> str:
    """A short, reader-safe line for an unexpected error: its type, not its details (they
    may name internal addresses or paths; the log has the traceback)."""
    if isinstance(exc, ExtractorDied):
        return str(exc)     # our own words, about the page: nothing internal in them
    return f"unexpected {type(exc).__name__} (details in the log)"


class Pipeline:
    """Checks live policies and records what it finds."""

    def __init__(self, settings: Settings, archive: Archive, *, hooks: Hooks | None = None,
                 render_now: bool = False) -> None:
        from policywatch.checking.rendering import Renderer
        self.settings = settings
        self.archive = archive
        self.hooks = hooks or Hooks()
        self.renderer = Renderer(settings)  # its browser starts on the first page needing it
        self.render_now = render_now  # re-render unchanged shells now (policywatch.checking.rendering)
        self.extractors = Extractors()  # threads; a big round brings worker processes

    async def aclose(self) -> None:
        """Close the browser and the extraction processes, if a check started them."""
        await self.renderer.aclose()
        await asyncio.to_thread(self.extractors.close)

    async def check(self, policy: PolicyRecord, fetcher: LiveFetcher, *,
                    round_: CheckRound | None = None) -> CheckResult:
        """Fetch one policy now and record the attempt; never raises for site failures.

        An unexpected error (a bug, not the site) is logged with its traceback and recorded
        as the check's ``internal`` error, so one policy never stops a batch; storage
        errors propagate (the database is down: the caller retries or stops).
        """
        started = datetime.now(UTC)
        try:
            return await self._check(policy, fetcher, started, round_)
        except StorageError:
            raise
        except Exception as exc:
            return await self.record_internal(policy, exc, started=started, source=Source.LIVE)

    async def record_internal(self, policy: PolicyRecord, exc: Exception, *, started: datetime,
                              source: Source) -> CheckResult:
        """Record an unexpected error as the check's ``internal`` error (see ``check``)."""
        log.error("%s: unexpected error during a check", policy.slug, exc_info=exc)
        message = internal_message(exc)
        check = await asyncio.to_thread(
            self.archive.record_failure, policy.id, source=source, started_at=started,
            kind=ErrorKind.INTERNAL, message=message, url=policy.url)
        return CheckResult(policy, Outcome.ERROR, message, error_kind=check.error_kind)

    async def _check(self, policy: PolicyRecord, fetcher: LiveFetcher,
                     started: datetime, round_: CheckRound | None = None) -> CheckResult:
        """One check, then, when its URL stopped giving the policy, a look for where it went."""
        from policywatch.checking.relocation import trigger_of

        result, status, fetched, previous_url = await self._fetch_and_record(policy, fetcher,
                                                                             started, round_)
        trigger = trigger_of(policy, status=status, fetched=fetched, previous_url=previous_url,
                             outcome=result.outcome if isinstance(result.outcome, Outcome) else None,
                             error_kind=result.error_kind,
                             threshold=self.settings.failure_threshold)
        if trigger is None:
            return result
        return await self._follow_move(policy, result, trigger, fetcher, fetched)

    async def _follow_move(self, policy: PolicyRecord, result: CheckResult, trigger: object,
                           fetcher: LiveFetcher, fetched: FetchResult | None) -> CheckResult:
        """Re-discover a policy whose URL stopped giving it; move it when found elsewhere."""
        from dataclasses import replace

        from policywatch.checking.moves import homepages_for
        from policywatch.checking.relocation import Trigger, domain_after_move, find_move
        assert isinstance(trigger, Trigger)
        homepages = await asyncio.to_thread(homepages_for, self.archive, policy)
        move = await find_move(policy, trigger, fetcher, fetched=fetched,
                               now=datetime.now(UTC), select=policy.select,
                               remove=policy.remove, homepages=homepages)
        if move is None:
            return result
        event = MoveEvent(move.old_url, move.new_url, move.how, move.found_at)
        hooks = self.hooks.on_moved

        def on_moved(tx: Transaction, moved: PolicyRecord, old_url: str) -> None:
            for hook in hooks:
                hook(tx, moved, event)
        moved = await asyncio.to_thread(
            self.archive.move_policy, policy.id, move.new_url, source=move.source,
            found_at=move.found_at, homepage_capture=move.homepage, reason=move.how,
            domain=domain_after_move(policy.domain, move.new_url), on_moved=on_moved)
        if moved is None:  # another process moved it first
            return result
        log.warning("%s: policy moved from %s to %s (%s)", policy.slug, move.old_url,
                    move.new_url, move.how)
        if trigger == Trigger.REDIRECT_TO_POLICY:
            await self._after_commit()
            return replace(result, policy=moved,
                           moved=f"moved from {move.old_url} to {move.new_url} ({move.how})")
        recorded = await self.record(moved, move.page, started=datetime.now(UTC), last_sha=None)
        return replace(recorded, moved=f"moved from {move.old_url} to {move.new_url} "
                                       f"({move.how})")

    async def _fetch_and_record(
            self, policy: PolicyRecord, fetcher: LiveFetcher,
            started: datetime, round_: CheckRound | None = None
    ) -> tuple[CheckResult, int | None, FetchResult | None, str | None]:
        """The check itself, with the failed status (if any), the page fetched and where
        the previous live check's fetch ended (its final URL).

        In a round (``check_many``) the last live snapshot was read up front, and a check
        that finds it again is written with the round's others (checking/checkround.py).
        """
        last: SnapshotRecord | LiveState | None = (
            round_.last(policy) if round_ is not None else await asyncio.to_thread(
                self.archive.last_snapshot, policy.id, source=Source.LIVE))
        try:
            fetched = await fetcher.fetch(
                policy.url,
                etag=last.etag if last else None,
                last_modified=last.last_modified if last else None,
            )
        except CrawlerError as exc:
            check = await asyncio.to_thread(
                self.archive.record_failure, policy.id, source=Source.LIVE, started_at=started,
                kind=check_error_kind(exc), message=str(exc), url=policy.url)
            await self._finish(policy)
            return (CheckResult(policy, Outcome.ERROR, str(exc), error_kind=check.error_kind),
                    exc.status if isinstance(exc, HTTPStatusError) else None, None,
                    last.final_url if last else None)
        if isinstance(last, LiveState):
            assert round_ is not None  # only a round reads the states up front
            # In a round: a page that gives what the last plain fetch gave is written with
            # the round's others (a rendered page goes on to the render rule below).
            outcome = None
            if not last.rendered and not self.render_now:
                outcome = (Outcome.NOT_MODIFIED if fetched.not_modified else Outcome.UNCHANGED
                           if hashlib.sha256(fetched.body).hexdigest() == last.body_sha256
                           else None)
            if outcome is not None and await round_.unchanged(policy, outcome,
                                                               started_at=started):
                return (CheckResult(policy, outcome, "304 Not Modified"
                                    if fetched.not_modified else "same body"), None,
                        None if fetched.not_modified else fetched, last.final_url)
            # Not that simple (rendered, no text, broken, or recorded meanwhile): the full
            # path, from the snapshot as it is now.
            last = await asyncio.to_thread(self.archive.last_snapshot, policy.id,
                                           source=Source.LIVE)
        extraction: Extraction | None = None
        if policy.render != RenderMode.NEVER:
            from policywatch.checking.rendering import plain_unchanged
            if (policy.render == RenderMode.AUTO and not fetched.not_modified
                    and not plain_unchanged(fetched, last)):
                # A new plain page is extracted first: enough text says it is no script
                # shell (checking/rendering.py), and the extraction is the one stored.
                extraction = await self._extract(policy, fetched)
            rendered = await self._render_step(policy, fetcher, fetched, last, started,
                                               plain_extraction=extraction)
            if rendered is not None:
                return (rendered, None, None if fetched.not_modified else fetched,
                        last.final_url if last else None)
        if fetched.not_modified:
            check = await asyncio.to_thread(self.archive.record_not_modified, policy.id,
                                            started_at=started, url=policy.url)
            await self._finish(policy, check.outcome, check.error_kind)
            return (CheckResult(policy, Outcome.NOT_MODIFIED, "304 Not Modified",
                                error_kind=check.error_kind), None, None,
                    last.final_url if last else None)
        return (await self.record(policy, fetched, started=started,
                                  last_sha=last.body_sha256 if last else None,
                                  extraction=extraction), None, fetched,
                last.final_url if last else None)

    async def _render_step(self, policy: PolicyRecord, fetcher: LiveFetcher,
                           fetched: FetchResult, last: SnapshotRecord | None,
                           started: datetime, *, plain_extraction: Extraction | None = None
                           ) -> CheckResult | None:
        """Render, reuse the last rendering, or say a browser is needed; None: the plain
        path as before (``policywatch.checking.rendering`` states the rule)."""
        from dataclasses import replace

        from crawler import detect_shell
        from policywatch.checking.rendering import Step, decide, refresh_interval
        step = decide(RenderMode(policy.render), fetched, last,
                      browser=self.renderer.available, now=datetime.now(UTC),
                      refresh=refresh_interval(self.settings), render_now=self.render_now,
                      plain_text=plain_extraction.text if plain_extraction else None)
        if step == Step.PLAIN or (step == Step.REUSE and fetched.not_modified):
            return None
        plain = fetched.body
        if fetched.not_modified:  # a 304: the plain body and status are the last ones
            assert last is not None
            plain = await asyncio.to_thread(self.archive.body,
                                            last.plain_body_sha256 or last.body_sha256)
            fetched = replace(fetched, status=last.status)
        if step == Step.REUSE:
            assert last is not None
            body = await asyncio.to_thread(self.archive.body, last.body_sha256)
            return await self.record(policy, replace(fetched, body=body), started=started,
                                     last_sha=last.body_sha256, render=Rendering.REUSED,
                                     plain_body=plain)
        if step == Step.NEEDS_BROWSER:  # the kind's explanation says what to install
            from crawler import EXTRACTOR_VERSION
            rejected = Extraction.rejected(
                ErrorKind.NEEDS_BROWSER, detect_shell(plain, charset=fetched.charset).reason,
                extractor_version=EXTRACTOR_VERSION)
            return await self.record(policy, replace(fetched, body=plain, not_modified=False),
                                     started=started, last_sha=None, extraction=rejected)
        try:
            page = await self.renderer.render(fetched.final_url, fetcher)
        except CrawlerError as exc:
            check = await asyncio.to_thread(
                self.archive.record_failure, policy.id, source=Source.LIVE, started_at=started,
                kind=check_error_kind(exc), message=str(exc), url=policy.url)
            await self._finish(policy)
            return CheckResult(policy, Outcome.ERROR, str(exc), error_kind=check.error_kind)
        result = replace(fetched, final_url=page.final_url, body=page.body,
                         content_type="text/html", charset="utf-8", not_modified=False,
                         fetched_at=page.fetched_at,
                         etag=fetched.etag or (last.etag if last else None),
                         last_modified=fetched.last_modified or (
                             last.last_modified if last else None))
        return await self.record(policy, result, started=started,
                                 last_sha=last.body_sha256 if last else None,
                                 render=Rendering.RENDERED, plain_body=plain)

    async def _extract(self, policy: PolicyRecord, fetched: FetchResult) -> Extraction:
        """The fetched body's extraction with the policy's select/remove rules."""
        return await self.extractors.extract(policy, fetched)

    async def record(self, policy: PolicyRecord, fetched: FetchResult, *, started: datetime,
                     last_sha: str | None, render: Rendering = Rendering.PLAIN,
                     plain_body: bytes | None = None,
                     extraction: Extraction | None = None) -> CheckResult:
        """Extract and store a fetched body (skipping extraction when the body is unchanged).

        A rendered body comes with the plain fetch's (``plain_body``); a given
        ``extraction`` (a needs-browser rejection) is stored instead of extracting.
        """
        if extraction is None and hashlib.sha256(fetched.body).hexdigest() != last_sha:
            extraction = await self._extract(policy, fetched)
        capture = Capture(
            source=Source.LIVE, captured_at=fetched.fetched_at, fetched_at=fetched.fetched_at,
            requested_url=fetched.requested_url, final_url=fetched.final_url,
            status=fetched.status, content_type=fetched.content_type, etag=fetched.etag,
            last_modified=fetched.last_modified, render=render, plain_body=plain_body,
        )
        summarized: set[int] = set()
        recorded = await asyncio.to_thread(
            self.archive.record_fetch, policy.id, capture, fetched.body, extraction,
            started_at=started, on_new_version=FirstSummary(self.hooks.version_hook(), summarized))
        new = recorded.new_versions
        first = bool(new) and {v.id for v in new} <= summarized  # a first version: no change
        if new and not (first and extraction is not None and extraction.language is not None):
            await asyncio.to_thread(refresh_summaries, self.archive, policy.id)
        await self._finish(policy, recorded.outcome, recorded.check.error_kind,
                           news=bool(new) and not first)
        version = recorded.new_versions[-1].number if recorded.new_versions else None
        message = recorded.check.error_message or ("body changed, same text"
                                                   if recorded.snapshot else "same body")
        choice = extraction.note if extraction is not None and extraction.text else None
        return CheckResult(policy, recorded.outcome, message,
                           error_kind=recorded.check.error_kind, version_number=version,
                           choice=choice, render=render if render != Rendering.PLAIN else None)

    async def _finish(self, policy: PolicyRecord, outcome: Outcome | None = None,
                      error_kind: ErrorKind | None = None, *, news: bool = False) -> None:
        """After a check is recorded: tracking-state hooks, then after-commit delivery.

        A healthy check (a text found: new, the same, or 304) of a policy not marked broken
        changes no tracking state, so the hooks are skipped; unless it recorded ``news`` (a
        version after another: a change alerts may have been written for), it wrote no
        alert either, so there is nothing to deliver: the unchanged path is one read and
        one small write (``check_many`` delivers once at the end for alerts that came due
        meanwhile).
        """
        healthy = (outcome in (Outcome.UNCHANGED, Outcome.NOT_MODIFIED, Outcome.NEW_VERSION)
                   and error_kind is None and policy.broken_since is None)
        if not healthy:
            await self._run_check_hooks(policy)
        if not healthy or news:
            await self._after_commit()

    async def _run_check_hooks(self, policy: PolicyRecord) -> None:
        """Let hooks see the policy's tracking state after a check (broken / recovered)."""
        hook = self.hooks.check_hook()
        if hook is None:
            return

        await asyncio.to_thread(self.archive.in_transaction, policy.id, hook)

    async def _after_commit(self) -> None:
        for hook in self.hooks.after_commit:
            try:
                await hook()
            except Exception:  # delivery problems must never fail a check
                log.exception("after-commit hook failed")

    async def _isolated(self, policy: PolicyRecord, fetcher: LiveFetcher,
                        round_: CheckRound) -> CheckResult:
        """``check``, retried once after a database error (a dropped connection); a
        policy whose check still fails is reported, and the batch goes on."""
        for attempt in (1, 2):
            try:
                return await self.check(policy, fetcher, round_=round_)
            except StorageError as exc:
                log.warning("%s: database error during a check (attempt %d): %s",
                            policy.slug, attempt, exc)
                error: Exception = exc
            except Exception as exc:  # recording the internal error failed too
                log.error("%s: check failed", policy.slug, exc_info=exc)
                error = exc
                break
        return CheckResult(policy, Outcome.ERROR, f"not recorded: {internal_message(error)}",
                           error_kind=ErrorKind.INTERNAL)

    async def check_many(self, policies: list[PolicyRecord], *, concurrency: int | None = None,
                         on_result: Callable[[CheckResult], None] | None = None,
                         respect_robots: bool | None = None,
                         keep: bool = True) -> list[CheckResult]:
        """Check policies concurrently (global limit + the fetcher's per-host limit).

        ``keep=False`` returns an empty list: results go to ``on_result`` only, so a run
        over any number of policies holds none of them.
        """
        limit = asyncio.Semaphore(concurrency or self.settings.concurrency)
        results: list[CheckResult] = []
        self.extractors = Extractors(pool_size(self.settings.extract_processes, len(policies)))
        try:
            round_ = await CheckRound.start(self.archive, policies)
            if round_.unfetched >= POOL_MIN_CHECKS:
                # Pages sure to be new: the workers get ready while the first ones are
                # fetched (else they start with the first page that needs them).
                self.extractors.start()
            async with make_fetcher(self.settings, respect_robots=respect_robots) as fetcher:

                async def one(policy: PolicyRecord) -> None:
                    async with limit:
                        result = await self._isolated(policy, fetcher, round_)
                    if keep:
                        results.append(result)
                    if log.isEnabledFor(logging.INFO):
                        log.info("%s", result.line())
                    if on_result:
                        on_result(result)

                await asyncio.gather(*(one(p) for p in policies))
        finally:
            await self.aclose()
            self.extractors = Extractors()  # later single checks: threads again
        await self._after_commit()  # alerts that came due during unchanged checks
        return results
