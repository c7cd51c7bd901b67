"""A server-rendered SVG chart of a policy over time, versions placed by capture date.

Bars are the changed clauses of each version, at the day it was captured, so months of
calm and days of churn look different; each bar is a link (to the diff that made the
version), so it is clickable and reachable with Tab. A step line shows the words in force
between versions. No script and no inline CSS: colours are SVG presentation attributes
(allowed by the page's Content-Security-Policy) plus classes styled from the stylesheet.
Two sizes are drawn (wide and narrow) so the axis text stays readable on a phone; the
stylesheet shows one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

from markupsafe import Markup

WORDS_COLOUR = "#2a6fb0"
BARS_COLOUR = "#b86e00"
DAY = 86_400.0


@dataclass(frozen=True)
class ChartPoint:
    """One version on the chart."""

    number: int
    captured_at: datetime
    words: int
    changed: int  # clauses added + removed + modified + moved against the previous version


@dataclass(frozen=True)
class ChartSize:
    """The drawing box of one rendering, in SVG units (1 unit = 1 CSS px at full width)."""

    width: int
    height: int
    ticks: int  # at most this many date labels on the axis


WIDE = ChartSize(720, 210, 9)
NARROW = ChartSize(360, 210, 4)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def date_ticks(start: datetime, end: datetime, most: int) -> list[tuple[datetime, str]]:
    """Round dates between ``start`` and ``end`` to label the axis: first days of years
    (every n years), else of months (every n months), else days; at most ``most``."""
    start, end = _utc(start), _utc(end)
    span_days = (end - start).total_seconds() / DAY
    candidates: list[tuple[datetime, str]] = []
    if span_days > 2 * 365:
        candidates = [(datetime(y, 1, 1, tzinfo=UTC), str(y)) for y in range(start.year, end.year + 1)]
    elif span_days > 60:
        y, m = start.year, start.month
        while datetime(y, m, 1, tzinfo=UTC) <= end:
            candidates.append((datetime(y, m, 1, tzinfo=UTC), f"{datetime(y, m, 1):%b %Y}"))
            y, m = (y, m + 1) if m < 12 else (y + 1, 1)
    else:
        day = datetime(start.year, start.month, start.day, tzinfo=UTC)
        while day <= end:
            candidates.append((day, f"{day:%d %b}"))
            day += timedelta(days=1)
    inside = [(d, label) for d, label in candidates if start <= d <= end]
    step = max(1, -(-len(inside) // most))
    return inside[::step]


def render_chart(points: Sequence[ChartPoint], link: Callable[[ChartPoint], str], *,
                 size: ChartSize = WIDE) -> Markup:
    """SVG of changed clauses (linked bars) and words (step line) on a time axis.

    ``link(point)`` is where a version's bar leads. Versions captured close together
    overlap: a burst of churn reads as a dense block, a calm year as empty space.
    """
    width, height = size.width, size.height
    left, right, top, bottom = 44, 34, 14, 36
    inner_w, inner_h = width - left - right, height - top - bottom
    label = (f"Chart: words and changed clauses of {len(points)} versions by capture date"
             if points else "No versions yet")
    parts = [f'<svg class="chart chart-{"narrow" if size.width < WIDE.width else "wide"}" '
             f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="group" aria-label="{escape(label)}">']
    if not points:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                     f'class="chart-empty">No versions recorded yet</text></svg>')
        return Markup("".join(parts))
    times = [_utc(p.captured_at).timestamp() for p in points]
    start, end = min(times), max(times)
    if end - start < DAY:  # one day or one version: a two-day window around it
        start, end = start - DAY, end + DAY
    max_words = max(max(p.words for p in points), 1)
    max_changed = max(max(p.changed for p in points), 1)
    base_y = top + inner_h

    def x_of(t: float) -> float:
        return left + inner_w * (t - start) / (end - start)

    def words_y(words: int) -> float:
        return top + inner_h - inner_h * words / max_words

    # Axis, year/month ticks and their labels.
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{left + inner_w}" y2="{base_y}" '
                 'stroke="#767676" stroke-width="1"/>')
    for when, text in date_ticks(datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC),
                                 size.ticks):
        x = _fmt(x_of(when.timestamp()))
        parts.append(f'<line x1="{x}" y1="{top}" x2="{x}" y2="{base_y + 4}" stroke="#d8dee4" '
                     'stroke-width="1"/>')
        parts.append(f'<text x="{x}" y="{base_y + 18}" text-anchor="middle" class="chart-axis" '
                     f'fill="#3b4650">{escape(text)}</text>')
    # Words in force: a step line from each version to the next (and to the end).
    coords: list[str] = []
    for i, (p, t) in enumerate(zip(points, times)):
        y = _fmt(words_y(p.words))
        coords.append(f"{_fmt(x_of(t))},{y}")
        nxt = times[i + 1] if i + 1 < len(times) else end
        coords.append(f"{_fmt(x_of(nxt))},{y}")
    parts.append(f'<polyline class="chart-words" points="{" ".join(coords)}" fill="none" '
                 f'stroke="{WORDS_COLOUR}" stroke-width="2" aria-hidden="true"/>')
    # One linked bar per version; a version that changed nothing counted still shows a stub.
    bar_w = 5 if size.width >= WIDE.width else 4
    for p, t in zip(points, times):
        h = max(inner_h * p.changed / max_changed, 3)
        what = ("first version" if p.number == 1
                else f"{p.changed} changed clause{'' if p.changed == 1 else 's'}")
        name = f"Version {p.number}, {_utc(p.captured_at):%Y-%m-%d}: {what}, {p.words} words"
        parts.append(f'<a class="chart-link" href="{escape(link(p))}" aria-label="{escape(name)}">'
                     f'<title>{escape(name)}</title>'
                     f'<rect class="chart-bar" x="{_fmt(x_of(t) - bar_w / 2)}" '
                     f'y="{_fmt(base_y - h)}" width="{bar_w}" height="{_fmt(h)}" '
                     f'fill="{BARS_COLOUR}"/></a>')
    # Scale labels: words on the left (blue), changed clauses on the right (orange).
    parts.append(f'<text x="{left - 5}" y="{top + 8}" text-anchor="end" class="chart-axis" '
                 f'fill="{WORDS_COLOUR}">{_short(max_words)}</text>')
    parts.append(f'<text x="{left - 5}" y="{base_y}" text-anchor="end" class="chart-axis" '
                 f'fill="{WORDS_COLOUR}">0</text>')
    parts.append(f'<text x="{left + inner_w + 5}" y="{top + 8}" class="chart-axis" '
                 f'fill="#8a5300">{max_changed}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(n: int) -> str:
    """12345 -> '12k': the words scale fits the left margin."""
    return f"{n / 1000:.0f}k" if n >= 10_000 else str(n)


def changed_clauses(summary: dict | None) -> int:
    """Added + removed + modified + moved clauses of a stored change summary (0 when none)."""
    if not summary or summary.get("first"):
        return 0
    return sum(int(summary.get(k) or 0) for k in ("added", "removed", "modified", "moved"))
