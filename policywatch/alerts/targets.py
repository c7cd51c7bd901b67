"""Which channel a subscription target goes through, checked when it is added."""

from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import urlsplit

from policywatch.alerts.errors import InvalidTarget


def channel_for(target: str) -> str:
    """``email`` for ``mailto:ADDRESS``, ``webhook`` for http(s) URLs, else ``apprise``.

    Raises InvalidTarget with a one-line reason for anything unusable.
    """
    target = target.strip()
    scheme = urlsplit(target).scheme.lower()
    if scheme == "mailto" and not target[len("mailto:"):].startswith("//"):
        address = target[len("mailto:"):]
        name, parsed = parseaddr(address)
        if not parsed or "@" not in parsed or parsed != address.strip() or name:
            raise InvalidTarget(f"invalid e-mail address in {target!r}: use mailto:name@example.org",
                                target=target)
        return "email"
    if scheme in ("http", "https"):
        if not urlsplit(target).hostname:
            raise InvalidTarget(f"webhook URL {target!r} has no host", target=target)
        return "webhook"
    import apprise

    if not scheme or not apprise.Apprise().add(target):
        raise InvalidTarget(
            f"cannot send alerts to {target!r}: use mailto:ADDRESS, an http(s):// webhook URL "
            "or an Apprise URL (slack://, discord://, ntfy://, json://, ...)", target=target)
    return "apprise"


def email_address(target: str) -> str:
    """The address of a ``mailto:`` target."""
    return target.strip()[len("mailto:"):].strip()
