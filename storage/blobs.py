"""Content-addressed, compressed bodies: the key is the sha256 of the uncompressed bytes."""

from __future__ import annotations

import hashlib
import zlib

COMPRESSION = "zlib"


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def compress(data: bytes) -> bytes:
    """Compress a body for storage (zlib level 6: fast, ~5x on HTML)."""
    return zlib.compress(data, 6)


def decompress(data: bytes, compression: str) -> bytes:
    """Inverse of :func:`compress` for a stored ``compression`` name."""
    if compression == "zlib":
        return zlib.decompress(data)
    if compression == "none":
        return data
    raise ValueError(f"unknown blob compression {compression!r}")
