"""A sample alert sent to one subscription now (``policywatch alerts test``, the web UI's
"send test" button): queued in the outbox like any alert, then delivered at once."""

from __future__ import annotations

import asyncio
import uuid

from policywatch.alerts.delivery import Delivery
from policywatch.alerts.errors import DeliveryFailed
from policywatch.alerts.messages import sample_message
from policywatch.errors import UsageError
from policywatch.settings import Settings
from storage import AlertKind, Archive, NewAlert, Outbox, SubscriptionRecord


async def send_test_alert(settings: Settings, archive: Archive, subscription_id: int) -> SubscriptionRecord:
    """Deliver a sample change alert to ``subscription_id``; raises UsageError for a removed
    subscription, storage.NotFound for an unknown one and DeliveryFailed when it cannot be
    delivered (the failure is recorded on the alert)."""
    outbox = Outbox(archive)
    subscription = outbox.subscription(subscription_id)
    if not subscription.active:
        raise UsageError(f"subscription {subscription_id} was removed")
    message = sample_message(public_url=settings.public_url)
    key = f"test:{subscription.id}:{uuid.uuid4().hex}"
    outbox.enqueue([NewAlert(dedupe_key=key, subscription_id=subscription.id,
                             kind=AlertKind.TEST, payload=message.to_payload())])
    alert_id = next(a.id for a in outbox.alerts(subscription_id=subscription.id,
                                                kind=AlertKind.TEST, limit=5)
                    if a.dedupe_key == key)
    delivery = Delivery(settings, archive)
    claimed = await asyncio.to_thread(outbox.claim, alert_id, hold=delivery.hold)
    assert claimed is not None
    try:
        await delivery.send(subscription, claimed)
    except DeliveryFailed as exc:
        await asyncio.to_thread(outbox.mark_failed, alert_id, str(exc), retry_at=None)
        raise
    await asyncio.to_thread(outbox.mark_sent, alert_id)
    return subscription
