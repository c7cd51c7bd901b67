"""WaybackClient: CDX search over a URL's variants and raw (``id_``) replay of captures."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urljoin

import httpx

from crawler.errors import BlockedSite, NoMemento, PlaybackError, WaybackError
from crawler.http import DEFAULT_USER_AGENT, build_client
from crawler.ratelimit import RateLimiter, process_limiter
from crawler.sampling import parse_date_bound
from crawler.wayback import cdx
from crawler.wayback.models import CdxRecord, Memento, parse_timestamp, sha1_digest
from crawler.wayback.session import Answer, WaybackSession

# /web/<timestamp><modifier>/<original>; the modifier (id_, im_, if_...) is optional.
_WAYBACK_PATH = re.compile(r"/web/(\d{1,14})(?:[a-z]{2}_)?/(.+)$", re.IGNORECASE | re.DOTALL)


def split_wayback_url(url: str) -> tuple[str, str] | None:
    """``(timestamp, original)`` of a Wayback capture URL, or None for any other URL."""
    match = _WAYBACK_PATH.search(url)
    if not match:
        return None
    original = match.group(2)
    # Some Location headers collapse "https://" to "https:/".
    original = re.sub(r"^(https?):/+", r"\1://", original, flags=re.IGNORECASE)
    if not re.match(r"^https?://", original, re.IGNORECASE):
        return None
    return match.group(1), original


class WaybackClient:
    """Client of the Wayback Machine's CDX search and raw replay.

    Rate limits are objects shared by every task holding them: pass ``cdx_limiter`` /
    ``replay_limiter`` (e.g. a deployment-wide implementation); without them the client
    takes the process-wide ``TokenBucketLimiter`` of its base URL and endpoint at
    ``cdx_per_second`` / ``replay_per_second``, so concurrent clients share one budget. ``redirect_window`` bounds how far from
    the requested time Wayback may send us when it redirects to its nearest capture.
    Use as ``async with WaybackClient(...) as client``.
    """

    def __init__(self, *, base_url: str = "https://web.archive.org",
                 cdx_limiter: RateLimiter | None = None,
                 replay_limiter: RateLimiter | None = None,
                 cdx_per_second: float = 0.4, replay_per_second: float = 8.0,
                 retries: int = 4, backoff: float = 2.0, rate_limit_pause: float = 60.0,
                 redirect_window: timedelta = timedelta(hours=24),
                 user_agent: str = DEFAULT_USER_AGENT, timeout: float = 60,
                 transport: httpx.AsyncBaseTransport | None = None,
                 page_size: int = 5000, max_redirects: int = 10,
                 verify_digest: bool = True) -> None:
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, got {page_size}")
        if max_redirects < 0:
            raise ValueError(f"max_redirects must be 0 or more, got {max_redirects}")
        self.base_url = base_url.rstrip("/")
        self.cdx_limiter: RateLimiter = cdx_limiter or process_limiter(
            f"{self.base_url} cdx", cdx_per_second)
        self.replay_limiter: RateLimiter = replay_limiter or process_limiter(
            f"{self.base_url} replay", replay_per_second)
        self.redirect_window = redirect_window
        self.page_size = page_size
        self.max_redirects = max_redirects
        self.verify_digest = verify_digest
        self._http = build_client(user_agent=user_agent, connect_timeout=timeout,
                                  read_timeout=timeout, transport=transport,
                                  headers={"Accept": "*/*"})
        self._session = WaybackSession(self._http, retries=retries, backoff=backoff,
                                       rate_limit_pause=rate_limit_pause)

    async def __aenter__(self) -> WaybackClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    # --- CDX search -------------------------------------------------------------------

    async def search(self, url: str, *, from_: str | None = None,
                     to: str | None = None, distinct: bool = True) -> list[CdxRecord]:
        """Every distinct capture of ``url`` (http/https, www/bare), oldest first.

        ``from_``/``to`` take "2019", "2019-06", "2019-06-15" or CDX digit prefixes.
        The CDX server matches on SURT keys, which fold the scheme and a leading
        ``www.``, so the variants of one URL usually cost a single (paged) query. Rows
        are cleaned (see ``crawler.wayback.cdx``), deduplicated by digest over the whole
        result, and 3xx rows kept only outside the period the page itself was captured.
        ``distinct=False`` keeps every capture of a body (one per timestamp and URL): a
        caller that needs to know *when* a page was seen, not only what it said (the
        archived homepages walked by ``backfill --follow-moves``); the CDX server then
        collapses to the first capture of each day instead of each run of one digest.

        Raises:
            InvalidURL: ``url`` is not an http(s) URL.
            ValueError: a date bound is malformed.
            WaybackError: the CDX server failed or answered garbage (subclasses say how).
        """
        start = parse_date_bound(from_, end=False) if from_ else None
        stop = parse_date_bound(to, end=True) if to else None
        if start and stop and start > stop:
            raise ValueError(f"empty date range: from {from_!r} is after to {to!r}")
        queried: set[str] = set()
        records: list[CdxRecord] = []
        for variant in cdx.url_variants(url):
            key = cdx.search_key(variant)
            if key in queried:
                continue
            queried.add(key)
            records.extend(await self._search_variant(
                variant, start, stop, collapse="digest" if distinct else "timestamp:8"))
        if not distinct:
            seen: set[tuple[str, str]] = set()
            kept = [r for r in sorted(cdx.prune_redirects(records), key=lambda r: r.captured_at)
                    if (r.timestamp, r.original) not in seen
                    and not seen.add((r.timestamp, r.original))]  # type: ignore[func-returns-value]
            return kept
        return cdx.clean_result(records)

    async def _search_variant(self, url: str, start: str | None, stop: str | None, *,
                              collapse: str = "digest") -> list[CdxRecord]:
        endpoint = f"{self.base_url}/cdx/search/cdx"
        records: list[CdxRecord] = []
        resume_key: str | None = None
        seen_keys: set[str] = set()
        while True:
            params = cdx.query_params(url, from_=start, to=stop, limit=self.page_size,
                                      resume_key=resume_key, collapse=collapse)
            answer = await self._session.get(self.cdx_limiter, endpoint, params)
            if answer.status != 200:
                raise _cdx_error(answer, url)
            text = answer.body.decode("utf-8", errors="replace")
            rows, resume_key = cdx.parse_page(text, url=url)
            records.extend(r for r in (cdx.clean_row(row) for row in rows) if r is not None)
            if not resume_key:
                return records
            if resume_key in seen_keys:
                raise WaybackError(f"CDX paging repeated resume key {resume_key!r}", url=url)
            seen_keys.add(resume_key)

    # --- replay -----------------------------------------------------------------------

    def replay_url(self, timestamp: str, original: str) -> str:
        """Raw-bytes (``id_``) replay address of a capture on this client's server."""
        return f"{self.base_url}/web/{timestamp}id_/{original}"

    async def replay(self, record: CdxRecord) -> Memento:
        """Fetch the archived body of ``record``, following archived redirects.

        A 3xx with ``Memento-Datetime`` is an archived redirect and is followed to its
        target capture. A 3xx without it is Wayback sending us to its nearest capture,
        accepted only within ``redirect_window`` of the record's time. A body of the
        record's own capture (same timestamp, no archived redirect on the way) is checked
        against the record's digest, on the wire bytes or the decoded ones.

        Raises:
            BlockedSite: 403 with X-Archive-Wayback-Runtime-Error.
            NoMemento: 404, no capture at that address.
            PlaybackError: nearest capture too far off, digest mismatch, redirect loop or
                too many redirects, an archived error status.
            WaybackRateLimited, WaybackUnavailable: after retries.
        """
        reference = record.captured_at
        url = self.replay_url(record.timestamp, record.original)
        redirects: list[str] = []
        archived_hop = False
        while True:
            answer = await self._session.get(self.replay_limiter, url)
            if 300 <= answer.status < 400:
                archived_hop = archived_hop or "memento-datetime" in answer.headers
                next_url = self._next_hop(answer, url, reference)
                redirects.append(url)
                if next_url in redirects:
                    raise PlaybackError(f"redirect loop replaying {record.public_url}",
                                        url=record.original)
                if len(redirects) > self.max_redirects:
                    raise PlaybackError(
                        f"more than {self.max_redirects} redirects replaying "
                        f"{record.public_url}", url=record.original)
                url = next_url
                continue
            if 200 <= answer.status < 300:
                return self._memento(record, answer, url, tuple(redirects),
                                     own_capture=not archived_hop)
            raise _replay_error(answer, record)

    def _next_hop(self, answer: Answer, url: str, reference: datetime) -> str:
        """Where a replay redirect leads, or PlaybackError if we must not go there."""
        location = answer.headers.get("location")
        if not location:
            raise PlaybackError(f"redirect {answer.status} without Location at {url}", url=url)
        target = urljoin(url, location)
        capture = split_wayback_url(target)
        current = split_wayback_url(url)
        if "memento-datetime" in answer.headers:
            # An archived redirect: the site itself redirected when it was captured.
            if capture is None and current is not None:
                # Location not rewritten into the archive: resolve it against the page.
                target = urljoin(current[1], location)
                if re.match(r"^https?://", target, re.IGNORECASE):
                    capture = (current[0], target)
            if capture is None:
                raise PlaybackError(f"archived redirect to {location!r} cannot be replayed",
                                    url=url)
            return self.replay_url(*capture)
        # Wayback moving us to the capture nearest the requested time.
        if capture is None:
            raise PlaybackError(f"Wayback redirected out of the archive to {target}", url=url)
        offset = abs(parse_timestamp(capture[0]) - reference)
        if offset > self.redirect_window:
            raise PlaybackError(
                f"nearest capture {capture[0]} is {_human(offset)} from the requested "
                f"{reference:%Y-%m-%d %H:%M:%S} (limit {_human(self.redirect_window)})",
                url=capture[1])
        return self.replay_url(*capture)

    def _memento(self, record: CdxRecord, answer: Answer, url: str,
                 redirects: tuple[str, ...], *, own_capture: bool) -> Memento:
        capture = split_wayback_url(url) or (record.timestamp, record.original)
        # Wayback may hop once within the same capture (http/https, www); any other hop
        # lands on another capture, whose body has another digest.
        same_capture = own_capture and capture[0] == record.timestamp
        if (self.verify_digest and same_capture and not record.is_redirect
                and cdx.valid_digest(record.digest)):
            if record.digest not in (sha1_digest(answer.raw), sha1_digest(answer.body)):
                raise PlaybackError(
                    f"body of {record.public_url} does not match its CDX digest "
                    f"{record.digest} (got {sha1_digest(answer.body)})", url=record.original)
        captured_at = _memento_datetime(answer) or parse_timestamp(capture[0])
        content_type = answer.headers.get("content-type", record.mimetype or "")
        return Memento(record=record, final_url=capture[1], captured_at=captured_at,
                       status=answer.status, content_type=content_type, body=answer.body,
                       redirects=redirects, timestamp=capture[0])


