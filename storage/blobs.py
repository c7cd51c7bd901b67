"""Content-addressed, compressed bodies: the key is the sha256 of the uncompressed bytes."""

from __future__ import annotations

import hashlib
import threading
import zlib
from typing import Any

import zstandard

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage import tables
from storage.errors import NotFound

# zstd level 3: the ratio of zlib level 6 on HTML (~4.4x) at a sixth of its CPU, and
# reads at under half. Blobs stored as "zlib" (archives from before) are read as they are.
COMPRESSION = "zstd"
ZSTD_LEVEL = 3
_local = threading.local()  # a zstd context per thread (contexts are not thread-safe)
# "Insert unless stored", built once per dialect: building the statement per blob cost
# more than running it.
INSERT_NEW = {"postgresql": pg_insert(tables.Blob).on_conflict_do_nothing(),
              "sqlite": sqlite_insert(tables.Blob).on_conflict_do_nothing()}


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def compress(data: bytes) -> bytes:
    """Compress a body for storage (``COMPRESSION``)."""
    compressor = getattr(_local, "compressor", None)
    if compressor is None:
        compressor = _local.compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
    return bytes(compressor.compress(data))


def decompress(data: bytes, compression: str) -> bytes:
    """Inverse of :func:`compress` for a stored ``compression`` name."""
    if compression == "zstd":
        decompressor = getattr(_local, "decompressor", None)
        if decompressor is None:
            decompressor = _local.decompressor = zstandard.ZstdDecompressor()
        return bytes(decompressor.decompress(data))
    if compression == "zlib":
        return zlib.decompress(data)
    if compression == "none":
        return data
    raise ValueError(f"unknown blob compression {compression!r}")


def put_blob(session: Session, data: bytes) -> str:
    """Store ``data`` once under its sha256 (concurrent writers are fine); return the hash."""
    return put_blobs(session, [data])[0]


def put_blobs(session: Session, datas: list[bytes]) -> list[str]:
    """``put_blob`` for several bodies in one statement; their hashes, in order."""
    rows: list[dict[str, Any]] = [{"sha256": sha256_hex(data), "size": len(data),
                                   "compression": COMPRESSION, "data": compress(data)}
                                  for data in datas]
    insert = INSERT_NEW.get(session.get_bind().dialect.name)
    if insert is not None:
        session.execute(insert, rows)
    else:
        for values in rows:
            if session.get(tables.Blob, values["sha256"]) is None:
                session.add(tables.Blob(**values))
                session.flush()
    return [values["sha256"] for values in rows]


def read_blob(session: Session, sha256: str) -> bytes:
    """The stored bytes under ``sha256``; raises NotFound."""
    row = session.get(tables.Blob, sha256)
    if row is None:
        raise NotFound(f"no stored body {sha256}")
    return decompress(row.data, row.compression)
