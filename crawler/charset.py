"""Which text encoding an HTML body uses: byte-order mark, Content-Type, <meta>, then a guess."""

from __future__ import annotations

import codecs
import re
from email.message import Message

from charset_normalizer import from_bytes

# Labels browsers treat as windows-1252 (WHATWG Encoding Standard): pages declaring them
# routinely use the 0x80-0x9F range for curly quotes and dashes.
_AS_WINDOWS_1252 = {"ascii", "iso8859-1", "latin-1", "cp1252"}
# Chinese labels browsers read as their superset GB18030.
_AS_GB18030 = {"gb2312", "gbk"}
# Per the HTML spec a <meta> declaring UTF-16 is read as UTF-8: a page whose bytes
# could be parsed far enough to find the meta is not UTF-16.
_META_UTF16 = {"utf-16", "utf-16-le", "utf-16-be"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([a-zA-Z0-9_:.+-]+)", re.I)


def charset_from_content_type(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    value = message.get_param("charset")
    if isinstance(value, tuple):  # RFC 2231 form
        value = value[2]
    return value.strip().strip("\"'") or None if isinstance(value, str) else None


def canonical_codec(label: str | None) -> str | None:
    """Python codec name for an encoding label, browser aliases applied; None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except (LookupError, ValueError):
        return None
    if name in _AS_WINDOWS_1252:
        return "windows-1252"
    if name in _AS_GB18030:
        return "gb18030"
    return name


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_with_non_ascii(body: bytes) -> bool:
    return not body.isascii() and _decodes(body, "utf-8")


def _accept(body: bytes, codec: str | None) -> str | None:
    """``codec`` if the body is plausibly in it, else None so the next source is tried."""
    if codec is None:
        return None
    if codec == "windows-1252" or codec.startswith(("iso8859", "cp125")):
        # Single-byte labels decode anything; a body that is valid, non-ASCII UTF-8 is
        # almost never legacy text (multi-byte sequences are improbable by chance), so the
        # declaration is stale: a common misconfiguration of servers and templates.
        return "utf-8" if _is_utf8_with_non_ascii(body) else codec
    return codec if _decodes(body, codec) else None


def _meta_charset(body: bytes) -> str | None:
    head = body[:_META_PRESCAN_BYTES]
    match = _META_CHARSET.search(head)
    if not match:
        return None
    codec = canonical_codec(match.group(1).decode("ascii", "ignore"))
    if codec in _META_UTF16:
        return "utf-8"
    return codec


def _guess(body: bytes) -> str:
    if body.isascii() or _decodes(body, "utf-8"):
        return "utf-8"
    matches = list(from_bytes(body[:200_000]))
    if not matches:
        return "windows-1252"
    best = matches[0]
    # Short Western texts often fit several code pages equally well; windows-1252 is the
    # web's usual legacy encoding (and the HTML default), so it wins a tie.
    for match in matches:
        tied = (abs(match.chaos - best.chaos) < 1e-6
                and abs(match.coherence - best.coherence) < 1e-6)
        if tied and "cp1252" in match.could_be_from_charset:
            return "windows-1252"
    return canonical_codec(best.encoding) or "windows-1252"


def detect_charset(body: bytes, content_type: str | None = None) -> str:
    """Encoding to decode an HTML ``body`` with, as a Python codec name.

    Order: byte-order mark, the Content-Type ``charset`` (if the body fits it), a
    ``<meta charset>`` / ``http-equiv`` declaration in the first 4 KB (same check), then
    UTF-8 if the bytes are valid UTF-8, else charset-normalizer's guess.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    for declared in (canonical_codec(charset_from_content_type(content_type)),
                     _meta_charset(body)):
        accepted = _accept(body, declared)
        if accepted:
            return accepted
    return _guess(body)
