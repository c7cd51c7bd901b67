"""A fake Wayback Machine on 127.0.0.1: CDX search and ``id_`` replay over real snapshot streams.

Serves the Open Terms Archive snapshot streams of ../shared/corpus/ota (ODC-By 1.0,
attribution: Open Terms Archive) as if the Wayback Machine had captured them: each line of
``snapshots.jsonl`` whose body is included (``file`` not null) is a 200 capture at its
timestamp, with ``digest`` = base32 of its SHA-1. Lines without a body are left out (the
fake cannot replay them). Bodies are read from disk when requested.

Behaviour copied from the real server:

- CDX (``/cdx/search/cdx``): ``output=json`` with the field header as first row, ``fl``,
  every ``filter`` ([!]field:regex, matched in full), ``collapse=field[:n]`` collapsing
  *adjacent* rows only, ``from``/``to`` digit prefixes, ``limit`` capped by the server's
  ``page_size``, ``showResumeKey``/``resumeKey`` paging (``[]`` then ``[key]`` after the
  rows), ``[]`` (or an empty body, with ``empty_body_when_empty``) for no result. URLs
  match on a SURT-like key that folds the scheme and a leading ``www.``.
- Replay (``/web/<ts>id_/<url>``): an exact capture answers with its archived status,
  ``Memento-Datetime`` and body; an archived redirect answers 3xx with
  ``Memento-Datetime`` and a Location rewritten into the archive at the same timestamp;
  a capture asked for under another scheme or ``www.`` form redirects (302, no
  ``Memento-Datetime``) to its address as archived; any other timestamp is redirected (302, no ``Memento-Datetime``) to the nearest
  replayable capture; an unknown URL is 404; a blocked host is 403 with
  ``X-Archive-Wayback-Runtime-Error``.
- Rate limits: a token bucket per endpoint answers 429 when a client goes faster than
  ``cdx_rate``/``replay_rate`` (with ``*_burst`` requests back to back).

Injectable quirks: duplicate rows, revisit rows (``-`` status and length), junk URLs,
malformed timestamps, archived and nearest-capture redirects, blocked hosts, corrupted
bodies (digest mismatch), forced 429s and 5xx answers. Every request is logged in
``requests`` with its arrival time (``time.monotonic()``).
"""

from __future__ import annotations

import base64
import calendar
import gzip
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
BLOCKED_ERROR = "AdministrativeAccessControlException: Blocked Site Error"
_WWW = re.compile(r"^www\d*\.", re.IGNORECASE)


def digest_of(body: bytes) -> str:
    """CDX digest of a body: base32 of its SHA-1."""
    return base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def surt_key(url: str) -> str:
    """SURT-style key the fake matches URLs on: ``com,example)/path?query``.

    Like the real index it ignores the scheme, a leading ``www.``, default ports and
    letter case of the host.
    """
    parts = urlsplit(url if "://" in url else "http://" + url)
    host = _WWW.sub("", (parts.hostname or "").lower())
    key = ",".join(reversed(host.split(".")))
    if parts.port and parts.port not in (80, 443):
        key += f":{parts.port}"
    path = parts.path or "/"
    return f"{key}){path}" + (f"?{parts.query}" if parts.query else "")


def _parse_ts(timestamp: str) -> datetime:
    """Lenient datetime of a (possibly short or malformed) timestamp, for distances."""
    text = (timestamp if timestamp.isdigit() else "19700101").ljust(14, "0")[:14]
    year = max(int(text[:4]), 1)
    month = min(max(int(text[4:6]), 1), 12)
    day = min(max(int(text[6:8]), 1), calendar.monthrange(year, month)[1])
    return datetime(year, month, day, min(int(text[8:10]), 23), min(int(text[10:12]), 59),
                    min(int(text[12:14]), 59), tzinfo=timezone.utc)


