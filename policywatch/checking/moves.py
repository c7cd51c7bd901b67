"""A policy across URL moves: which URL a site's homepage linked to, when.

The Princeton-Leuven way round: walk the archived homepages of the policy's site at an
interval, find the privacy-policy link in each capture (the same discovery as ``add
DOMAIN``), and backfill each distinct policy URL over the span in which the homepage linked
to it, widened by one interval each side (a link usually appears a little after the page
does and lingers a little after it moved). Every capture goes into the policy's one
timeline; versions are decided by text identity, so a move with the same text makes none.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from crawler import (
    CdxRecord,
    CrawlerError,
    WaybackClient,
    find_policy_links,
    sample_captures,
    split_wayback_url,
)
from policywatch.checking.backfill import BackfillProgress, backfill_policy
from policywatch.intervals import calendar_days, sampling_period
from storage import Archive, PolicyRecord

log = logging.getLogger("policywatch.checking.moves")

DEFAULT_EVERY = "6mo"  # the Princeton-Leuven corpus's interval


def site_key(host: str) -> str:
    """Rough registrable domain ("www.shop.example.co.uk" -> "example.co.uk"), as discovery's."""
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in {
            "co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gob", "nic"}:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def site_of(host: str) -> str:
    """The registrable domain of a host name; an IP address is its own site."""
    return host if _is_ip(host) else site_key(host)


def homepages_of(url: str) -> list[str]:
    """Site roots to look for the policy link on: the policy's host, then its registrable domain."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = f":{parts.port}" if parts.port else ""
    scheme = parts.scheme or "https"
    roots = [f"{scheme}://{host}{port}/"]
    site = site_of(host)
    if site != host.removeprefix("www."):  # CDX folds www.: site and www.site are one search
        roots.append(f"{scheme}://{site}{port}/")
    return roots


def _is_ip(host: str) -> bool:
    return host.replace(".", "").isdigit() or ":" in host


@dataclass(frozen=True)
class Sighting:
    """One archived homepage capture and the policy link found on it (None: no link)."""

    homepage: str
    captured_at: datetime
    wayback_url: str
    policy_url: str | None
    reason: str


@dataclass(frozen=True)
class UrlSpan:
    """A policy URL and the homepage captures that linked to it, first to last."""

    url: str
    first: Sighting
    last: Sighting

    def to_dict(self) -> dict[str, str]:
        return {"url": self.url, "first_seen": self.first.captured_at.isoformat(),
                "last_seen": self.last.captured_at.isoformat(),
                "homepage_capture": self.first.wayback_url, "reason": self.first.reason}


@dataclass
class FollowResult:
    """What ``backfill --follow-moves`` found and fetched."""

    sightings: list[Sighting] = field(default_factory=list)
    spans: list[UrlSpan] = field(default_factory=list)
    progress: dict[str, BackfillProgress] = field(default_factory=dict)  # by policy URL
    homepage_errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary printed by the CLI: one line per era, then per URL backfilled."""
        without = sum(1 for s in self.sightings if s.policy_url is None)
        out = [f"{len(self.sightings)} homepage captures, {len(self.spans)} policy URL(s)"
               + (f", {without} without a policy link" if without else "")]
        for span in self.spans:
            out.append(f"  {span.first.captured_at:%Y-%m-%d} .. {span.last.captured_at:%Y-%m-%d}"
                       f"  {span.url}  (homepage {span.first.wayback_url})")
        for url, progress in self.progress.items():
            out.append(f"  {url}: {progress.line()}")
        out.extend(f"  {error}" for error in self.homepage_errors)
        return out


