"""Fault injection on the fetch path: what a broken server does mid-answer is a typed
fetch error (or a retried success), never a crash or a hang."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from crawler import AddressPolicy, ContentDecodingError, CrawlerError, FetchError, LiveFetcher

UA = "policywatch-test/1.0"
PAGE = b"<html><body><main><p>" + b"We keep your data. " * 500 + b"</p></main></body></html>"


class RawServer:
    """A loopback TCP server whose every connection is answered by ``script(conn)``."""

    def __init__(self, script: Callable[[socket.socket], None]) -> None:
        self.script = script
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.connections = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        try:
            conn.recv(65536)
            self.script(conn)
        except OSError:
            pass
        finally:
            conn.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/privacy"

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self._thread.join(timeout=2)
        self.sock.close()


def head(length: int | None, extra: str = "") -> bytes:
    size = f"Content-Length: {length}\r\n" if length is not None else ""
    return (f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n{size}{extra}"
            "Connection: close\r\n\r\n").encode()


def fetch(url: str, **options: object):  # noqa: ANN201
    async def run():  # noqa: ANN202
        settings = {"backoff": 0.01, "max_backoff": 0.05, "retries": 1, **options}
        async with LiveFetcher(user_agent=UA, respect_robots=False,
                               addresses=AddressPolicy(allow_private=True),
                               **settings) as fetcher:  # type: ignore[arg-type]
            return await fetcher.fetch(url)
    return asyncio.run(run())


def reset_mid_body(conn: socket.socket) -> None:
    conn.sendall(head(len(PAGE)) + PAGE[:1000])
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


def short_body(conn: socket.socket) -> None:
    conn.sendall(head(len(PAGE) + 5000) + PAGE)  # announces more than it sends


def long_body(conn: socket.socket) -> None:
    conn.sendall(head(100) + PAGE)  # announces less than it sends


def truncated_gzip(conn: socket.socket) -> None:
    body = gzip.compress(PAGE)[:-40]
    conn.sendall(head(len(body), "Content-Encoding: gzip\r\n") + body)


def garbage_gzip(conn: socket.socket) -> None:
    body = b"\x1f\x8b\x08\x00" + b"not gzip at all" * 10
    conn.sendall(head(len(body), "Content-Encoding: gzip\r\n") + body)


def slow_drip(conn: socket.socket) -> None:
    conn.sendall(head(len(PAGE)))
    for byte in PAGE[:400]:
        conn.sendall(bytes([byte]))
        time.sleep(0.02)


def silence(conn: socket.socket) -> None:
    time.sleep(3)


def garbage_status(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 2OO OK\r\n\r\n<html>")


@pytest.mark.parametrize("script", [reset_mid_body, short_body, garbage_status])
def test_a_broken_answer_is_a_retried_connection_error(script) -> None:  # noqa: ANN001
    with RawServer(script) as server:
        with pytest.raises(FetchError) as err:
            fetch(server.url)
    assert err.value.kind in ("connect", "fetch") and err.value.transient
    assert server.connections == 2  # retried once, then reported


@pytest.mark.parametrize("script", [truncated_gzip, garbage_gzip])
def test_a_corrupt_compressed_body_is_a_decoding_error(script) -> None:  # noqa: ANN001
    with RawServer(script) as server:
        with pytest.raises(ContentDecodingError) as err:
            fetch(server.url)
    assert err.value.kind == "decoding"  # not a shorter page recorded as a change


def test_a_body_longer_than_announced_is_cut_at_the_announced_length() -> None:
    with RawServer(long_body) as server:
        result = fetch(server.url)
    assert len(result.body) == 100


@pytest.mark.parametrize("script", [slow_drip, silence])
def test_slow_servers_hit_the_overall_deadline(script) -> None:  # noqa: ANN001
    started = time.monotonic()
    with RawServer(script) as server:
        with pytest.raises(CrawlerError) as err:
            fetch(server.url, read_timeout=0.3, connect_timeout=0.5, retries=0)
    assert err.value.kind == "timeout"
    assert time.monotonic() - started < 5  # connect + 4 x read timeouts, plus slack


def test_every_fault_stays_typed_under_concurrency() -> None:
    scripts: Iterator = iter([reset_mid_body, short_body, truncated_gzip, garbage_status] * 3)
    lock = threading.Lock()

    def any_fault(conn: socket.socket) -> None:
        with lock:
            script = next(scripts, short_body)
        script(conn)

    async def many(url: str) -> list[object]:
        async with LiveFetcher(user_agent=UA, retries=0, respect_robots=False,
                               addresses=AddressPolicy(allow_private=True)) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(url + f"?n={n}") for n in range(12)),
                                        return_exceptions=True)

    with RawServer(any_fault) as server:
        results = asyncio.run(many(server.url))
    assert all(isinstance(r, CrawlerError) for r in results), results
