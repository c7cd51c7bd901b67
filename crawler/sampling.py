"""Choosing which Wayback captures to replay: date bounds and one capture per interval."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Protocol, TypeVar

_DATE_BOUND = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DIGITS = re.compile(r"^\d{4,14}$")


class _Dated(Protocol):
    @property
    def captured_at(self) -> datetime: ...


Capture = TypeVar("Capture", bound=_Dated)


def parse_date_bound(value: str, *, end: bool) -> str:
    """Turn "2019", "2019-06" or "2019-06-15" into a 14-digit CDX ``from``/``to`` bound.

    ``end=False`` gives the first second of the period, ``end=True`` its last second
    ("2019-06" -> "20190601000000" / "20190630235959"). Plain CDX digit prefixes
    (4 to 14 digits) are accepted and padded the same way.

    Raises:
        ValueError: the value is not one of those forms or names no real date.
    """
    text = str(value).strip()
    match = _DATE_BOUND.match(text)
    if match:
        year, month, day = (int(part) if part else None for part in match.groups())
    elif _DIGITS.match(text) and len(text) in (4, 6, 8, 10, 12, 14):
        return _pad_digits(text, end=end, original=value)
    else:
        raise ValueError(f"invalid date {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    assert year is not None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"invalid date {value!r}: month must be 01 to 12")
    if day is not None:
        assert month is not None
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"invalid date {value!r}: day must be 01 to {last:02d}")
    if not end:
        return f"{year:04d}{month or 1:02d}{day or 1:02d}000000"
    month = month or 12
    day = day or calendar.monthrange(year, month)[1]
    return f"{year:04d}{month:02d}{day:02d}235959"


def _pad_digits(text: str, *, end: bool, original: str) -> str:
    """Pad a CDX digit prefix to 14 digits, checking that it names a real time."""
    fields = [text[i:i + 2] for i in range(4, len(text), 2)]
    year = int(text[:4])
    try:
        month = int(fields[0]) if fields else (12 if end else 1)
        last_day = calendar.monthrange(year, month)[1]
        day = int(fields[1]) if len(fields) > 1 else (last_day if end else 1)
        hour = int(fields[2]) if len(fields) > 2 else (23 if end else 0)
        minute = int(fields[3]) if len(fields) > 3 else (59 if end else 0)
        second = int(fields[4]) if len(fields) > 4 else (59 if end else 0)
        datetime(year, month, day, hour, minute, second)
    except (ValueError, calendar.IllegalMonthError) as exc:
        raise ValueError(f"invalid date {original!r}: {exc}") from None
    return f"{year:04d}{month:02d}{day:02d}{hour:02d}{minute:02d}{second:02d}"


class PeriodUnit(StrEnum):
    """The calendar units a sampling period counts."""

    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


@dataclass(frozen=True)
class Period:
    """A sampling period: ``count`` whole days, weeks, months or years (callers parse
    their users' spelling; the crawler takes this typed value)."""

    count: int
    unit: PeriodUnit

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError(f"a sampling period counts at least one unit, not {self.count}")


def _add_months(moment: datetime, months: int) -> datetime:
    """First of the month ``months`` after ``moment``'s month (``moment`` is a month start)."""
    index = moment.year * 12 + (moment.month - 1) + months
    return moment.replace(year=index // 12, month=index % 12 + 1)


def _intervals(first: datetime, period: Period) -> Iterator[tuple[datetime, datetime]]:
    """Consecutive ``[start, end)`` periods, aligned to the calendar, from ``first`` on."""
    count, unit = period.count, period.unit
    day = first.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    if unit in (PeriodUnit.DAYS, PeriodUnit.WEEKS):
        step = timedelta(days=count * (7 if unit == PeriodUnit.WEEKS else 1))
        start = day
        while True:
            yield start, start + step
            start += step
    months = count * (12 if unit == PeriodUnit.YEARS else 1)
    if unit == PeriodUnit.YEARS:
        start = day.replace(month=1, day=1)
    elif 12 % months == 0:
        # 1, 2, 3, 4, 6 or 12 months line up with the year: quarters, halves, ...
        start = day.replace(month=(day.month - 1) // months * months + 1, day=1)
    else:
        start = day.replace(day=1)
    while True:
        end = _add_months(start, months)
        yield start, end
        start = end


def sample_captures(records: Iterable[Capture], *, every: Period | None) -> list[Capture]:
    """Keep one capture per ``every`` period: the one nearest the period's middle.

    Periods are aligned to the calendar: days and weeks start at midnight UTC of the
    first capture's day; six months split years into January-June and July-December,
    three months into quarters, one year into calendar years (other month counts start
    at the first capture's month). Periods without captures give nothing; ties go to the
    earlier capture. ``every=None`` keeps everything. The result is sorted by capture time.
    """
    ordered = sorted(records, key=lambda record: record.captured_at)
    if every is None:
        return ordered
    if not ordered:
        return []
    chosen: list[Capture] = []
    index = 0
    for start, end in _intervals(ordered[0].captured_at, every):
        if index >= len(ordered):
            break
        middle = start + (end - start) / 2
        best: Capture | None = None
        while index < len(ordered) and ordered[index].captured_at < end:
            candidate = ordered[index]
            if best is None or abs(candidate.captured_at - middle) < abs(best.captured_at - middle):
                best = candidate
            index += 1
        if best is not None:
            chosen.append(best)
    return chosen
