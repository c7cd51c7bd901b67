"""Webhook alerts: a JSON POST, signed with HMAC-SHA256 when the subscription has a secret.

Headers sent:
- ``X-Policywatch-Event``: change | broken | recovered | test
- ``X-Policywatch-Delivery``: a stable id per (alert, subscription), for receivers to dedupe
- ``X-Policywatch-Signature: sha256=<hex>``: HMAC-SHA256 of the exact body with the secret
"""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx

from crawler import BlockedAddress, GuardedTransport
from policywatch import __version__
from policywatch.alerts.errors import DeliveryFailed
from policywatch.alerts.messages import Message
from policywatch.settings import Settings

SIGNATURE_HEADER = "X-Policywatch-Signature"


def sign(body: bytes, secret: str) -> str:
    """The signature header value: ``sha256=`` and the hex HMAC-SHA256 of ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, header: str | None) -> bool:
    """Check a received signature (what a receiver does), in constant time."""
    return header is not None and hmac.compare_digest(sign(body, secret), header)


def webhook_body(message: Message, *, delivery_id: str) -> bytes:
    """The JSON document POSTed: the message's data plus subject, text and delivery id."""
    document = {**message.data, "kind": message.kind, "subject": message.subject,
                "text": message.short, "delivery_id": delivery_id}
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode("utf-8")


class WebhookChannel:
    """POSTs alerts to http(s) URLs."""

    name = "webhook"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, target: str, message: Message, *, secret: str | None,
                   delivery_id: str) -> None:
        body = webhook_body(message, delivery_id=delivery_id)
        headers = {"Content-Type": "application/json; charset=utf-8",
                   "User-Agent": f"policywatch/{__version__} (alerts)",
                   "X-Policywatch-Event": message.kind,
                   "X-Policywatch-Delivery": delivery_id}
        if secret:
            headers[SIGNATURE_HEADER] = sign(body, secret)
        # The target is a subscriber's URL: it may reach only allowed addresses.
        transport = GuardedTransport(self.settings.address_policy())
        try:
            async with httpx.AsyncClient(timeout=self.settings.webhook_timeout,
                                         follow_redirects=False, transport=transport) as client:
                response = await client.post(target, content=body, headers=headers)
        except BlockedAddress as exc:
            raise DeliveryFailed(f"POST {target}: {exc}", channel=self.name,
                                 retryable=False) from None
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"POST {target}: {exc or type(exc).__name__}",
                                 channel=self.name, retryable=True) from exc
        if 200 <= response.status_code < 300:
            return
        # Server errors, timeouts and rate limits are worth retrying; other answers
        # (4xx, redirects) mean the receiver will not take this alert.
        retryable = response.status_code >= 500 or response.status_code in (408, 425, 429)
        raise DeliveryFailed(f"POST {target}: HTTP {response.status_code}",
                             channel=self.name, retryable=retryable)
