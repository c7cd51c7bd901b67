"""The CDX search API: query parameters, page parsing and cleaning of the index's quirks.

Quirks of the real server handled here:

- the first JSON row is the field header; an empty result is ``[]`` or an empty body;
- with ``showResumeKey=true`` the resume key follows an empty row ``[]``; a page without
  rows that still carries a key is followed, not taken as the end;
- duplicate rows, and ``collapse=digest`` only collapsing *adjacent* rows, so an A/B/A
  history lists A twice: digests are deduplicated over the whole result;
- revisit records with ``-`` as status and length (``warc/revisit`` or the original type);
- junk ``original`` values (``mailto:``, ``data:``, ``javascript:``...);
- timestamps shorter than 14 digits or with fields out of range (month ``00``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

from crawler.errors import InvalidURL, WaybackError
from crawler.wayback.models import CdxRecord, parse_timestamp

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")

# 200s are what we replay; 3xx rows are kept so that an archived redirect can be followed
# when the page itself was captured at another address; "-" is a revisit record (same
# body as an earlier capture). The filter regex works whether the server matches it
# in full or searches it, and rows are checked again client-side. The type filter also
# lets revisits (warc/revisit) and untyped captures ("unk", common on redirects) through.
STATUS_FILTER = "statuscode:([23]..|-)"
MIMETYPES = ("text/html", "application/xhtml+xml", "application/pdf", "warc/revisit", "unk")
MIMETYPE_FILTER = "mimetype:(" + "|".join(re.escape(m) for m in MIMETYPES) + ")"

_WWW = re.compile(r"^www\d*\.", re.IGNORECASE)
_DIGEST = re.compile(r"^[A-Z2-7]{32}$")


def url_variants(url: str) -> list[str]:
    """The http/https x www/bare forms of ``url``, the given form first.

    A URL without a scheme is taken as https. Hosts that cannot carry ``www.`` (IP
    addresses, single labels such as ``localhost``) only vary the scheme.

    Raises:
        InvalidURL: not an http(s) URL with a host.
    """
    text = url.strip()
    if "://" not in text and re.match(r"^[a-z][a-z0-9+.-]*:(?!\d)", text, re.IGNORECASE):
        raise InvalidURL(f"not an http(s) URL: {url!r}", url=url)
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        raise InvalidURL(f"not an http(s) URL with a host: {url!r}", url=url)
    netloc = parts.netloc
    host = parts.hostname
    hosts = [netloc]
    if "." in host and not host.replace(".", "").isdigit() and ":" not in host:
        other = _WWW.sub("", netloc) if _WWW.match(netloc) else "www." + netloc
        hosts.append(other)
    scheme = parts.scheme.lower()
    schemes = [scheme, "http" if scheme == "https" else "https"]
    path = parts.path or "/"
    variants: list[str] = []
    for variant_host in hosts:
        for variant_scheme in schemes:
            candidate = urlunsplit((variant_scheme, variant_host, path, parts.query, ""))
            if candidate not in variants:
                variants.append(candidate)
    return variants


def search_key(url: str) -> str:
    """What the CDX server matches a URL on, as far as variants go: its SURT key folds the
    scheme and a leading ``www.`` (``com,example)/privacy``), so variants sharing this key
    are answered by one query."""
    parts = urlsplit(url)
    host = _WWW.sub("", (parts.hostname or "").lower())
    port = parts.port
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    return f"{host}{parts.path or '/'}{'?' + parts.query if parts.query else ''}"


def query_params(url: str, *, from_: str | None, to: str | None, limit: int,
                 resume_key: str | None, collapse: str = "digest") -> list[tuple[str, str]]:
    """Parameters of one CDX page request."""
    params = [
        ("url", url),
        ("matchType", "exact"),
        ("output", "json"),
        ("fl", ",".join(FIELDS)),
        ("filter", STATUS_FILTER),
        ("filter", MIMETYPE_FILTER),
        ("collapse", collapse),
        ("limit", str(limit)),
        ("showResumeKey", "true"),
    ]
    if from_:
        params.append(("from", from_))
    if to:
        params.append(("to", to))
    if resume_key:
        params.append(("resumeKey", resume_key))
    return params


def parse_page(text: str, *, url: str | None = None) -> tuple[list[dict[str, str]], str | None]:
    """Rows (as field -> value) and resume key of one CDX JSON answer.

    Raises:
        WaybackError: the body is not the JSON list of rows the CDX API returns.
    """
    if not text.strip():
        return [], None  # the server sometimes answers an empty result with no body at all
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WaybackError(f"CDX answer is not JSON: {exc}", url=url) from None
    if not isinstance(data, list) or not all(isinstance(row, list) for row in data):
        raise WaybackError("CDX answer is not a JSON list of rows", url=url)
    if not data:
        return [], None
    header = [str(name) for name in data[0]]
    if "timestamp" not in header or "original" not in header:
        raise WaybackError(f"CDX answer has no field header (first row {data[0]!r})", url=url)
    rows: list[dict[str, str]] = []
    resume_key: str | None = None
    body = data[1:]
    for index, row in enumerate(body):
        if not row:
            # An empty row separates the rows from the resume key.
            rest = [r for r in body[index + 1:] if r]
            if rest and rest[0]:
                resume_key = str(rest[0][0]) or None
            break
        if len(row) != len(header):
            continue
        rows.append({name: ("" if value is None else str(value)) for name, value in zip(header, row)})
    return rows, resume_key


def _int_or_none(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def clean_result(records: Iterable[CdxRecord]) -> list[CdxRecord]:
    """The captures worth replaying: transient redirects dropped, one per digest, by time."""
    return dedupe(prune_redirects(records))


def clean_row(row: dict[str, str]) -> CdxRecord | None:
    """A CdxRecord from one row, or None for rows that name no replayable capture."""
    original = row.get("original", "").strip()
    if not re.match(r"^https?://[^/\s]", original, re.IGNORECASE):
        return None  # mailto:, data:, javascript:, relative junk
    timestamp = row.get("timestamp", "").strip()
    try:
        parse_timestamp(timestamp)
    except ValueError:
        return None
    status_text = row.get("statuscode", "-").strip()
    status = _int_or_none(status_text)
    if status is None and status_text not in ("-", ""):
        return None
    if status is not None and not 200 <= status < 400:
        return None
    mimetype = row.get("mimetype", "").strip().lower()
    if mimetype and mimetype not in MIMETYPES:
        return None
    return CdxRecord(urlkey=row.get("urlkey", "").strip(), timestamp=timestamp,
                     original=original, mimetype=mimetype, statuscode=status,
                     digest=row.get("digest", "").strip(),
                     length=_int_or_none(row.get("length", "-")))


def valid_digest(digest: str) -> bool:
    """True for a base32 SHA-1 digest (32 characters of A-Z2-7)."""
    return bool(_DIGEST.match(digest))


def dedupe(records: Iterable[CdxRecord]) -> list[CdxRecord]:
    """One record per digest over the whole result (the earliest), sorted by capture time.

    Rows without a usable digest are kept once per (timestamp, original).
    """
    ordered = sorted(records, key=lambda r: (r.captured_at, r.timestamp, r.is_revisit, r.original))
    seen: set[str] = set()
    kept: list[CdxRecord] = []
    for record in ordered:
        key = record.digest if valid_digest(record.digest) else f"{record.timestamp} {record.original}"
        if key in seen:
            continue
        seen.add(key)
        kept.append(record)
    return kept


def prune_redirects(records: Iterable[CdxRecord]) -> list[CdxRecord]:
    """Drop redirect rows lying between two captures of the page itself, sorted by time.

    While the address served the page (a 200 or revisit before and after), its 3xx
    captures are http->https or www hops to a page already captured; redirects before the
    first or after the last such capture (the page moved) are kept to be followed. Run it
    before ``dedupe``, which would hide a page's later reappearance (A/B/A).
    """
    records = sorted(records, key=lambda r: (r.captured_at, r.timestamp))
    pages = [i for i, record in enumerate(records) if not record.is_redirect]
    if not pages:
        return list(records)
    first, last = pages[0], pages[-1]
    return [record for i, record in enumerate(records)
            if not record.is_redirect or i < first or i > last]
