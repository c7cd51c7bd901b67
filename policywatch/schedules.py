"""Check schedules: an interval (``30m``, ``6h``, ``1d``, ``2w``) or a five-field cron expression."""

from __future__ import annotations

import re
from datetime import timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from policywatch.errors import UsageError

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)


def parse_interval(value: str) -> timedelta | None:
    """``6h`` -> 6 hours; None when ``value`` is not an interval."""
    match = _INTERVAL.match(value)
    if not match:
        return None
    amount, unit = float(match.group(1)), match.group(2).lower()
    delta = timedelta(**{_UNITS[unit]: amount})
    if delta <= timedelta(0):
        raise UsageError(f"schedule {value!r} must be longer than zero")
    return delta


def validate_schedule(value: str) -> str:
    """Return the normalised schedule or raise UsageError with a one-line reason."""
    value = value.strip()
    if parse_interval(value) is not None:
        return value.lower().replace(" ", "")
    fields = value.split()
    if len(fields) != 5:
        raise UsageError(
            f"invalid schedule {value!r}: use an interval like 30m, 6h, 1d, 2w "
            "or a cron expression like '0 6 * * 1'")
    try:
        CronTrigger.from_crontab(value, timezone="UTC")
    except ValueError as exc:
        raise UsageError(f"invalid cron expression {value!r}: {exc}") from exc
    return " ".join(fields)


def trigger_for(schedule: str, *, jitter: float = 0.0) -> BaseTrigger:
    """An APScheduler trigger for a schedule; ``jitter`` is a share of the interval (<= 1 h)."""
    interval = parse_interval(schedule)
    if interval is not None:
        spread = int(min(interval.total_seconds() * jitter, 3600))
        return IntervalTrigger(seconds=interval.total_seconds(), jitter=spread or None,
                               timezone="UTC")
    return CronTrigger.from_crontab(schedule, timezone="UTC")
