"""Schedules: intervals and crontab expressions mean what cron users expect."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from policywatch.errors import UsageError
from policywatch.scheduling.schedules import cron_trigger, parse_interval, validate_schedule

SAT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)  # a Saturday


@pytest.mark.parametrize("expression, weekday", [
    ("0 6 * * 1", "Monday"), ("0 6 * * 0", "Sunday"), ("0 6 * * 7", "Sunday"),
    ("0 6 * * mon", "Monday"), ("0 6 * * 5", "Friday"),
])
def test_cron_weekdays_follow_crontab(expression: str, weekday: str) -> None:
    fire = cron_trigger(expression).get_next_fire_time(None, SAT)
    assert fire.strftime("%A") == weekday and fire.hour == 6


def test_weekday_ranges_and_steps() -> None:
    fires = []
    now = SAT
    for _ in range(5):
        now = cron_trigger("0 6 * * 1-5").get_next_fire_time(None, now)
        fires.append(now.strftime("%a"))
        now = now.replace(minute=1)
    assert fires == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    every_other = cron_trigger("0 0 * * */2").get_next_fire_time(None, SAT)
    assert every_other.strftime("%a") == "Sun"


@pytest.mark.parametrize("value, seconds", [("30m", 1800), ("6h", 21600), ("1d", 86400), ("2w", 1209600)])
def test_intervals(value: str, seconds: int) -> None:
    assert parse_interval(value).total_seconds() == seconds
    assert validate_schedule(value) == value


@pytest.mark.parametrize("value", ["sometimes", "0 6 * *", "0 25 * * *", "0 6 * * 9", "0m"])
def test_bad_schedules_are_usage_errors(value: str) -> None:
    with pytest.raises(UsageError):
        validate_schedule(value)
