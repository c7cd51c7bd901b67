"""Local receivers for alert tests: an HTTP endpoint (webhooks, Apprise ``json://``) and an
SMTP server (aiosmtpd), both on 127.0.0.1 with ephemeral ports.

    with Receiver() as hooks, MailServer() as mail:  # MailServer(tls=..., login=...) too
        hooks.fail_next(2, status=503)          # answer 503 twice, then 200
        ... deliver alerts to hooks.url("/hook") and mail.host / mail.port ...
        assert hooks.wait_for(1)[0].json()["event"] == "policy.changed"
        assert mail.wait_for(1)[0]["Subject"].startswith("[policywatch]")
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import subprocess
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    """One POST the receiver accepted or refused; header names are lowercase."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    def json(self) -> Any:
        return json.loads(self.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    receiver: Receiver


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        receiver = self.server.receiver
        status = receiver._next_status()
        receiver._record(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                  body, status))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        answer = b'{"ok": true}' if status < 300 else b'{"ok": false}'
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class Receiver:
    """Records every POST; answers 200 unless told to fail the next ones."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._failures: list[int] = []
        self._server: _Server | None = None

    def __enter__(self) -> Receiver:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.receiver = self
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True, name="Receiver").start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    def url(self, path: str = "/hook", scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def fail_next(self, count: int, *, status: int = 503) -> None:
        """Answer ``status`` to the next ``count`` POSTs."""
        with self._lock:
            self._failures.extend([status] * count)

    def accepted(self, path: str | None = None) -> list[Received]:
        """POSTs answered with 2xx (to ``path`` when given)."""
        with self._lock:
            return [r for r in self.received if r.status < 300 and (path is None or r.path == path)]

    def wait_for(self, count: int, *, path: str | None = None, timeout: float = 20.0) -> list[Received]:
        """Wait until ``count`` POSTs were accepted; returns them (may be fewer on timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.accepted(path)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        return self.accepted(path)

    def _next_status(self) -> int:
        with self._lock:
            return self._failures.pop(0) if self._failures else 200

    def _record(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)


class _MailHandler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.server._add(message, list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class MailServer:
    """A real SMTP server (aiosmtpd) that keeps the messages it receives.

    ``tls`` (a server SSLContext) offers STARTTLS and requires it, or with
    ``implicit_tls`` speaks TLS from the first byte (SMTPS); ``login=(user, password)``
    requires AUTH with those credentials.
    """

    def __init__(self, *, tls: ssl.SSLContext | None = None, implicit_tls: bool = False,
                 login: tuple[str, str] | None = None) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.logins: list[str] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self._tls = tls
        self._implicit_tls = implicit_tls
        self._login = login

    def _authenticate(self, server: object, session: object, envelope: object, mechanism: str,
                      auth_data: object) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self._login is not None and \
                (auth_data.login.decode(), auth_data.password.decode()) == self._login:
            with self._lock:
                self.logins.append(auth_data.login.decode())
            return AuthResult(success=True)
        return AuthResult(success=False, handled=False)

    def __enter__(self) -> MailServer:
        # aiosmtpd's Controller probes its port after starting, so it needs a real number.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self._port = probe.getsockname()[1]
        options: dict[str, Any] = {}
        if self._tls is not None and self._implicit_tls:
            options["ssl_context"] = self._tls
        elif self._tls is not None:
            options.update(tls_context=self._tls, require_starttls=True)
        if self._login is not None:
            options.update(authenticator=self._authenticate, auth_required=True,
                           auth_require_tls=self._tls is not None)
        self._controller = Controller(_MailHandler(self), hostname="127.0.0.1", port=self._port,
                                      **options)
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self._port

    def _add(self, message: EmailMessage, recipients: list[str]) -> None:
        with self._lock:
            self.messages.append(message)
            self.recipients.append(recipients)

    def wait_for(self, count: int, *, timeout: float = 20.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        with self._lock:
            return list(self.messages)


def self_signed_tls(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server SSLContext for 127.0.0.1 and the certificate (PEM) a client should trust.

    Made with the ``openssl`` command line (no Python crypto package needed).
    """
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert
