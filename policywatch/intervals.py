"""The one interval grammar of the CLI and the settings: a number, then a unit.

    s  seconds      m or min  minutes      h  hours      d  days
    w  weeks        mo        months       y  years

``30m`` is thirty minutes everywhere (``schedule``, ``add --every``, ``backfill --every``,
``corpus --every``, the ``min_interval`` setting); six months is ``6mo``. Units are
case-insensitive except a bare capital ``M``, which some tools read as months and others
as minutes: it is refused, as is any other unit. Each use takes the units that make sense
for it (a schedule runs on a fixed clock: s to w; sampling archived captures goes by the
calendar: d to y) and says so in one line when given another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from policywatch.errors import UsageError

if TYPE_CHECKING:
    from crawler import Period


class Unit(StrEnum):
    SECONDS = "s"
    MINUTES = "m"
    HOURS = "h"
    DAYS = "d"
    WEEKS = "w"
    MONTHS = "mo"
    YEARS = "y"


GRAMMAR = ("a number and a unit: s, m or min (minutes), h, d, w, mo (months) or y, "
           "e.g. 30m, 6h, 1d, 2w, 6mo, 1y")

_SPELLINGS = {"s": Unit.SECONDS, "m": Unit.MINUTES, "min": Unit.MINUTES, "h": Unit.HOURS,
              "d": Unit.DAYS, "w": Unit.WEEKS, "mo": Unit.MONTHS, "y": Unit.YEARS}
_NAMES = {Unit.SECONDS: "seconds", Unit.MINUTES: "minutes", Unit.HOURS: "hours",
          Unit.DAYS: "days", Unit.WEEKS: "weeks", Unit.MONTHS: "months", Unit.YEARS: "years"}
_SHAPE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$")

FIXED = (Unit.SECONDS, Unit.MINUTES, Unit.HOURS, Unit.DAYS, Unit.WEEKS)
CALENDAR = (Unit.DAYS, Unit.WEEKS, Unit.MONTHS, Unit.YEARS)


@dataclass(frozen=True)
class Interval:
    """``amount`` of ``unit``; ``str()`` gives the canonical spelling (``6mo``, ``30m``)."""

    amount: float
    unit: Unit

    def __str__(self) -> str:
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        return f"{amount}{self.unit.value}"

    def duration(self) -> timedelta:
        """The fixed length of an interval in s to w (months and years have none)."""
        if self.unit not in FIXED:
            raise ValueError(f"{self} has no fixed length")
        try:
            return timedelta(**{_NAMES[self.unit]: self.amount})
        except OverflowError:
            return timedelta.max


def looks_like_interval(text: str) -> bool:
    """True for a number followed by letters (an interval, maybe with a bad unit)."""
    return _SHAPE.match(text) is not None


def _shown(value: str, limit: int = 80) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")


def parse_interval(text: str, *, what: str = "interval",
                   units: Iterable[Unit] = tuple(Unit)) -> Interval:
    """Parse ``text`` in the one grammar; UsageError (one line naming the grammar) otherwise.

    ``what`` names the value in the message (``--every``, ``schedule``); ``units`` are the
    ones this use accepts.
    """
    match = _SHAPE.match(str(text))
    spelling = match.group(2) if match else ""
    unit = _SPELLINGS.get(spelling.lower()) if spelling != "M" else None
    if match is None or unit is None:
        raise UsageError(f"invalid {what} {_shown(str(text))}: expected {GRAMMAR}")
    allowed = tuple(units)
    amount = float(match.group(1))
    if unit not in allowed:
        names = ", ".join(f"{u.value} ({_NAMES[u]})" for u in allowed)
        raise UsageError(f"{what} {_shown(str(text))} is in {_NAMES[unit]}: here use {names}")
    if amount <= 0:
        raise UsageError(f"{what} {_shown(str(text))} must be longer than zero")
    if unit in (Unit.MONTHS, Unit.YEARS) and amount != int(amount):
        raise UsageError(f"{what} {_shown(str(text))}: months and years are whole numbers")
    return Interval(amount, unit)


def sampling_period(text: str | None, *, what: str = "--every") -> Period | None:
    """A sampling interval (d, w, mo, y: whole numbers) as the crawler's typed ``Period``
    for ``sample_captures``; None stays None (keep every capture)."""
    from crawler import Period, PeriodUnit

    if text is None:
        return None
    interval = parse_interval(text, what=what, units=CALENDAR)
    if interval.amount != int(interval.amount):
        raise UsageError(f"{what} {_shown(text)}: use a whole number")
    unit = {Unit.DAYS: PeriodUnit.DAYS, Unit.WEEKS: PeriodUnit.WEEKS,
            Unit.MONTHS: PeriodUnit.MONTHS, Unit.YEARS: PeriodUnit.YEARS}[interval.unit]
    return Period(int(interval.amount), unit)


def calendar_days(text: str) -> int:
    """Rough length in days of a sampling interval (a month 31 days, a year 366)."""
    interval = parse_interval(text, units=CALENDAR)
    per = {Unit.DAYS: 1, Unit.WEEKS: 7, Unit.MONTHS: 31, Unit.YEARS: 366}[interval.unit]
    return int(interval.amount * per)
