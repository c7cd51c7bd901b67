"""A small server-rendered SVG chart of a policy over time: words and changed clauses per version.

No script and no inline CSS: colours are SVG presentation attributes (allowed by the
page's Content-Security-Policy) plus classes styled from the site's stylesheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from markupsafe import Markup


@dataclass(frozen=True)
class ChartPoint:
    """One version on the chart."""

    number: int
    captured_at: datetime
    words: int
    changed: int  # clauses added + removed + modified + moved against the previous version


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render_chart(points: Sequence[ChartPoint], *, width: int = 720, height: int = 200) -> Markup:
    """SVG with a line of words per version and bars of changed clauses per version."""
    left, right, top, bottom = 56, 48, 14, 30
    inner_w, inner_h = width - left - right, height - top - bottom
    label = (f"Words and changed clauses across {len(points)} versions" if points
             else "No versions yet")
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="100%" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>']
    if not points:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
                     f'class="chart-empty">No versions recorded yet</text></svg>')
        return Markup("".join(parts))
    max_words = max(max(p.words for p in points), 1)
    max_changed = max(max(p.changed for p in points), 1)
    step = inner_w / max(len(points), 1)
    bar_w = max(min(step * 0.6, 24), 1)

    def x_of(i: int) -> float:
        return left + step * i + step / 2

    parts.append(f'<line x1="{left}" y1="{top + inner_h}" x2="{left + inner_w}" y2="{top + inner_h}" '
                 'stroke="#888" stroke-width="1"/>')
    for i, p in enumerate(points):
        h = inner_h * p.changed / max_changed
        tip = (f"v{p.number} {p.captured_at:%Y-%m-%d}: {p.words} words, "
               f"{p.changed} changed clauses")
        parts.append(f'<rect class="chart-bar" x="{_fmt(x_of(i) - bar_w / 2)}" '
                     f'y="{_fmt(top + inner_h - h)}" width="{_fmt(bar_w)}" height="{_fmt(h)}" '
                     f'fill="#e8a33d"><title>{escape(tip)}</title></rect>')
    coords = " ".join(f"{_fmt(x_of(i))},{_fmt(top + inner_h - inner_h * p.words / max_words)}"
                      for i, p in enumerate(points))
    parts.append(f'<polyline class="chart-words" points="{coords}" fill="none" stroke="#2a6fb0" '
                 'stroke-width="2"/>')
    for i, p in enumerate(points):
        y = top + inner_h - inner_h * p.words / max_words
        parts.append(f'<circle cx="{_fmt(x_of(i))}" cy="{_fmt(y)}" r="2.5" fill="#2a6fb0">'
                     f'<title>{escape(f"v{p.number}: {p.words} words")}</title></circle>')
    # Axes labels: words on the left, changed clauses on the right, first/last dates below.
    parts.append(f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" class="chart-axis" '
                 f'fill="#2a6fb0">{max_words}</text>')
    parts.append(f'<text x="{left - 6}" y="{top + inner_h}" text-anchor="end" class="chart-axis" '
                 f'fill="#2a6fb0">0</text>')
    parts.append(f'<text x="{left + inner_w + 6}" y="{top + 4}" class="chart-axis" '
                 f'fill="#8a5300">{max_changed}</text>')
    parts.append(f'<text x="{left}" y="{height - 8}" class="chart-axis" fill="#555">'
                 f'{points[0].captured_at:%Y-%m-%d}</text>')
    parts.append(f'<text x="{left + inner_w}" y="{height - 8}" text-anchor="end" class="chart-axis" '
                 f'fill="#555">{points[-1].captured_at:%Y-%m-%d}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def changed_clauses(summary: dict | None) -> int:
    """Added + removed + modified + moved clauses of a stored change summary (0 when none)."""
    if not summary or summary.get("first"):
        return 0
    return sum(int(summary.get(k) or 0) for k in ("added", "removed", "modified", "moved"))
