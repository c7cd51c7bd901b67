"""The FastAPI application: pages, REST API, Atom feeds, security headers and error pages.

``create_app(settings, archive=None)`` is the only entry point; ``policywatch serve`` and the
tests call it. Nothing is read from the environment here: settings come in as an argument.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware

from crawler import CrawlerError
from policywatch import __version__
from policywatch.errors import UsageError
from policywatch.settings import Settings
from policywatch.web import api, auth, feed_routes, manage, pages
from policywatch.web.assets import cache_control, swagger_ui_dir
from policywatch.web.jobs import JobRegistry
from policywatch.web.limits import BodySizeLimit, FailureThrottle
from policywatch.web.templating import templates
from storage import Archive, Conflict, NotFound, StorageError

log = logging.getLogger(__name__)

# Forms and API bodies are small (a policy, a subscription); 1 MB leaves room for a watch
# list posted to the API and keeps a flood of large posts from costing memory.
MAX_REQUEST_BYTES = 1_000_000
# Smaller responses are sent as they are: compressing them saves less than the headers cost.
GZIP_MIN_BYTES = 800
# Failed sign-ins and bad API tokens a client may make per minute before waiting.
FAILED_AUTH_PER_MINUTE = 10

STATIC = Path(__file__).resolve().parent / "static"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
# The API docs page runs Swagger UI from the fastapi-offline package, served under
# /static/swagger-ui: no third-party origin (a CDN at a floating version, without integrity,
# could run any script on a page that holds a CSRF token).
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
SWAGGER_UI_URL = "/static/swagger-ui"


def create_app(settings: Settings, archive: Archive | None = None) -> FastAPI:
    """Build the web app over ``archive`` (opened from ``settings.database_url`` when None)."""
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if app.state.owns_archive:
            app.state.archive.close()

    app = FastAPI(
        lifespan=lifespan,
        title="policywatch",
        version=__version__,
        description="Privacy-policy archive: policies, versions, clause-level diffs, changes.",
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.archive = archive if archive is not None else Archive.open(settings.database_url)
    app.state.owns_archive = archive is None
    app.state.auth_failures = FailureThrottle(limit=FAILED_AUTH_PER_MINUTE, window=60.0)
    app.state.jobs = JobRegistry()
    # Without a configured secret, sessions last as long as the process (sign in again after
    # a restart); set POLICYWATCH_SECRET_KEY to keep them.
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key or secrets.token_urlsafe(32),
                       session_cookie="policywatch_session", max_age=14 * 24 * 3600,
                       same_site="lax", https_only=settings.public_url.startswith("https://"))

    @app.middleware("http")
    async def security_headers(request: Request,
                               call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        docs = request.url.path == "/docs"
        response.headers["Content-Security-Policy"] = DOCS_CSP if docs else CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        if not request.url.path.startswith("/static/"):
            # Pages carry CSRF tokens and may be private: never stored by shared caches.
            response.headers.setdefault("Cache-Control", "no-store")
        elif response.status_code == 200:
            response.headers["Cache-Control"] = cache_control(request.url.path,
                                                              request.query_params.get("v"))
        return response

    app.add_middleware(BodySizeLimit, max_bytes=MAX_REQUEST_BYTES)
    # Text compresses about tenfold (a 411 KB diff page is 37 KB gzipped); outermost, so
    # every response, pages, JSON, feeds and static files, is compressed when asked for.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=6)
    app.mount(SWAGGER_UI_URL, StaticFiles(directory=swagger_ui_dir()), name="swagger-ui")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(feed_routes.router)
    app.include_router(pages.router)
    app.include_router(manage.router)
    _error_handlers(app)

    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _error(request: Request, status: int, message: str,
           headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return templates.TemplateResponse(request, "error.html",
                                      {"status": status, "message": message},
                                      status_code=status, headers=headers)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        return _error(request, exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def bad_params(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": _plain(exc.errors())}, status_code=422)
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body"))
        return _error(request, 422, f"invalid {where or 'input'}: {first.get('msg', 'bad value')}")

    @app.exception_handler(auth.SignInFirst)
    async def sign_in_first(request: Request, exc: auth.SignInFirst) -> Response:
        return auth.sign_in_redirect(exc.path)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> Response:
        return _error(request, 409, str(exc))

    @app.exception_handler(UsageError)
    async def usage(request: Request, exc: UsageError) -> Response:
        return _error(request, 422, str(exc))

    @app.exception_handler(CrawlerError)
    async def crawler_error(request: Request, exc: CrawlerError) -> Response:
        return _error(request, 422, str(exc))

    @app.exception_handler(DataError)
    async def bad_value(request: Request, exc: DataError) -> Response:
        # A value the database refuses (e.g. NUL in text on PostgreSQL): bad input, not a crash.
        return _error(request, 422, "invalid value in the request")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(request, 500, "internal error (logged); please report it")

    @app.exception_handler(StorageError)
    async def storage_error(request: Request, exc: StorageError) -> Response:
        log.error("storage error on %s: %s", request.url.path, exc)
        return _error(request, 503, "the archive database is unavailable; try again shortly")


def _plain(errors: object) -> object:
    """Validation errors without the raw input echoed back (it may be huge or binary)."""
    if isinstance(errors, list):
        return [{k: v for k, v in e.items() if k in ("loc", "msg", "type")}
                for e in errors if isinstance(e, dict)]
    return errors
