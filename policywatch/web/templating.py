"""The Jinja2 environment of the web UI (autoescape on for every template) and its filters."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates

from diffing import TOPICS, topic_label
from policywatch.web import auth
from policywatch.web.assets import static_url

TEMPLATES = Path(__file__).resolve().parent / "templates"



def _session_context(request: Request) -> dict[str, Any]:
    """What every page needs: who is signed in and the form CSRF token."""
    admin = auth.session_admin(request) if "session" in request.scope else None
    return {"admin": admin, "csrf": auth.csrf_token(request) if admin is not None else "",
            "settings": request.app.state.settings}


templates = Jinja2Templates(
    env=jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                           undefined=jinja2.StrictUndefined),
    context_processors=[_session_context])


def _date(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(fmt)


def _iso(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _plural(count: int, word: str, words: str | None = None) -> str:
    """``1 change``, ``3 changes``."""
    return f"{count} {word if count == 1 else words or word + 's'}"


templates.env.filters["date"] = _date
templates.env.filters["plural"] = _plural
templates.env.filters["iso"] = _iso
templates.env.globals["topic_label"] = topic_label
templates.env.globals["topics"] = TOPICS
templates.env.globals["static_url"] = static_url
