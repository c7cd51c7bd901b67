"""LiveFetcher against a real HTTP server on 127.0.0.1 (tests/fakes/site.py)."""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler import (
    BodyTooLarge,
    ConnectError,
    FetchResult,
    FetchTimeout,
    HTTPStatusError,
    InvalidURL,
    LiveFetcher,
    RedirectLoop,
    RobotsDisallowed,
    TooManyRedirects,
    UnsupportedContent,
    detect_charset,
    normalize_url,
)
from crawler.addresses import AddressPolicy
from crawler.live import parse_retry_after
from tests.fakes.site import FakeSite, Response, http_date

UA = "policywatch-test/1.0 (+https://example.org/policywatch)"
# Sub-second backoffs keep retry tests fast.
# The fake site listens on loopback: these tests opt in to private addresses, as an
# operator watching their own network would (the guard has tests of its own).
LOCAL = AddressPolicy(allow_private=True)
FAST: dict[str, Any] = {"backoff": 0.01, "max_backoff": 0.5, "read_timeout": 5, "connect_timeout": 2,
                        "addresses": LOCAL}


@pytest.fixture
def site() -> Iterator[FakeSite]:
    with FakeSite() as running:
        yield running


def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None,
          **options: Any) -> FetchResult:
    """One fetch with a fresh fetcher."""
    return asyncio.run(fetch_all([url], etag=etag, last_modified=last_modified, **options))[0]


async def fetch_all(urls: list[str], *, etag: str | None = None,
                    last_modified: str | None = None, **options: Any) -> list[FetchResult]:
    """Fetch several URLs concurrently through one fetcher."""
    async with LiveFetcher(user_agent=UA, **{**FAST, **options}) as fetcher:
        return await asyncio.gather(*(fetcher.fetch(u, etag=etag, last_modified=last_modified)
                                      for u in urls))


def princeton_page(corpus: Path, name: str = "boardhost.com") -> bytes:
    return (corpus / "princeton" / f"{name}.html").read_bytes()


# -- first fetch, conditional GET ------------------------------------------------------


def test_first_fetch_returns_the_page_and_its_validators(site: FakeSite, corpus: Path) -> None:
    page = princeton_page(corpus)
    modified = http_date(-86400)
    site.add("/privacy", page, etag=True, last_modified=modified)

    result = fetch(site.url("/privacy"))

    assert result.status == 200
    assert result.body == page
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.etag and result.etag.startswith('"')
    assert result.last_modified == modified
    assert result.final_url == result.requested_url == site.url("/privacy")
    assert result.redirects == ()
    assert not result.not_modified
    assert result.fetched_at.tzinfo is not None
    sent = site.requests_to("/privacy")[0].headers
    assert sent["user-agent"] == UA
    assert "text/html" in sent["accept"]
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def test_conditional_get_answers_not_modified_until_the_page_changes(site: FakeSite,
                                                                     corpus: Path) -> None:
    site.add("/privacy", princeton_page(corpus), etag=True, last_modified=http_date(-86400))
    first = fetch(site.url("/privacy"))

    again = fetch(site.url("/privacy"), etag=first.etag, last_modified=first.last_modified)

    assert again.not_modified and again.status == 304 and again.body == b""
    assert again.etag == first.etag
    sent = site.requests_to("/privacy")[-1].headers
    assert sent["if-none-match"] == first.etag
    assert sent["if-modified-since"] == first.last_modified

    site.set_body("/privacy", princeton_page(corpus, "ab.com"))
    changed = fetch(site.url("/privacy"), etag=first.etag)
    assert not changed.not_modified and changed.status == 200
    assert changed.body == princeton_page(corpus, "ab.com")
    assert changed.etag != first.etag


