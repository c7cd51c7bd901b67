"""Alerts to any Apprise URL (Slack, Discord, Teams, Telegram, ntfy, json://, ...)."""

from __future__ import annotations

import asyncio

import apprise

from policywatch.alerts.errors import DeliveryFailed
from policywatch.alerts.messages import Message
from policywatch.settings import Settings
from storage import AlertKind


class AppriseChannel:
    """Sends the message's short text with its subject as the title."""

    name = "apprise"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, target: str, message: Message, *, secret: str | None,
                   delivery_id: str) -> None:
        await asyncio.to_thread(self._send, target, message)

    def _send(self, target: str, message: Message) -> None:
        notifier = apprise.Apprise()
        if not notifier.add(target):
            raise DeliveryFailed(f"not a usable Apprise URL: {target}", channel=self.name,
                                 retryable=False)
        notify_type = (apprise.NotifyType.FAILURE if message.kind == AlertKind.BROKEN
                       else apprise.NotifyType.SUCCESS if message.kind == AlertKind.RECOVERED
                       else apprise.NotifyType.INFO)
        with apprise.LogCapture(level=apprise.logging.WARNING) as log:
            sent = notifier.notify(body=message.short, title=message.subject,
                                   notify_type=notify_type, body_format=apprise.NotifyFormat.TEXT)
            details = log.getvalue().strip()
        if not sent:
            reason = details.splitlines()[-1] if details else "notification not sent"
            raise DeliveryFailed(f"Apprise {target.split('://', 1)[0]}://: {reason}",
                                 channel=self.name, retryable=True)