def _memento_datetime(answer: Answer) -> datetime | None:
    value = answer.headers.get("memento-datetime")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None


def _human(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds} seconds"


def _blocked_reason(answer: Answer) -> str | None:
    """Why the archive refuses a site (403 + X-Archive-Wayback-Runtime-Error), else None."""
    if answer.status != 403:
        return None
    header = answer.headers.get("x-archive-wayback-runtime-error")
    if header:
        return header
    # The CDX server sometimes names the exclusion only in its plain-text body.
    text = answer.body[:2000].decode("utf-8", errors="replace")
    if "AccessControlException" in text or "Blocked Site Error" in text:
        return text.strip().splitlines()[0][:200]
    return None


def _cdx_error(answer: Answer, url: str) -> WaybackError:
    reason = _blocked_reason(answer)
    if reason:
        return BlockedSite(f"the Wayback Machine excludes {url}: {reason}", url=url)
    return WaybackError(f"CDX search for {url} answered HTTP {answer.status}", url=url)


def _replay_error(answer: Answer, record: CdxRecord) -> WaybackError:
    url = record.original
    reason = _blocked_reason(answer)
    if reason:
        return BlockedSite(f"the Wayback Machine excludes {url}: {reason}", url=url)
    if answer.status == 404:
        if "memento-datetime" in answer.headers:
            return NoMemento(f"the capture {record.public_url} is an archived 404", url=url)
        return NoMemento(f"the Wayback Machine has no capture of {url} "
                         f"at {record.timestamp}", url=url)
    return PlaybackError(f"replaying {record.public_url} answered HTTP {answer.status}",
                         url=url)