@dataclass
class FakeCapture:
    """One capture of the fake archive.

    ``status`` None lists the row with ``-`` (a revisit); ``listed`` puts it in CDX
    answers, ``replayable`` lets replay serve it at its exact timestamp; ``location`` makes
    it an archived redirect; ``served_body`` replaces the body on replay (digest mismatch);
    ``headers`` are archived response headers replayed as they were (Content-Encoding...).
    """

    url: str
    timestamp: str
    status: int | None = 200
    mimetype: str = "text/html"
    body: bytes | None = None
    body_path: Path | None = None
    digest: str | None = None
    length: int | None = None
    location: str | None = None
    listed: bool = True
    replayable: bool = True
    served_body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def read_body(self) -> bytes:
        if self.served_body is not None:
            return self.served_body
        if self.body is not None:
            return self.body
        if self.body_path is not None:
            return gzip.decompress(self.body_path.read_bytes())
        return b""

    @property
    def cdx_digest(self) -> str:
        return self.digest if self.digest is not None else digest_of(self.read_body())

    def cdx_row(self) -> dict[str, str]:
        return {
            "urlkey": surt_key(self.url),
            "timestamp": self.timestamp,
            "original": self.url,
            "mimetype": self.mimetype,
            "statuscode": "-" if self.status is None else str(self.status),
            "digest": self.cdx_digest,
            "length": "-" if self.length is None else str(self.length),
        }


@dataclass(frozen=True)
class FakeRequest:
    """One request the fake received: arrival time, endpoint, what was asked, answer status."""

    at: float
    endpoint: str  # "cdx", "replay", "static" (the replay's rewriter script) or "other"
    path: str
    params: dict[str, list[str]]
    status: int
    timestamp: str | None = None  # replay only
    original: str | None = None  # replay only


