"""Subscribing to alerts: one validation for ``policywatch alerts add``, the admin form and
the API (target and its channel, topics, policies, webhook secret)."""

from __future__ import annotations

from collections.abc import Iterable

from diffing import TOPICS
from policywatch.alerts.targets import channel_for
from policywatch.errors import UsageError
from policywatch.services.policies import clean_text, split_list
from storage import Archive, Outbox, SubscriptionRecord


def create_subscription(archive: Archive, *, target: str, policies: Iterable[str] = (),
                        topics: Iterable[str] = (), secret: str | None = None) -> SubscriptionRecord:
    """Subscribe a target to alerts; UsageError for a bad target, topic or secret, NotFound
    for an unknown policy slug."""
    target, policies, topics = target.strip(), list(policies), list(topics)
    for value, what in ((target, "target"), (secret, "secret"), *((p, "policy") for p in policies),
                        *((t, "topic") for t in topics)):
        clean_text(value, what)
    if not target:
        raise UsageError("alert target is empty")
    channel = channel_for(target)
    secret = (secret or "").strip() or None
    if secret and channel != "webhook":
        raise UsageError("a secret only applies to http(s):// webhook targets")
    wanted_topics = split_list(topics)
    unknown = [t for t in wanted_topics if t not in TOPICS]
    if unknown:
        raise UsageError(f"unknown topic {unknown[0]!r}; choose from {', '.join(TOPICS)}")
    slugs = split_list(policies)
    for slug in slugs:
        archive.policy(slug)
    return Outbox(archive).add_subscription(target=target, channel=channel, policies=slugs,
                                            topics=wanted_topics, secret=secret)
