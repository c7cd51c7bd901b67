""""New since your last visit" on the dashboard: a cookie holds the time of the browser's
previous visit, so no server state is kept per reader.

The dashboard marks changes captured after that time, then moves the cookie to now.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request, Response

COOKIE = "policywatch_last_visit"
KEEP_SECONDS = 400 * 24 * 3600  # browsers cap cookie lifetimes at 400 days


def previous_visit(request: Request) -> datetime | None:
    """When this browser last opened the dashboard (None: first visit or a bad cookie)."""
    raw = request.cookies.get(COOKIE, "")
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def remember_visit(request: Request, response: Response, now: datetime) -> None:
    """Store ``now`` as this browser's last visit."""
    response.set_cookie(COOKIE, now.astimezone(UTC).isoformat(timespec="seconds"),
                        max_age=KEEP_SECONDS, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https")


def is_new(captured_at: datetime, since: datetime | None) -> bool:
    """A change captured after the previous visit (nothing is new on a first visit)."""
    if since is None:
        return False
    when = captured_at if captured_at.tzinfo else captured_at.replace(tzinfo=UTC)
    return when > since
