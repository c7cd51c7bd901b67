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
        cron_trigger(value)
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
    return cron_trigger(schedule)


_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _cron_weekdays(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) as APScheduler weekday names.

    APScheduler 3 numbers weekdays from Monday = 0, so ``from_crontab('0 6 * * 1')`` would
    fire on Tuesdays; names mean the same day in both.
    """
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.lower().split(","):
        part, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"invalid step in {field!r}")
        if part == "*":
            start, end = 0, 6
        else:
            first, _, last = part.partition("-")
            start = _weekday_number(first)
            end = _weekday_number(last) if last else (6 if step_text else start)
            if end < start:
                raise ValueError(f"invalid weekday range {part!r}")
        days.update(d % 7 for d in range(start, end + 1, step))
    return ",".join(_WEEKDAYS[d] for d in sorted(days))


def _weekday_number(token: str) -> int:
    if token.isdigit():
        number = int(token)
        if not 0 <= number <= 7:
            raise ValueError(f"weekday {token} is not 0-7")
        return number
    if token[:3] in _WEEKDAYS:
        return _WEEKDAYS.index(token[:3])
    raise ValueError(f"unknown weekday {token!r}")


def cron_trigger(expression: str) -> CronTrigger:
    """A UTC CronTrigger from a five-field crontab expression, with crontab's weekdays."""
    minute, hour, day, month, weekday = expression.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                       day_of_week=_cron_weekdays(weekday), timezone="UTC")