def test_not_modified_answers_keep_the_connection_for_the_next_request(site: FakeSite) -> None:
    site.add("/p", "<html><body>policy</body></html>", etag=True)
    first = fetch(site.url("/p"))
    # Several pages checked through one fetcher, each answered 304 (or 200, then 304 ...),
    # one after the other: one connection for them all.
    asyncio.run(_fetch_in_turn(site.url("/p"), 4, etag=first.etag))
    after = site.requests_to("/p")[1:]
    assert len(after) == 4 and {r.connection for r in after} == {after[0].connection}


def test_a_redirect_keeps_its_connection_for_the_next_hop(site: FakeSite) -> None:
    site.redirect("/old", "/new", status=301)
    site.add("/new", "<html><body>policy</body></html>")
    assert fetch(site.url("/old")).final_url == site.url("/new")
    hops = site.requests_to("/old") + site.requests_to("/new")
    assert len(hops) == 2 and hops[0].connection == hops[1].connection


async def _fetch_in_turn(url: str, times: int, *, etag: str | None) -> None:
    async with LiveFetcher(user_agent=UA, **FAST) as fetcher:
        for _ in range(times):
            assert (await fetcher.fetch(url, etag=etag)).not_modified


def test_last_modified_alone_makes_a_conditional_request(site: FakeSite) -> None:
    stamp = http_date(-3600)
    site.add("/p", "<html><body>policy</body></html>", last_modified=stamp)

    result = fetch(site.url("/p"), last_modified=stamp)

    assert result.not_modified
    assert site.requests_to("/p")[0].headers["if-modified-since"] == stamp


# -- redirects -------------------------------------------------------------------------


def test_redirects_are_followed_and_recorded(site: FakeSite) -> None:
    site.redirect("/privacy", "/legal/privacy", status=301)
    site.redirect("/legal/privacy", site.url("/legal/privacy-policy?lang=en"), status=302)
    site.add("/legal/privacy-policy", "<html><body>Our policy</body></html>")

    result = fetch(site.url("/privacy"))

    assert result.final_url == site.url("/legal/privacy-policy?lang=en")
    assert result.redirects == (site.url("/privacy"), site.url("/legal/privacy"))
    assert result.body == b"<html><body>Our policy</body></html>"


def test_redirect_loop_is_reported_with_its_chain(site: FakeSite) -> None:
    site.redirect("/a", "/b")
    site.redirect("/b", "/a")

    with pytest.raises(RedirectLoop) as caught:
        fetch(site.url("/a"))

    assert caught.value.kind == "redirect-loop"
    assert "/a -> " in str(caught.value) and "/b" in str(caught.value)
    assert len(site.requests_to("/a")) == 1


def test_redirect_to_same_url_after_setting_a_cookie_is_not_a_loop(site: FakeSite) -> None:
    def consent_wall(request: Any) -> Response:
        if "consent=yes" in request.headers.get("cookie", ""):
            return Response("<html><body>The policy</body></html>")
        return Response(status=302, content_type=None,
                        headers={"Location": "/privacy", "Set-Cookie": "consent=yes; Path=/"})

    site.handler("/privacy", consent_wall)

    async def twice() -> list[FetchResult]:
        async with LiveFetcher(user_agent=UA, **FAST) as fetcher:
            return [await fetcher.fetch(site.url("/privacy")) for _ in range(2)]

    results = asyncio.run(twice())

    for result in results:
        assert result.body == b"<html><body>The policy</body></html>"
        assert result.redirects == (site.url("/privacy"),)
    # Each fetch starts without cookies, as a first-time visitor.
    first_requests = [r for r in site.requests_to("/privacy") if "cookie" not in r.headers]
    assert len(first_requests) == 2


def test_too_many_redirects(site: FakeSite) -> None:
    for hop in range(5):
        site.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    site.add("/hop5", "<html>end</html>")

    with pytest.raises(TooManyRedirects):
        fetch(site.url("/hop0"), max_redirects=3)
    assert fetch(site.url("/hop0"), max_redirects=5).final_url == site.url("/hop5")


# -- status errors and retries ---------------------------------------------------------


