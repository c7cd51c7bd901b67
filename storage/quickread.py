"""A light, read-only view of a SQLite archive for commands run in loops (`list`, `show`).

It uses the stdlib ``sqlite3`` and answers like the ``Archive`` (``policies``, ``policy``,
``versions``, ``version``, ``version_at``) with the same records (``storage.records`` maps
the rows, ``storage.lookup`` picks the version), without importing SQLAlchemy or Alembic.
It serves only a database whose schema is at :data:`SCHEMA_HEAD`: ``open_reader`` returns
None for any other database (not SQLite, a URL with options, an older schema), whose
reads go through the ``Archive``, which upgrades the schema first. It never creates a
database: a missing file is ``NotFound``.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from storage import records
from storage.errors import DatabaseUnavailable, NotFound
from storage.lookup import VersionLookup
from storage.records import PolicyRecord, VersionRecord

if TYPE_CHECKING:
    from storage import tables

#: The newest migration in storage/migrations/versions (tests/storage/test_quickread.py
#: checks it against Alembic's head): a database at another revision is read by the Archive.
SCHEMA_HEAD = "0008_render"

# Columns whose attribute on the table model has another name (storage/tables.py).
_POLICY_ATTRIBUTES = {"select_css": "select_rules", "remove_css": "remove_rules"}


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for anything else (other databases,
    ``:memory:``, URL options), which the Archive handles."""
    scheme, sep, rest = url.partition(":///")
    if not sep or scheme not in ("sqlite", "sqlite+pysqlite") or not rest or "?" in rest \
            or rest == ":memory:":
        return None
    return Path(rest)


_READ_ONLY = re.compile(r"readonly|read-only|unable to open", re.I)


def open_reader(url: str) -> QuickReader | None:
    """A reader over the SQLite file of ``url`` when its schema is current, else None.

    Raises NotFound when the file does not exist, DatabaseUnavailable when it cannot be read.
    """
    path = sqlite_path(url)
    if path is None:
        return None
    if not path.is_file():
        raise NotFound(f"no database at {path}: nothing is tracked there yet "
                       "(`policywatch add URL_OR_DOMAIN` creates it)")
    # mode=rw: never creates the file; the last connection still tidies the WAL files. A
    # file or folder we may not write (an archive copied read-only, a shared mount) is read
    # as immutable: no locks or WAL files, which need a writable folder.
    conn = None
    for mode in ("mode=rw", "mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=30)
            conn.execute("PRAGMA query_only = ON")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            break
        except sqlite3.OperationalError as exc:
            if conn is not None:
                conn.close()
            if "no such table" in str(exc):
                return None  # not made by us yet (an empty file): the Archive creates it
            if mode.startswith("mode=rw") and _READ_ONLY.search(str(exc)):
                continue
            raise DatabaseUnavailable(f"cannot open database {path}: {exc}") from exc
        except sqlite3.Error as exc:  # "file is not a database"
            if conn is not None:
                conn.close()
            raise DatabaseUnavailable(f"cannot open database {path}: {exc}") from exc
    assert conn is not None
    if revision is None or revision[0] != SCHEMA_HEAD:
        conn.close()
        return None
    return QuickReader(conn)


def _datetime(value: str | None) -> datetime | None:
    """A DATETIME column as the Archive reads it (SQLModel's UTCDateTime): stored without
    an offset, meaning UTC."""
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value is not None else None


def _bound(value: datetime) -> str:
    """A datetime as the Archive writes it to SQLite: in UTC, without an offset."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class QuickReader(VersionLookup):
    """Read-only queries over one SQLite connection; ``close`` when done.

    Rows are handed to ``storage.records`` as the table models would be: columns by their
    model attribute names, DATETIME columns as UTC datetimes, BOOLEAN ones as bools (as
    declared in the schema, so a column a migration adds comes along too).
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.row_factory = sqlite3.Row
        self._declared: dict[str, dict[str, str]] = {}

    def close(self) -> None:
        self.conn.close()

    def _rows(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise DatabaseUnavailable(f"cannot read database: {exc}") from exc

    def _model(self, table: str, values: dict[str, Any],
               attributes: dict[str, str] | None = None) -> SimpleNamespace:
        """``values`` (column -> stored value) of ``table`` as the table model holds them."""
        if table not in self._declared:
            self._declared[table] = {row["name"]: row["type"].upper()
                                     for row in self._rows(f"PRAGMA table_info({table})")}
        declared = self._declared[table]
        model = SimpleNamespace()
        for column, value in values.items():
            kind = declared.get(column)
            if value is not None and kind == "DATETIME":
                value = _datetime(value)
            elif value is not None and kind == "BOOLEAN":
                value = bool(value)
            setattr(model, (attributes or {}).get(column, column), value)
        return model

    def _policy(self, row: sqlite3.Row) -> PolicyRecord:
        model = self._model("policy", dict(row), _POLICY_ATTRIBUTES)
        return records.policy_record(cast("tables.Policy", model))

    def policies(self, *, active: bool | None = None) -> list[PolicyRecord]:
        """All policies (or only active / paused ones), by slug."""
        if active is None:
            rows = self._rows("SELECT * FROM policy ORDER BY slug")
        else:
            rows = self._rows("SELECT * FROM policy WHERE active = ? ORDER BY slug", active)
        return [self._policy(row) for row in rows]

    def policy(self, slug: str) -> PolicyRecord:
        """The policy with ``slug``; raises NotFound."""
        rows = self._rows("SELECT * FROM policy WHERE slug = ?", slug)
        if not rows:
            raise NotFound(f"no policy {slug!r} (see `policywatch list`)")
        return self._policy(rows[0])

    def version_count(self, policy_id: int, *, until: datetime | None = None) -> int:
        if until is None:
            rows = self._rows("SELECT count(*) FROM version WHERE policy_id = ?", policy_id)
        else:
            rows = self._rows("SELECT count(*) FROM version WHERE policy_id = ? "
                              "AND captured_at <= ?", policy_id, _bound(until))
        return int(rows[0][0])

    def versions(self, policy_id: int, *, limit: int | None = None, offset: int = 0,
                 with_text: bool = True) -> list[VersionRecord]:
        """Versions oldest first, numbered from 1 (``with_text=False`` leaves ``text`` empty)."""
        rows = self._rows(
            """SELECT v.*, length(CAST(v.text AS BLOB)), s.source, s.final_url,
                      s.requested_url, s.archive_timestamp
               FROM version v JOIN snapshot s ON s.id = v.snapshot_id
               WHERE v.policy_id = ? ORDER BY v.captured_at, v.id LIMIT ? OFFSET ?""",
            policy_id, -1 if limit is None else limit, offset)
        out = []
        for number, row in enumerate(rows, offset + 1):
            values = tuple(row)
            columns = len(values) - 5
            version = self._model("version", dict(zip(row.keys()[:columns], values[:columns])))
            size, source, final_url, requested_url, stamp = values[columns:]
            snapshot = SimpleNamespace(source=source, final_url=final_url,
                                       requested_url=requested_url, archive_timestamp=stamp)
            out.append(records.version_record(cast("tables.Version", version), number,
                                              cast("tables.Snapshot", snapshot),
                                              size=size, with_text=with_text))
        return out
