"""HTML pages: dashboard, policy timeline, version, diff, changes, sign-in and admin forms.

URLs are stable (people bookmark them): ``/``, ``/policies/{slug}``,
``/policies/{slug}/versions/{n}``, ``/policies/{slug}/diff?from=N&to=M``, ``/changes``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import PlainTextResponse, RedirectResponse
from markupsafe import Markup, escape

from crawler import CrawlerError, public_snapshot_url
from diffing import TOPICS
from policywatch.services.documents import version_document
from policywatch.errors import UsageError
from policywatch.services import policies as policy_service
from policywatch.services import subscriptions as subscription_service
from policywatch.services.compare import compare
from policywatch.web import auth, last_visit
from policywatch.web.assets import static_url
from policywatch.web.auth import archive_of
from policywatch.web.captures_calendar import capture_calendar
from policywatch.web.chart import NARROW, WIDE, ChartPoint, changed_clauses, render_chart
from policywatch.web.diffpage import DiffQuery, DiffQueryError
from policywatch.web.diffpage import diff_page as build_diff_page
from policywatch.web.diffview import headline_html, sections
from policywatch.web.history import (
    CHANGE_KINDS,
    STATUSES,
    ChangeFilter,
    ensure_summaries,
    filter_rows,
    filtered_changes,
    latest_changes,
    parse_day,
    status_of,
    summary_line,
)
from policywatch.web.markdown import render_markdown
from policywatch.web.templating import templates
from storage import (
    Archive,
    CheckRecord,
    NotFound,
    Outbox,
    PolicyRecord,
    Source,
    VersionRecord,
    dashboard,
    timeline,
)
from storage.search import highlight_spans

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
MAX_NUMBER = 1_000_000  # larger numbers would overflow SQL integers


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


def _int(value: str | None, what: str, *, minimum: int = 1) -> int | None:
    """Parse a page's integer query/path value; 422 page for junk, 404 below ``minimum``."""
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise HTTPException(422, f"{what} must be a whole number, not {value[:40]!r}") from None
    if number < minimum or number > MAX_NUMBER:
        raise HTTPException(404, f"no {what} {number}")
    return number


def original_link(version: VersionRecord) -> str:
    """Where a version came from: the live URL, or the raw Wayback ``id_`` capture."""
    if version.source == Source.WAYBACK and version.archive_timestamp:
        return public_snapshot_url(version.archive_timestamp, version.url)
    return version.url


# --- reading ---------------------------------------------------------------------------------


@router.get("/")
def dashboard_page(request: Request, q: str | None = None, tag: str | None = None,
                   status: str | None = None) -> Response:
    auth_page = _reader_gate(request)
    if auth_page:
        return auth_page
    rows = dashboard(archive_of(request))
    tags = sorted({t for r in rows for t in r.policy.tags})
    if status and status not in STATUSES:
        raise HTTPException(422, f"unknown status {status[:40]!r}: use one of {', '.join(STATUSES)}")
    shown = filter_rows(rows, q=q, tag=tag or None, status=status or None)
    latest = latest_changes(archive_of(request))
    since = last_visit.previous_visit(request)
    new = {slug for slug, row in latest.items() if last_visit.is_new(row.captured_at, since)}
    response = _render(request, "dashboard.html", {
        "latest": latest, "headline": headline_html, "new": new, "since": since,
        "rows": [(r, status_of(r)) for r in shown], "total": len(rows), "tags": tags,
        "statuses": STATUSES, "q": q or "", "tag": tag or "", "status": status or "",
    })
    last_visit.remember_visit(request, response, datetime.now(UTC))
    return response


