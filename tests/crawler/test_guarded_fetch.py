"""The live fetcher under the outbound address policy: every request it makes (the page,
each redirect hop, robots.txt) reaches only allowed addresses."""

from __future__ import annotations

import asyncio

import pytest

from crawler import AddressPolicy, BlockedAddress, LiveFetcher, normalize_url
from crawler.errors import InvalidURL
from tests.fakes.site import FakeSite

UA = "policywatch-test/1.0"
# Only 127.0.0.2 is allowed: it plays a public site, 127.0.0.1 the internal network.
ONE_ADDRESS = AddressPolicy.from_settings(allow_private=False, allowed_networks=["127.0.0.2/32"])


def fetch(url: str, policy: AddressPolicy | None = None, **options: object):  # noqa: ANN201
    async def run():  # noqa: ANN202
        async with LiveFetcher(user_agent=UA, backoff=0.01, addresses=policy,
                               **options) as fetcher:  # type: ignore[arg-type]
            return await fetcher.fetch(url)
    return asyncio.run(run())


@pytest.fixture
def internal():
    with FakeSite() as site:
        site.add("/secret", "<html><body><p>internal admin page</p></body></html>")
        site.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        yield site


def test_a_default_fetcher_refuses_loopback_without_sending_anything(internal: FakeSite) -> None:
    with pytest.raises(BlockedAddress) as err:
        fetch(internal.url("/secret"))
    assert err.value.kind == "blocked-address"
    assert str(internal.port) not in str(err.value)  # no port map for readers
    assert internal.requests == []


def test_a_redirect_into_a_refused_address_is_not_followed(internal: FakeSite) -> None:
    with FakeSite(host="127.0.0.2") as public:
        public.redirect("/privacy", internal.url("/secret"))
        public.add("/page", "<html><body><p>fine</p></body></html>")
        assert fetch(public.url("/page"), ONE_ADDRESS).body.endswith(b"fine</p></body></html>")
        with pytest.raises(BlockedAddress):
            fetch(public.url("/privacy"), ONE_ADDRESS)
    assert internal.requests == []


def test_a_robots_txt_redirected_inward_is_not_fetched(internal: FakeSite) -> None:
    with FakeSite(host="127.0.0.2") as public:
        public.redirect("/robots.txt", internal.url("/robots.txt"))
        public.add("/page", "<html><body><p>fine</p></body></html>")
        assert fetch(public.url("/page"), ONE_ADDRESS).status == 200
    assert internal.requests == []


def test_the_operator_may_allow_private_addresses(internal: FakeSite) -> None:
    result = fetch(internal.url("/secret"), AddressPolicy(allow_private=True))
    assert b"internal admin page" in result.body


@pytest.mark.parametrize("url", ["http://example.com:99999/", "http://example.com:0/",
                                 "example.com:65536"])
def test_ports_outside_the_tcp_range_are_invalid_urls(url: str) -> None:
    with pytest.raises(InvalidURL) as err:
        normalize_url(url)
    assert "port" in str(err.value)


def test_an_unresolvable_name_stays_a_connection_error() -> None:
    from crawler import ConnectError
    with pytest.raises(ConnectError):
        fetch("http://no-such-host.invalid/", retries=0)
