"""Turning what a user typed ("example.com") into a fetchable absolute URL."""

from __future__ import annotations

import ipaddress
import re

import httpx

from crawler.errors import InvalidURL

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_DEFAULT_PORTS = {"http": 80, "https": 443}


# Error lines quote what the user typed, cut short: a 100 KB URL is not echoed back.
_SHOWN_CHARS = 120


def _shown(value: str) -> str:
    return repr(value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "...")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def normalize_url(value: str) -> str:
    """Return an absolute http(s) URL: scheme added (https), host lowercased and IDNA-encoded,
    default port and fragment dropped, empty path made "/".

    Raises ``InvalidURL`` with a one-line reason for anything that cannot be fetched.
    """
    if not isinstance(value, str):
        raise TypeError(f"URL must be a string, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InvalidURL("empty URL", url=value)
    if text.startswith("//"):
        text = "https:" + text
    elif not _SCHEME.match(text) or re.match(r"^[^/:]+:\d+(/|$)", text):
        # "example.com" or "example.com:8080/path": no scheme given.
        text = "https://" + text
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise InvalidURL(f"not a valid URL: {_shown(value)} ({str(exc)[:_SHOWN_CHARS]})",
                         url=value) from None
    if url.scheme not in _DEFAULT_PORTS:
        raise InvalidURL(f"only http and https URLs can be fetched, not {_shown(url.scheme)}: "
                         f"{_shown(value)}", url=value)
    host = url.raw_host.decode("ascii", "replace").lower()
    if not host:
        raise InvalidURL(f"URL has no host: {_shown(value)}", url=value)
    if ":" in host and _is_ip(host):
        host = f"[{host}]"  # IPv6 literal
    elif not re.fullmatch(r"[a-z0-9_.-]+", host) or ".." in host:
        raise InvalidURL(f"host {_shown(host)} is not a valid domain name: {_shown(value)}",
                         url=value)
    if not host.startswith("["):
        _check_labels(host, value)
    if "." not in host and host != "localhost" and not _is_ip(host):
        raise InvalidURL(f"host {_shown(host)} has no domain suffix (did you mean "
                         f"{host[:_SHOWN_CHARS]}.com?)", url=value)
    port = url.port
    if port is not None and not 1 <= port <= 65535:
        # httpx accepts any number; the socket layer would fail with OverflowError.
        raise InvalidURL(f"port {port} is outside 1..65535: {_shown(value)}", url=value)
    netloc = host if port is None or port == _DEFAULT_PORTS[url.scheme] else f"{host}:{port}"
    path = url.raw_path.decode("ascii")  # path plus query, already percent-encoded
    if not path.startswith("/"):
        path = "/" + path
    return f"{url.scheme}://{netloc}{path}"


def _check_labels(host: str, value: str) -> None:
    """DNS limits (RFC 1035: labels of 1..63 bytes, names up to 253) and valid punycode."""
    if len(host.rstrip(".")) > 253:
        raise InvalidURL(f"host name is longer than 253 characters: {_shown(value)}", url=value)
    for label in host.rstrip(".").split("."):
        if len(label) > 63:
            raise InvalidURL(f"host name part {_shown(label)} is longer than 63 characters",
                             url=value)
        if label.startswith("xn--"):
            try:
                label[4:].encode("ascii").decode("punycode")
            except (UnicodeError, ValueError):
                raise InvalidURL(f"host name part {_shown(label)} is not valid punycode",
                                 url=value) from None


def host_of(url: str) -> str:
    """Lowercase host of an absolute URL, without port."""
    return httpx.URL(url).raw_host.decode("ascii", "replace").lower()