@router.get("/policies/{slug}")
def policy_page(request: Request, slug: str, year: str | None = None) -> Response:
    auth_page = _reader_gate(request)
    if auth_page:
        return auth_page
    archive = archive_of(request)
    policy = archive.policy(slug)
    shown_year = _int(year, "year")
    if shown_year is not None and shown_year > 9999:
        raise HTTPException(404, f"no year {shown_year}")
    ensure_summaries(archive, policy.id)
    entries = timeline(archive, policy.id)
    points = [ChartPoint(e.number, e.captured_at, e.words, changed_clauses(e.summary))
              for e in entries]
    charts = [render_chart(points, lambda p: _change_link(policy.slug, p.number), size=size)
              for size in (WIDE, NARROW)]
    calendar = capture_calendar(archive.capture_times(policy.id),
                                [(e.number, e.captured_at) for e in entries], shown_year)
    # Moves: a version first seen at another URL than the one before it, and every URL the
    # policy lived at (given, found on the homepage; redirect targets are not moves).
    moved_from: dict[int, str] = {}
    for before, entry in zip(entries, entries[1:]):
        if entry.url != before.url:
            moved_from[entry.number] = before.url
    from policywatch.checking.moves import UrlSource, policy_urls
    lived_at = [u for u in policy_urls(archive, policy) if u.source != UrlSource.REDIRECT
                and u.captures]
    checks = archive.checks(policy.id, limit=10)
    last_live = next((c for c in checks if c.source == Source.LIVE), None)
    # The policy's own selector finds nothing: say so here, since no alert is sent for it.
    settings_problem = (last_live if last_live is not None and last_live.error_kind is not None
                        and last_live.error_kind.user_settings else None)
    captures = {c.id: _capture_of(archive, c) for c in checks
                if c.source == Source.WAYBACK and c.snapshot_id is not None}
    return _render(request, "policy.html", {
        "captures": {k: v for k, v in captures.items() if v is not None},
        "policy": policy, "entries": list(reversed(entries)), "charts": charts,
        "points": points, "calendar": calendar, "change_link": _change_link,
        "moved_from": moved_from, "lived_at": lived_at if len(lived_at) > 1 else [],
        "checks": checks, "summary_line": summary_line, "count": len(entries),
        "settings_problem": settings_problem,
    })


def _change_link(slug: str, number: int) -> str:
    """Where a version leads from the chart and calendar: the diff that made it (the first
    version: its text)."""
    base = f"/policies/{quote(slug)}"
    return f"{base}/diff?from={number - 1}&to={number}" if number > 1 else f"{base}/versions/1"


@dataclass(frozen=True)
class CaptureLink:
    """When a backfilled check's capture was taken, and where it is in the Wayback Machine."""

    captured_at: datetime
    link: str


def _capture_of(archive: Archive, check: CheckRecord) -> CaptureLink | None:
    assert check.snapshot_id is not None
    snap = archive.snapshot(check.snapshot_id)
    if not snap.archive_timestamp:
        return None
    return CaptureLink(snap.captured_at, public_snapshot_url(snap.archive_timestamp, snap.requested_url))


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return RedirectResponse(static_url("favicon.svg"), status_code=301)


def _version_of(archive: Archive, slug: str, number: str) -> tuple[PolicyRecord, VersionRecord]:
    """The policy and its version ``number`` named in a URL (NotFound / 422 otherwise)."""
    policy = archive.policy(slug)
    n = _int(number, "version")
    assert n is not None
    return policy, archive.version(policy.id, n)


@router.get("/policies/{slug}/versions/{number}")
def version_page(request: Request, slug: str, number: str) -> Response:
    auth_page = _reader_gate(request)
    if auth_page:
        return auth_page
    archive = archive_of(request)
    policy, version = _version_of(archive, slug, number)
    count = archive.version_count(policy.id)
    return _render(request, "version.html", {
        "policy": policy, "version": version, "count": count, "as_of": None,
        "original": original_link(version),
        "html": render_markdown(version.text, base_url=version.url, demote=1),
        "summary_line": summary_line,
    })


def _end_of(value: str | None, what: str) -> datetime:
    """The last moment (UTC) of the day a ``YYYY-MM-DD`` query value names; 422 for junk."""
    try:
        day = parse_day(value, what)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    assert day is not None
    return datetime.combine(day, time.max, tzinfo=UTC)


def _number_on(archive: Archive, policy: PolicyRecord, when: datetime) -> int:
    """The version in force at ``when``; a day before the first capture compares from it."""
    return max(archive.version_count(policy.id, until=when), 1)


