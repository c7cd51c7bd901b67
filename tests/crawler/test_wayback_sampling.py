"""Date bounds, one-capture-per-interval sampling and the token-bucket limiter."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler import (
    CdxRecord,
    Period,
    PeriodUnit,
    RateLimiter,
    TokenBucketLimiter,
    parse_date_bound,
    sample_captures,
)
from crawler.wayback import format_timestamp


def capture(moment: datetime) -> CdxRecord:
    ts = format_timestamp(moment)
    return CdxRecord("com,x)/p", ts, "https://x.com/p", "text/html", 200, ts.ljust(32, "A")[:32], 1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
        second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


@pytest.mark.parametrize(("value", "start", "end"), [
    ("2019", "20190101000000", "20191231235959"),
    ("2019-06", "20190601000000", "20190630235959"),
    ("2020-02", "20200201000000", "20200229235959"),
    ("2019-06-15", "20190615000000", "20190615235959"),
    ("20190615", "20190615000000", "20190615235959"),
    (" 2019-06 ", "20190601000000", "20190630235959"),
])
def test_date_bounds(value: str, start: str, end: str) -> None:
    assert parse_date_bound(value, end=False) == start
    assert parse_date_bound(value, end=True) == end


@pytest.mark.parametrize("bad", ["19", "2019-13", "2019-02-30", "2019/06", "June 2019",
                                 "2019-6", "", "2019-06-15T10:00"])
def test_bad_date_bounds_raise_a_clear_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid date"):
        parse_date_bound(bad, end=False)


def test_every_six_months_takes_the_capture_nearest_each_half_year_middle() -> None:
    moments = [utc(2019, 1, 5), utc(2019, 3, 20), utc(2019, 4, 10), utc(2019, 6, 30),
               utc(2019, 7, 1), utc(2019, 12, 31), utc(2021, 2, 1)]
    chosen = sample_captures([capture(m) for m in reversed(moments)], every=Period(6, PeriodUnit.MONTHS))
    # middles: 2019-04-01 12:00, 2019-10-01 12:00, (2020 halves empty), 2021-04-01 12:00
    assert [r.captured_at for r in chosen] == [utc(2019, 4, 10), utc(2019, 12, 31), utc(2021, 2, 1)]


def test_every_two_weeks_and_thirty_days_and_one_year() -> None:
    daily = [capture(utc(2020, 1, 1) + timedelta(days=d)) for d in range(60)]
    two_weeks = sample_captures(daily, every=Period(2, PeriodUnit.WEEKS))
    assert [r.captured_at.day for r in two_weeks][:3] == [8, 22, 5]  # middle of each 14 days
    assert len(two_weeks) == 5
    assert len(sample_captures(daily, every=Period(30, PeriodUnit.DAYS))) == 2
    assert len(sample_captures(daily, every=Period(1, PeriodUnit.YEARS))) == 1
    assert sample_captures(daily, every=None) == daily
    assert sample_captures([], every=Period(1, PeriodUnit.YEARS)) == []


@pytest.mark.parametrize("count", [0, -1])
def test_a_period_counts_at_least_one_unit(count: int) -> None:
    with pytest.raises(ValueError, match="at least one unit"):
        Period(count, PeriodUnit.MONTHS)


PERIODS = {
    (1, PeriodUnit.MONTHS): lambda d: (d.year, d.month),
    (3, PeriodUnit.MONTHS): lambda d: (d.year, (d.month - 1) // 3),
    (6, PeriodUnit.MONTHS): lambda d: (d.year, (d.month - 1) // 6),
    (1, PeriodUnit.YEARS): lambda d: d.year,
}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 1, 1)),
                max_size=40),
       st.sampled_from(list(PERIODS)))
def test_sampling_keeps_exactly_one_capture_per_calendar_period(
        moments: list[datetime], every: tuple[int, PeriodUnit]) -> None:
    records = [capture(m.replace(tzinfo=timezone.utc, microsecond=0)) for m in moments]
    chosen = sample_captures(records, every=Period(*every))
    period = PERIODS[every]
    assert all(r in records for r in chosen)
    assert [period(r.captured_at) for r in chosen] == sorted({period(r.captured_at) for r in records})


def test_token_bucket_spaces_requests_shared_by_concurrent_tasks() -> None:
    limiter = TokenBucketLimiter(25)
    assert isinstance(limiter, RateLimiter)
    starts: list[float] = []

    async def task() -> None:
        for _ in range(5):
            await limiter.acquire()
            starts.append(time.monotonic())

    async def main() -> None:
        await asyncio.gather(*(task() for _ in range(4)))

    asyncio.run(main())
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 20
    # wake-up jitter on a loaded machine can shorten one gap, never the whole span
    assert min(gaps) >= 1 / 25 - 0.02
    assert starts[-1] - starts[0] >= 19 / 25 - 0.005


def test_token_bucket_pause_holds_back_waiting_tasks() -> None:
    limiter = TokenBucketLimiter(20, burst=3)
    starts: list[float] = []

    async def main() -> float:
        await limiter.acquire()
        limiter.pause(0.3)
        paused_at = time.monotonic()

        async def one() -> None:
            await limiter.acquire()
            starts.append(time.monotonic())

        await asyncio.gather(*(one() for _ in range(3)))
        return paused_at

    paused_at = asyncio.run(main())
    assert min(starts) - paused_at >= 0.3 - 0.005
    starts.sort()
    # after a pause requests resume one by one (50 ms apart), not as a burst of 3
    assert starts[2] - starts[0] >= 2 / 20 - 0.02


def test_token_bucket_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        TokenBucketLimiter(0)
    with pytest.raises(ValueError):
        TokenBucketLimiter(1, burst=0)
