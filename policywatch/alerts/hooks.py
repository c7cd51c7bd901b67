"""Wires alerts into the check pipeline: who gets told what, recorded with its cause.

``alert_hooks(settings, archive)`` returns the pipeline ``Hooks``:

- ``on_new_version`` (inside the transaction that records a live version): diff it
  against the previous version; unless the change is formatting-only, write one outbox row
  per matching subscription (policy filter, topic filter).
- ``on_check`` (after each check, policy row locked): a policy that failed
  ``failure_threshold`` checks in a row, or whose page stopped being the policy (bot wall,
  empty page), is marked broken and its subscribers get one "tracking broken" alert; the
  first good check after that clears it with one "tracking recovered" alert. A check
  that failed because of the policy's own settings (``ErrorKind.user_settings``: its
  selector matches nothing or is not valid CSS) is the user's to fix, not the site
  breaking: it changes nothing here and sends nothing; the check line, ``checks`` and
  the policy page say it (docs/alerts.md).
- ``on_moved`` (inside the transaction that moves a policy to another URL, see
  ``policywatch/checking/relocation.py``): one "policy moved" alert per matching subscription,
  keyed on the old and new URL, so a move is told once.
- ``after_commit``: a delivery pass over the outbox.

Versions recorded by backfill or re-extraction never reach these hooks (they are
history, not news).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime

from diffing import diff_texts
from policywatch.alerts import Delivery, broken_message, change_message, recovered_message
from policywatch.alerts.messages import Message
from policywatch.checking.pipeline import Hooks, MoveEvent
from policywatch.settings import Settings
from storage import (
    AlertWriter,
    Archive,
    NewAlert,
    Outcome,
    PolicyRecord,
    SubscriptionRecord,
    Transaction,
    VersionEvent,
)

log = logging.getLogger("policywatch.alerts")


def wants_policy(subscription: SubscriptionRecord, policy: PolicyRecord) -> bool:
    """A subscription without a policy list follows every policy."""
    return not subscription.policies or policy.slug in subscription.policies


def wants_topics(subscription: SubscriptionRecord, topics: set[str]) -> bool:
    """A subscription without a topic list wants every substantive change."""
    return not subscription.topics or bool(topics & set(subscription.topics))


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


class AlertRules:
    """The decisions, as hook functions over a transaction."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def on_new_version(self, tx: Transaction, event: VersionEvent) -> None:
        """Record change alerts for a new live version (same transaction as the version)."""
        writer = AlertWriter(tx)
        writer.mark_version_alerted(event.version.id)
        if event.previous is None:
            return  # the first version of a policy is no change
        subscriptions = [s for s in writer.subscriptions() if wants_policy(s, event.policy)]
        if not subscriptions:
            return
        policy, version, previous = event.policy, event.version, event.previous
        report = diff_texts(previous.text, version.text,
                            old_meta={"version": previous.number, "captured_at": previous.captured_at.isoformat()},
                            new_meta={"version": version.number, "captured_at": version.captured_at.isoformat()})
        if report.formatting_only or not report.has_changes:
            log.info("%s version %d: formatting-only change, no alert", policy.slug, version.number)
            return
        message = change_message(policy, version, previous, report,
                                 public_url=self.settings.public_url)
        touched = set(report.summary.topics)
        # Keyed on the change itself (which text became which), not on a row id: a version
        # that a concurrent recorder deleted and made again is still the same change.
        change = f"{policy.id}:{previous.text_sha256[:16]}:{version.text_sha256[:16]}"
        alerts = [self._new(f"change:{change}:{s.id}", s, message, policy, version.id)
                  for s in subscriptions if wants_topics(s, touched)]
        written = writer.enqueue(alerts)
        if written:
            log.info("%s version %d: %d alert(s) recorded", policy.slug, version.number, written)

    def on_check(self, tx: Transaction, policy: PolicyRecord) -> None:
        """Track broken / recovered after a check (policy row locked, own transaction)."""
        writer = AlertWriter(tx)
        check = writer.last_live_check(policy.id)
        if check is None:
            return
        if check.error_kind is not None and check.error_kind.user_settings:
            # The policy's selector is wrong (or a 304 for a capture it found nothing in):
            # the user's mistake, shown where they look, never a "tracking broken" alert.
            log.info("%s: %s", policy.slug, check.error_kind.explanation)
            return
        healthy = writer.saw_policy(check)
        # Not the policy (bot wall, empty page, or a 304 for such a capture): broken at once.
        not_the_policy = not healthy and (check.outcome != Outcome.ERROR or (
            check.error_kind is not None and check.error_kind.rejected))
        failing = not healthy and (
            not_the_policy or policy.consecutive_failures >= self.settings.failure_threshold)
        if failing and policy.broken_since is None:
            since = datetime.now(UTC)
            writer.set_broken_since(policy.id, since)
            message = broken_message(policy, check, since=since,
                                     failures=policy.consecutive_failures if not not_the_policy else 1,
                                     public_url=self.settings.public_url)
            key = f"broken:{policy.id}:{_iso(since)}"
            self._notify(writer, policy, message, key)
            log.warning("%s: tracking broken (%s)", policy.slug, check.error_kind or check.outcome)
        elif healthy and policy.broken_since is not None:
            writer.set_broken_since(policy.id, None)
            message = recovered_message(policy, since=policy.broken_since,
                                        recovered_at=check.finished_at,
                                        public_url=self.settings.public_url)
            key = f"recovered:{policy.id}:{_iso(policy.broken_since)}"
            self._notify(writer, policy, message, key)
            log.info("%s: tracking recovered", policy.slug)

    def on_moved(self, tx: Transaction, policy: PolicyRecord, event: MoveEvent) -> None:
        """Tell subscribers once that a policy moved (same transaction as the move)."""
        from policywatch.alerts.messages import moved_message

        message = moved_message(policy, old_url=event.old_url, new_url=event.new_url,
                                how=event.how, moved_at=event.moved_at,
                                public_url=self.settings.public_url)
        urls = hashlib.sha256(f"{event.old_url}\n{event.new_url}".encode()).hexdigest()[:16]
        self._notify(AlertWriter(tx), policy, message, f"moved:{policy.id}:{urls}")

    def _notify(self, writer: AlertWriter, policy: PolicyRecord, message: Message,
                key: str) -> None:
        writer.enqueue(self._new(f"{key}:{s.id}", s, message, policy, None)
                       for s in writer.subscriptions() if wants_policy(s, policy))

    @staticmethod
    def _new(key: str, subscription: SubscriptionRecord, message: Message,
             policy: PolicyRecord, version_id: int | None) -> NewAlert:
        return NewAlert(dedupe_key=key, subscription_id=subscription.id, kind=message.kind,
                        payload=message.to_payload(), policy_id=policy.id, version_id=version_id)


def alert_hooks(settings: Settings, archive: Archive, *,
                delivery: Delivery | None = None) -> Hooks:
    """Pipeline hooks that record alerts with their causes and deliver them after commit."""
    rules = AlertRules(settings)
    sender = delivery or Delivery(settings, archive)

    async def deliver() -> None:
        await sender.deliver_due()

    return Hooks(on_new_version=[rules.on_new_version], on_check=[rules.on_check],
                 on_moved=[rules.on_moved], after_commit=[deliver])