@router.get("/policies/{slug}/at")
def policy_as_of(request: Request, slug: str, date: str | None = None) -> Response:
    """The policy as it read on a day: the version in force at the end of that day."""
    auth_page = _reader_gate(request)
    if auth_page:
        return auth_page
    archive = archive_of(request)
    policy = archive.policy(slug)
    if not date:
        raise HTTPException(422, "date is needed, like 2024-01-31")
    when = _end_of(date, "date")
    version = archive.version_at(policy.id, when)
    count = archive.version_count(policy.id)
    return _render(request, "version.html", {
        "policy": policy, "version": version, "count": count, "as_of": when.date(),
        "original": original_link(version),
        "html": render_markdown(version.text, base_url=version.url, demote=1),
        "summary_line": summary_line,
    })


@router.get("/policies/{slug}/versions/{number}/raw")
def version_raw(request: Request, slug: str, number: str) -> Response:
    auth_page = _reader_gate(request)
    if auth_page:
        return auth_page
    policy, version = _version_of(archive_of(request), slug, number)
    filename = f"{policy.slug}-v{version.number}-{version.captured_at:%Y%m%d}.md"
    return PlainTextResponse(_document(policy, version), media_type="text/markdown; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _document(policy: PolicyRecord, version: VersionRecord) -> str:
    try:
        return version_document(policy, version)
    except CrawlerError:
        return version.text


@router.get("/policies/{slug}/diff")
def diff_page(request: Request, slug: str) -> Response:
    auth_page = _reader_gate(request)
    if auth_page:
        return auth_page
    params = request.query_params
    archive = archive_of(request)
    policy = archive.policy(slug)
    from_, to = _int(params.get("from"), "version"), _int(params.get("to"), "version")
    # Two dates instead of numbers: the versions in force on those days.
    if params.get("from_date"):
        from_ = _number_on(archive, policy, _end_of(params.get("from_date"), "from_date"))
    if params.get("to_date"):
        to = _number_on(archive, policy, _end_of(params.get("to_date"), "to_date"))
    comparison = compare(archive, policy, from_, to)
    old, new, report = comparison.old, comparison.new, comparison.report
    try:
        query = DiffQuery.parse(params, old.number, new.number)
    except DiffQueryError as exc:
        raise HTTPException(422, str(exc)) from None
    page = build_diff_page(report, old.text, new.text, query)
    return _render(request, "diff.html", {
        "choices": archive.versions(policy.id, with_text=False),
        "policy": policy, "old": old, "new": new, "count": comparison.count,
        "report": report, "page": page, "sections": page.sections, "view": query.view,
        "summary": report.summary, "old_link": original_link(old), "new_link": original_link(new),
    })


@router.get("/changes")
def changes_page(request: Request, page: str | None = None, policy: str | None = None,
                 topic: str | None = None, kind: str | None = None, since: str | None = None,
                 until: str | None = None, formatting: str | None = None) -> Response:
    auth_page = _reader_gate(request)
    if auth_page:
        return auth_page
    archive = archive_of(request)
    number = _int(page, "page") or 1
    if kind and kind not in CHANGE_KINDS:
        raise HTTPException(422, f"unknown kind {kind[:40]!r}: use one of {', '.join(CHANGE_KINDS)}")
    if topic and topic not in TOPICS:
        raise HTTPException(422, f"unknown topic {topic[:40]!r}: use one of {', '.join(TOPICS)}")
    try:
        selection = ChangeFilter(policy=policy or None, topic=topic or None, kind=kind or None,
                                 since=parse_day(since, "since"), until=parse_day(until, "until"),
                                 formatting=formatting not in (None, "", "0"))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    if selection.policy:
        archive.policy(selection.policy)  # 404 for an unknown slug, not an empty list
    matching = filtered_changes(archive, selection)
    start = (number - 1) * PAGE_SIZE
    rows = matching[start:start + PAGE_SIZE]
    if number > 1 and not rows:
        raise HTTPException(404, f"no page {number} of changes")
    return _render(request, "changes.html", {
        "changes": rows, "page": number, "has_next": start + PAGE_SIZE < len(matching),
        "total": len(matching), "summary_line": summary_line, "selection": selection,
        "kinds": CHANGE_KINDS, "topic_names": TOPICS, "policies": archive.policies(),
        "headline": headline_html,
    })


SEARCH_PAGE = 20


@router.get("/search")
def search_page(request: Request, q: str | None = None, policy: str | None = None,
                order: str | None = None, page: str | None = None) -> Response:
    auth_page = _reader_gate(request)
    if auth_page:
        return auth_page
    archive = archive_of(request)
    number = _int(page, "page") or 1
    oldest = order == "oldest"
    query = (q or "").strip()[:500]
    hits: list[Any] = []
    total, error = 0, None
    if policy:
        archive.policy(policy)
    if query:
        try:
            hits, total = archive.search(query, slug=policy or None, limit=SEARCH_PAGE,
                                         offset=(number - 1) * SEARCH_PAGE, oldest_first=oldest)
        except ValueError as exc:
            error = str(exc)
    params = {"q": query, "policy": policy or "", "order": "oldest" if oldest else ""}
    return _render(request, "search.html", {
        "q": query, "policy": policy or "", "oldest": oldest, "hits": hits, "total": total,
        "error": error, "page": number, "has_next": number * SEARCH_PAGE < total,
        "policies": archive.policies(), "marked": marked_clause,
        "link": lambda n: "/search?" + urlencode({**{k: v for k, v in params.items() if v},
                                                  "page": n}),
    }, status=422 if error else 200)


def marked_clause(clause: str, terms: tuple[str, ...]) -> Markup:
    """The clause escaped, with the searched words in ``<mark>``."""
    return Markup("").join(Markup("<mark>{}</mark>").format(t) if hit else escape(t)
                           for hit, t in highlight_spans(clause, terms))


def _reader_gate(request: Request) -> Response | None:
    """With ``public_read`` off, pages need a signed-in browser."""
    if auth.settings_of(request).public_read:
        return None
    if auth.session_admin(request) is None:
        return auth.sign_in_redirect(request.url.path)
    return None


# --- signing in -----------------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return _render(request, "login.html", {"next": auth.safe_next(next), "error": None,
                                           "login_csrf": auth.csrf_token(request)})


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    auth.check_csrf(request, form.get("csrf"))
    target = auth.safe_next(str(form.get("next") or "/"))
    token = str(form.get("token") or "")
    if auth.sign_in(request, token) is None:
        return _render(request, "login.html", {"next": target, "error": "That token is not valid.",
                                               "login_csrf": auth.csrf_token(request)}, status=403)
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    auth.check_csrf(request, form.get("csrf"))
    auth.sign_out(request)
    return RedirectResponse("/", status_code=303)


