"""full-text search over every version's text

Revision ID: 0007_version_search
Revises: 0006_policy_url
Create Date: 2026-12-04 22:30:00

Additive: nothing existing changes. SQLite gets an FTS5 table ``version_fts`` holding no
copy of the texts (``content='version'``) kept in step by three triggers, and is filled
from the existing rows here. PostgreSQL gets a GIN expression index over
``to_tsvector('simple', text)``, which the search query repeats word for word so the planner
uses it. Both tokenize without stemming (``unicode61`` / ``simple``), so a word matches the
same versions on either database.
"""

from __future__ import annotations

from alembic import op

revision = '0007_version_search'
down_revision = '0006_policy_url'
branch_labels = None
depends_on = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE version_fts USING fts5(text, content='version', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER version_fts_insert AFTER INSERT ON version BEGIN"
    " INSERT INTO version_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER version_fts_delete AFTER DELETE ON version BEGIN"
    " INSERT INTO version_fts(version_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER version_fts_update AFTER UPDATE OF text ON version BEGIN"
    " INSERT INTO version_fts(version_fts, rowid, text) VALUES ('delete', old.id, old.text);"
    " INSERT INTO version_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO version_fts(version_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS version_fts_update",
    "DROP TRIGGER IF EXISTS version_fts_delete",
    "DROP TRIGGER IF EXISTS version_fts_insert",
    "DROP TABLE IF EXISTS version_fts",
)
PG_UP = ("CREATE INDEX IF NOT EXISTS ix_version_text_search ON version"
         " USING gin (to_tsvector('simple', text))",)
PG_DOWN = ("DROP INDEX IF EXISTS ix_version_text_search",)


def _run(statements: dict[str, tuple[str, ...]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": PG_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN})
