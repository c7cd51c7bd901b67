"""The outbound address policy: only public addresses, whatever their spelling."""

from __future__ import annotations

import asyncio
import ipaddress

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.addresses import AddressPolicy, GuardedTransport, is_public
from crawler.errors import BlockedAddress

REFUSED = ["127.0.0.1", "localhost", "[::1]", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1",
           "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1",
           "2130706433", "0x7f.0.0.1", "0177.0.0.1", "0x7f000001", "127.1",
           "::ffff:127.0.0.1", "[::ffff:10.0.0.1]", "::127.0.0.1", "2002:7f00:1::",
           "64:ff9b::a9fe:a9fe", "fc00::1", "fe80::1", "ff02::1"]


def resolve(policy: AddressPolicy, host: str) -> list:
    return asyncio.run(policy.resolve(host, 80))


@pytest.mark.parametrize("host", REFUSED)
def test_internal_addresses_are_refused_in_every_spelling(host: str) -> None:
    with pytest.raises(BlockedAddress) as err:
        resolve(AddressPolicy(), host)
    assert err.value.kind == "blocked-address"
    # The message never reveals what the name resolved to.
    assert "127.0.0.1" not in str(err.value) or "127.0.0.1" in host


@pytest.mark.parametrize("host", ["8.8.8.8", "2001:4860:4860::8888", "[2606:4700::1111]"])
def test_public_literals_pass(host: str) -> None:
    assert resolve(AddressPolicy(), host)


def test_the_operator_can_allow_private_addresses_or_networks() -> None:
    assert resolve(AddressPolicy(allow_private=True), "127.0.0.1")
    policy = AddressPolicy.from_settings(allow_private=False, allowed_networks=["10.0.0.0/8"])
    assert resolve(policy, "10.1.2.3")
    with pytest.raises(BlockedAddress):
        resolve(policy, "192.168.0.1")
    with pytest.raises(ValueError):
        AddressPolicy.from_settings(allow_private=False, allowed_networks=["10.0.0.0/33"])


def test_an_unresolvable_name_is_refused_with_a_clear_reason() -> None:
    with pytest.raises(BlockedAddress) as err:
        resolve(AddressPolicy(), "no-such-host.invalid")
    assert err.value.reason == "unresolvable"


@settings(max_examples=300, deadline=None)
@given(st.ip_addresses())
def test_is_public_never_admits_a_non_global_address(ip) -> None:
    if is_public(ip):
        assert ip.is_global and not ip.is_multicast and not ip.is_loopback
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            assert ip.ipv4_mapped.is_global


@settings(max_examples=200, deadline=None)
@given(st.ip_addresses(v=4))
def test_every_ipv4_spelling_is_judged_by_its_value(ip) -> None:
    value = int(ip)
    spellings = [str(value), hex(value), f"0x{value:08x}", ".".join(oct(int(p)).replace("0o", "0")
                                                                      for p in str(ip).split("."))]
    policy = AddressPolicy()
    for host in spellings:
        try:
            got = resolve(policy, host)
            assert is_public(ip) and got == [ip]
        except BlockedAddress:
            assert not is_public(ip)


def test_the_transport_connects_to_the_checked_address_and_refuses_redirects_inward() -> None:
    seen: list[tuple[str, str | None]] = []

    class Recorder(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            seen.append((request.url.host, request.extensions.get("sni_hostname")))
            return httpx.Response(200, text="ok")

    async def go() -> None:
        transport = GuardedTransport(AddressPolicy(), Recorder())
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.get("http://8.8.8.8/privacy")
            assert response.status_code == 200
            with pytest.raises(BlockedAddress):
                await client.get("http://127.0.0.1:8080/admin")
            with pytest.raises(BlockedAddress):
                await client.get("http://[::ffff:169.254.169.254]/latest/meta-data/")

    asyncio.run(go())
    assert seen == [("8.8.8.8", None)]


def test_an_open_policy_passes_requests_through_untouched() -> None:
    hosts: list[str] = []

    class Recorder(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            hosts.append(request.url.host)
            return httpx.Response(204)

    async def go() -> None:
        async with httpx.AsyncClient(transport=GuardedTransport(AddressPolicy(allow_private=True),
                                                                Recorder())) as client:
            await client.get("http://localhost:1/x")

    asyncio.run(go())
    assert hosts == ["localhost"]


def test_a_pinned_name_resolves_only_to_its_checked_addresses(monkeypatch) -> None:
    """Libraries that connect by themselves (Apprise) get the checked answer, not a second
    one: a name that rebinds to 127.0.0.1 after the check still reaches 8.8.8.8."""
    import socket

    from crawler import addresses

    def rebinding(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        if host == "rebind.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", int(port or 0)))]
        raise socket.gaierror(socket.EAI_NONAME, "unknown")

    monkeypatch.setattr(addresses, "_ORIGINAL_GETADDRINFO", rebinding)
    checked = [ipaddress.ip_address("8.8.8.8")]
    with addresses.pinned_resolution("rebind.example", checked):
        got = socket.getaddrinfo("rebind.example", 443)
        assert {info[4][0] for info in got} == {"8.8.8.8"}
        assert socket.getaddrinfo("REBIND.example.", "80")[0][4] == ("8.8.8.8", 80)
    # Outside the block the name resolves as the resolver says again.
    assert socket.getaddrinfo("rebind.example", 443)[0][4][0] == "127.0.0.1"
