"""Bytes to text: BOM, declared charset (HTTP header or ``<meta>``), then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from crawler.errors import ExtractionError

META_CHARSET = re.compile(
    rb"""(?:<meta[^>]+charset|<\?xml[^>]+encoding)\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels browsers map to a superset (WHATWG encoding standard).
ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
           "us-ascii": "cp1252", "ascii": "cp1252", "x-sjis": "shift_jis",
           "gb2312": "gb18030", "gbk": "gb18030", "unicode": "utf-16"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    name = ALIASES.get(label.strip().lower(), label.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_body(body: bytes, *, charset: str | None = None, url: str | None = None) -> str:
    """Decode an HTML body: BOM, HTTP charset, valid UTF-8, ``<meta>`` charset, detection.

    Raises ExtractionError when the body is binary or cannot be decoded at all.
    """
    for bom, name in BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace")
    candidates: list[str] = []
    # Valid UTF-8 with multibyte sequences is never accidental: it beats a declared
    # single-byte label (servers default to iso-8859-1; saved DOMs keep old <meta> tags).
    labels: tuple[str | None, ...] = (charset, _meta_charset(body))
    if _is_multibyte_utf8(body):
        labels = ("utf-8",) + labels
    for label in labels + ("utf-8",):
        codec_name = _codec(label)
        if codec_name and codec_name not in candidates:
            candidates.append(codec_name)
    for name in candidates:
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    if b"\x00" in body[:4096] and not _codec(charset):
        raise ExtractionError("body is binary, not text", reason="undecodable", url=url)
    best = from_bytes(body).best()
    if best is None:
        raise ExtractionError("body cannot be decoded as text", reason="undecodable",
                              url=url)
    # A declared charset that failed strictly still beats a guess (typical: one bad byte).
    name = candidates[0] if _codec(charset) or _meta_charset(body) else best.encoding
    return body.decode(name, errors="replace")


def _is_multibyte_utf8(body: bytes) -> bool:
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _meta_charset(body: bytes) -> str | None:
    match = META_CHARSET.search(body[:8192])
    return match.group(1).decode("ascii", "replace") if match else None
