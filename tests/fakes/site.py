"""A configurable fake website on 127.0.0.1 for tests of anything that speaks HTTP.

    with FakeSite() as site:
        site.add("/", "<html>...</html>", etag=True)
        site.sequence("/flaky", [Response(status=500), Response(status=500), Response("ok")])
        site.redirect("/old", "/new")
        site.robots("User-agent: *\\nDisallow: /private")
        fetch(site.url("/"))
        assert site.requests_to("/")[0].headers["user-agent"].startswith("policywatch")

Each route answers from a list of ``Response`` objects in turn (the last one repeats), or
from a handler function. Every request is logged (``site.requests``) with its headers, and
the server records how many requests were in flight at once (``site.max_in_flight``).
Unknown paths answer 404.
"""

from __future__ import annotations

import gzip as gzip_module
import hashlib
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Response:
    """One canned answer.

    ``etag`` / ``last_modified`` make the server answer 304 to a matching conditional
    request; ``gzip`` compresses the body and sends ``Content-Encoding: gzip`` (a body that
    is already gzip bytes can be sent as is with ``headers={"Content-Encoding": "gzip"}``).
    ``delay`` pauses before the status line (to provoke read timeouts), ``body_delay``
    between the headers and the body, ``trickle`` between body chunks of ``chunk_size``.
    """

    body: bytes | str = b""
    status: int = 200
    content_type: str | None = HTML
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    gzip: bool = False
    delay: float = 0.0
    body_delay: float = 0.0
    trickle: float = 0.0
    chunk_size: int = 64 * 1024

    @property
    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass(frozen=True)
class RecordedRequest:
    """A request the site received; header names are lowercase."""

    method: str
    path: str  # path and query, as sent
    headers: dict[str, str]
    received_at: float  # time.monotonic()
    connection: int = 0  # the client's port: requests on one kept-alive connection share it

    @property
    def route(self) -> str:
        """The path without its query string."""
        return urlsplit(self.path).path


Handler = Callable[[RecordedRequest], Response]


class Route:
    """What one path answers: canned responses in turn, or a handler function."""

    def __init__(self, responses: Iterable[Response] = (), handler: Handler | None = None,
                 auto_etag: bool = False) -> None:
        self._responses = list(responses)
        self._handler = handler
        self._auto_etag = auto_etag
        self._served = 0
        self._lock = threading.Lock()
        if not self._responses and handler is None:
            raise ValueError("a route needs responses or a handler")
        if auto_etag:
            self._responses = [self._with_auto_etag(r) for r in self._responses]

    @staticmethod
    def _with_auto_etag(response: Response) -> Response:
        digest = hashlib.sha1(response.body_bytes).hexdigest()[:16]
        return replace(response, etag=f'"{digest}"')

    @property
    def hits(self) -> int:
        """How many requests this route has answered."""
        return self._served

    def respond(self, request: RecordedRequest) -> Response:
        with self._lock:
            self._served += 1
            if self._handler is not None:
                return self._handler(request)
            index = min(self._served - 1, len(self._responses) - 1)
            return self._responses[index]

    def set_body(self, body: bytes | str, **changes: object) -> None:
        """Replace the body (and any other ``Response`` field) of every later answer."""
        with self._lock:
            if self._handler is not None:
                raise ValueError("cannot set the body of a handler route")
            updated = [replace(r, body=body, **changes) for r in self._responses]  # type: ignore[arg-type]
            if self._auto_etag and "etag" not in changes:
                updated = [self._with_auto_etag(r) for r in updated]
            self._responses = updated


