"""Who may write: bearer tokens for the API, a signed session cookie and CSRF tokens for forms.

Tokens are created with ``policywatch token create`` and stored hashed (``storage.tokens``).
Signing in on ``/login`` with a token puts the token's id and a fingerprint of its stored
hash in the session cookie (signed by Starlette's SessionMiddleware); the token is looked up
again on each request and both must match a live token, so revoking it signs the browser
out for good (revoked ids are never reused, and a fingerprint never matches another token).
Every form carries a per-session CSRF token.
"""

from __future__ import annotations

import hmac
import secrets

from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from policywatch.settings import Settings
from storage import Archive, NotFound, TokenRecord, token_by_id, verify_token

SESSION_TOKEN_ID = "token_id"
SESSION_TOKEN_FINGERPRINT = "token_fp"
SESSION_CSRF = "csrf"


def settings_of(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def archive_of(request: Request) -> Archive:
    return request.app.state.archive  # type: ignore[no-any-return]


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer ...`` header, or None when there is none."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise HTTPException(403, "malformed Authorization header: use 'Bearer <token>'")
    return value.strip()


def session_admin(request: Request) -> TokenRecord | None:
    """The token the browser signed in with, if it still exists."""
    token_id = request.session.get(SESSION_TOKEN_ID)
    fingerprint = request.session.get(SESSION_TOKEN_FINGERPRINT)
    if not isinstance(token_id, int) or not isinstance(fingerprint, str):
        return None
    try:
        token = token_by_id(archive_of(request), token_id)
    except NotFound:
        token = None
    if token is None or not hmac.compare_digest(token.fingerprint, fingerprint):
        request.session.clear()
        return None
    return token


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def throttle(request: Request) -> None:
    """429 with Retry-After for a client that failed to authenticate too often."""
    wait = request.app.state.auth_failures.retry_after(_client(request))
    if wait:
        raise HTTPException(429, f"too many failed attempts; retry in {wait} s",
                            headers={"Retry-After": str(wait)})


def auth_failed(request: Request) -> None:
    request.app.state.auth_failures.failed(_client(request))


def require_token(request: Request) -> TokenRecord:
    """API writes: 401 without a bearer token, 403 with a wrong one, 429 after too many."""
    plaintext = bearer(request)
    if plaintext is None:
        raise HTTPException(401, "this endpoint needs 'Authorization: Bearer <token>' "
                                 "(create one with `policywatch token create`)",
                            headers={"WWW-Authenticate": "Bearer"})
    throttle(request)
    token = verify_token(archive_of(request), plaintext)
    if token is None:
        auth_failed(request)
        raise HTTPException(403, "invalid or revoked token")
    return token


def require_reader(request: Request) -> TokenRecord | None:
    """API reads: open when ``public_read`` is on, else a bearer token or a signed-in session."""
    if settings_of(request).public_read:
        return None
    admin = session_admin(request)
    if admin is not None and request.headers.get("authorization") is None:
        return admin
    return require_token(request)


def sign_in(request: Request, plaintext: str) -> TokenRecord | None:
    """Check a token typed into the login form; on success remember it in the session.
    Raises HTTPException 429 for a client that failed too often."""
    throttle(request)
    token = verify_token(archive_of(request), plaintext.strip())
    if token is None:
        auth_failed(request)
        return None
    request.session.clear()  # a fresh session (and CSRF token) on privilege change
    request.session[SESSION_TOKEN_ID] = token.id
    request.session[SESSION_TOKEN_FINGERPRINT] = token.fingerprint
    return token


def sign_out(request: Request) -> None:
    request.session.clear()


def csrf_token(request: Request) -> str:
    """This session's CSRF token (created on first use)."""
    token = request.session.get(SESSION_CSRF)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_CSRF] = token
    return token


def check_csrf(request: Request, submitted: object) -> None:
    """Reject a form post whose CSRF token does not match the session's (403)."""
    expected = request.session.get(SESSION_CSRF)
    if not isinstance(expected, str) or not isinstance(submitted, str) or not hmac.compare_digest(
            expected.encode(), submitted.encode()):
        raise HTTPException(403, "the form expired or did not come from this site; reload it and retry")


def safe_next(target: str | None) -> str:
    """A local path to go back to after signing in (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


class SignInFirst(Exception):
    """An admin page asked for by a browser that is not signed in; the app answers with
    a redirect to /login, back to the page after (``sign_in_redirect``)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def admin_page(request: Request) -> None:
    """Dependency of every admin page: a signed-in browser, or ``SignInFirst``."""
    if session_admin(request) is None:
        raise SignInFirst(request.url.path)


def sign_in_redirect(path: str) -> Response:
    """To /login, then back to ``path``."""
    return RedirectResponse(f"/login?next={quote(path, safe='/')}", status_code=303)