def test_not_found_is_an_error_and_is_not_retried(site: FakeSite) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        fetch(site.url("/missing"))

    assert caught.value.status == 404
    assert not caught.value.transient
    assert len(site.requests_to("/missing")) == 1


def test_server_errors_are_retried_until_success(site: FakeSite) -> None:
    site.sequence("/flaky", [Response(status=500), Response(status=503),
                             Response("<html><body>finally</body></html>")])

    result = fetch(site.url("/flaky"), retries=3)

    assert result.body == b"<html><body>finally</body></html>"
    assert len(site.requests_to("/flaky")) == 3


def test_backoff_grows_between_attempts(site: FakeSite) -> None:
    site.sequence("/flaky", [Response(status=503)] * 3 + [Response("<html>ok</html>")])

    fetch(site.url("/flaky"), retries=3, backoff=0.1, max_backoff=10)

    times = [r.received_at for r in site.requests_to("/flaky")]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    # Waits are backoff * 2**attempt, the lower half of it fixed, the upper half jitter.
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1 and gaps[2] >= 0.2


def test_retries_run_out(site: FakeSite) -> None:
    site.sequence("/down", [Response(status=502)])

    with pytest.raises(HTTPStatusError) as caught:
        fetch(site.url("/down"), retries=2)

    assert caught.value.status == 502 and caught.value.transient
    assert len(site.requests_to("/down")) == 3


def test_retry_after_on_429_is_waited_out(site: FakeSite) -> None:
    site.sequence("/busy", [Response(status=429, headers={"Retry-After": "1"}),
                            Response("<html>ok</html>")])

    result = fetch(site.url("/busy"), backoff=0.001, max_backoff=5)

    assert result.body == b"<html>ok</html>"
    first, second = site.requests_to("/busy")
    # Without Retry-After the backoff would be about a millisecond.
    assert second.received_at - first.received_at >= 0.9


def test_retry_after_longer_than_max_backoff_fails_at_once_with_the_delay(
        site: FakeSite) -> None:
    site.sequence("/busy", [Response(status=429, headers={"Retry-After": "120"}),
                            Response("<html>ok</html>")])

    with pytest.raises(HTTPStatusError) as caught:
        fetch(site.url("/busy"), max_backoff=1)

    assert caught.value.status == 429
    assert caught.value.retry_after == 120
    assert caught.value.transient
    assert len(site.requests_to("/busy")) == 1


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 22, 12, 0, 0, tzinfo=timezone.utc)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after("30", now=now) == 30
    assert parse_retry_after(later, now=now) == 90
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True),
                             now=now) == 0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with pytest.raises(ConnectError) as caught:
        fetch(f"http://127.0.0.1:{port}/", retries=2)

    assert caught.value.transient
    assert "127.0.0.1" in str(caught.value)


def test_slow_server_times_out(site: FakeSite) -> None:
    site.add("/slow", "<html>late</html>", delay=2.0)

    with pytest.raises(FetchTimeout) as caught:
        fetch(site.url("/slow"), read_timeout=0.2)

    assert caught.value.transient
    assert len(site.requests_to("/slow")) == 1  # read timeouts are left to the scheduler


def test_server_stalling_mid_body_times_out(site: FakeSite) -> None:
    site.add("/stall", "<html>" + "x" * 1000 + "</html>", body_delay=2.0)

    with pytest.raises(FetchTimeout):
        fetch(site.url("/stall"), read_timeout=0.2)


def test_server_trickling_bytes_hits_the_overall_deadline(site: FakeSite) -> None:
    # Each chunk comes well within the read timeout, but the whole body would take 4s.
    site.add("/trickle", "<html>" + "x" * 400 + "</html>", chunk_size=10, trickle=0.1)

    with pytest.raises(FetchTimeout) as caught:
        fetch(site.url("/trickle"), connect_timeout=0.1, read_timeout=0.2)

    assert "took more than" in str(caught.value)


# -- size limits -----------------------------------------------------------------------


