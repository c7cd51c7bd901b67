"""The outbox worker: send recorded alerts, retry with backoff, never send one twice.

Guarantees (see docs/alerts.md):

- An alert is recorded in the transaction that records its cause, so once the version
  is committed the alert exists; a process killed after that commit sends it on its next
  delivery pass (the next ``check``, or ``run`` at start and every tick).
- Each row is claimed (``pending -> sending``) by one conditional UPDATE committed before
  the network call, so concurrent processes never both send it.
- A failure that certainly did not deliver (connection refused, SMTP 4xx, HTTP 5xx/429,
  timeouts) puts the row back to ``pending`` with exponential backoff
  (``alert_backoff`` doubling up to ``alert_max_backoff``) for at most ``alert_retries``
  retries; a permanent one (SMTP 5xx, HTTP 4xx, unusable URL) fails it at once.
- A row still ``sending`` after its hold expired belongs to a process that died mid-send;
  it is marked failed, not re-sent: at most once for that window, which is as long as one
  SMTP or HTTP exchange. Everything before the claim is at least once, so overall an
  alert is delivered exactly once unless the process dies during the exchange itself.

``Delivery.before_send`` is a hook called at the start of a delivery pass that has alerts
due, i.e. right after the alerts' transaction committed and before anything is sent; it is
None in production. The kill -9 test installs one that kills its process there
(tests/policywatch/crash_after_commit.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from policywatch.alerts.apprise_channel import AppriseChannel
from policywatch.alerts.email import EmailChannel
from policywatch.alerts.errors import DeliveryFailed
from policywatch.alerts.messages import Message
from policywatch.alerts.webhook import WebhookChannel
from policywatch.settings import Settings
from storage import AlertRecord, Archive, NotFound, Outbox, SubscriptionRecord

log = logging.getLogger("policywatch.alerts")


class Channel(Protocol):
    """Something that sends one message to one target."""

    name: str

    async def send(self, target: str, message: Message, *, secret: str | None,
                   delivery_id: str) -> None: ...


@dataclass(frozen=True)
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    interrupted: int = 0


def default_channels(settings: Settings) -> dict[str, Channel]:
    return {"email": EmailChannel(settings), "webhook": WebhookChannel(settings),
            "apprise": AppriseChannel(settings)}


def retry_delay(settings: Settings, attempts: int) -> timedelta:
    """Backoff before retry number ``attempts`` (1-based): base, 2x base, 4x base, ..."""
    seconds = settings.alert_backoff * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.alert_max_backoff))


class Delivery:
    """Sends due outbox rows; safe to run in several processes against one database."""

    # Called before a pass that has alerts due sends anything (see the module doc).
    before_send: Callable[[], None] | None = None

    def __init__(self, settings: Settings, archive: Archive, *,
                 channels: dict[str, Channel] | None = None, parallel: int = 4) -> None:
        self.settings = settings
        self.outbox = Outbox(archive)
        self.channels = channels or default_channels(settings)
        self.parallel = parallel
        self._lock = asyncio.Lock()
        self._again = False
        # A send taking longer than this is treated as interrupted by other processes.
        self.hold = timedelta(seconds=3 * max(settings.smtp_timeout, settings.webhook_timeout) + 30)

    async def deliver_due(self) -> DeliveryReport:
        """One pass over due alerts; a pass requested while one runs is folded into it."""
        if self._lock.locked():
            self._again = True
            return DeliveryReport()
        async with self._lock:
            total = DeliveryReport()
            while True:
                self._again = False
                report = await self._pass()
                total = DeliveryReport(*(a + b for a, b in zip(_tuple(total), _tuple(report))))
                if not self._again:
                    return total

    async def _pass(self) -> DeliveryReport:
        interrupted = await asyncio.to_thread(self.outbox.abandon_interrupted)
        if interrupted:
            log.warning("%d alert(s) were interrupted mid-send by a stopped process; "
                        "marked failed, not re-sent", interrupted)
        due = await asyncio.to_thread(self.outbox.due)
        if due and Delivery.before_send is not None:
            Delivery.before_send()
        limit = asyncio.Semaphore(self.parallel)
        outcomes: list[str] = []

        async def one(alert_id: int) -> None:
            async with limit:
                outcomes.append(await self._deliver(alert_id))

        await asyncio.gather(*(one(a) for a in due))
        return DeliveryReport(sent=outcomes.count("sent"), retrying=outcomes.count("retrying"),
                              failed=outcomes.count("failed"), interrupted=interrupted)

    async def _deliver(self, alert_id: int) -> str:
        alert = await asyncio.to_thread(self.outbox.claim, alert_id, hold=self.hold)
        if alert is None:
            return "taken"  # another process claimed it first
        try:
            subscription = await asyncio.to_thread(self.outbox.subscription, alert.subscription_id)
        except NotFound:
            await asyncio.to_thread(self.outbox.mark_failed, alert.id, "subscription is gone",
                                    retry_at=None)
            return "failed"
        try:
            await self.send(subscription, alert)
        except DeliveryFailed as exc:
            return await self._failed(alert, subscription, exc)
        except Exception as exc:  # a bug in a channel must not leave the row claimed
            log.exception("alert %d: unexpected error", alert.id)
            return await self._failed(alert, subscription, DeliveryFailed(
                f"{type(exc).__name__}: {exc}", channel=subscription.channel, retryable=True))
        await asyncio.to_thread(self.outbox.mark_sent, alert.id)
        log.info("alert %d sent: %s to %s", alert.id, alert.kind, _display(subscription))
        return "sent"

    async def send(self, subscription: SubscriptionRecord, alert: AlertRecord) -> None:
        """Send one claimed alert through its subscription's channel (raises DeliveryFailed)."""
        channel = self.channels[subscription.channel]
        await channel.send(subscription.target, Message.from_payload(alert.payload),
                           secret=subscription.secret, delivery_id=alert.dedupe_key)

    async def _failed(self, alert: AlertRecord, subscription: SubscriptionRecord,
                      exc: DeliveryFailed) -> str:
        retry = exc.retryable and alert.attempts <= self.settings.alert_retries
        retry_at = datetime.now(UTC) + retry_delay(self.settings, alert.attempts) if retry else None
        await asyncio.to_thread(self.outbox.mark_failed, alert.id, str(exc), retry_at=retry_at)
        if retry_at is not None:
            log.warning("alert %d to %s failed (attempt %d): %s; retrying at %s", alert.id,
                        _display(subscription), alert.attempts, exc,
                        retry_at.strftime("%H:%M:%S"))
            return "retrying"
        log.error("alert %d to %s failed for good after %d attempt(s): %s", alert.id,
                  _display(subscription), alert.attempts, exc)
        return "failed"


def _tuple(report: DeliveryReport) -> tuple[int, int, int, int]:
    return (report.sent, report.retrying, report.failed, report.interrupted)


def _display(subscription: SubscriptionRecord) -> str:
    """A target for logs, without credentials an Apprise or webhook URL may carry."""
    from urllib.parse import urlsplit

    parts = urlsplit(subscription.target)
    if subscription.channel == "email":
        return subscription.target
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{':' + str(parts.port) if parts.port else ''}{parts.path[:40]}"
