"""Storage of the archive: policies, snapshots, the version timeline, checks, alerts.

The app imports only what ``__all__`` lists, and talks to one object, the ``Archive``
(``storage/archive.py``): its methods, and its attributes ``archive.outbox``
(subscriptions, alert delivery), ``archive.leases`` and ``archive.tokens``.

The storage contract
====================

What a caller may assume, on SQLite and on PostgreSQL alike.

Transactions
    Every public call is one transaction: all it writes commits, or nothing does. A
    process killed at any point leaves either the whole of a fetch (body, text, snapshot,
    versions, check, policy status) or none of it. Sessions never leave ``storage/``;
    calls return frozen records (``storage.records``, ``storage.values``) that are
    detached copies: reading them never touches the database.

Hooks
    ``record_fetch(on_new_version=...)`` and ``in_transaction(policy_id, work)`` run the
    caller's function inside that transaction with a ``Transaction`` handle; alerts
    written through it (``tx.alerts`` or ``AlertWriter(tx)``) commit with the version
    that caused them, or not at all. A hook that raises rolls the whole call back. A hook
    must not call the ``Archive`` itself (a second transaction would wait on this one).

Versions and ordering
    Versions are derived from snapshots: in capture order (``captured_at``, then id,
    whatever the source), a version starts at each snapshot with a text whose identity
    (``Extraction.identity``, else the text's sha256) differs from the previous text's,
    and keeps that snapshot's exact text. Captures without a text never start or end a
    version. Version numbers count from 1 in that order and are positions, not ids:
    recording an older capture (a backfill) or re-extracting (``update_extractions``)
    rebuilds the timeline from that point, and may renumber, remove or create versions.
    Listings: policies by slug, snapshots by capture time, checks and changes newest
    first, the dashboard most recently changed first.

Idempotence
    Recording the same capture again (same source and body, same Wayback timestamp or
    capture time) stores nothing new and records an ``unchanged`` check (or the same
    ``error``, same ``ErrorKind``, if it gave no text); a live body equal to the last
    live one likewise writes only a check. Bodies and texts are stored once per sha256.
    An alert is stored once per ``dedupe_key``. ``add_policies`` skips URLs already
    tracked (``add_policy`` raises ``Conflict``); ``update_extractions`` and
    ``set_summaries`` can be re-run.
    ``archived_timestamps`` lets a backfill resume where it stopped.

Concurrency
    Any number of processes may share one database. Recording locks the policy (a row
    lock on PostgreSQL; SQLite has one writer at a time), so writes for one policy apply
    one after the other and the timeline is the same whichever commits first; two
    processes recording the same capture at once end with one snapshot (the loser's
    transaction is retried and records ``unchanged``). A lease (``archive.leases``) has
    one holder at a time; an alert is claimed by one sender, and one left ``sending`` by
    a dead process is marked failed, never sent twice.

Errors
    Everything raised on purpose derives from ``StorageError``: ``NotFound``,
    ``Conflict``, ``LeaseHeld`` (with ``holder``) and ``DatabaseUnavailable`` (the
    database cannot be reached or opened, translated from SQLAlchemy). Misuse, such as a
    new body recorded without its extraction, is a ``TypeError``.

Words
    Sources, check outcomes, error kinds and alert kinds are the ``StrEnum``s of
    ``storage/kinds.py`` (``Source``, ``Outcome``, ``ErrorKind``, ``AlertKind``): records
    carry members, columns and JSON keep the same strings. A capture that gave no text
    is recorded with the ``ErrorKind`` its ``Extraction.rejection`` names.

Times
    Datetimes are stored in UTC; SQLite hands them back naive, to be read as UTC.
"""

import importlib
import sys
import types
from typing import TYPE_CHECKING

