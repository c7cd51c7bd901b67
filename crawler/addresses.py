"""Outbound address policy: which hosts a request that a user's input decides may reach.

A policy URL, every redirect hop, robots.txt, a discovered link, a webhook or an Apprise
target is chosen by whoever can add a policy or a subscription (an API token holder, a
watch list), not by the operator. Such a request may only go to a globally routable
address: loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT, reserved,
multicast and unspecified addresses are refused, and so are the IPv6 forms that carry one
of them (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, 6to4, NAT64,
Teredo). Every spelling of an address (decimal ``2130706433``, hex ``0x7f.0.0.1``, octal
``0177.0.0.1``, bracketed IPv6) is judged by what it resolves to, never by its text.

``GuardedTransport`` resolves the host once, checks every address it got, and connects to
the checked address (keeping the host name for ``Host`` and TLS): no second lookup, so a
DNS answer that changes between check and connect (rebinding) cannot slip through.

The operator opts in with ``allow_private=True`` (``allow_private_addresses`` setting) or
lists networks in ``allowed_networks``; the operator's own endpoints (Wayback URL, SMTP
relay) are not user input and do not go through this policy.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from crawler.errors import BlockedAddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, 6to4, NAT64, Teredo)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64 or (ip in IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """True for a globally routable unicast address (and any address it carries)."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = embedded_ipv4(ip)
        if inner is not None and not is_public(inner):
            return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified
                                 or ip.is_loopback or ip.is_link_local)


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses outbound requests decided by user input may reach."""

    allow_private: bool = False
    allowed_networks: tuple[IPNetwork, ...] = field(default_factory=tuple)

    @classmethod
    def from_settings(cls, *, allow_private: bool,
                      allowed_networks: Iterable[str] = ()) -> AddressPolicy:
        """Build from setting values; raises ValueError on a malformed network."""
        return cls(allow_private, tuple(ipaddress.ip_network(n, strict=False)
                                        for n in allowed_networks))

    @property
    def open(self) -> bool:
        """True when every address is allowed (nothing to resolve or check)."""
        return self.allow_private

    def allows(self, ip: IPAddress) -> bool:
        if self.allow_private or is_public(ip):
            return True
        return any(ip.version == net.version and ip in net for net in self.allowed_networks)

    async def resolve(self, host: str, port: int) -> list[IPAddress]:
        """The host's addresses, all checked; raises BlockedAddress (never naming them)."""
        if _literal(host) is not None:
            return self.resolve_blocking(host, port)    # no lookup: no thread needed
        # The lookup in a worker thread, as the event loop's own getaddrinfo does.
        return await asyncio.to_thread(self.resolve_blocking, host, port)

    def resolve_blocking(self, host: str, port: int) -> list[IPAddress]:
        """``resolve`` for synchronous callers (add-time checks in a CLI or a web handler)."""
        literal = _literal(host)
        if literal is not None:
            return self._judge(host, [literal])
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError, OSError) as exc:
            raise BlockedAddress(f"{host} cannot be resolved", url=host,
                                 reason="unresolvable") from exc
        return self._judge(host, _addresses(infos))

    def _judge(self, host: str, addresses: list[IPAddress]) -> list[IPAddress]:
        if not addresses:
            raise BlockedAddress(f"{host} cannot be resolved", url=host, reason="unresolvable")
        if not all(self.allows(ip) for ip in addresses):
            raise BlockedAddress(
                f"{host} is not a public address (an operator may allow it with "
                "allow_private_addresses or allowed_networks)", url=host, reason="private")
        return addresses

    async def check_url(self, url: str) -> None:
        """Refuse a URL whose host is not allowed (used for targets fetched by other
        libraries, such as Apprise)."""
        if self.open:
            return
        host, port = _host_port(url)
        await self.resolve(host, port)

    def check_url_blocking(self, url: str, *, resolve: bool = True) -> None:
        """``check_url`` for synchronous callers; ``resolve=False`` judges only what the
        URL itself spells (an address literal, ``localhost``), without asking DNS."""
        if self.open:
            return
        host, port = _host_port(url)
        if resolve:
            self.resolve_blocking(host, port)
            return
        literal = _literal(host)
        if literal is not None:
            self._judge(host, [literal])
        elif host.rstrip(".").lower() == "localhost" or host.rstrip(".").lower().endswith(
                ".localhost"):
            # RFC 6761: localhost names are loopback whatever a resolver says.
            self._judge(host, [ipaddress.ip_address("127.0.0.1")])


