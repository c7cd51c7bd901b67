"""A year/month calendar of a policy's captures, like the Wayback Machine's calendar.

Every capture counts, including the many that changed nothing: a day shows how often the
page was captured and whether a new version began that day. Pure data from capture times
and version dates; the policy template draws it.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True)
class CalendarDay:
    """One day of a month grid: its captures and the versions that began on it."""

    day: date
    captures: int
    versions: tuple[int, ...]  # numbers of the versions first captured that day


@dataclass(frozen=True)
class CalendarMonth:
    """One month: totals and weeks (Monday first; None pads days of other months)."""

    year: int
    month: int
    captures: int
    changes: int
    weeks: tuple[tuple[CalendarDay | None, ...], ...]

    @property
    def name(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"


@dataclass(frozen=True)
class YearTotal:
    year: int
    captures: int
    changes: int


@dataclass(frozen=True)
class CaptureCalendar:
    """Totals per year, and the month grids of the year shown."""

    years: tuple[YearTotal, ...]
    year: int | None
    months: tuple[CalendarMonth, ...]


def _day(value: datetime) -> date:
    return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).date()


def capture_calendar(captures: Sequence[datetime], versions: Sequence[tuple[int, datetime]],
                     year: int | None = None) -> CaptureCalendar:
    """The calendar of ``captures`` with ``versions`` ((number, first capture) pairs) marked,
    showing ``year`` (default: the year of the latest capture; a year without captures
    shows empty months)."""
    per_day = Counter(_day(c) for c in captures)
    began: dict[date, list[int]] = {}
    for number, when in versions:
        began.setdefault(_day(when), []).append(number)
        per_day.setdefault(_day(when), 1)  # a version is a capture, even if not listed
    totals = []
    for y in sorted({d.year for d in per_day}):
        totals.append(YearTotal(y, sum(n for d, n in per_day.items() if d.year == y),
                                sum(len(v) for d, v in began.items() if d.year == y)))
    if year is None:
        year = totals[-1].year if totals else None
    months: list[CalendarMonth] = []
    if year is not None:
        for month in range(1, 13):
            weeks = tuple(
                tuple(CalendarDay(d, per_day.get(d, 0), tuple(began.get(d, ())))
                      if d.month == month else None for d in week)
                for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month))
            months.append(CalendarMonth(
                year, month,
                sum(n for d, n in per_day.items() if (d.year, d.month) == (year, month)),
                sum(len(v) for d, v in began.items() if (d.year, d.month) == (year, month)),
                weeks))
    return CaptureCalendar(tuple(totals), year, tuple(months))
