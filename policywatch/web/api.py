"""REST API under /api/v1: policies, versions, diffs, checks, changes, subscriptions.

Reads are public when ``public_read`` is on (the default); every write needs
``Authorization: Bearer <token>``: 401 without one, 403 with a wrong one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from policywatch.services import policies as policy_service
from policywatch.services import subscriptions as subscription_service
from policywatch.web.auth import archive_of, require_reader, require_token, settings_of
from policywatch.services.compare import compare
from policywatch.web.history import ensure_summaries, filter_rows, status_of
from storage import DashboardRow, Outbox, TokenRecord, dashboard, recent_changes, timeline

router = APIRouter(prefix="/api/v1", tags=["api"])

# Bounds keep numbers inside what SQL integers (and OFFSET) accept.
MAX_VERSION = 1_000_000
MAX_OFFSET = 10_000_000

Reader = Annotated[TokenRecord | None, Depends(require_reader)]
Writer = Annotated[TokenRecord, Depends(require_token)]
Slug = Annotated[str, Path(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$",
                           description="Policy slug, e.g. example.com")]


class PolicyIn(BaseModel):
    """A policy to track: its full URL (no discovery), a name and a schedule."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1, max_length=2000, examples=["https://example.com/privacy"])
    name: str | None = Field(default=None, max_length=500)
    every: str | None = Field(default=None, max_length=200, examples=["1d", "6h", "0 6 * * 1"])
    tags: list[Annotated[str, Field(max_length=50)]] = Field(default_factory=list, max_length=20)
    select: str | None = Field(default=None, max_length=2000)
    remove: str | None = Field(default=None, max_length=2000)
    render: Literal["auto", "never", "always"] = "auto"  # when to render in a browser


class PolicyPatch(BaseModel):
    """Fields to change; omitted ones stay. ``active: false`` pauses checks."""

    model_config = ConfigDict(extra="forbid")
    schedule: str | None = Field(default=None, max_length=200)
    select: str | None = Field(default=None, max_length=2000)
    remove: str | None = Field(default=None, max_length=2000)
    active: bool | None = None
    name: str | None = Field(default=None, max_length=500)
    tags: list[Annotated[str, Field(max_length=50)]] | None = Field(default=None, max_length=20)
    render: Literal["auto", "never", "always"] | None = None


class SubscriptionIn(BaseModel):
    """An alert target: mailto:ADDRESS, an http(s) webhook URL or an Apprise URL."""

    model_config = ConfigDict(extra="forbid")
    target: str = Field(min_length=1, max_length=2000, examples=["mailto:privacy@example.org"])
    policies: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=1000)
    topics: list[Annotated[str, Field(max_length=50)]] = Field(default_factory=list, max_length=50)
    secret: str | None = Field(default=None, max_length=200)


def _policy_json(request: Request, row: DashboardRow) -> dict[str, Any]:
    base = settings_of(request).public_url.rstrip("/")
    data = row.policy.to_dict()
    data.update({
        "status": status_of(row),
        "versions": row.versions,
        "first_capture": row.first_capture.isoformat() if row.first_capture else None,
        "links": {"html": f"{base}/policies/{row.policy.slug}",
                  "feed": f"{base}/feeds/{row.policy.slug}.atom"},
    })
    return data


def _row(request: Request, slug: str) -> DashboardRow:
    rows = dashboard(archive_of(request), slug=slug)
    if not rows:
        archive_of(request).policy(slug)  # raises NotFound with the usual message
    return rows[0]


@router.get("/policies", summary="List tracked policies")
def list_policies(request: Request, _: Reader,
                  q: Annotated[str | None, Query(max_length=200, description="Text in name, slug or URL")] = None,
                  tag: Annotated[str | None, Query(max_length=50)] = None,
                  status: Annotated[Literal["active", "paused", "ok", "failing", "broken", "never-checked"] | None,
                                    Query()] = None) -> list[dict[str, Any]]:
    rows = filter_rows(dashboard(archive_of(request)), q=q, tag=tag, status=status)
    return [_policy_json(request, r) for r in rows]


@router.get("/policies/{slug}", summary="One policy and its tracking status")
def get_policy(request: Request, slug: Slug, _: Reader) -> dict[str, Any]:
    return _policy_json(request, _row(request, slug))


@router.post("/policies", status_code=201, summary="Track a policy URL (no discovery, no fetch)",
             responses={409: {"description": "URL or slug already tracked"},
                        422: {"description": "invalid URL, schedule or fields"}})
def create_policy(request: Request, body: PolicyIn, response: Response, _: Writer) -> dict[str, Any]:
    policy = policy_service.create_policy(
        archive_of(request), settings_of(request), url=body.url, name=body.name,
        every=body.every, tags=body.tags, select=body.select, remove=body.remove,
        render=body.render)
    response.headers["Location"] = f"/api/v1/policies/{policy.slug}"
    return _policy_json(request, DashboardRow(policy, 0, None, None))


@router.patch("/policies/{slug}", summary="Change schedule, CSS rules, name, tags or pause (active)")
def patch_policy(request: Request, slug: Slug, body: PolicyPatch, _: Writer) -> dict[str, Any]:
    policy_service.update_policy(archive_of(request), settings_of(request), slug,
                                 body.model_dump(exclude_unset=True))
    return _policy_json(request, _row(request, slug))


