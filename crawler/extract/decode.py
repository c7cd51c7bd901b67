"""Bytes to text for extraction, with the encoding chosen by ``crawler.charset``."""

from __future__ import annotations

import codecs

from crawler.charset import canonical_codec, detect_charset
from crawler.errors import ExtractionError

_UTF32_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"))


def decode_body(body: bytes, *, charset: str | None = None, url: str | None = None) -> str:
    """Decode an HTML body: BOM, the given charset, ``<meta>``, valid UTF-8, then detection.

    ``charset`` is what the fetch detected or the HTTP header declared (None for saved
    pages). Raises ExtractionError when the body is binary rather than text.
    """
    for bom, name in _UTF32_BOMS:  # checked first: a UTF-32-LE BOM starts like UTF-16-LE's
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace")
    hint = f"text/html; charset={charset}" if canonical_codec(charset) else None
    codec = detect_charset(body, hint)
    if b"\x00" in body[:4096] and not codec.startswith("utf-16"):
        raise ExtractionError("body is binary, not text", reason="undecodable", url=url)
    text = body.decode(codec, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text
