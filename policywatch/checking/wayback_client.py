"""Wayback Machine client configured from settings (rate limits shared within the process)."""

from __future__ import annotations

from datetime import timedelta

from crawler import WaybackClient
from policywatch.settings import Settings


def make_wayback_client(settings: Settings, **overrides: object) -> WaybackClient:
    """A WaybackClient aimed at ``settings.wayback_url`` with the configured limits."""
    options: dict[str, object] = dict(
        base_url=settings.wayback_url,
        cdx_per_second=settings.cdx_per_second,
        replay_per_second=settings.replay_per_second,
        retries=settings.wayback_retries,
        backoff=settings.wayback_backoff,
        rate_limit_pause=settings.rate_limit_pause,
        redirect_window=timedelta(hours=settings.redirect_window_hours),
        user_agent=settings.user_agent,
    )
    options.update(overrides)
    return WaybackClient(**options)  # type: ignore[arg-type]
