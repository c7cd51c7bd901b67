"""Report formats, registered by name in one dict."""

from __future__ import annotations

from collections.abc import Callable

from diffing.errors import UnknownFormatError
from diffing.models import DiffReport
from diffing.render_html import render_html
from diffing.render_json import render_json
from diffing.render_text import render_text

Renderer = Callable[..., str]

RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "html": render_html,
}
FORMATS: frozenset[str] = frozenset(RENDERERS)


def render(report: DiffReport, fmt: str, *, color: bool = False) -> str:
    """Render ``report`` in format ``fmt`` (one of ``FORMATS``)."""
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise UnknownFormatError(fmt, tuple(sorted(RENDERERS)))
    return renderer(report, color=color)
