"""Writes shared by the API and the admin forms, validated the same way as the CLI's.

Adding a policy here takes the policy URL as given (no discovery, no network), like
``policywatch add URL`` with a full policy URL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from crawler import InvalidURL, normalize_url
from diffing import TOPICS
from policywatch.services.addresses import refuse_private_url
from policywatch.alerts.targets import channel_for
from policywatch.errors import UsageError
from policywatch.services.watchlists import validate_selector
from policywatch.scheduling.schedules import validate_schedule
from policywatch.settings import Settings
from storage import Archive, Outbox, PolicyRecord, SubscriptionRecord

_SLUG_LIST = re.compile(r"[\s,]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str | None, what: str) -> str | None:
    """Reject control characters (NUL breaks PostgreSQL text) with a one-line reason."""
    if value is not None and _CONTROL.search(value):
        raise UsageError(f"{what} contains control characters")
    return value


def split_list(value: str | Iterable[str] | None) -> list[str]:
    """``"a, b c"`` or ``["a", "b"]`` -> ``["a", "b", ...]`` without blanks or repeats."""
    if value is None:
        return []
    items = _SLUG_LIST.split(value) if isinstance(value, str) else [str(v).strip() for v in value]
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


def create_policy(archive: Archive, settings: Settings, *, url: str, name: str | None = None,
                  every: str | None = None, tags: Iterable[str] = (), select: str | None = None,
                  remove: str | None = None) -> PolicyRecord:
    """Track ``url``; raises UsageError (bad URL, refused address, schedule, selector) or
    storage.Conflict (duplicate)."""
    for value, what in ((url, "URL"), (name, "name"), (every, "schedule"), (select, "select"),
                        (remove, "remove"), *((t, "tag") for t in tags)):
        clean_text(value, what)
    try:
        normalized = normalize_url(url)
    except InvalidURL as exc:
        raise UsageError(str(exc)) from None
    refuse_private_url(settings, normalized)
    schedule = (validate_schedule(every, min_interval=settings.min_interval)
                if every and every.strip() else None)
    domain = urlsplit(normalized).hostname or ""
    clean_name = (name or "").strip() or domain.removeprefix("www.")
    if len(clean_name) > 500:
        raise UsageError("name is longer than 500 characters")
    return archive.add_policy(name=clean_name, url=normalized, domain=domain, schedule=schedule,
                              select=validate_selector(select, "select"),
                              remove=validate_selector(remove, "remove"),
                              tags=tuple(split_list(list(tags))))


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
        else:
            raise UsageError(f"cannot change {key!r}")
    if not clean:
        archive.policy(slug)  # still 404 for an unknown slug
        raise UsageError("nothing to change: give schedule, select, remove, active, name or tags")
    return archive.update_policy(slug, **clean)


def create_subscription(archive: Archive, *, target: str, policies: Iterable[str] = (),
                        topics: Iterable[str] = (), secret: str | None = None) -> SubscriptionRecord:
    """Subscribe a target to alerts; unknown policy slugs are refused (NotFound)."""
    target = target.strip()
    for value, what in ((target, "target"), (secret, "secret"), *((p, "policy") for p in policies),
                        *((t, "topic") for t in topics)):
        clean_text(value, what)
    if not target:
        raise UsageError("alert target is empty")
    channel = channel_for(target)  # the same rules as `policywatch alerts add`
    wanted_topics = split_list(list(topics))
    unknown = [t for t in wanted_topics if t not in TOPICS]
    if unknown:
        raise UsageError(f"unknown topic {unknown[0]!r}; choose from {', '.join(TOPICS)}")
    slugs = split_list(list(policies))
    for slug in slugs:
        archive.policy(slug)
    return Outbox(archive).add_subscription(target=target, channel=channel, policies=slugs,
                                            topics=wanted_topics,
                                            secret=(secret or "").strip() or None)