async def sightings(client: WaybackClient, homepages: list[str], *, from_: str | None,
                    to: str | None, every: str | None) -> tuple[list[Sighting], list[str]]:
    """Sample the homepages' 200 captures at ``every`` and find the policy link on each.

    Every homepage is walked: a policy that left the main site for ``legal.`` is linked
    from the main site's homepage before the move and maybe from both after it; each
    URL's span comes from all the captures that linked to it.

    Returns the sightings oldest first and the errors met (a homepage the archive
    excludes, a capture that cannot be replayed) as lines; those never stop the walk.
    """
    found: list[Sighting] = []
    errors: list[str] = []
    for homepage in homepages:
        try:
            records = await client.search(homepage, from_=from_, to=to, distinct=False)
        except CrawlerError as exc:
            errors.append(f"homepage {homepage}: {exc}")
            continue
        pages = [r for r in records if r.statuscode in (200, None) and not r.is_redirect]
        by_digest: dict[str, Sighting] = {}  # a body seen before links where it linked then
        for record in sample_captures(pages, every=sampling_period(every)):
            earlier = by_digest.get(record.digest) if record.digest else None
            if earlier is not None:
                found.append(Sighting(homepage, record.captured_at, record.public_url,
                                      earlier.policy_url, earlier.reason))
                continue
            sighting = await _sighting(client, homepage, record, errors)
            if sighting is not None:
                found.append(sighting)
                by_digest[record.digest] = sighting
    found.sort(key=lambda s: s.captured_at)
    return found, errors


async def _sighting(client: WaybackClient, homepage: str, record: CdxRecord,
                    errors: list[str]) -> Sighting | None:
    try:
        memento = await client.replay(record)
    except CrawlerError as exc:
        errors.append(f"homepage capture {record.public_url}: {exc}")
        return None
    candidates = await asyncio.to_thread(find_policy_links, memento.body, memento.final_url)
    if not candidates:
        return Sighting(homepage, record.captured_at, record.public_url, None,
                        "no privacy-policy link on the homepage")
    best = candidates[0]
    return Sighting(homepage, record.captured_at, record.public_url, best.url, best.reason)


def spans_of(found: list[Sighting]) -> list[UrlSpan]:
    """One span per distinct policy URL, from its first to its last sighting (captures
    without a link in between do not split a span), ordered by first sighting."""
    first: dict[str, Sighting] = {}
    last: dict[str, Sighting] = {}
    for s in found:
        if s.policy_url is None:
            continue
        first.setdefault(s.policy_url, s)
        last[s.policy_url] = s
    return sorted((UrlSpan(url, first[url], last[url]) for url in first),
                  key=lambda span: span.first.captured_at)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def margin_of(every: str | None) -> timedelta:
    """How far a span is widened each side: one interval (months as 31 days), at least 30 days."""
    if not every:
        return timedelta(days=183)
    return timedelta(days=max(calendar_days(every), 30))


async def backfill_following_moves(
        archive: Archive, client: WaybackClient, policy: PolicyRecord, *,
        from_: str | None = None, to: str | None = None, every: str | None = DEFAULT_EVERY,
        homepages: list[str] | None = None, concurrency: int = 4,
        on_progress: Callable[[str, BackfillProgress], None] | None = None,
        found: tuple[list[Sighting], list[str]] | None = None) -> FollowResult:
    """Discover the policy link in archived homepages and backfill each URL over its span.

    The policy's own URL is backfilled over the whole range when no homepage ever linked
    to it (the user gave it), over its span otherwise. Captures are sampled at ``every``.
    ``found``: the sightings (and errors) of an earlier walk of the same homepages.
    """
    result = FollowResult()
    if homepages is None and found is None:
        homepages = await asyncio.to_thread(homepages_for, archive, policy)
    result.sightings, result.homepage_errors = found or await sightings(
        client, homepages or homepages_of(policy.url), from_=from_, to=to, every=every)
    result.spans = spans_of(result.sightings)
    await asyncio.to_thread(note_given, archive, policy)
    for span in result.spans:
        await asyncio.to_thread(
            archive.note_url, policy.id, span.url, source=UrlSource.HOMEPAGE,
            found_at=span.first.captured_at, homepage_capture=span.first.wayback_url,
            reason=span.first.reason)
    margin = margin_of(every)
    plan: list[tuple[str, str | None, str | None]] = []
    for span in result.spans:
        begin = _timestamp(span.first.captured_at - margin)
        end = _timestamp(span.last.captured_at + margin)
        plan.append((span.url, max(begin, from_) if from_ else begin,
                     min(end, to) if to else end))
    if policy.url not in {span.url for span in result.spans}:
        plan.insert(0, (policy.url, from_, to))
    for url, start, stop in plan:
        def show(p: BackfillProgress, url: str = url) -> None:
            if on_progress:
                on_progress(url, p)
        result.progress[url] = await backfill_policy(
            archive, client, policy, from_=start, to=stop, every=every,
            concurrency=concurrency, on_progress=show, url=url)
    return result