def _host_port(url: str) -> tuple[str, int]:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise BlockedAddress("not a valid URL", url=None, reason="invalid") from exc
    if not parsed.host:
        raise BlockedAddress("URL has no host", url=None, reason="invalid")
    return parsed.host, parsed.port or (443 if parsed.scheme == "https" else 80)


def _addresses(infos: Iterable[tuple]) -> list[IPAddress]:  # type: ignore[type-arg]
    addresses: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def _literal(host: str) -> IPAddress | None:
    """An address written as such (any IPv4 spelling inet_aton accepts, or IPv6)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))   # 2130706433, 0x7f.1, 0177.0.0.1
    except OSError:
        return None


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that connects only to addresses the policy allows (module doc)."""

    def __init__(self, policy: AddressPolicy,
                 inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.policy.open:
            return await self.inner.handle_async_request(request)
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        try:
            address = (await self.policy.resolve(host, port))[0]
        except BlockedAddress as exc:
            if exc.reason == "unresolvable":
                # A name that does not resolve is a connection failure (maybe transient),
                # as it is without the guard; only a refused address is a BlockedAddress.
                raise httpx.ConnectError(str(exc), request=request) from None
            raise
        if str(address) == host:
            return await self.inner.handle_async_request(request)
        # Connect to the address that was checked; Host and TLS keep the name. The
        # request gets its URL back once answered, so response.url names the host.
        original = request.url
        request.url = original.copy_with(host=str(address))
        request.extensions = {**request.extensions, "sni_hostname": host}
        try:
            return await self.inner.handle_async_request(request)
        finally:
            request.url = original

    async def aclose(self) -> None:
        await self.inner.aclose()


# --- pinning names for libraries that connect by themselves ---------------------------------

# HACK: Apprise (through requests and urllib3) resolves a target's name again when it
# connects, after we checked it: a DNS answer that changed in between (rebinding) would
# reach an internal address. While ``pinned_resolution`` is active, every lookup of the
# pinned name in this process answers with the addresses that were checked, and nothing
# else; other names resolve as usual. Installed once, on first use.
_PINS: dict[str, tuple[list[IPAddress], int]] = {}
_PINS_LOCK = threading.Lock()
_ORIGINAL_GETADDRINFO = socket.getaddrinfo


def _pinned_getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0,  # noqa: A002
                        proto: int = 0, flags: int = 0) -> list[Any]:
    name = host.decode() if isinstance(host, bytes) else host
    pin = _PINS.get(name.lower().rstrip(".")) if isinstance(name, str) else None
    if pin is None:
        return _ORIGINAL_GETADDRINFO(host, port, family, type, proto, flags)
    number = int(port) if port not in (None, "") and str(port).isdigit() else 0
    answers = []
    for ip in pin[0]:
        fam = socket.AF_INET if ip.version == 4 else socket.AF_INET6
        if family not in (0, socket.AF_UNSPEC, fam):
            continue
        sockaddr = (str(ip), number) if ip.version == 4 else (str(ip), number, 0, 0)
        answers.append((fam, type or socket.SOCK_STREAM, proto or socket.IPPROTO_TCP, "",
                        sockaddr))
    if not answers:
        raise socket.gaierror(socket.EAI_NONAME, "no checked address for this name")
    return answers


@contextmanager
def pinned_resolution(host: str, addresses: list[IPAddress]) -> Iterator[None]:
    """Within the block, lookups of ``host`` in this process give only ``addresses``."""
    key = host.lower().rstrip(".")
    with _PINS_LOCK:
        if socket.getaddrinfo is not _pinned_getaddrinfo:
            socket.getaddrinfo = _pinned_getaddrinfo
        held = _PINS.get(key)
        _PINS[key] = (addresses, (held[1] if held else 0) + 1)
    try:
        yield
    finally:
        with _PINS_LOCK:
            kept, count = _PINS[key]
            if count <= 1:
                del _PINS[key]
            else:
                _PINS[key] = (kept, count - 1)
