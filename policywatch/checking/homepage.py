"""Find a site's privacy-policy URL from its homepage, live or as archived by the Wayback Machine."""

from __future__ import annotations

from dataclasses import dataclass

from crawler import DiscoveryError, find_policy_links
from policywatch.checking.pipeline import make_fetcher
from policywatch.settings import Settings
from policywatch.checking.wayback_client import make_wayback_client


@dataclass(frozen=True)
class Discovered:
    url: str
    reason: str


async def discover_policy_url(settings: Settings, homepage: str, *, from_archive: bool = False,
                              at: str | None = None, ignore_robots: bool = False) -> Discovered:
    """The best privacy-policy link on ``homepage``; raises DiscoveryError when there is none."""
    if from_archive:
        html, base, where = await _archived_homepage(settings, homepage, at)
    else:
        async with make_fetcher(settings, respect_robots=not ignore_robots) as fetcher:
            page = await fetcher.fetch(homepage)
        html, base, where = page.body, page.final_url, f"the homepage {page.final_url}"
    candidates = find_policy_links(html, base)
    if not candidates:
        raise DiscoveryError(f"no privacy-policy link found on {where}; give the policy URL itself",
                             url=homepage)
    best = candidates[0]
    reason = f"{best.reason} (on {where}"
    if len(candidates) > 1:
        reason += f"; {len(candidates) - 1} other candidate(s), next: {candidates[1].url}"
    return Discovered(best.url, reason + ")")


async def _archived_homepage(settings: Settings, homepage: str, at: str | None) -> tuple[bytes, str, str]:
    from crawler import parse_date_bound

    async with make_wayback_client(settings) as client:
        records = await client.search(homepage)
        pages = [r for r in records if r.statuscode in (200, None)]
        if not pages:
            raise DiscoveryError(f"the Wayback Machine has no capture of {homepage}", url=homepage)
        if at:
            target = parse_date_bound(at, end=False)
            pages.sort(key=lambda r: abs(int(r.timestamp) - int(target)))
        else:
            pages.sort(key=lambda r: r.timestamp, reverse=True)
        memento = await client.replay(pages[0])
    return memento.body, memento.final_url, f"the homepage archived on {pages[0].captured_at:%Y-%m-%d}"
