"""Alerts: rendering messages from the differ's report and delivering them (e-mail,
webhooks, Apprise) through the outbox."""

from policywatch.alerts.delivery import Delivery, DeliveryReport, retry_delay
from policywatch.alerts.errors import AlertError, DeliveryFailed, InvalidTarget
from policywatch.alerts.messages import (
    Message,
    broken_message,
    change_message,
    recovered_message,
    sample_message,
)
from policywatch.alerts.targets import channel_for
from policywatch.alerts.webhook import SIGNATURE_HEADER, sign, verify

__all__ = [
    "SIGNATURE_HEADER",
    "AlertError",
    "Delivery",
    "DeliveryFailed",
    "DeliveryReport",
    "InvalidTarget",
    "Message",
    "broken_message",
    "change_message",
    "channel_for",
    "recovered_message",
    "retry_delay",
    "sample_message",
    "sign",
    "verify",
]
