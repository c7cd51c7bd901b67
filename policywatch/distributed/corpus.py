"""``corpus --distributed``: one queued job per domain, the export on the command's machine.

The command records each domain of a corpus in the ``corpus_job`` table (the corpus is
named by its output folder) and queues a ``corpus`` job for it; a worker's job walks the
domain's archived homepage and backfills its policy (``policywatch.checking.corpus.collect_domain``,
under the deployment-wide Wayback limits of the worker's client) and writes what it found
to the domain's row. The command reads those rows for its progress and exports each
finished domain itself (seed files, ``done.jsonl``, the indexes), so the folder only has
to exist where the command runs.

Resumable at both ends: a domain whose row is finished is never queued again, a domain
whose job is waiting or running is not queued twice, and one whose job failed (or was
cancelled) is queued again by the next run.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from procrastinate import App
from procrastinate.exceptions import AlreadyEnqueued

from policywatch.checking.corpus import (
    CorpusProgress,
    DomainResult,
    collect_domain,
    done_domains,
    export_domain,
    record_done,
    write_indexes,
)
from policywatch.distributed.app import conninfo
from policywatch.distributed.errors import QueueUnavailable
from policywatch.distributed.jobs import CORPUS, QUEUES
from policywatch.settings import Settings
from storage import Archive

if TYPE_CHECKING:
    from policywatch.distributed.runtime import WorkerRuntime

log = logging.getLogger("policywatch.worker")


_TABLE = """
CREATE TABLE IF NOT EXISTS corpus_job (
    corpus text NOT NULL,
    domain text NOT NULL,
    status text NOT NULL DEFAULT 'queued',  -- queued | done | no-policy
    result jsonb,                           -- DomainResult.to_dict() once finished
    captures integer NOT NULL DEFAULT 0,
    queued_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    PRIMARY KEY (corpus, domain)
)
"""
# Key of the advisory lock taken while the table is created (two commands may race).
_TABLE_LOCK = 0x70770016

# Domains not finished yet, each with whether its job waits or runs (both by an index of
# procrastinate's: the waiting job's queueing lock, the running job's lock).
_OPEN = """
SELECT c.domain,
       EXISTS (SELECT 1 FROM procrastinate_jobs j
                WHERE j.status = 'todo' AND j.queueing_lock = 'corpus:' || c.corpus || ':' || c.domain)
    OR EXISTS (SELECT 1 FROM procrastinate_jobs j
                WHERE j.status = 'doing' AND j.lock = 'corpus-domain:' || c.domain
                  AND j.args->>'corpus' = c.corpus)
  FROM corpus_job c
 WHERE c.corpus = %(corpus)s AND c.status = 'queued'
"""
# Domains finished since a moment (the last poll's latest), and the corpus's captures.
_FINISHED = """
SELECT domain, result, finished_at FROM corpus_job
 WHERE corpus = %(corpus)s AND status <> 'queued' AND finished_at >= %(since)s
"""
_CAPTURES = "SELECT coalesce(sum(captures), 0) FROM corpus_job WHERE corpus = %(corpus)s"

_FINISH = """
UPDATE corpus_job SET status = %(status)s, result = %(result)s::jsonb, captures = %(captures)s,
       finished_at = now()
 WHERE corpus = %(corpus)s AND domain = %(domain)s
"""


def corpus_lock(domain: str) -> str:
    """One job at a time per domain (two corpora of one domain share its corpus policy)."""
    return f"corpus-domain:{domain}"


def corpus_queueing_lock(corpus: str, domain: str) -> str:
    return f"corpus:{corpus}:{domain}"


def ensure_corpus_table(dsn: str) -> None:
    """Create ``corpus_job`` unless present."""
    try:
        with psycopg.connect(dsn, connect_timeout=10) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_TABLE_LOCK,))
            conn.execute(_TABLE)
    except psycopg.Error as exc:
        raise QueueUnavailable(f"cannot set up the corpus table: {_first_line(exc)}") from exc


@dataclass
class CorpusState:
    """Where a distributed corpus stands, from its rows and their jobs."""

    finished: dict[str, DomainResult] = field(default_factory=dict)  # since the moment asked
    latest: datetime = datetime.min.replace(tzinfo=UTC)  # the newest finish among them
    pending: set[str] = field(default_factory=set)   # a job waits or runs
    stuck: set[str] = field(default_factory=set)     # queued, but no job left (failed, cancelled)
    captures: int = 0


def read_state(dsn: str, corpus: str, *,
               since: datetime = datetime.min.replace(tzinfo=UTC)) -> CorpusState:
    """The corpus's domains finished since ``since`` (all by default), and the open ones."""
    state = CorpusState(latest=since)
    try:
        with psycopg.connect(dsn, connect_timeout=10) as conn:
            finished = conn.execute(_FINISHED, {"corpus": corpus, "since": since}).fetchall()
            open_ = conn.execute(_OPEN, {"corpus": corpus}).fetchall()
            row = conn.execute(_CAPTURES, {"corpus": corpus}).fetchone()
    except psycopg.Error as exc:
        raise QueueUnavailable(f"cannot read the corpus jobs: {_first_line(exc)}") from exc
    for domain, result, finished_at in finished:
        state.finished[domain] = DomainResult.from_dict(result)
        state.latest = max(state.latest, finished_at)
    for domain, pending in open_:
        (state.pending if pending else state.stuck).add(domain)
    state.captures = int(row[0]) if row else 0
    return state