def _not_modified(request: RecordedRequest, response: Response) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        if response.etag is None:
            return False
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or response.etag.removeprefix("W/") in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since and response.last_modified:
        try:
            return (parsedate_to_datetime(response.last_modified)
                    <= parsedate_to_datetime(if_modified_since))
        except (TypeError, ValueError):
            return False
    return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: FakeSite

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that give up (timeouts, size limits) break the connection on purpose.
        pass


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _serve(self, *, send_body: bool) -> None:
        site = self.server.site
        request = RecordedRequest(self.command, self.path,
                                  {k.lower(): v for k, v in self.headers.items()},
                                  time.monotonic(), self.client_address[1])
        site._enter(request)
        try:
            response = site._respond(request)
            if response.delay and site._stopping.wait(response.delay):
                return
            self._write(request, response, send_body=send_body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            site._leave()

    def _write(self, request: RecordedRequest, response: Response, *, send_body: bool) -> None:
        body = response.body_bytes
        headers = dict(response.headers)
        if response.content_type is not None:
            headers.setdefault("Content-Type", response.content_type)
        if response.etag is not None:
            headers.setdefault("ETag", response.etag)
        if response.last_modified is not None:
            headers.setdefault("Last-Modified", response.last_modified)
        status = response.status
        if 200 <= status < 300 and _not_modified(request, response):
            status, body = 304, b""
            headers.pop("Content-Type", None)
        elif response.gzip:
            body = gzip_module.compress(body)
            headers["Content-Encoding"] = "gzip"
        if status in (204, 304) or 100 <= status < 200:
            body = b""
        headers["Content-Length"] = str(len(body))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not send_body or not body:
            return
        if response.body_delay:
            self.wfile.flush()
            if self.server.site._stopping.wait(response.body_delay):
                return
        view = memoryview(body)
        size = max(1, response.chunk_size)
        for start in range(0, len(body), size):
            if start and response.trickle:
                self.wfile.flush()
                if self.server.site._stopping.wait(response.trickle):
                    return
            self.wfile.write(view[start:start + size])


class FakeSite:
    """A threaded HTTP/1.1 server on 127.0.0.1 with an ephemeral port; use ``with``.

    ``host`` binds another loopback address (``127.0.0.2``), for tests of the outbound
    address policy that allow one address and not another.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._host = host
        self._routes: dict[str, Route] = {}
        self._routes_lock = threading.Lock()
        self._stopping = threading.Event()
        self._count_lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FakeSite:
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server((self._host, 0), _RequestHandler)
        server.site = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="FakeSite", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSite is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # -- routes ----------------------------------------------------------------------------

    def route(self, path: str, route: Route) -> Route:
        """Install ``route`` at ``path`` (exact path, or path with query string)."""
        with self._routes_lock:
            self._routes[path] = route
        return route

    def add(self, path: str, body: bytes | str = b"", *, status: int = 200,
            content_type: str | None = HTML, headers: dict[str, str] | None = None,
            etag: str | bool | None = None, last_modified: str | None = None,
            gzip: bool = False, delay: float = 0.0, body_delay: float = 0.0,
            trickle: float = 0.0, chunk_size: int = 64 * 1024) -> Route:
        """A static answer. ``etag=True`` derives the ETag from the body (and keeps it in
        step when the body is changed with ``set_body``)."""
        response = Response(body=body, status=status, content_type=content_type,
                            headers=dict(headers or {}),
                            etag=etag if isinstance(etag, str) else None,
                            last_modified=last_modified, gzip=gzip, delay=delay,
                            body_delay=body_delay, trickle=trickle, chunk_size=chunk_size)
        return self.route(path, Route([response], auto_etag=etag is True))

    def sequence(self, path: str, responses: Iterable[Response]) -> Route:
        """Answer with each response in turn; the last one repeats."""
        return self.route(path, Route(responses))

    def handler(self, path: str, function: Handler) -> Route:
        """Answer with whatever ``function(request)`` returns."""
        return self.route(path, Route(handler=function))

    def redirect(self, path: str, location: str, *, status: int = 302) -> Route:
        """Redirect ``path`` to ``location`` (relative or absolute)."""
        return self.add(path, b"", status=status, content_type=None,
                        headers={"Location": location})

    def robots(self, text: str, *, status: int = 200) -> Route:
        """Serve ``/robots.txt``."""
        return self.add("/robots.txt", text, status=status,
                        content_type="text/plain; charset=utf-8")

    def add_file(self, path: str, source: Path, *, content_type: str | None = HTML) -> Route:
        """Serve a file; a ``.gz`` file is sent as is with ``Content-Encoding: gzip``."""
        data = Path(source).read_bytes()
        headers = {"Content-Encoding": "gzip"} if str(source).endswith(".gz") else {}
        return self.add(path, data, content_type=content_type, headers=headers)

    def gzip_bomb(self, path: str, decoded_size: int, *,
                  content_type: str | None = HTML) -> Route:
        """A small gzip body that decodes to ``decoded_size`` bytes of HTML-ish filler."""
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
        parts = [compressor.compress(b"<html><body>")]
        block = b"\0" * (1 << 20)
        remaining = decoded_size
        while remaining > 0:
            parts.append(compressor.compress(block[:min(remaining, len(block))]))
            remaining -= len(block)
        parts.append(compressor.flush())
        return self.add(path, b"".join(parts), content_type=content_type,
                        headers={"Content-Encoding": "gzip"})

    def set_body(self, path: str, body: bytes | str, **changes: object) -> None:
        """Change what ``path`` answers from now on (other fields via keyword)."""
        self._routes[path].set_body(body, **changes)

    def remove(self, path: str) -> None:
        with self._routes_lock:
            self._routes.pop(path, None)

    # -- request log -----------------------------------------------------------------------

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """Logged requests for ``path`` (compared without query unless ``path`` has one)."""
        if "?" in path:
            return [r for r in self.requests if r.path == path]
        return [r for r in self.requests if r.route == path]

    def clear_log(self) -> None:
        with self._count_lock:
            self.requests.clear()
            self.max_in_flight = self.in_flight

    # -- server side -----------------------------------------------------------------------

    def _enter(self, request: RecordedRequest) -> None:
        with self._count_lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._count_lock:
            self.in_flight -= 1

    def _respond(self, request: RecordedRequest) -> Response:
        with self._routes_lock:
            route = self._routes.get(request.path) or self._routes.get(request.route)
        if route is None:
            return Response(f"<html><body><h1>Not Found</h1>{request.route}</body></html>",
                            status=404)
        return route.respond(request)


def http_date(seconds_from_now: float = 0.0) -> str:
    """An HTTP-date (RFC 9110) relative to now, for Last-Modified and Retry-After."""
    moment = datetime.now(timezone.utc) + timedelta(seconds=seconds_from_now)
    return format_datetime(moment, usegmt=True)


@pytest.fixture
def fake_site() -> Iterator[FakeSite]:
    """A running ``FakeSite``; import this fixture into a test module or conftest to use it."""
    with FakeSite() as site:
        yield site


def policy_page(n: int, days: int) -> str:
    """A small policy page of site ``n`` whose retention periods are multiples of ``days``
    (another ``days``: the same page with a changed text)."""
    return (f"<html><head><title>Privacy {n}</title></head><body><main><h1>Privacy policy {n}</h1>"
            + "".join(f"<h2>Part {k}</h2><p>We collect your e-mail address and order history for "
                      f"site {n} and keep them for {days * k} days, unless the law asks us to keep "
                      "them longer. You may ask us for a copy at any time.</p>" for k in range(1, 5))
            + "</main></body></html>")