class _TokenBucket:
    """Server-side rate limit: refuses a request when no token is left."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.updated = time.monotonic()

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass
class _Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Hold:
    """Replays of one URL held back (``FakeWayback.hold``)."""

    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()


class FakeWayback:
    """The fake server. Use as a context manager (or ``start()``/``stop()``).

    >>> with FakeWayback.from_corpus(corpus / "ota", slugs=["uptimerobot-privacy-policy"]) as wb:
    ...     client = WaybackClient(base_url=wb.base_url, cdx_per_second=50, ...)
    """

    def __init__(self, *, page_size: int | None = None, cdx_rate: float | None = None,
                 cdx_burst: int = 1, replay_rate: float | None = None,
                 replay_burst: int = 1, empty_body_when_empty: bool = False) -> None:
        self.page_size = page_size
        self.empty_body_when_empty = empty_body_when_empty
        self.captures: list[FakeCapture] = []
        self.extra_rows: list[tuple[str, dict[str, str]]] = []  # (surt key, raw CDX row)
        self.blocked: set[str] = set()
        self.held: dict[str, Hold] = {}  # surt key -> replays of it wait for a release
        self.requests: list[FakeRequest] = []
        self._limits: dict[str, _TokenBucket | None] = {
            "cdx": _TokenBucket(cdx_rate, cdx_burst) if cdx_rate else None,
            "replay": _TokenBucket(replay_rate, replay_burst) if replay_rate else None,
        }
        self._forced: dict[str, list[tuple[int, dict[str, str]]]] = {"cdx": [], "replay": []}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- building the archive ---------------------------------------------------------

    @classmethod
    def from_corpus(cls, ota_dir: Path, slugs: Iterable[str] | None = None,
                    **options: Any) -> FakeWayback:
        """An archive holding the snapshot streams of ``ota_dir/<slug>/`` (all slugs by default).

        ``ota_dir`` may also be the corpus root (the ``corpus`` fixture); ``options`` go to
        the constructor (``page_size``, ``cdx_rate``, ``replay_rate``...).
        """
        ota_dir = Path(ota_dir)
        if (ota_dir / "ota").is_dir():
            ota_dir = ota_dir / "ota"
        fake = cls(**options)
        for slug in sorted(slugs) if slugs is not None else sorted(
                p.name for p in Path(ota_dir).iterdir() if (p / "snapshots.jsonl").is_file()):
            fake.load_stream(Path(ota_dir) / slug)
        return fake

    def load_stream(self, document_dir: Path) -> list[FakeCapture]:
        """Add every snapshot with an included body of one OTA document as a 200 capture."""
        added: list[FakeCapture] = []
        with open(document_dir / "snapshots.jsonl", encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                row = json.loads(line)
                if not row.get("file"):
                    continue  # body not in the corpus: cannot be replayed, so not listed
                digest = base64.b32encode(bytes.fromhex(row["sha1"])).decode("ascii")
                capture = FakeCapture(url=row["url"], timestamp=row["timestamp"],
                                      status=int(row.get("status") or 200),
                                      mimetype=row.get("mimetype") or "text/html",
                                      body_path=document_dir / row["file"], digest=digest,
                                      length=row.get("length"))
                added.append(capture)
        with self._lock:
            self.captures.extend(added)
        return added

    def add_capture(self, url: str, timestamp: str, body: bytes = b"", *, status: int | None = 200,
                    mimetype: str = "text/html", digest: str | None = None,
                    location: str | None = None, listed: bool = True,
                    replayable: bool = True, length: int | None = None,
                    headers: dict[str, str] | None = None) -> FakeCapture:
        """Add one capture (its digest defaults to that of ``body``, as stored on the wire)."""
        capture = FakeCapture(url=url, timestamp=timestamp, status=status, mimetype=mimetype,
                              body=body, digest=digest if digest is not None else digest_of(body),
                              length=length if length is not None or status is None else len(body),
                              location=location, listed=listed, replayable=replayable,
                              headers=dict(headers or {}))
        with self._lock:
            self.captures.append(capture)
        return capture

    def add_archived_redirect(self, url: str, timestamp: str, target: str, *,
                              status: int = 301, rewrite: bool = True) -> FakeCapture:
        """A capture where the site itself redirected to ``target``.

        Replay rewrites the Location into the archive at the same timestamp, as Wayback
        does; ``rewrite=False`` sends ``target`` as archived (possibly relative).
        """
        body = f"<html><body>Moved to {target}</body></html>".encode()
        capture = self.add_capture(url, timestamp, body, status=status, location=target)
        if not rewrite:
            capture.headers["Location"] = target
        return capture

    def add_homepage(self, url: str, timestamp: str, privacy_href: str | None, *,
                     label: str = "Privacy Policy") -> FakeCapture:
        """A homepage capture whose footer links to ``privacy_href`` (None: no privacy link),
        so a site's policy link can move from one capture to the next."""
        link = f" <a href='{privacy_href}'>{label}</a>" if privacy_href else ""
        body = ("<html><head><title>Shop Inc.</title></head><body><nav><a href='/shop'>Shop</a>"
                "</nav><p>Welcome to Shop Inc., the finest shop on the web.</p><footer>"
                f"<a href='/about'>About us</a>{link}</footer></body></html>").encode()
        return self.add_capture(url, timestamp, body)

    def add_revisit(self, url: str, timestamp: str, of: FakeCapture, *,
                    mimetype: str = "warc/revisit") -> FakeCapture:
        """A revisit record of ``of``: same digest, ``-`` status and length; replays ``of``'s body."""
        capture = FakeCapture(url=url, timestamp=timestamp, status=None, mimetype=mimetype,
                              body=of.read_body(), digest=of.cdx_digest, length=None)
        with self._lock:
            self.captures.append(capture)
        return capture

    def add_duplicate(self, capture: FakeCapture) -> FakeCapture:
        """List ``capture`` a second time (identical row, as from two index shards)."""
        twin = FakeCapture(**{**capture.__dict__, "replayable": False})
        with self._lock:
            self.captures.append(twin)
        return twin

    def add_row(self, url: str, **fields: str) -> None:
        """Add a raw CDX row under ``url``'s key (junk URLs, malformed fields); never replayed."""
        row = {"urlkey": surt_key(url), "timestamp": "20200101000000", "original": url,
               "mimetype": "text/html", "statuscode": "200",
               "digest": digest_of(repr(fields).encode()), "length": "100"}
        row.update(fields)
        with self._lock:
            self.extra_rows.append((surt_key(url), row))

    def corrupt(self, capture: FakeCapture, body: bytes) -> None:
        """Replay ``body`` for ``capture`` while the index keeps its original digest."""
        capture.digest = capture.cdx_digest
        capture.served_body = body

    def hold(self, url: str) -> Hold:
        """Make replays of ``url`` wait until ``release()`` (a client stuck mid-request, to
        be killed by a test); ``arrived`` is set when the first one comes in."""
        hold = Hold()
        self.held[surt_key(url)] = hold
        return hold

    def block(self, host: str) -> None:
        """Exclude a host (with or without ``www.``) from the archive: 403 on CDX and replay."""
        self.blocked.add(_WWW.sub("", host.lower()))

    def force_status(self, endpoint: str, status: int, *, times: int = 1,
                     headers: dict[str, str] | None = None) -> None:
        """Answer the next ``times`` requests to ``endpoint`` ("cdx"/"replay") with ``status``."""
        with self._lock:
            self._forced[endpoint].extend([(status, dict(headers or {}))] * times)

    def force_429(self, endpoint: str, *, times: int = 1, retry_after: float | None = None) -> None:
        """Rate-limit the next ``times`` requests to ``endpoint`` whatever their pace."""
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
        self.force_status(endpoint, 429, times=times, headers=headers)

    @property
    def urls(self) -> list[str]:
        """Distinct URLs of the listed captures, sorted."""
        with self._lock:
            return sorted({c.url for c in self.captures if c.listed})

    def captures_of(self, url: str) -> list[FakeCapture]:
        """Captures listed under ``url``'s key, oldest first."""
        key = surt_key(url)
        return sorted((c for c in self.captures if surt_key(c.url) == key and c.listed),
                      key=lambda c: c.timestamp)

    def requests_to(self, endpoint: str) -> list[FakeRequest]:
        """Logged requests to "cdx" or "replay", in arrival order."""
        with self._lock:
            return [r for r in self.requests if r.endpoint == endpoint]

    # --- serving ------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeWayback is not started")
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def start(self) -> FakeWayback:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,),
                                        name="fake-wayback", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeWayback:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def handle(self, target: str) -> _Answer:
        """Answer one GET request-target (called by the HTTP handler thread)."""
        now = time.monotonic()
        parts = urlsplit(target)
        endpoint = ("cdx" if parts.path.rstrip("/") == "/cdx/search/cdx"
                    else "replay" if parts.path.startswith("/web/") else "other")
        params = parse_qs(parts.query, keep_blank_values=True) if endpoint == "cdx" else {}
        timestamp = original = modifier = None
        if endpoint == "replay":
            match = re.match(r"^/web/(\d{1,14})([a-z]{2}_)?/(.*)$", target, re.DOTALL)
            if match:
                timestamp, modifier, original = match.group(1), match.group(2), match.group(3)
        if parts.path == WOMBAT_PATH:
            endpoint = "static"
        with self._lock:
            answer = self._gate(endpoint, now)
        held = self.held.get(surt_key(original)) if original else None
        if held is not None:
            held.arrived.set()
            held.released.wait()
        if answer is None:
            if endpoint == "cdx":
                answer = self._cdx(params)
            elif endpoint == "replay" and timestamp and original:
                answer = self._replay(timestamp, original)
                if modifier == "if_":
                    answer = _as_frame_replay(answer, timestamp)
            elif endpoint == "static":
                answer = _Answer(200, WOMBAT_JS, {"Content-Type": "application/javascript"})
            else:
                answer = _Answer(404, b"not found")
        with self._lock:
            self.requests.append(FakeRequest(at=now, endpoint=endpoint, path=target,
                                             params=params, status=answer.status,
                                             timestamp=timestamp, original=original))
        return answer

    def _gate(self, endpoint: str, now: float) -> _Answer | None:
        """Forced answers and the rate limit, checked before the request is served."""
        if endpoint not in self._forced:
            return None
        bucket = self._limits[endpoint]
        within_rate = bucket.take(now) if bucket is not None else True
        if self._forced[endpoint]:
            status, headers = self._forced[endpoint].pop(0)
            return _Answer(status, f"forced {status}".encode(), headers)
        if not within_rate:
            return _Answer(429, b"Too Many Requests")
        return None

    def _is_blocked(self, url: str) -> bool:
        host = _WWW.sub("", (urlsplit(url if "://" in url else "http://" + url).hostname or "").lower())
        return host in self.blocked

    def _cdx(self, params: dict[str, list[str]]) -> _Answer:
        url = (params.get("url") or [""])[0]
        if not url:
            return _Answer(400, b"url parameter required")
        if self._is_blocked(url):
            return _Answer(403, b"Blocked Site Error",
                           {"X-Archive-Wayback-Runtime-Error": BLOCKED_ERROR})
        key = surt_key(url)
        with self._lock:
            rows = [c.cdx_row() for c in self.captures if c.listed and surt_key(c.url) == key]
            rows += [dict(row) for row_key, row in self.extra_rows if row_key == key]
        rows.sort(key=lambda row: (row["urlkey"], row["timestamp"]))
        start = (params.get("from") or [""])[0]
        stop = (params.get("to") or [""])[0]
        if start:
            rows = [r for r in rows if r["timestamp"].ljust(14, "0") >= start.ljust(14, "0")]
        if stop:
            rows = [r for r in rows if r["timestamp"].ljust(14, "0") <= stop.ljust(14, "9")]
        for spec in params.get("filter", []):
            negate = spec.startswith("!")
            name, _, pattern = spec.lstrip("!").partition(":")
            try:
                regex = re.compile(pattern)
            except re.error:
                return _Answer(400, f"bad filter {spec!r}".encode())
            rows = [r for r in rows if bool(regex.fullmatch(r.get(name, ""))) != negate]
        for spec in params.get("collapse", []):
            name, _, width = spec.partition(":")
            size = int(width) if width.isdigit() else None
            collapsed: list[dict[str, str]] = []
            previous: str | None = None
            for row in rows:  # like the real server: only adjacent rows collapse
                value = row.get(name, "")[:size]
                if value != previous:
                    collapsed.append(row)
                previous = value
            rows = collapsed
        offset = 0
        resume = (params.get("resumeKey") or [""])[0]
        if resume:
            try:
                offset = int(base64.urlsafe_b64decode(resume.encode()).decode().rsplit("!", 1)[1])
            except (ValueError, IndexError):
                return _Answer(400, b"bad resumeKey")
        limits = [int(v) for v in params.get("limit", []) if v.lstrip("-").isdigit()]
        size = min([n for n in limits if n > 0] + ([self.page_size] if self.page_size else []),
                   default=len(rows) or 1)
        page = rows[offset:offset + size]
        more = offset + size < len(rows)
        fields = (params.get("fl") or [",".join(CDX_FIELDS)])[0].split(",")
        output = (params.get("output") or [""])[0]
        if output != "json":
            text = "".join(" ".join(r.get(f, "") for f in fields) + "\n" for r in page)
            return _Answer(200, text.encode(), {"Content-Type": "text/plain"})
        if not page and not more:
            body = b"" if self.empty_body_when_empty else b"[]"
            return _Answer(200, body, {"Content-Type": "application/json"})
        data: list[list[str]] = [fields] + [[r.get(f, "") for f in fields] for r in page]
        if more and (params.get("showResumeKey") or [""])[0].lower() == "true":
            last = rows[offset + size - 1]
            token = f"{last['urlkey']} {last['timestamp']}!{offset + size}"
            data += [[], [base64.urlsafe_b64encode(token.encode()).decode()]]
        # One row per line, like the real server.
        text = "[" + ",\n".join(json.dumps(row) for row in data) + "]\n"
        return _Answer(200, text.encode(), {"Content-Type": "application/json"})

    def _replay(self, timestamp: str, original: str) -> _Answer:
        if self._is_blocked(original):
            return _Answer(403, b"Blocked Site Error",
                           {"X-Archive-Wayback-Runtime-Error": BLOCKED_ERROR})
        key = surt_key(original)
        with self._lock:
            candidates = [c for c in self.captures if c.replayable and surt_key(c.url) == key]
        if not candidates:
            return _Answer(404, b"Wayback Machine has not archived that URL.")
        exact = [c for c in candidates if c.timestamp == timestamp]
        if not exact:
            wanted = _parse_ts(timestamp)
            nearest = min(candidates, key=lambda c: (abs(_parse_ts(c.timestamp) - wanted),
                                                     c.timestamp))
            return _Answer(302, b"", {"Location": f"{self.base_url}/web/{nearest.timestamp}"
                                                  f"id_/{nearest.url}"})
        capture = exact[0]
        if original != capture.url:
            # Same capture asked under another scheme or www form: Wayback redirects to
            # the address as archived, without Memento-Datetime.
            return _Answer(302, b"", {"Location": f"{self.base_url}/web/{capture.timestamp}"
                                                  f"id_/{capture.url}"})
        headers = {"Memento-Datetime": format_datetime(_parse_ts(capture.timestamp), usegmt=True),
                   "Content-Type": capture.mimetype if capture.status is not None
                   and capture.mimetype != "warc/revisit" else "text/html"}
        if capture.location:
            headers["Location"] = f"{self.base_url}/web/{capture.timestamp}id_/{capture.location}"
        headers.update(capture.headers)
        return _Answer(capture.status or 200, capture.read_body(), headers)


