"""The fake Wayback Machine behaves like the real API where the client depends on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.wayback import BLOCKED_ERROR, FakeWayback, digest_of, surt_key


def cdx(fake: FakeWayback, **params: str | list[str]) -> httpx.Response:
    return httpx.get(f"{fake.base_url}/cdx/search/cdx", params=params)


def test_surt_key_folds_scheme_www_and_default_port() -> None:
    keys = {surt_key(u) for u in ("http://www.Example.com/p", "https://example.com:443/p",
                                  "http://www2.example.com/p", "example.com/p")}
    assert keys == {"com,example)/p"}
    assert surt_key("https://example.com/p?a=1") == "com,example)/p?a=1"


@pytest.fixture()
def fake() -> Iterator[FakeWayback]:
    server = FakeWayback()
    url = "https://example.com/p"
    for ts, body in (("20200101000000", b"a"), ("20200201000000", b"a"), ("20200301000000", b"b"),
                     ("20200401000000", b"a"), ("20200501000000", b"c")):
        server.add_capture(url, ts, body)
    server.add_capture(url, "20200601000000", b"moved", status=301, location="https://x.org/")
    server.start()
    yield server
    server.stop()


def test_json_rows_filters_collapse_and_bounds(fake: FakeWayback) -> None:
    rows = cdx(fake, url="http://www.example.com/p", output="json").json()
    assert rows[0] == ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest",
                       "length"]
    assert len(rows) == 7
    only_200 = cdx(fake, url="example.com/p", output="json", filter="statuscode:200").json()
    assert {r[4] for r in only_200[1:]} == {"200"}
    not_200 = cdx(fake, url="example.com/p", output="json", filter="!statuscode:200").json()
    assert [r[4] for r in not_200[1:]] == ["301"]
    collapsed = cdx(fake, url="example.com/p", output="json", collapse="digest",
                    fl="timestamp,digest").json()
    # adjacent a,a collapse; the later a (April) stays
    assert [r[0] for r in collapsed[1:]] == ["20200101000000", "20200301000000",
                                             "20200401000000", "20200501000000",
                                             "20200601000000"]
    assert collapsed[1][1] == digest_of(b"a")
    bounded = cdx(fake, url="example.com/p", output="json", **{"from": "202002", "to": "202004"})
    assert [r[1] for r in bounded.json()[1:]] == ["20200201000000", "20200301000000",
                                                  "20200401000000"]


def test_paging_with_resume_keys(fake: FakeWayback) -> None:
    seen: list[str] = []
    key = None
    pages = 0
    while True:
        params: dict[str, str] = {"url": "example.com/p", "output": "json", "limit": "4",
                                  "showResumeKey": "true"}
        if key:
            params["resumeKey"] = key
        rows = cdx(fake, **params).json()
        pages += 1
        if [] in rows:
            key = rows[rows.index([]) + 1][0]
            rows = rows[:rows.index([])]
        else:
            key = None
        seen += [r[1] for r in rows[1:]]
        if not key:
            break
    assert pages == 2 and len(seen) == 6 and seen == sorted(seen)
    assert cdx(fake, url="nothing.example/", output="json").text == "[]"


def test_replay_exact_nearest_archived_redirect_blocked_and_missing(fake: FakeWayback) -> None:
    base = fake.base_url
    exact = httpx.get(f"{base}/web/20200301000000id_/https://example.com/p")
    assert exact.status_code == 200 and exact.content == b"b"
    assert exact.headers["memento-datetime"] == "Sun, 01 Mar 2020 00:00:00 GMT"
    nearest = httpx.get(f"{base}/web/20200302id_/http://www.example.com/p")
    assert nearest.status_code == 302 and "memento-datetime" not in nearest.headers
    assert nearest.headers["location"] == f"{base}/web/20200301000000id_/https://example.com/p"
    moved = httpx.get(f"{base}/web/20200601000000id_/https://example.com/p")
    assert moved.status_code == 301 and "memento-datetime" in moved.headers
    assert moved.headers["location"] == f"{base}/web/20200601000000id_/https://x.org/"
    assert httpx.get(f"{base}/web/2020id_/https://unknown.example/").status_code == 404
    fake.block("example.com")
    blocked = httpx.get(f"{base}/web/20200301000000id_/https://example.com/p")
    assert blocked.status_code == 403
    assert blocked.headers["x-archive-wayback-runtime-error"] == BLOCKED_ERROR
    assert cdx(fake, url="example.com/p", output="json").status_code == 403
    assert [r.endpoint for r in fake.requests][-3:] == ["replay", "replay", "cdx"]


def test_rate_limit_and_forced_answers(fake: FakeWayback) -> None:
    # One token per 100 s: the burst of two passes, the next two are refused however slowly
    # a loaded machine sends them.
    limited = FakeWayback(cdx_rate=0.01, cdx_burst=2).start()
    try:
        statuses = [cdx(limited, url="example.com/p", output="json").status_code
                    for _ in range(4)]
        assert statuses == [200, 200, 429, 429]
    finally:
        limited.stop()
    fake.force_429("replay", retry_after=7)
    fake.force_status("replay", 503)
    first = httpx.get(f"{fake.base_url}/web/20200301000000id_/https://example.com/p")
    second = httpx.get(f"{fake.base_url}/web/20200301000000id_/https://example.com/p")
    assert (first.status_code, first.headers["retry-after"]) == (429, "7")
    assert second.status_code == 503
    assert [r.status for r in fake.requests_to("replay")] == [429, 503]


def test_corpus_streams_list_only_captures_with_bodies(corpus: Path) -> None:
    with FakeWayback.from_corpus(corpus, slugs=["le-chat-privacy-policy"]) as fake:
        assert set(fake.urls) == {"https://mistral.ai/terms/",
                                                  "https://legal.mistral.ai/terms/privacy-policy"}
        capture = fake.captures[0]
        body = httpx.get(f"{fake.base_url}/web/{capture.timestamp}id_/{capture.url}").content
        assert digest_of(body) == capture.digest
