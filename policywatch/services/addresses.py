"""Add-time address checks: a policy URL a user gives must reach a public address.

The fetch itself is guarded on every request (``crawler.addresses.GuardedTransport``);
refusing at ``add`` time tells the user at once, in one line, instead of leaving a policy
whose every check fails. A name that does not resolve (yet) is accepted: its checks will
say so. A watch-list import judges only what each URL spells (address literals,
``localhost``) so that a million rows need no million DNS lookups; the fetch guard covers
the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from policywatch.errors import UsageError

if TYPE_CHECKING:
    from policywatch.settings import Settings


def refuse_private_url(settings: Settings, url: str, *, resolve: bool = True) -> None:
    """Raise UsageError (one line) when ``url``'s host is an address the settings refuse."""
    if settings.allow_private_addresses:
        return
    from crawler import BlockedAddress

    try:
        settings.address_policy().check_url_blocking(url, resolve=resolve)
    except BlockedAddress as exc:
        if exc.reason == "unresolvable":
            return
        raise UsageError(f"refused: {exc}") from None
