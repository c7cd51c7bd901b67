"""Extracting fetched bodies: the rule (``extract_body``) and where a check runs it.

``extract_body`` turns a body into the stored ``Extraction`` (a text, or a rejection
saying why there is none). A live check also detects the text's language and counts its
words, so a new version is stored labelled (``extract_for_check``).

``Extractors`` runs a check's extraction in a thread of the checking process, or, for a
round of many checks on a machine with more than one core, in ``extract_processes``
worker processes: extraction and language detection are most of a round's CPU when
pages are new, and threads of one interpreter share one core. A worker that dies (a page
that crashes the parser, the memory limit) is replaced and the page tried once more in a
process of its own; dying again, its check fails with that reason instead of taking
the round down with it.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import partial

from crawler import CrawlerError, ExtractionError, FetchResult
from storage import ErrorKind, Extraction, PolicyRecord, count_words

log = logging.getLogger("policywatch.checking.extraction")

# A round with fewer checks than this extracts in threads: starting worker processes
# (an interpreter and the extractor's imports each) costs more than they would save.
POOL_MIN_CHECKS = 20


class ExtractorDied(RuntimeError):
    """The worker process extracting a page died twice on it."""


def check_error_kind(exc: CrawlerError) -> ErrorKind:
    """The stored kind of a crawler failure: an extraction's reason, else the error's kind.

    The crawler's ``ErrorKind`` and ``Reason`` and storage's ``ErrorKind`` share their
    values; a crawler kind storage does not know is a bug (tests/policywatch/test_outcomes.py).
    """
    if isinstance(exc, ExtractionError):
        return ErrorKind(exc.reason.value)
    return ErrorKind(exc.kind.value)


def extract_body(body: bytes, *, url: str, content_type: str | None, charset: str | None,
                 select: str | None, remove: str | None) -> Extraction:
    """Run the extractor: the policy's text, or a rejection saying why there is none."""
    # Imported on first use: a round where nothing changed never loads the extractor.
    from crawler import EXTRACTOR_VERSION, extract_policy

    try:
        result = extract_policy(body, url=url, content_type=content_type or "text/html",
                                charset=charset, select=select, remove=remove)
    except ExtractionError as exc:  # NotAPolicy included
        return Extraction.rejected(check_error_kind(exc), str(exc),
                                   extractor_version=EXTRACTOR_VERSION)
    return Extraction(text=result.text, extractor_version=result.extractor_version,
                      identity=result.identity, note=result.note or None)


def extract_for_check(body: bytes, *, url: str, content_type: str | None, charset: str | None,
                      select: str | None, remove: str | None) -> Extraction:
    """``extract_body``, with the text's language (``und``: undetermined) and word count:
    what a new version stores, computed where the extraction ran."""
    extraction = extract_body(body, url=url, content_type=content_type, charset=charset,
                              select=select, remove=remove)
    if extraction.text is None:
        return extraction
    from diffing import detect_language

    return replace(extraction, language=detect_language(extraction.text) or "und",
                   words=count_words(extraction.text))


def pool_size(setting: int | None, checks: int) -> int:
    """Worker processes for a round of ``checks`` checks: 0 extracts in threads.

    ``setting`` None means one per core beyond the checking process's own.
    """
    if checks < POOL_MIN_CHECKS:
        return 0
    if setting is None:
        setting = (os.cpu_count() or 1) - 1
    return max(0, min(setting, checks))


def _worker_ready() -> None:
    """A worker's start: the extractor imported and the language model loaded before the
    first page reaches it (about a second of CPU, while the checking process starts)."""
    from crawler import extract_policy  # noqa: F401  (the import is the work)
    from policywatch.checking.summaries import warm_up

    warm_up()


class Extractors:
    """Runs check extractions in threads, or in a pool of ``processes`` worker processes."""

    def __init__(self, processes: int = 0, *,
                 work: Callable[..., Extraction] = extract_for_check) -> None:
        self._processes = processes
        self._work = work  # a module-level function (worker processes import it by name)
        self._pool: ProcessPoolExecutor | None = None
        # Pages tried again after a worker died: one at a time, in a process of their own.
        self._alone = asyncio.Lock()
        self._single: ProcessPoolExecutor | None = None

    async def extract(self, policy: PolicyRecord, fetched: FetchResult) -> Extraction:
        """The fetched body's extraction with the policy's select/remove rules."""
        call = partial(self._work, fetched.body, url=fetched.final_url,
                       content_type=fetched.content_type, charset=fetched.charset,
                       select=policy.select, remove=policy.remove)
        if not self._processes:
            return await asyncio.to_thread(call)
        loop = asyncio.get_running_loop()
        pool = self._started()
        try:
            return await loop.run_in_executor(pool, call)
        except BrokenProcessPool:
            # Every page in flight sees the pool break, the one that broke it too: each is
            # tried again alone, in a process of its own, so only that one fails again.
            self._replace(pool)
            log.warning("%s: an extraction worker died; trying the page again alone",
                        policy.slug)
        async with self._alone:
            if self._single is None:
                self._single = ProcessPoolExecutor(1, mp_context=self._context())
            try:
                return await loop.run_in_executor(self._single, call)
            except BrokenProcessPool:
                self._single.shutdown(wait=False)
                self._single = None
                raise ExtractorDied("the extractor's process died on this page, twice") from None

    def start(self) -> None:
        """Start the worker processes now, not with the first page that needs them."""
        if self._processes:
            self._started()

    def close(self) -> None:
        """Stop the worker processes (none were started if no page needed them)."""
        for pool in (self._pool, self._single):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._pool = self._single = None

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self._processes, mp_context=self._context(),
                                             initializer=_worker_ready)
            for _ in range(self._processes):  # the pool starts a process per task waiting
                self._pool.submit(int)
        return self._pool

    @staticmethod
    def _context() -> multiprocessing.context.BaseContext:
        # forkserver: the checking process has threads (SQLite writes, DNS), and a fork
        # would copy whatever locks they held.
        methods = multiprocessing.get_all_start_methods()
        return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        if self._pool is broken:
            broken.shutdown(wait=False, cancel_futures=True)
            self._pool = None
