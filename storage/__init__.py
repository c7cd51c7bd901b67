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
from storage.browse import ChangeRow, DashboardRow, Page, TimelineEntry, dashboard, recent_changes, timeline
from storage.db import make_engine, schema_is_current, upgrade
from storage.errors import Conflict, DatabaseUnavailable, LeaseHeld, NotFound, StorageError
from storage.records import CheckRecord, PolicyRecord, SnapshotRecord, VersionRecord
from storage.tokens import TokenRecord, create_token, list_tokens, revoke_token, token_by_id, verify_token

__all__ = [
    "verify_token",
    "token_by_id",
    "timeline",
    "revoke_token",
    "recent_changes",
    "list_tokens",
    "dashboard",
    "create_token",
    "TokenRecord",
    "TimelineEntry",
    "Page",
    "DashboardRow",
    "ChangeRow",
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