class UrlSource(StrEnum):
    """How a URL a policy lived at was found."""

    GIVEN = "given"        # the URL the policy was added with (or moved to by the user)
    HOMEPAGE = "homepage"  # linked from the site's homepage (``--follow-moves``, a live move)
    REDIRECT = "redirect"  # only ever reached by a redirect from another URL of the policy


@dataclass(frozen=True)
class PolicyUrl:
    """One URL a policy had, with its first and last capture (None: never captured)."""

    url: str
    source: UrlSource
    first: datetime | None
    last: datetime | None
    captures: int
    current: bool
    homepage_capture: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, object]:
        def iso(moment: datetime | None) -> str | None:
            return moment.isoformat().replace("+00:00", "Z") if moment else None
        return {"url": self.url, "source": str(self.source), "first_capture": iso(self.first),
                "last_capture": iso(self.last), "captures": self.captures,
                "current": self.current, "homepage_capture": self.homepage_capture,
                "reason": self.reason}


def policy_urls(archive: Archive, policy: PolicyRecord) -> list[PolicyUrl]:
    """Every URL of a policy, from its snapshots' requested and final URLs, oldest first.

    How each was found comes from the ``policy_url`` rows (``Archive.note_url``: written
    by ``--follow-moves`` and by live moves, with the homepage capture that showed it);
    for a URL without one: only ever reached by redirection is ``redirect``, the policy's
    current URL ``given``, any other a homepage link.
    """
    # url -> (first, last, captures), counted by the database per (requested, final) pair.
    captured: dict[str, tuple[datetime, datetime, int]] = {}
    requested: set[str] = set()
    for group in archive.url_captures(policy.id):
        requested.add(group.requested_url)
        for url in {group.requested_url, group.final_url}:
            earliest, latest, count = captured.get(url, (group.first, group.last, 0))
            captured[url] = (min(earliest, group.first), max(latest, group.last),
                             count + group.count)
    seen: dict[str, tuple[datetime | None, datetime | None, int]] = dict(captured)
    seen.setdefault(policy.url, (None, None, 0))
    noted = {u.url: u for u in archive.policy_urls(policy.id)}
    for url in noted:
        seen.setdefault(url, (None, None, 0))
    out = []
    for url, (first, last, captures) in seen.items():
        known = noted.get(url)
        if known is not None:
            source = UrlSource(known.source)
        elif url not in requested and url != policy.url:
            source = UrlSource.REDIRECT
        elif url == policy.url:
            source = UrlSource.GIVEN
        else:
            source = UrlSource.HOMEPAGE
        out.append(PolicyUrl(url, source, first, last, captures, url == policy.url,
                             known.homepage_capture if known else None,
                             known.reason if known else None))
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(out, key=lambda u: (u.first or far, u.url))


def note_given(archive: Archive, policy: PolicyRecord) -> None:
    """Record the policy's own URL as given by the user, unless how it was found is known
    (``add DOMAIN`` and ``import`` record it with the homepage its link was found on)."""
    archive.note_url(policy.id, policy.url, source=UrlSource.GIVEN, found_at=policy.added_at)


def given_homepage(archive: Archive, policy: PolicyRecord) -> str | None:
    """The homepage ``add DOMAIN`` found the policy's link on, if it was added that way."""
    for noted in archive.policy_urls(policy.id):
        if noted.url == policy.url and noted.source == UrlSource.GIVEN and noted.homepage_capture:
            archived = split_wayback_url(noted.homepage_capture)
            return archived[1] if archived else noted.homepage_capture
    return None


def homepages_for(archive: Archive, policy: PolicyRecord) -> list[str]:
    """The homepage given at ``add`` time first, then the site roots (``homepages_of``)."""
    roots = homepages_of(policy.url)
    given = given_homepage(archive, policy)
    if given is None:
        return roots
    return [given] + [r for r in roots if surt_like(r) != surt_like(given)]


def surt_like(url: str) -> str:
    """A URL as the CDX index keys it (scheme and a leading ``www.`` folded)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