@router.get("/policies/{slug}/versions", summary="A policy's versions, oldest first (no texts)")
def list_versions(request: Request, slug: Slug, _: Reader,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                  offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> dict[str, Any]:
    archive = archive_of(request)
    policy = archive.policy(slug)
    ensure_summaries(archive, policy.id)
    entries = timeline(archive, policy.id)
    page = entries[offset:offset + limit]
    return {"policy": slug, "total": len(entries), "limit": limit, "offset": offset,
            "versions": [{"version": e.number, "captured_at": e.captured_at.isoformat(),
                          "source": e.source, "url": e.url, "words": e.words, "language": e.language,
                          "archive_timestamp": e.archive_timestamp, "summary": e.summary}
                         for e in page]}


@router.get("/policies/{slug}/versions/{number}",
            summary="One version with its text; ?format=markdown returns the raw markdown",
            responses={200: {"content": {"text/markdown": {}}}})
def get_version(request: Request, slug: Slug, _: Reader,
                number: Annotated[int, Path(ge=-MAX_VERSION, le=MAX_VERSION, description="1 = oldest; -1 = newest")],
                format: Annotated[Literal["json", "markdown"], Query()] = "json") -> Any:
    archive = archive_of(request)
    policy = archive.policy(slug)
    version = archive.version(policy.id, number)
    if format == "markdown":
        return PlainTextResponse(version.text, media_type="text/markdown; charset=utf-8")
    return {"policy": slug, **version.to_dict(with_text=True)}


@router.get("/policies/{slug}/diff", summary="Clause-level diff between two versions (the differ's JSON)")
def get_diff(request: Request, slug: Slug, _: Reader,
             from_: Annotated[int | None, Query(alias="from", ge=1, le=MAX_VERSION)] = None,
             to: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None) -> dict[str, Any]:
    archive = archive_of(request)
    comparison = compare(archive, archive.policy(slug), from_, to)
    return comparison.report.to_dict()


@router.get("/policies/{slug}/checks", summary="Recent fetch attempts, newest first")
def list_checks(request: Request, slug: Slug, _: Reader,
                limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[dict[str, Any]]:
    archive = archive_of(request)
    policy = archive.policy(slug)
    return [c.to_dict() for c in archive.checks(policy.id, limit=limit)]


@router.get("/changes", summary="Latest changes across all policies (or one), newest first")
def list_changes(request: Request, _: Reader,
                 limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
                 policy: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")] = None) -> dict[str, Any]:
    archive = archive_of(request)
    if policy is not None:
        archive.policy(policy)
    base = settings_of(request).public_url.rstrip("/")
    page = recent_changes(archive, limit=limit, offset=offset, slug=policy)
    return {"total": page.total, "limit": limit, "offset": offset,
            "changes": [{"policy": c.slug, "name": c.name, "version": c.number,
                         "captured_at": c.captured_at.isoformat(), "source": c.source,
                         "summary": c.summary,
                         "diff": f"{base}/policies/{c.slug}/diff?from={c.number - 1}&to={c.number}"}
                        for c in page.rows]}


@router.get("/subscriptions", summary="Alert subscriptions (needs a token: they hold addresses)")
def list_subscriptions(request: Request, _: Writer) -> list[dict[str, Any]]:
    return [s.to_dict() for s in Outbox(archive_of(request)).subscriptions()]


@router.post("/subscriptions", status_code=201, summary="Subscribe an email, webhook or Apprise URL")
def create_subscription(request: Request, body: SubscriptionIn, _: Writer) -> dict[str, Any]:
    sub = subscription_service.create_subscription(
        archive_of(request), target=body.target, policies=body.policies, topics=body.topics,
        secret=body.secret)
    return sub.to_dict()


@router.delete("/subscriptions/{subscription_id}", status_code=204, summary="Remove a subscription")
def delete_subscription(request: Request, subscription_id: Annotated[int, Path(ge=1, le=2**62)],
                        _: Writer) -> Response:
    Outbox(archive_of(request)).remove_subscription(subscription_id)
    return Response(status_code=204)


@router.get("/search", summary="Full-text search across every version of every policy")
def search_versions(request: Request, _: Reader,
                    q: Annotated[str, Query(min_length=1, max_length=500,
                                            description='Words and "quoted phrases"; all must occur')],
                    policy: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")] = None,
                    order: Literal["newest", "oldest"] = "newest",
                    limit: Annotated[int, Query(ge=1, le=200)] = 20,
                    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> dict[str, Any]:
    archive = archive_of(request)
    if policy is not None:
        archive.policy(policy)
    try:
        hits, total = archive.search(q, slug=policy, limit=limit, offset=offset,
                                     oldest_first=order == "oldest")
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    base = settings_of(request).public_url.rstrip("/")
    return {"query": q, "total": total, "limit": limit, "offset": offset,
            "results": [{**h.to_dict(),
                         "url": f"{base}/policies/{h.slug}/versions/{h.number}"} for h in hits]}
