"""Corpus building: for every domain of a list, its policy's history from archived homepages.

The Princeton-Leuven way: per domain, the archived homepages at an interval give the
policy link of each era (``policywatch.checking.moves``), every URL is backfilled over its era into
one timeline (a policy per domain, tagged ``corpus`` and paused, so the scheduler never
checks it live), and each version is written as a seed file ``DIR/DOMAIN/YYYY-MM-DD.md``.

Resumable: each finished domain is appended to ``DIR/done.jsonl`` with its index rows (or
why no policy was found), and a re-run skips those domains; a domain cut short is done
again, and its backfill skips the captures already stored. ``DIR/index.jsonl`` and
``DIR/no-policy.jsonl`` are rewritten from ``done.jsonl`` at the end of every run.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler import WaybackClient, public_snapshot_url
from policywatch.services.documents import version_document
from policywatch.checking.moves import UrlSource, backfill_following_moves, sightings, spans_of
from storage import Archive, PolicyRecord

TAG = "corpus"
DONE = "done.jsonl"
INDEX = "index.jsonl"
NO_POLICY = "no-policy.jsonl"


def read_domains(lines: Iterable[str]) -> list[str]:
    """Domains of a list, one a line (URLs accepted; ``#`` comments and blanks skipped),
    lowercased, without ``www.``, each once, in order."""
    seen: dict[str, None] = {}
    for line in lines:
        text = line.split("#", 1)[0].strip().lower()
        if not text:
            continue
        if "://" in text:
            text = text.split("://", 1)[1]
        text = text.split("/", 1)[0].removeprefix("www.")
        if text:
            seen.setdefault(text, None)
    return list(seen)


@dataclass
class CorpusProgress:
    """Counts for the progress bar and the final line."""

    domains: int = 0
    done: int = 0
    skipped: int = 0
    captures: int = 0
    files: int = 0
    no_policy: list[tuple[str, str]] = field(default_factory=list)
    # --distributed: jobs queued by this run, jobs still waiting or running, and domains
    # whose job failed or was cancelled (queued again by the next run).
    queued: int = 0
    pending: int = 0
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = (f"{self.done} domains done ({self.skipped} from an earlier run), "
                f"{self.captures} captures fetched, {self.files} files written, "
                f"{len(self.no_policy)} without a policy")
        if self.pending:
            text += f", {self.pending} still queued"
        if self.failed:
            text += f", {len(self.failed)} failed"
        return text


def done_domains(directory: Path) -> dict[str, dict[str, Any]]:
    """Finished domains of earlier runs (the last entry of a domain wins)."""
    path = directory / DONE
    if not path.is_file():
        return {}
    finished: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill: that domain is done again
        finished[entry["domain"]] = entry
    return finished


def record_done(directory: Path, entry: dict[str, Any]) -> None:
    """Append a finished domain to ``DIR/done.jsonl`` (flushed to disk: a kill loses at
    most the line being written, and that domain is done again)."""
    with (directory / DONE).open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        out.flush()
        os.fsync(out.fileno())


def write_indexes(directory: Path, domains: list[str],
                  finished: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """Rewrite ``index.jsonl`` and ``no-policy.jsonl`` for ``domains`` from the finished
    entries, in the list's order; returns the domains without a policy and why."""
    no_policy = [(d, finished[d]["reason"]) for d in domains
                 if d in finished and finished[d].get("status") == "no-policy"]
    _write_lines(directory / INDEX, (row for d in domains if d in finished
                                     for row in finished[d].get("rows", [])))
    _write_lines(directory / NO_POLICY, ({"domain": d, "reason": r} for d, r in no_policy))
    return no_policy


async def build_corpus(archive: Archive, client: WaybackClient, domains: list[str],
                       directory: Path, *, from_: str | None, to: str | None, every: str,
                       on_progress: Callable[[CorpusProgress, str], None] | None = None
                       ) -> CorpusProgress:
    """Build (or resume) a corpus in ``directory``; returns the counts."""
    directory.mkdir(parents=True, exist_ok=True)
    finished = done_domains(directory)
    progress = CorpusProgress(domains=len(domains))
    for domain in domains:
        if domain in finished:
            progress.done += 1
            progress.skipped += 1
            continue
        if on_progress:
            on_progress(progress, domain)
        found = await collect_domain(archive, client, domain, from_=from_, to=to, every=every)
        progress.captures += found.captures
        entry = await asyncio.to_thread(export_domain, archive, found, directory)
        progress.files += len(entry.get("rows", []))
        record_done(directory, entry)
        finished[domain] = entry
        progress.done += 1
        if on_progress:
            on_progress(progress, domain)
    progress.no_policy = write_indexes(directory, domains, finished)
    return progress


@dataclass(frozen=True)
class DomainResult:
    """What the archive gave for one domain: its corpus policy (``slug``) and the policy
    URLs its homepages linked to, or why no policy was found (``reason``)."""

    domain: str
    slug: str | None
    urls: list[str]
    captures: int  # captures fetched from the Wayback Machine
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "slug": self.slug, "urls": self.urls,
                "captures": self.captures, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DomainResult:
        return cls(data["domain"], data.get("slug"), list(data.get("urls") or []),
                   int(data.get("captures") or 0), data.get("reason"))


async def collect_domain(archive: Archive, client: WaybackClient, domain: str, *,
                         from_: str | None, to: str | None, every: str) -> DomainResult:
    """Walk the domain's archived homepage and backfill every policy URL it linked to into
    the domain's corpus policy (what a ``corpus --distributed`` job runs on a worker)."""
    homepage = f"https://{domain}/"
    found, errors = await sightings(client, [homepage], from_=from_, to=to, every=every)
    spans = spans_of(found)
    if not spans:
        if found:
            reason = f"no privacy-policy link on {len(found)} archived homepage capture(s)"
        elif errors:
            reason = errors[0]
        else:
            reason = "the Wayback Machine has no capture of the homepage in the period"
        return DomainResult(domain, None, [], 0, reason)
    policy = await asyncio.to_thread(_corpus_policy, archive, domain, spans[-1].url)
    for span in spans:  # found on the homepage, not given: noted before the backfill would
        await asyncio.to_thread(
            archive.note_url, policy.id, span.url, source=UrlSource.HOMEPAGE,
            found_at=span.first.captured_at, homepage_capture=span.first.wayback_url,
            reason=span.first.reason)
    result = await backfill_following_moves(archive, client, policy, from_=from_, to=to,
                                            every=every, homepages=[homepage],
                                            found=(found, errors))
    return DomainResult(domain, policy.slug, [span.url for span in spans],
                        sum(p.fetched for p in result.progress.values()))


def export_domain(archive: Archive, found: DomainResult, directory: Path) -> dict[str, Any]:
    """Write a collected domain's seed files; its ``done.jsonl`` entry (with index rows)."""
    if found.slug is None:
        return {"domain": found.domain, "status": "no-policy", "reason": found.reason}
    policy = archive.policy(found.slug)
    rows = _export(archive, policy, found.domain, directory)
    return {"domain": found.domain, "status": "done", "slug": policy.slug,
            "urls": found.urls, "rows": rows}


def _corpus_policy(archive: Archive, domain: str, url: str) -> PolicyRecord:
    """The domain's corpus policy, slug ``corpus-DOMAIN`` (made on the first run, paused:
    never checked live); looked up by slug, so a list of 100,000 domains stays linear."""
    from storage import Conflict, NotFound, slugify

    slug = f"{TAG}-{slugify(domain, url)}"
    try:
        return archive.policy(slug)
    except NotFound:
        pass
    try:
        policy = archive.add_policy(name=domain, url=url, domain=domain, slug=slug, tags=(TAG,))
    except Conflict:
        # The URL is tracked already (by the user): build the corpus from that policy.
        return next(p for p in archive.policies() if p.url == url)
    return archive.update_policy(policy.slug, active=False)


def _export(archive: Archive, policy: PolicyRecord, domain: str,
            directory: Path) -> list[dict[str, Any]]:
    """Write the policy's archived versions as seed files; the index rows of what was written."""
    folder = directory / domain
    folder.mkdir(parents=True, exist_ok=True)
    used: dict[str, int] = {}
    rows: list[dict[str, Any]] = []
    for version in archive.versions(policy.id):
        if not version.archive_timestamp:
            continue  # a live version of a policy the user also tracks: not the archive's
        day = version.captured_at.strftime("%Y-%m-%d")
        used[day] = used.get(day, 0) + 1
        name = day if used[day] == 1 else f"{day}_{used[day] - 1}"
        path = folder / f"{name}.md"
        _write_atomic(path, version_document(policy, version))
        rows.append({"domain": domain, "date": day, "policy_url": version.url,
                     "wayback_url": public_snapshot_url(version.archive_timestamp, version.url),
                     "sha256": version.text_sha256, "file": f"{domain}/{name}.md"})
    return rows


def _write_atomic(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _write_lines(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    _write_atomic(path, "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows))