async def queue_domains(app: App, dsn: str, corpus: str, domains: Iterable[str], *,
                        from_: str | None, to: str | None, every: str) -> int:
    """Record the domains of a corpus and queue a job for each that is neither finished
    nor waiting; returns the number of jobs queued."""
    wanted = list(dict.fromkeys(domains))
    try:
        with psycopg.connect(dsn, connect_timeout=10) as conn, conn.transaction():
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO corpus_job (corpus, domain) VALUES (%s, %s) "
                    "ON CONFLICT DO NOTHING", [(corpus, d) for d in wanted])
    except psycopg.Error as exc:
        raise QueueUnavailable(f"cannot record the corpus jobs: {_first_line(exc)}") from exc
    state = read_state(dsn, corpus)
    todo = [d for d in wanted if d in state.stuck]
    queued = 0
    batch = 500
    for start in range(0, len(todo), batch):
        chunk = todo[start:start + batch]
        # By name: queueing needs nothing of the worker (distributed/jobs.py).
        jobs = [app.configure_task(CORPUS, queue=QUEUES[CORPUS], lock=corpus_lock(d),
                                   queueing_lock=corpus_queueing_lock(corpus, d))
                .make_new_job(corpus=corpus, domain=d, from_=from_, to=to, every=every)
                for d in chunk]
        try:
            await app.job_manager.batch_defer_jobs_async(jobs)
            queued += len(jobs)
        except AlreadyEnqueued:  # one was queued meanwhile by another run: one at a time
            for job in jobs:
                try:
                    await app.job_manager.defer_job_async(job)
                    queued += 1
                except AlreadyEnqueued:
                    pass
    return queued


async def build_distributed(settings: Settings, archive: Archive, domains: list[str],
                            directory: Path, *, from_: str | None, to: str | None, every: str,
                            wait: bool = True, poll: float = 1.0,
                            on_progress: Callable[[CorpusProgress], None] | None = None
                            ) -> CorpusProgress:
    """``corpus --distributed``: queue the domains not done yet, then (``wait``: until no
    job of the corpus is waiting or running) export each domain a worker finished."""
    from policywatch.distributed.app import ensure_schema, make_app

    dsn = conninfo(settings.database_url)
    directory.mkdir(parents=True, exist_ok=True)
    corpus = str(directory.resolve())
    finished = done_domains(directory)
    progress = CorpusProgress(domains=len(domains))
    progress.skipped = sum(1 for d in domains if d in finished)
    rest = [d for d in domains if d not in finished]
    if rest:
        ensure_schema(settings)
        ensure_corpus_table(dsn)
        app = make_app(settings)
        async with app.open_async():
            progress.queued = await queue_domains(app, dsn, corpus, rest, from_=from_, to=to,
                                                  every=every)
    since = CorpusState().latest
    wanted = set(rest)
    while True:
        state = (await asyncio.to_thread(read_state, dsn, corpus, since=since) if rest
                 else CorpusState())
        since = state.latest  # a finish at the same moment is read again, and skipped
        for domain, found in state.finished.items():
            if domain not in wanted or domain in finished:
                continue
            entry = await asyncio.to_thread(export_domain, archive, found, directory)
            record_done(directory, entry)
            finished[domain] = entry
            progress.files += len(entry.get("rows", []))
        progress.done = sum(1 for d in domains if d in finished)
        progress.captures = state.captures
        progress.pending = len(state.pending & wanted)
        progress.failed = sorted(state.stuck & wanted)
        if on_progress:
            on_progress(progress)
        if not wait or not progress.pending:
            break
        await asyncio.sleep(poll)
    progress.no_policy = write_indexes(directory, domains, finished)
    return progress


async def run_corpus_job(runtime: WorkerRuntime, app: App, corpus: str, domain: str, *,
                         from_: str | None, to: str | None, every: str) -> str:
    """A worker's job: collect one domain into its corpus policy and record the result."""
    found = await collect_domain(runtime.archive, runtime.wayback, domain, from_=from_, to=to,
                                 every=every)
    await app.connector.execute_query_async(
        _FINISH, status="done" if found.slug else "no-policy",
        result=json.dumps(found.to_dict()), captures=found.captures, corpus=corpus,
        domain=domain)
    if found.slug is None:
        line = f"corpus {domain}: no policy ({found.reason})"
    else:
        line = (f"corpus {domain}: {len(found.urls)} policy URL(s), "
                f"{found.captures} captures fetched")
    log.info("%s", line)
    return line


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
