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
from storage.leases import Leases
from storage.outbox import AlertWriter, NewAlert, Outbox
from storage.records import (
    AlertRecord,
    CheckRecord,
    LeaseRecord,
    PolicyRecord,
    SnapshotRecord,
    SubscriptionRecord,
    VersionRecord,
)
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
    "AlertRecord",
    "AlertWriter",
    "Archive",
    "Capture",
    "CheckRecord",
    "Conflict",
    "DatabaseUnavailable",
    "Extraction",
    "FetchRecorded",
    "LeaseHeld",
    "LeaseRecord",
    "Leases",
    "NewAlert",
    "NotFound",
    "Outbox",
    "PolicyRecord",
    "SnapshotRecord",
    "StorageError",
    "SubscriptionRecord",
    "Transaction",
    "VersionEvent",
    "VersionHook",
    "VersionRecord",
    "make_engine",
    "schema_is_current",
    "slugify",
    "upgrade",
]
