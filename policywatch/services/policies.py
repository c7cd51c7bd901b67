"""Adding and changing a policy: one validation for ``policywatch add``/``schedule``/``pause``,
the admin forms and the API.

``create_policy`` takes the policy URL as given (no discovery, no network); ``add DOMAIN``
discovers the URL first (``checking.homepage``) and then calls it. Bad input raises
UsageError with a one-line reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from crawler import InvalidURL, normalize_url
from policywatch.errors import UsageError
from policywatch.scheduling.schedules import validate_schedule
from policywatch.services.addresses import refuse_private_url
from policywatch.services.watchlists import validate_selector
from policywatch.settings import Settings
from storage import Archive, PolicyRecord, RenderMode

_SLUG_LIST = re.compile(r"[\s,]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str | None, what: str) -> str | None:
    """Reject control characters (NUL breaks PostgreSQL text) with a one-line reason."""
    if value is not None and _CONTROL.search(value):
        raise UsageError(f"{what} contains control characters")
    return value


def split_list(value: str | Iterable[str] | None) -> list[str]:
    """``"a, b c"`` or ``["a", "b,c"]`` -> ``["a", "b", "c"]`` without blanks or repeats."""
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    items = [part for v in values for part in _SLUG_LIST.split(str(v))]
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


def render_mode(value: object) -> RenderMode:
    """A policy's render mode from a form or API value; raises UsageError."""
    try:
        return RenderMode(str(value or "").strip().lower())
    except ValueError:
        raise UsageError(f"render must be one of {', '.join(RenderMode)}, got {value!r}") from None


def create_policy(archive: Archive, settings: Settings, *, url: str, name: str | None = None,
                  every: str | None = None, tags: Iterable[str] = (), select: str | None = None,
                  remove: str | None = None, render: str = "auto", homepage: str | None = None,
                  homepage_reason: str | None = None) -> PolicyRecord:
    """Track ``url``; raises UsageError (bad URL, refused address, schedule, selector) or
    storage.Conflict (duplicate)."""
    fields = policy_fields(settings, name=name, every=every, tags=tags, select=select,
                           remove=remove)
    mode = render_mode(render)
    clean_text(url, "URL")
    normalized = policy_url(url)
    refuse_private_url(settings, normalized)
    domain = urlsplit(normalized).hostname or ""
    return archive.add_policy(name=fields.name or domain.removeprefix("www."), url=normalized,
                              domain=domain, schedule=fields.schedule, select=fields.select,
                              remove=fields.remove, tags=fields.tags, render=mode,
                              homepage=homepage, homepage_reason=homepage_reason)


@dataclass(frozen=True)
class PolicyFields:
    """A new policy's settings, validated (``name`` None: named after its domain)."""

    name: str | None
    schedule: str | None
    select: str | None
    remove: str | None
    tags: tuple[str, ...]


def policy_url(url: str) -> str:
    """The normalised policy URL; UsageError for one that cannot be fetched."""
    try:
        return normalize_url(url)
    except InvalidURL as exc:
        raise UsageError(str(exc)) from None


def policy_fields(settings: Settings, *, name: str | None = None, every: str | None = None,
                  tags: Iterable[str] = (), select: str | None = None,
                  remove: str | None = None) -> PolicyFields:
    """Validate everything of a new policy but its URL (``add DOMAIN`` does this before it
    goes to the network to discover the URL)."""
    tags = list(tags)
    for value, what in ((name, "name"), (every, "schedule"), (select, "select"),
                        (remove, "remove"), *((t, "tag") for t in tags)):
        clean_text(value, what)
    schedule = (validate_schedule(every, min_interval=settings.min_interval)
                if every and every.strip() else None)
    clean_name = (name or "").strip() or None
    if clean_name is not None and len(clean_name) > 500:
        raise UsageError("name is longer than 500 characters")
    return PolicyFields(name=clean_name, schedule=schedule,
                        select=validate_selector(select, "select"),
                        remove=validate_selector(remove, "remove"),
                        tags=tuple(split_list(tags)))


def update_policy(archive: Archive, settings: Settings, slug: str,
                  changes: dict[str, Any]) -> PolicyRecord:
    """Change schedule / select / remove / active / name / tags; raises UsageError or NotFound."""
    clean: dict[str, Any] = {}
    for key, value in changes.items():
        for item in (value if isinstance(value, list | tuple) else [value]):
            if isinstance(item, str):
                clean_text(item, key)
        if key == "schedule":
            clean[key] = (validate_schedule(value, min_interval=settings.min_interval)
                          if value else None)
        elif key in ("select", "remove"):
            clean[key] = validate_selector(value, key) if isinstance(value, str) else None
        elif key == "name":
            if not value or not str(value).strip():
                raise UsageError("name cannot be empty")
            clean[key] = str(value).strip()
        elif key == "tags":
            clean[key] = tuple(split_list(value))
        elif key == "active":
            clean[key] = bool(value)
        elif key == "render":
            clean[key] = render_mode(value)
        else:
            raise UsageError(f"cannot change {key!r}")
    if not clean:
        archive.policy(slug)  # still 404 for an unknown slug
        raise UsageError("nothing to change: give schedule, select, remove, active, name or tags")
    return archive.update_policy(slug, **clean)
