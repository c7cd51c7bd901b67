"""Check schedules: an interval (``30m``, ``6h``, ``1d``, ``2w``; the grammar of
``policywatch.intervals``) or a five-field cron expression."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from policywatch.errors import UsageError
from policywatch.intervals import FIXED, looks_like_interval
from policywatch.intervals import parse_interval as parse_any_interval

if TYPE_CHECKING:  # APScheduler is imported where triggers are built, not at CLI start
    from apscheduler.triggers.base import BaseTrigger
    from apscheduler.triggers.cron import CronTrigger

# Longer than this is a typo (or 99999999999999999999d), and past datetime's range.
MAX_INTERVAL = timedelta(days=366)
# Cron firings looked at to find a schedule's shortest gap (a minute list such as
# "0,1 * * * *" or "* 5 * * *" shows its gap within the first few firings).
_CRON_SAMPLES = 24


def _shown(value: str, limit: int = 80) -> str:
    """A user's value for an error line, cut short (a 100 KB value is not echoed)."""
    return repr(value if len(value) <= limit else value[:limit] + "...")


def parse_interval(value: str) -> timedelta | None:
    """``6h`` -> 6 hours; None when ``value`` is no interval (a cron expression); UsageError
    for an interval in an unknown unit or in months or years (a cron expression says those)."""
    if not looks_like_interval(value):
        return None
    delta = parse_any_interval(value, what="schedule", units=FIXED).duration()
    if delta > MAX_INTERVAL:
        raise UsageError(f"schedule {_shown(value)} is longer than a year (366d)")
    return delta


def validate_schedule(value: str, *, min_interval: timedelta | str | None = None) -> str:
    """Return the normalised schedule or raise UsageError with a one-line reason.

    ``min_interval`` (the ``min_interval`` setting) is the shortest gap allowed between
    two checks, for intervals and cron expressions alike; a cron expression that never
    fires (``0 0 31 2 *``) is refused too.
    """
    value = value.strip()
    shortest = (parse_interval(min_interval) if isinstance(min_interval, str)
                else min_interval)
    interval = parse_interval(value)
    if interval is not None:
        if shortest is not None and interval < shortest:
            raise UsageError(f"schedule {_shown(value)} is shorter than the minimum interval "
                             f"{_describe(shortest)} (setting min_interval)")
        return value.lower().replace(" ", "")
    fields = value.split()
    if len(fields) != 5:
        raise UsageError(
            f"invalid schedule {_shown(value)}: use an interval like 30m, 6h, 1d, 2w "
            "or a cron expression like '0 6 * * 1'")
    try:
        trigger = cron_trigger(value)
    except (ValueError, OverflowError) as exc:
        raise UsageError(f"invalid cron expression {_shown(value)}: {exc}") from None
    gap = _shortest_gap(trigger)
    if gap is None:
        raise UsageError(f"cron expression {_shown(value)} never fires")
    if shortest is not None and gap < shortest:
        raise UsageError(f"cron expression {_shown(value)} fires every {_describe(gap)}, more "
                         f"often than the minimum interval {_describe(shortest)} "
                         "(setting min_interval)")
    return " ".join(fields)


def _describe(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    for size, unit in ((604800, "w"), (86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _shortest_gap(trigger: CronTrigger) -> timedelta | None:
    """The shortest time between the next firings of a cron trigger; None if it never fires."""
    previous = None
    now = datetime(2024, 1, 1, tzinfo=UTC)  # fixed: the answer must not depend on today
    gap: timedelta | None = None
    # A day-of-month that exists only in leap years (29 Feb) fires within 8 years.
    for _ in range(_CRON_SAMPLES):
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire.year > 2040:
            break
        if previous is not None:
            step = fire - previous
            gap = step if gap is None else min(gap, step)
        previous, now = fire, fire + timedelta(seconds=1)
    if previous is None:
        return None
    return gap if gap is not None else MAX_INTERVAL


def trigger_for(schedule: str, *, jitter: float = 0.0,
                min_interval: timedelta | None = None) -> BaseTrigger:
    """An APScheduler trigger for a schedule; ``jitter`` is a share of the interval (<= 1 h).

    An interval shorter than ``min_interval`` (stored before that setting, or written to
    the database directly) runs at ``min_interval``.
    """
    from apscheduler.triggers.interval import IntervalTrigger

    interval = parse_interval(schedule)
    if interval is not None:
        if min_interval is not None and interval < min_interval:
            interval = min_interval
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
    from apscheduler.triggers.cron import CronTrigger

    minute, hour, day, month, weekday = expression.split()
    return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                       day_of_week=_cron_weekdays(weekday), timezone="UTC")