# Each name loads its module on first use (PEP 562), so the CLI's light reader
# (``storage.quickread``) imports without SQLAlchemy or Alembic. Type checkers read the
# imports below; tests/storage/test_exports.py keeps them and this table in step.
_SOURCES = {
    "archive": ("Archive", "dashboard", "recent_changes", "timeline"),
    "db": ("make_engine", "schema_is_current", "upgrade"),
    "errors": ("Conflict", "DatabaseUnavailable", "LeaseHeld", "NotFound", "StorageError"),
    "kinds": ("AlertKind", "ErrorKind", "Outcome", "RenderMode", "Rendering", "Source"),
    "leases": ("Leases",),
    "outbox": ("AlertWriter", "NewAlert", "Outbox"),
    "policies": ("slugify",),
    "search": ("SearchHit",),
    "removal": ("RemovedPolicy", "delete_policy"),
    "records": (
        "AlertRecord", "CheckRecord", "LeaseRecord", "PolicyRecord", "SnapshotRecord",
        "SubscriptionRecord", "VersionRecord"),
    "tokens": (
        "TokenRecord", "Tokens", "create_token", "list_tokens", "revoke_token", "token_by_id",
        "verify_token"),
    "transaction": ("Transaction",),
    "unchanged": ("LiveState", "UnchangedCheck"),
    "values": (
        "Capture", "ChangeRow", "DashboardRow", "Extraction", "FetchRecorded", "NewPolicy", "Page",
        "PolicyChanges", "StoredExtraction", "TimelineEntry", "UNSET", "UrlCaptures", "VersionEvent", "VersionHook",
        "count_words"),
}
_MODULE_OF = {name: module for module, names in _SOURCES.items() for name in names}

if TYPE_CHECKING:
    from storage.archive import Archive, dashboard, recent_changes, timeline
    from storage.db import make_engine, schema_is_current, upgrade
    from storage.errors import Conflict, DatabaseUnavailable, LeaseHeld, NotFound, StorageError
    from storage.kinds import AlertKind, ErrorKind, Outcome, RenderMode, Rendering, Source
    from storage.leases import Leases
    from storage.outbox import AlertWriter, NewAlert, Outbox
    from storage.policies import slugify
    from storage.records import (
        AlertRecord,
        CheckRecord,
        LeaseRecord,
        PolicyRecord,
        SnapshotRecord,
        SubscriptionRecord,
        VersionRecord,
    )
    from storage.removal import RemovedPolicy, delete_policy
    from storage.search import SearchHit
    from storage.tokens import (
        TokenRecord,
        Tokens,
        create_token,
        list_tokens,
        revoke_token,
        token_by_id,
        verify_token,
    )
    from storage.transaction import Transaction
    from storage.unchanged import LiveState, UnchangedCheck
    from storage.values import (
        UNSET,
        Capture,
        ChangeRow,
        DashboardRow,
        Extraction,
        FetchRecorded,
        NewPolicy,
        Page,
        PolicyChanges,
        StoredExtraction,
        TimelineEntry,
        UrlCaptures,
        VersionEvent,
        VersionHook,
        count_words,
    )
else:
    def __getattr__(name: str) -> object:
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"storage.{module}"), name)
        globals()[name] = value
        return value

    class _Package(types.ModuleType):
        """Importing ``storage.timeline`` (the module) must not hide ``timeline`` (the
        exported function): the import system sets a package attribute per submodule."""

        def __setattr__(self, name: str, value: object) -> None:
            if name in _MODULE_OF and isinstance(value, types.ModuleType):
                return
            super().__setattr__(name, value)

    sys.modules[__name__].__class__ = _Package


__all__ = [
    "UNSET",
    "AlertKind",
    "AlertRecord",
    "AlertWriter",
    "Archive",
    "Capture",
    "ChangeRow",
    "CheckRecord",
    "Conflict",
    "DashboardRow",
    "DatabaseUnavailable",
    "ErrorKind",
    "Extraction",
    "FetchRecorded",
    "LeaseHeld",
    "LiveState",
    "LeaseRecord",
    "Leases",
    "NewAlert",
    "NewPolicy",
    "NotFound",
    "Outbox",
    "Outcome",
    "Page",
    "PolicyChanges",
    "PolicyRecord",
    "RemovedPolicy",
    "RenderMode",
    "Rendering",
    "SearchHit",
    "SnapshotRecord",
    "Source",
    "StorageError",
    "StoredExtraction",
    "SubscriptionRecord",
    "TimelineEntry",
    "UrlCaptures",
    "TokenRecord",
    "UnchangedCheck",
    "Tokens",
    "Transaction",
    "VersionEvent",
    "VersionHook",
    "VersionRecord",
    "count_words",
    "create_token",
    "dashboard",
    "delete_policy",
    "list_tokens",
    "make_engine",
    "recent_changes",
    "revoke_token",
    "schema_is_current",
    "slugify",
    "timeline",
    "token_by_id",
    "upgrade",
    "verify_token",
]
