"""Following a policy that moved, live: when its URL stops giving the policy, look again.

A live check whose URL answers 404 or 410, redirects to a page that is not the policy, or
gives a page that is not the policy ``failure_threshold`` checks in a row, re-discovers
the policy link on the site's homepage (the policy's host, then its registrable domain)
with ``add DOMAIN``'s discovery. A different link whose page *is* a policy becomes the
policy's URL: the move is recorded (``policy_url``), subscribers get one "policy moved"
alert, and the new page is recorded into the same timeline (the same text makes no new
version). A redirect straight to another policy page is followed the same way, without
looking at the homepage.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from crawler import CrawlerError, FetchResult, LiveFetcher, find_policy_links
from storage import ErrorKind, Outcome, PolicyRecord

log = logging.getLogger("policywatch.checking.relocation")


class Trigger(StrEnum):
    """Why a check looks for the policy elsewhere."""

    GONE = "gone"                                # 404 or 410
    REDIRECT_NOT_POLICY = "redirect-not-policy"  # redirected to a page that is not the policy
    NOT_POLICY = "not-policy"                    # not the policy, several checks in a row
    REDIRECT_TO_POLICY = "redirect-to-policy"    # redirected to another policy page

    @property
    def words(self) -> str:
        return _WORDS[self]


_WORDS = {
    Trigger.GONE: "the old URL is gone (404/410)",
    Trigger.REDIRECT_NOT_POLICY: "the old URL redirects to a page that is not the policy",
    Trigger.NOT_POLICY: "the old URL has not shown the policy for several checks",
    Trigger.REDIRECT_TO_POLICY: "the old URL redirects to it",
}


@dataclass(frozen=True)
class Move:
    """A move decided by a check: where to, how it was found, and the page fetched there."""

    old_url: str
    new_url: str
    source: str  # "homepage" or "redirect" (storage's policy_url.source)
    how: str
    found_at: datetime
    page: FetchResult
    homepage: str | None = None


def same_place(a: str, b: str) -> bool:
    """Two URLs of one page: scheme, a leading ``www.``, a trailing slash and the fragment
    do not count (an http -> https redirect is no move)."""
    pa, pb = urlsplit(a), urlsplit(b)
    host_a = (pa.hostname or "").lower().removeprefix("www.")
    host_b = (pb.hostname or "").lower().removeprefix("www.")
    return (host_a, pa.path.rstrip("/") or "/", pa.query) == (
        host_b, pb.path.rstrip("/") or "/", pb.query)


def domain_after_move(domain: str, new_url: str) -> str:
    """The policy's domain once it moved to ``new_url``: kept while the new host is on the
    same registrable domain (``mistral.ai`` -> ``legal.mistral.ai``), else the new host (as
    ``add`` sets it)."""
    from policywatch.checking.moves import site_of

    host = (urlsplit(new_url).hostname or "").lower()
    if not host or site_of(host) == site_of(domain.lower()):
        return domain
    return host


def trigger_of(policy: PolicyRecord, *, status: int | None, fetched: FetchResult | None,
               outcome: Outcome | None, error_kind: ErrorKind | None, threshold: int,
               previous_url: str | None = None) -> Trigger | None:
    """Whether a check's result calls for looking for the policy elsewhere, and why.

    ``previous_url`` is where the previous live check's fetch ended: a redirect to another
    policy page is a move only when the URL answered without one before (a URL that has
    always redirected, such as ``/privacy`` -> ``/privacy-policy`` from the first check
    on, is how the site serves the policy, not news).
    """
    if status in (404, 410):
        return Trigger.GONE
    redirected = fetched is not None and not same_place(fetched.final_url, policy.url)
    rejected = error_kind is not None and error_kind.rejected and not error_kind.user_settings
    if redirected and rejected:
        return Trigger.REDIRECT_NOT_POLICY
    settled = previous_url is not None and same_place(previous_url, policy.url)
    if redirected and settled and outcome in (Outcome.NEW_VERSION, Outcome.UNCHANGED):
        return Trigger.REDIRECT_TO_POLICY
    if rejected and policy.consecutive_failures + 1 >= threshold:
        return Trigger.NOT_POLICY
    return None


async def find_move(policy: PolicyRecord, trigger: Trigger, fetcher: LiveFetcher, *,
                    fetched: FetchResult | None, now: datetime,
                    select: str | None = None, remove: str | None = None,
                    homepages: list[str] | None = None) -> Move | None:
    """The move a trigger leads to, or None (no other policy link, or not a policy there)."""
    if trigger == Trigger.REDIRECT_TO_POLICY and fetched is not None:
        return Move(policy.url, fetched.final_url, "redirect",
                    f"{policy.url} redirects to it", now, fetched)
    from policywatch.checking.moves import homepages_of
    for homepage in homepages or homepages_of(policy.url):
        try:
            page = await fetcher.fetch(homepage)
        except CrawlerError as exc:
            log.info("%s: homepage %s: %s", policy.slug, homepage, exc)
            continue
        candidates = await asyncio.to_thread(find_policy_links, page.body, page.final_url)
        if not candidates:
            log.info("%s: no privacy-policy link on %s", policy.slug, page.final_url)
            continue
        best = candidates[0]
        if same_place(best.url, policy.url):
            log.info("%s: the homepage still links to %s", policy.slug, policy.url)
            return None
        try:
            target = await fetcher.fetch(best.url)
        except CrawlerError as exc:
            log.info("%s: the new link %s: %s", policy.slug, best.url, exc)
            return None
        if not await asyncio.to_thread(_is_policy, target, select, remove):
            log.info("%s: %s is linked as the policy but is not one", policy.slug, best.url)
            return None
        how = (f"homepage link on {page.final_url} ({best.reason}); "
               f"{trigger.words}")
        return Move(policy.url, best.url, "homepage", how, now, target,
                    homepage=page.final_url)
    return None


def _is_policy(page: FetchResult, select: str | None, remove: str | None) -> bool:
    from policywatch.checking.extraction import extract_body

    extraction = extract_body(page.body, url=page.final_url, content_type=page.content_type,
                              charset=page.charset, select=select, remove=remove)
    return extraction.text is not None