# --- admin forms ----------------------------------------------------------------------------


@router.get("/subscriptions", dependencies=[Depends(auth.admin_page)])
def subscriptions_page(request: Request) -> Response:
    return _subscriptions(request, None, {})


def _subscriptions(request: Request, error: str | None, values: dict[str, str],
                   status: int = 200) -> Response:
    archive = archive_of(request)
    return _render(request, "subscriptions.html", {
        "subscriptions": Outbox(archive).subscriptions(), "error": error, "values": values,
        "policies": archive.policies(),
    }, status=status)


@router.post("/subscriptions", dependencies=[Depends(auth.admin_page)])
async def add_subscription(request: Request) -> Response:
    form = await request.form()
    auth.check_csrf(request, form.get("csrf"))
    values = {k: str(form.get(k) or "").strip()[:2000] for k in ("target", "topics", "secret")}
    policies = [str(v) for v in form.getlist("policies") if str(v)]
    try:
        subscription_service.create_subscription(
            archive_of(request), target=values["target"], policies=policies,
            topics=policy_service.split_list(values["topics"]), secret=values["secret"] or None)
    except (UsageError, NotFound) as exc:
        return _subscriptions(request, str(exc), values, status=422)
    return RedirectResponse("/subscriptions", status_code=303)


@router.post("/subscriptions/{subscription_id}/delete", dependencies=[Depends(auth.admin_page)])
async def remove_subscription(request: Request, subscription_id: str) -> Response:
    form = await request.form()
    auth.check_csrf(request, form.get("csrf"))
    number = _int(subscription_id, "subscription")
    assert number is not None
    Outbox(archive_of(request)).remove_subscription(number)
    return RedirectResponse("/subscriptions", status_code=303)


@router.get("/docs")
def api_docs(request: Request) -> Response:
    """The API reference: a table of endpoints from the OpenAPI schema, plus Swagger UI."""
    endpoints = [(method.upper(), path, operation.get("summary", ""))
                 for path, operations in request.app.openapi().get("paths", {}).items()
                 for method, operation in operations.items()]
    return _render(request, "docs.html", {"endpoints": endpoints})
