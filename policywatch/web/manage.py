"""Managing tracking from the web UI: add (with discovery from a bare domain), edit, pause
and resume, check now, backfill, delete, and a policy's alerts with a "send test" button.

Every route needs a signed-in browser and a form CSRF token (``web.auth``), and calls what
the CLI commands call: ``services.policies`` and ``services.subscriptions`` (validation shared with the API), ``Pipeline``,
``backfill_policy``, ``discover_policy_url``, ``alerts.trial.send_test_alert`` and
``storage.delete_policy``. Check now and backfill run as jobs (``web.jobs``): the request
waits at most ``JOB_WAIT_SECONDS`` and the policy's manage page shows how the job ended.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from crawler import CrawlerError, InvalidURL, normalize_url, parse_date_bound
from diffing import TOPICS
from policywatch.errors import UsageError
from policywatch.services import policies as policy_service
from policywatch.services import subscriptions as subscription_service
from policywatch.web import auth
from policywatch.web.auth import archive_of, settings_of
from policywatch.web.jobs import JobRegistry
from policywatch.web.templating import templates
from storage import Conflict, NotFound, Outbox, PolicyRecord, delete_policy

router = APIRouter(include_in_schema=False, dependencies=[Depends(auth.admin_page)])

JOB_WAIT_SECONDS = 20.0  # how long "check now" / "backfill" hold the request before answering
# What the manage page says after an action (``?done=KEY``; never text from the query itself).
DONE = {"saved": "Changes saved.", "paused": "Paused: no more checks until resumed.",
        "resumed": "Resumed: checks run on schedule again.",
        "stopped": "Tracking stopped; the recorded history is kept (resume to track again).",
        "alert-added": "Alert added.", "alert-removed": "Alert removed.",
        "test-sent": "Test alert delivered."}


def _render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    return templates.TemplateResponse(request, name, context, status_code=status)


async def _form(request: Request) -> FormData:
    form = await request.form()
    auth.check_csrf(request, form.get("csrf"))
    return form


def _field(form: FormData, name: str) -> str:
    return str(form.get(name) or "").strip()[:2000]


def _jobs(request: Request) -> JobRegistry:
    jobs = getattr(request.app.state, "jobs", None)
    if jobs is None:
        jobs = request.app.state.jobs = JobRegistry()
    return jobs  # type: ignore[no-any-return]


def _manage_url(policy: PolicyRecord, anchor: str = "", **query: str) -> str:
    url = f"/policies/{quote(policy.slug)}/manage"
    if query:
        url += "?" + "&".join(f"{k}={quote(v)}" for k, v in query.items())
    return url + (f"#{anchor}" if anchor else "")


# --- adding -----------------------------------------------------------------------------------


def _is_homepage(url: str) -> bool:
    from policywatch.cli.commands.policies import is_homepage
    return is_homepage(url)


@router.get("/add")
def add_form(request: Request) -> Response:
    return _render(request, "add.html", {"error": None, "values": {}, "found": None})


@router.post("/add")
async def add_policy(request: Request) -> Response:
    """Add a policy URL as given; a bare domain or homepage goes through discovery first and
    the found link is shown for confirmation (``policywatch add DOMAIN``)."""
    form = await _form(request)
    values = {k: _field(form, k)
              for k in ("url", "name", "every", "tags", "homepage", "reason", "render")}
    archive, settings = archive_of(request), settings_of(request)
    try:
        url = values["url"]
        if url and "://" not in url:
            url = "https://" + url
        if not values["homepage"] and url and _is_homepage(normalize_url(url)):
            from policywatch.checking.homepage import discover_policy_url
            found = await discover_policy_url(settings, normalize_url(url))
            values.update(url=found.url, homepage=normalize_url(url), reason=found.reason)
            return _render(request, "add.html", {"error": None, "values": values, "found": found})
        policy = policy_service.create_policy(
            archive, settings, url=url, name=values["name"], every=values["every"],
            tags=policy_service.split_list(values["tags"]), render=values["render"] or "auto",
            # where to look when the policy moves (backfill --follow-moves)
            homepage=values["homepage"] or None, homepage_reason=values["reason"] or None)
    except InvalidURL as exc:
        return _render(request, "add.html", {"error": str(exc), "values": values, "found": None}, 422)
    except (UsageError, Conflict, CrawlerError) as exc:
        return _render(request, "add.html", {"error": str(exc), "values": values, "found": None},
                       status=409 if isinstance(exc, Conflict) else 422)
    return RedirectResponse(f"/policies/{quote(policy.slug)}", status_code=303)


# --- the manage page --------------------------------------------------------------------------


def _manage(request: Request, policy: PolicyRecord, *, error: str | None = None,
            message: str | None = None, values: dict[str, str] | None = None,
            status: int = 200) -> Response:
    outbox = Outbox(archive_of(request))
    alerts = [s for s in outbox.subscriptions()
              if s.active and (not s.policies or policy.slug in s.policies)]
    job_id = request.query_params.get("job")
    return _render(request, "manage.html", {
        "policy": policy, "error": error, "message": message or DONE.get(request.query_params.get("done") or ""),
        "values": values or {}, "alerts": alerts, "topic_names": TOPICS,
        "jobs": _jobs(request).of(policy.slug)[:10], "job": _jobs(request).get(job_id or ""),
    }, status=status)


@router.get("/policies/{slug}/manage")
def manage_page(request: Request, slug: str) -> Response:
    return _manage(request, archive_of(request).policy(slug))


@router.post("/policies/{slug}/edit")
async def edit_policy(request: Request, slug: str) -> Response:
    """Name, schedule, CSS select/remove, tags and render mode, validated as ``PATCH /api/v1/policies``."""
    form = await _form(request)
    archive = archive_of(request)
    policy = archive.policy(slug)
    values = {k: _field(form, k)
              for k in ("name", "schedule", "select", "remove", "tags", "render")}
    changes: dict[str, Any] = {"name": values["name"], "schedule": values["schedule"] or None,
                               "select": values["select"], "remove": values["remove"],
                               "tags": policy_service.split_list(values["tags"]),
                               "render": values["render"] or policy.render}
    try:
        policy = policy_service.update_policy(archive, settings_of(request), slug, changes)
    except UsageError as exc:
        return _manage(request, policy, error=str(exc), values=values, status=422)
    return RedirectResponse(_manage_url(policy, done="saved"), status_code=303)


@router.post("/policies/{slug}/pause")
async def pause_policy(request: Request, slug: str) -> Response:
    return await _set_active(request, slug, False)


@router.post("/policies/{slug}/resume")
async def resume_policy(request: Request, slug: str) -> Response:
    return await _set_active(request, slug, True)


async def _set_active(request: Request, slug: str, active: bool) -> Response:
    await _form(request)
    policy = policy_service.update_policy(archive_of(request), settings_of(request), slug,
                                          {"active": active})
    return RedirectResponse(_manage_url(policy, done="resumed" if active else "paused"), status_code=303)


# --- check now, backfill ------------------------------------------------------------------------


@router.post("/policies/{slug}/check")
async def check_now(request: Request, slug: str) -> Response:
    """Fetch the live page now (``policywatch check SLUG``), as a job."""
    await _form(request)
    archive, settings = archive_of(request), settings_of(request)
    policy = archive.policy(slug)

    async def work() -> str:
        from policywatch.alerts.hooks import alert_hooks
        from policywatch.checking.pipeline import Pipeline
        pipeline = Pipeline(settings, archive, hooks=alert_hooks(settings, archive))
        results = await pipeline.check_many([policy])
        return "; ".join(r.line() for r in results) or "nothing checked"

    return await _run_job(request, policy, "check", work)


@router.post("/policies/{slug}/backfill")
async def backfill(request: Request, slug: str) -> Response:
    """Fetch past versions from the Wayback Machine (``policywatch backfill SLUG``), as a job."""
    form = await _form(request)
    archive, settings = archive_of(request), settings_of(request)
    policy = archive.policy(slug)
    values = {k: _field(form, k) for k in ("from", "to", "every")}
    try:
        start = parse_date_bound(values["from"], end=False) if values["from"] else None
        end = parse_date_bound(values["to"], end=True) if values["to"] else None
        if start and end and start > end:
            raise UsageError(f"from {values['from']} is after to {values['to']}")
        every = values["every"] or None
        if every:
            from policywatch.intervals import sampling_period
            sampling_period(every, what="every")
    except (ValueError, UsageError) as exc:
        return _manage(request, policy, error=str(exc), values=values, status=422)

    async def work() -> str:
        from policywatch.checking.backfill import backfill_policy
        from policywatch.checking.wayback_client import make_wayback_client
        async with make_wayback_client(settings) as client:
            result = await backfill_policy(archive, client, policy, from_=start, to=end, every=every)
        return result.line()

    return await _run_job(request, policy, "backfill", work)


async def _run_job(request: Request, policy: PolicyRecord, kind: str, work: Any) -> Response:
    jobs = _jobs(request)
    job = jobs.start(kind, policy.slug, work)
    await jobs.wait(job, JOB_WAIT_SECONDS)
    return RedirectResponse(_manage_url(policy, "jobs", job=job.id), status_code=303)


# --- delete ---------------------------------------------------------------------------------------


@router.get("/policies/{slug}/delete")
def delete_form(request: Request, slug: str) -> Response:
    archive = archive_of(request)
    policy = archive.policy(slug)
    return _render(request, "delete.html", {"policy": policy, "error": None,
                                            "count": archive.version_count(policy.id)})


@router.post("/policies/{slug}/delete")
async def delete(request: Request, slug: str) -> Response:
    """Stop tracking and keep the history (pause), or, when asked and confirmed by typing
    the slug, delete the policy with everything recorded about it."""
    form = await _form(request)
    archive = archive_of(request)
    policy = archive.policy(slug)
    if _field(form, "delete_history") != "1":
        policy_service.update_policy(archive, settings_of(request), slug, {"active": False})
        return RedirectResponse(_manage_url(policy, done="stopped"), status_code=303)
    if _field(form, "confirm") != policy.slug:
        return _render(request, "delete.html", {
            "policy": policy, "count": archive.version_count(policy.id),
            "error": f"type {policy.slug} to confirm deleting its history"}, status=422)
    removed = delete_policy(archive, slug)
    return _render(request, "deleted.html", {"removed": removed})


# --- alerts ---------------------------------------------------------------------------------------


@router.post("/policies/{slug}/alerts")
async def add_alert(request: Request, slug: str) -> Response:
    """Subscribe a target to this policy's changes on the ticked topics (none: every topic)."""
    form = await _form(request)
    archive = archive_of(request)
    policy = archive.policy(slug)
    values = {k: _field(form, k) for k in ("target", "secret")}
    topics = [str(t) for t in form.getlist("topics") if str(t)]
    try:
        subscription_service.create_subscription(archive, target=values["target"],
                                                 policies=[slug], topics=topics,
                                                 secret=values["secret"] or None)
    except (UsageError, NotFound) as exc:
        return _manage(request, policy, error=str(exc), values=values, status=422)
    return RedirectResponse(_manage_url(policy, "alerts", done="alert-added"), status_code=303)


def _subscription_number(value: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise HTTPException(404, f"no subscription {value[:20]!r}")
    return int(value)


@router.post("/policies/{slug}/alerts/{subscription_id}/test")
async def test_alert(request: Request, slug: str, subscription_id: str) -> Response:
    """Send a sample alert now and say whether it was delivered."""
    await _form(request)
    archive, settings = archive_of(request), settings_of(request)
    policy = archive.policy(slug)
    from policywatch.alerts import AlertError
    from policywatch.alerts.trial import send_test_alert
    try:
        await send_test_alert(settings, archive, _subscription_number(subscription_id))
    except (AlertError, UsageError, NotFound) as exc:
        return _manage(request, policy, error=f"test alert not delivered: {exc}", status=502)
    return RedirectResponse(_manage_url(policy, "alerts", done="test-sent"),
                            status_code=303)


@router.post("/policies/{slug}/alerts/{subscription_id}/delete")
async def remove_alert(request: Request, slug: str, subscription_id: str) -> Response:
    await _form(request)
    policy = archive_of(request).policy(slug)
    Outbox(archive_of(request)).remove_subscription(_subscription_number(subscription_id))
    return RedirectResponse(_manage_url(policy, "alerts", done="alert-removed"), status_code=303)
