"""The one interval grammar: the same spelling means the same length in every command."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crawler import Period, PeriodUnit
from policywatch.errors import UsageError
from policywatch.intervals import (
    CALENDAR,
    FIXED,
    GRAMMAR,
    Interval,
    Unit,
    calendar_days,
    parse_interval,
    sampling_period,
)
from policywatch.scheduling.schedules import parse_interval as schedule_interval
from tests.databases import sqlite_only


@pytest.mark.parametrize("text, amount, unit", [
    ("30s", 30, Unit.SECONDS), ("6m", 6, Unit.MINUTES), ("90min", 90, Unit.MINUTES),
    ("6h", 6, Unit.HOURS), ("1d", 1, Unit.DAYS), ("2w", 2, Unit.WEEKS),
    ("6mo", 6, Unit.MONTHS), ("1y", 1, Unit.YEARS), (" 6 MO ", 6, Unit.MONTHS),
    ("1.5h", 1.5, Unit.HOURS), ("6Min", 6, Unit.MINUTES),
])
def test_every_unit_parses(text: str, amount: float, unit: Unit) -> None:
    assert parse_interval(text) == Interval(amount, unit)


@pytest.mark.parametrize("text", ["6M", "6x", "6months", "6", "m", "", "6 m o", "-1d", "6mins"])
def test_unknown_or_ambiguous_units_name_the_grammar(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_interval(text, what="--every")
    message = str(caught.value)
    assert "\n" not in message and GRAMMAR in message and message.startswith("invalid --every")


def test_six_m_is_six_minutes_for_a_schedule_and_refused_for_sampling() -> None:
    assert schedule_interval("6m") == timedelta(minutes=6)
    with pytest.raises(UsageError, match=r"--every '6m' is in minutes: here use d \(days\)"):
        sampling_period("6m")
    assert sampling_period("6mo") == Period(6, PeriodUnit.MONTHS)
    assert sampling_period("1y") == Period(1, PeriodUnit.YEARS)
    assert sampling_period("2w") == Period(2, PeriodUnit.WEEKS)
    assert sampling_period(None) is None


def test_schedules_take_fixed_units_only() -> None:
    with pytest.raises(UsageError, match="schedule '1mo' is in months"):
        schedule_interval("1mo")
    assert schedule_interval("0 6 * * 1") is None  # a cron expression is no interval
    with pytest.raises(UsageError, match="invalid schedule"):
        schedule_interval("6q")


def test_zero_fractional_months_and_units_per_use() -> None:
    with pytest.raises(UsageError, match="longer than zero"):
        parse_interval("0d")
    with pytest.raises(UsageError, match="whole numbers"):
        parse_interval("1.5mo")
    assert set(FIXED) & set(CALENDAR) == {Unit.DAYS, Unit.WEEKS}
    assert str(parse_interval("6 MO")) == "6mo" and str(parse_interval("1.5h")) == "1.5h"
    assert calendar_days("6mo") == 186 and calendar_days("2w") == 14


@sqlite_only
def test_cli_refuses_six_m_for_backfill_with_one_line(cli, site) -> None:  # type: ignore[no-untyped-def]
    slug = cli("add", site.url("/legal/privacy")).out.strip()
    result = cli("backfill", slug, "--every", "6m")
    assert result.code == 2
    assert result.err.strip().count("\n") == 0 and "is in minutes" in result.err
    result = cli("corpus", "-", "-o", "out", "--every", "6M")
    assert result.code == 2 and GRAMMAR in result.err
    assert cli("schedule", slug, "6m").out.strip() == f"{slug} every 6m"


def test_min_interval_setting_uses_the_grammar(monkeypatch: pytest.MonkeyPatch) -> None:
    from policywatch.settings import load_settings

    monkeypatch.setenv("POLICYWATCH_MIN_INTERVAL", "6mo")
    with pytest.raises(UsageError, match="min_interval"):
        load_settings()
