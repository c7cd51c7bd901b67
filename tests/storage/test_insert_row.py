"""insert_row stores the same row as the ORM's add and flush, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from storage import Archive, tables
from storage.transaction import insert_row

AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _policy(slug: str) -> tables.Policy:
    # A model with columns named apart from their attributes (select_css) and defaults.
    return tables.Policy(slug=slug, name="Acme", url=f"https://acme.example/{slug}",
                         domain="acme.example", added_at=AT, select_rules="main",
                         remove_rules=".ad", tags="bank")


def test_insert_row_gives_the_row_add_and_flush_give(archive: Archive) -> None:
    with archive.session() as session:
        by_orm = _policy("orm")
        session.add(by_orm)
        session.flush()
        by_insert = _policy("insert")
        insert_row(session, by_insert)
        assert by_insert.id is not None and by_insert.id != by_orm.id
        # In the session as loaded: found by id without a query, and not written twice.
        assert session.get(tables.Policy, by_insert.id) is by_insert
        assert by_insert not in session.new and by_insert not in session.dirty
    with archive.session() as session:
        rows = {p.slug: p for p in session.exec(select(tables.Policy))}
    left, right = rows["orm"].model_dump(), rows["insert"].model_dump()
    for name in ("id", "slug", "url"):
        left.pop(name), right.pop(name)
    assert left == right
    assert rows["insert"].select_rules == "main" and rows["insert"].render == "auto"
