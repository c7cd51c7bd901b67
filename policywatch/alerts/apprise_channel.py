"""Alerts to any Apprise URL (Slack, Discord, Teams, Telegram, ntfy, json://, ...)."""

from __future__ import annotations

import asyncio

from urllib.parse import urlsplit


from crawler import BlockedAddress, IPAddress, pinned_resolution
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
        checked = await self._check_address(target)
        if checked is None:
            await asyncio.to_thread(self._send, target, message)
            return
        host, addresses = checked

        def pinned_send() -> None:
            # Apprise resolves the name again when it connects: it gets the checked
            # addresses only (no DNS rebinding between our check and its connection).
            with pinned_resolution(host, addresses):
                self._send(target, message)

        await asyncio.to_thread(pinned_send)

    async def _check_address(self, target: str) -> tuple[str, list[IPAddress]] | None:
        """Refuse a target whose host is not an allowed address (``json://``, ``xml://``,
        ``ntfy://`` ... name hosts too); the host and its checked addresses, or None when
        there is nothing to pin (open policy, no host, a literal address or no answer)."""
        policy = self.settings.address_policy()
        if policy.open:
            return None
        host = _target_host(target)
        if host is None:
            return None  # a service URL without a host of its own (tgram://TOKEN/CHAT ...)
        try:
            addresses = await policy.resolve(host, 443)
        except BlockedAddress as exc:
            if exc.reason == "unresolvable":
                return None  # Apprise will fail to connect and say so
            raise DeliveryFailed(f"Apprise {target.split('://', 1)[0]}://: {exc}",
                                 channel=self.name, retryable=False) from None
        return (host, addresses) if str(addresses[0]) != host.strip("[]") else None

    def _send(self, target: str, message: Message) -> None:
        import apprise      # ~80 ms of imports, paid only when an Apprise alert goes out

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


def _target_host(target: str) -> str | None:
    """The host an Apprise URL connects to, when it names one.

    Services with a fixed endpoint (``slack://``, ``tgram://``) put tokens where a host
    would be; judging those as host names is harmless (they do not resolve, or resolve
    publicly), and the host-naming schemes (``json://``, ``xml://``, ``form://``,
    ``ntfy://``, ``gotify://``, ``mqtt://``...) are judged like a webhook.
    """
    try:
        host = urlsplit(target.strip()).hostname
    except ValueError:
        return None
    return host or None