def test_body_over_the_limit_is_refused(site: FakeSite) -> None:
    site.add("/big", "<html>" + "a" * 5000 + "</html>")

    with pytest.raises(BodyTooLarge):
        fetch(site.url("/big"), max_bytes=1000)
    assert fetch(site.url("/big"), max_bytes=10_000).body.startswith(b"<html>aaa")


def test_gzip_bomb_is_stopped_by_its_decoded_size(site: FakeSite) -> None:
    route = site.gzip_bomb("/bomb", 50_000_000)
    compressed = route.respond(None)  # type: ignore[arg-type]
    assert len(compressed.body_bytes) < 1_000_000  # small on the wire

    with pytest.raises(BodyTooLarge) as caught:
        fetch(site.url("/bomb"), max_bytes=1_000_000)

    assert "gzip" in str(caught.value)


def test_gzip_and_brotli_pages_are_decoded(site: FakeSite, corpus: Path) -> None:
    snapshot = sorted((corpus / "ota" / "uptimerobot-privacy-policy" / "snapshots")
                      .glob("*.html.gz"))[-1]
    site.add_file("/privacy/", snapshot)
    brotli = pytest.importorskip("brotli")
    page = princeton_page(corpus, "ab.com")
    site.add("/br", brotli.compress(page), headers={"Content-Encoding": "br"})

    result = fetch(site.url("/privacy/"))
    assert result.body == gzip.decompress(snapshot.read_bytes())
    assert fetch(site.url("/br")).body == page


# -- content types and charsets --------------------------------------------------------


def test_images_are_unsupported_content(site: FakeSite) -> None:
    site.add("/logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png")

    with pytest.raises(UnsupportedContent) as caught:
        fetch(site.url("/logo.png"))

    assert caught.value.content_type == "image/png"
    assert caught.value.kind == "unsupported-content"


def test_pdf_is_accepted_by_type_and_by_its_magic_bytes(site: FakeSite) -> None:
    pdf = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    site.add("/policy.pdf", pdf, content_type="application/pdf")
    site.add("/download", pdf, content_type="application/octet-stream")

    typed = fetch(site.url("/policy.pdf"))
    sniffed = fetch(site.url("/download"))

    assert typed.content_type == sniffed.content_type == "application/pdf"
    assert typed.body == sniffed.body == pdf
    assert typed.charset is None


def test_html_without_a_proper_type_is_sniffed(site: FakeSite) -> None:
    site.add("/plain", "<!DOCTYPE html><html><body>policy</body></html>",
             content_type="text/plain")
    site.add("/untyped", "\n  <html><body>policy</body></html>", content_type=None)
    site.add("/notes.txt", "Just some notes, not a web page.", content_type="text/plain")

    assert fetch(site.url("/plain")).content_type == "text/html"
    assert fetch(site.url("/untyped")).content_type == "text/html"
    with pytest.raises(UnsupportedContent):
        fetch(site.url("/notes.txt"))


WESTERN = ("<html><head><title>Politique de confidentialité</title></head><body>"
           "<p>Nous traitons vos données « personnelles » — conformément au RGPD. "
           "Café, naïve, résumé; “quoted” text… Übermittlung an Dritte.</p></body></html>")


def test_windows_1252_page_without_declaration(site: FakeSite) -> None:
    site.add("/fr", WESTERN.encode("cp1252"), content_type="text/html")

    result = fetch(site.url("/fr"))

    assert result.charset == "windows-1252"
    assert result.body.decode(result.charset) == WESTERN


def test_wrong_charset_header_is_overruled_by_the_bytes(site: FakeSite) -> None:
    site.add("/claims-utf8", WESTERN.encode("cp1252"), content_type="text/html; charset=utf-8")
    site.add("/claims-latin1", WESTERN.encode("utf-8"),
             content_type="text/html; charset=iso-8859-1")

    legacy = fetch(site.url("/claims-utf8"))
    modern = fetch(site.url("/claims-latin1"))

    assert legacy.body.decode(legacy.charset or "") == WESTERN
    assert modern.charset == "utf-8"


