"""Sessions, transactions and the small SQL helpers every storage module shares.

Nothing outside ``storage/`` sees a session: the app gets a :class:`Transaction` handle in
event hooks and plain records everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Insert, LargeBinary, bindparam, cast, func, insert, inspect, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, SQLModel

from storage import tables
from storage.errors import DatabaseUnavailable, NotFound

if TYPE_CHECKING:
    from storage.outbox import AlertWriter


class SessionSource(Protocol):
    """Anything that opens one-transaction sessions (the ``Archive``)."""

    def session(self) -> AbstractContextManager[Session]: ...


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session whose transaction commits on success and rolls back on error."""
    try:
        with Session(engine, expire_on_commit=False) as session:
            with session.begin():
                yield session
    except OperationalError as exc:
        raise DatabaseUnavailable(f"database error: {str(exc.orig).strip()}") from exc


class Transaction:
    """The recording transaction, handed to event hooks so they write in it (outbox rows).

    What a hook writes commits or rolls back with the fetch that caused it.
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def alerts(self) -> AlertWriter:
        """Alert bookkeeping (subscriptions, outbox rows) inside this transaction."""
        from storage.outbox import AlertWriter

        return AlertWriter(self)

    def set_summaries(self, summaries: Mapping[int, tuple[str | None, dict[str, Any]]]) -> None:
        """``Archive.set_summaries`` inside this transaction."""
        from storage.summaries import set_summaries

        set_summaries(self._session, summaries)


def session_of(tx: Transaction) -> Session:
    """The session behind a transaction handle (for storage modules only)."""
    return tx._session


def now() -> datetime:
    return datetime.now(UTC)


def insert_row(session: Session, row: SQLModel) -> None:
    """Insert one new row by a single statement and keep it in the session as if loaded.

    The same row as ``session.add(row); session.flush()`` gives, at a third of the CPU (no
    unit-of-work pass). Every column's value must be on the object: Python-side defaults
    are; a server-side default would not be read back.
    """
    model = type(row)
    values = {column: getattr(row, attribute) for attribute, column in _columns(model)}
    if values.get("id", 0) is None:
        del values["id"]        # the database numbers it
    result = session.execute(_insert(model), values)
    row.id = result.inserted_primary_key[0]  # type: ignore[attr-defined]
    make_transient_to_detached(row)
    session.add(row)


@lru_cache(maxsize=None)
def _columns(model: type[SQLModel]) -> tuple[tuple[str, str], ...]:
    """(attribute, column key) of each of a table model's columns."""
    return tuple((prop.key, prop.columns[0].key) for prop in inspect(model).column_attrs)


@lru_cache(maxsize=None)
def _insert(model: type[SQLModel]) -> Insert:
    return insert(model.__table__)  # type: ignore[attr-defined]


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


# A no-op write to one policy row, built once (on the table: no ORM bookkeeping).
_POLICY = tables.Policy.__table__  # type: ignore[attr-defined]
TOUCH_POLICY = (update(_POLICY).where(_POLICY.c.id == bindparam("policy_id"))
                .values(id=_POLICY.c.id))


def lock_policy(session: Session, policy_id: int) -> tables.Policy:
    """The policy row, locked for the rest of this transaction. Raises NotFound.

    PostgreSQL: ``SELECT ... FOR UPDATE``. SQLite has no row locks: a no-op write to the row
    takes the database's write lock (waiting up to ``busy_timeout`` for another writer), so
    it must come first in the transaction; every read after it sees what the previous
    writer committed. Two processes recording the same policy are thus serialised, and the
    second re-reads the last snapshot and versions instead of rebuilding from stale ones.
    """
    postgres = is_postgres(session)
    if not postgres:
        session.execute(TOUCH_POLICY, {"policy_id": policy_id})
    row = session.get(tables.Policy, policy_id, with_for_update=postgres)
    if row is None:
        raise NotFound(f"no policy with id {policy_id}")
    return row


def byte_length(session: Session, column: Any) -> Any:
    """SQL for the UTF-8 byte length of a text column (PostgreSQL reads it without detoasting)."""
    if is_postgres(session):
        return func.octet_length(column)
    return func.length(cast(column, LargeBinary))
