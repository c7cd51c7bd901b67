"""``crawler.extract.links.join`` answers what ``urljoin`` answers, whatever the base (and
keeps an href urllib refuses as it is)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.links import ABSOLUTE, SETTLED, join
from crawler.extract.noise import clean_url

BASES = ["", "http://example.com", "https://example.com/a/b?q=1#f", "http://x.org/dir/",
         "https://example.com:8443/p;x?y", "ftp://files.example/", "mailto:a@b.example",
         "//host.example/p", "relative/path"]
PIECES = ["http", "https", "HTTP", "://", ":", "/", "//", "?", "#", ";", "[", "]", "@", "%20",
          "a", "b.example", "example.com", "..", ".", "x=1", "&", " ", "\t", "é", "~", "'", "\""]
hrefs = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


def urljoin_or_href(base: str, href: str) -> str:
    try:
        return urljoin(base, href)
    except ValueError:      # "Invalid IPv6 URL" and the like
        return href


@given(href=hrefs)
def test_join_is_urljoin_on_pieces_of_urls(href: str) -> None:
    for base in BASES:
        assert join(base, href) == urljoin_or_href(base, href)


@given(href=st.text(max_size=40))
def test_join_is_urljoin_on_any_text(href: str) -> None:
    for base in BASES:
        assert join(base, href) == urljoin_or_href(base, href)


def test_a_link_urllib_refuses_does_not_stop_the_extraction() -> None:
    from crawler import extract_policy

    page = ("<html><head><title>Privacy</title></head><body><main><h1>Privacy policy</h1>"
            + "<p>We keep your e-mail address for a year, then delete it for good.</p>" * 30
            + '<p>See our <a href="http://[ Careers ]">careers</a> page.</p></main></body></html>')
    result = extract_policy(page.encode(), url="https://example.com/privacy")
    assert "See our [careers](http://" in result.text    # the link kept as it is written


def test_the_short_path_takes_plain_absolute_links() -> None:
    for href in ("https://example.com/privacy", "http://a.example:8080/p/q.html?x=1&y=2#top",
                 "https://example.com"):
        assert ABSOLUTE.fullmatch(href)
    for href in ("/privacy", "HTTPS://example.com/", "https://example.com/p;jsessionid=1",
                 "https://example.com/?", "https://example.com/#", "https://[::1]/"):
        assert not ABSOLUTE.fullmatch(href)


@given(href=hrefs)
def test_a_settled_url_is_what_urlsplit_gives_back_and_clean_url_keeps(href: str) -> None:
    url = "https://example.com/" + href
    if SETTLED.fullmatch(url):
        assert urlunsplit(urlsplit(url)) == url
        assert clean_url(url, base="https://example.com/") == url
