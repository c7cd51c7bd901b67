"""Storage of the archive: tables, migrations, compressed bodies and the repository.

The app imports only what is listed in ``__all__``.
"""

from storage.archive import (
    Archive,
    Capture,
    Extraction,
    FetchRecorded,
    Transaction,
    VersionEvent,
    VersionHook,
    slugify,
)
from storage.db import make_engine, schema_is_current, upgrade
from storage.errors import Conflict, DatabaseUnavailable, LeaseHeld, NotFound, StorageError
from storage.records import CheckRecord, PolicyRecord, SnapshotRecord, VersionRecord

__all__ = [
    "Archive",
    "Capture",
    "CheckRecord",
    "Conflict",
    "DatabaseUnavailable",
    "Extraction",
    "FetchRecorded",
    "LeaseHeld",
    "NotFound",
    "PolicyRecord",
    "SnapshotRecord",
    "StorageError",
    "Transaction",
    "VersionEvent",
    "VersionHook",
    "VersionRecord",
    "make_engine",
    "schema_is_current",
    "slugify",
    "upgrade",
]