# The ``if_`` (frame) replay a browser loads: the archive's client-side rewriter and its
# bootstrap inserted in the head, a toolbar between BEGIN/END comments at the top of the
# body (real replays show it outside frames; policywatch must remove it either way), and
# the same redirects as ``id_`` to the nearest capture of every other URL the page loads.
WOMBAT_PATH = "/_static/js/wombat.js"
WOMBAT_JS = b"window.__wm_loaded = true;"


def _as_frame_replay(answer: _Answer, timestamp: str) -> _Answer:
    kind = answer.headers.get("Content-Type", "")
    if answer.status != 200 or "html" not in kind:
        return answer
    html = answer.body.decode("utf-8", "replace")
    head = (f'<script src="{WOMBAT_PATH}"></script><script>var __wm = {{init: function () {{}}}};'
            f' __wm.init("/web/{timestamp}");</script>')
    toolbar = ('<!-- BEGIN WAYBACK TOOLBAR INSERT --><div id="wm-ipp-base">'
               'Wayback Machine toolbar: 1,234 captures</div><!-- END WAYBACK TOOLBAR INSERT -->')
    html = re.sub(r"<head[^>]*>", lambda m: m.group(0) + head, html, count=1, flags=re.I)
    html = re.sub(r"<body[^>]*>", lambda m: m.group(0) + toolbar, html, count=1, flags=re.I)
    return _Answer(200, html.encode("utf-8"), dict(answer.headers))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Send head and body in one segment: split writes meet delayed ACKs (40 ms a request).
    disable_nagle_algorithm = True
    wbufsize = 1 << 16

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        answer = self.server.fake.handle(self.path)  # type: ignore[attr-defined]
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep test output quiet; the fake logs requests in ``FakeWayback.requests``."""


def main(argv: list[str] | None = None) -> None:
    """Serve the corpus until interrupted: ``python -m tests.fakes.wayback [--slug S]...``."""
    import argparse

    parser = argparse.ArgumentParser(description="Fake Wayback Machine over the OTA corpus.")
    parser.add_argument("--ota", type=Path,
                        default=Path(__file__).resolve().parents[2].parent / "shared/corpus/ota")
    parser.add_argument("--slug", action="append", help="document folder (default: all)")
    parser.add_argument("--page-size", type=int, default=None)
    parser.add_argument("--cdx-rate", type=float, default=None)
    parser.add_argument("--replay-rate", type=float, default=None)
    args = parser.parse_args(argv)
    fake = FakeWayback.from_corpus(args.ota, slugs=args.slug, page_size=args.page_size,
                                   cdx_rate=args.cdx_rate, cdx_burst=2,
                                   replay_rate=args.replay_rate, replay_burst=3)
    with fake:
        urls = fake.urls
        print(f"fake Wayback at {fake.base_url} ({len(fake.captures)} captures)", flush=True)
        for url in urls:
            print(f"  {url}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