def test_meta_charset_is_used_when_the_header_has_none(site: FakeSite) -> None:
    text = ('<html><head><meta charset="shift_jis"><title>プライバシーポリシー</title></head>'
            "<body>個人情報の取り扱いについて</body></html>")
    site.add("/ja", text.encode("shift_jis"), content_type="text/html")
    http_equiv = ('<html><head><meta http-equiv="Content-Type" '
                  'content="text/html; charset=windows-1251"></head>'
                  "<body>Политика конфиденциальности</body></html>")
    site.add("/ru", http_equiv.encode("cp1251"), content_type="text/html")

    assert fetch(site.url("/ja")).charset == "shift_jis"
    ru = fetch(site.url("/ru"))
    assert ru.body.decode(ru.charset or "") == http_equiv


def test_chinese_gb2312_label_reads_as_its_superset() -> None:
    text = "<html><meta charset=gb2312><body>隐私政策：我们重视您的个人信息。</body></html>"
    body = text.encode("gb18030")

    charset = detect_charset(body, "text/html")

    assert body.decode(charset) == text


def test_detect_charset_prefers_the_byte_order_mark() -> None:
    assert detect_charset(b"\xef\xbb\xbf<html>caf\xc3\xa9</html>", "text/html; charset=latin1") \
        == "utf-8"


# -- robots.txt ------------------------------------------------------------------------


def test_robots_disallow_blocks_the_fetch(site: FakeSite) -> None:
    site.robots("User-agent: *\nDisallow: /private/\n")
    site.add("/private/policy", "<html>secret</html>")

    with pytest.raises(RobotsDisallowed) as caught:
        fetch(site.url("/private/policy"))

    assert caught.value.kind == "robots"
    assert site.requests_to("/private/policy") == []


def test_respect_robots_false_overrides(site: FakeSite) -> None:
    site.robots("User-agent: *\nDisallow: /\n")
    site.add("/privacy", "<html>policy</html>")

    result = fetch(site.url("/privacy"), respect_robots=False)

    assert result.body == b"<html>policy</html>"
    assert site.requests_to("/robots.txt") == []


def test_robots_group_for_our_user_agent_applies(site: FakeSite) -> None:
    site.robots("User-agent: policywatch-test\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    site.add("/privacy", "<html>policy</html>")

    with pytest.raises(RobotsDisallowed):
        fetch(site.url("/privacy"))


def test_robots_is_fetched_once_per_site(site: FakeSite) -> None:
    site.robots("User-agent: *\nDisallow: /admin\n")
    for name in ("a", "b", "c"):
        site.add(f"/{name}", f"<html>{name}</html>")

    results = asyncio.run(fetch_all([site.url("/a"), site.url("/b"), site.url("/c")]))

    assert [r.body for r in results] == [b"<html>a</html>", b"<html>b</html>", b"<html>c</html>"]
    assert len(site.requests_to("/robots.txt")) == 1
    assert site.requests_to("/robots.txt")[0].headers["user-agent"] == UA


def test_crawl_delay_spaces_requests_to_a_site(site: FakeSite) -> None:
    site.robots("User-agent: *\nCrawl-delay: 0.3\n")
    for n in range(3):
        site.add(f"/p{n}", f"<html>{n}</html>")

    asyncio.run(fetch_all([site.url(f"/p{n}") for n in range(3)], per_host=3))

    starts = sorted(r.received_at for r in site.requests if r.route != "/robots.txt")
    assert all(later - earlier >= 0.25 for earlier, later in zip(starts, starts[1:]))


@pytest.mark.parametrize("status", [404, 500, 503])
def test_missing_or_broken_robots_allows_everything(site: FakeSite, status: int) -> None:
    site.robots("User-agent: *\nDisallow: /\n", status=status)
    site.add("/privacy", "<html>policy</html>")

    assert fetch(site.url("/privacy")).body == b"<html>policy</html>"


def test_redirect_into_a_disallowed_path_is_blocked(site: FakeSite) -> None:
    site.robots("User-agent: *\nDisallow: /members/\n")
    site.redirect("/privacy", "/members/privacy")
    site.add("/members/privacy", "<html>policy</html>")

    with pytest.raises(RobotsDisallowed):
        fetch(site.url("/privacy"))
    assert site.requests_to("/members/privacy") == []


# -- per-host concurrency --------------------------------------------------------------


@pytest.mark.parametrize("per_host", [1, 2, 4])
def test_per_host_limit_caps_concurrent_requests(site: FakeSite, per_host: int) -> None:
    for n in range(8):
        site.add(f"/page{n}", f"<html>{n}</html>", delay=0.1)

    results = asyncio.run(fetch_all([site.url(f"/page{n}") for n in range(8)],
                                    per_host=per_host, respect_robots=False))

    assert len(results) == 8
    assert site.max_in_flight == per_host


# -- URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [
    ("example.com", "https://example.com/"),
    ("  Example.COM/Privacy  ", "https://example.com/Privacy"),
    ("http://example.com:80/a?b=1#section", "http://example.com/a?b=1"),
    ("https://example.com:8443", "https://example.com:8443/"),
    ("//cdn.example.org/p", "https://cdn.example.org/p"),
    ("bücher.de", "https://xn--bcher-kva.de/"),
    ("localhost:8000/x", "https://localhost:8000/x"),
])
def test_normalize_url(typed: str, expected: str) -> None:
    assert normalize_url(typed) == expected


@pytest.mark.parametrize("bad", ["", "   ", "mailto:privacy@example.com", "ftp://example.com/",
                                 "javascript:alert(1)", "https://", "exa mple.com", "intranet"])
def test_normalize_url_rejects_unfetchable_input(bad: str) -> None:
    with pytest.raises(InvalidURL) as caught:
        normalize_url(bad)
    assert caught.value.kind == "invalid-url"
    assert "\n" not in str(caught.value)


def test_fetch_rejects_invalid_urls_before_any_request() -> None:
    with pytest.raises(InvalidURL):
        fetch("mailto:dpo@example.com")


def test_fetch_outside_the_context_manager_is_misuse() -> None:
    async def misuse() -> None:
        await LiveFetcher(user_agent=UA).fetch("https://example.com/")

    with pytest.raises(RuntimeError):
        asyncio.run(misuse())


@pytest.mark.parametrize("options", [{"user_agent": " "}, {"per_host": 0}, {"max_bytes": 0},
                                     {"retries": -1}])
def test_bad_fetcher_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        LiveFetcher(**{"user_agent": UA, **options})


def test_mock_transport_can_replace_the_network() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, headers={"Content-Type": "text/html; charset=utf-8"},
                              content=b"<html>mocked</html>")

    result = fetch("https://policy.example/privacy",
                   transport=httpx.MockTransport(answer))

    assert result.body == b"<html>mocked</html>"
    assert result.final_url == "https://policy.example/privacy"


def test_real_corpus_pages_round_trip(site: FakeSite, corpus: Path) -> None:
    pages = sorted((corpus / "princeton").glob("*.html"))[:10]
    for page in pages:
        site.add(f"/{page.stem}", page.read_bytes())

    results = asyncio.run(fetch_all([site.url(f"/{p.stem}") for p in pages]))

    for page, result in zip(pages, results):
        assert result.body == page.read_bytes()
        assert result.charset == "utf-8", page.name  # the corpus stores UTF-8 DOMs
    meta = json.loads((corpus / "ota" / "brevo-privacy-policy" / "meta.json").read_text())
    assert normalize_url(meta["url"]) == meta["url"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_normalize_url_either_gives_a_fetchable_url_or_says_why(typed: str) -> None:
    try:
        url = normalize_url(typed)
    except InvalidURL as error:
        assert str(error) and "\n" not in str(error)
        return
    assert url.startswith(("http://", "https://"))
    assert normalize_url(url) == url  # idempotent
    assert httpx.URL(url).host
