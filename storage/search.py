"""Full-text search over the text of every version of every policy.

SQLite answers from the FTS5 table ``version_fts``, PostgreSQL from the GIN index over
``to_tsvector('simple', text)`` (both made by migration 0007). A query is words and
"quoted phrases", all of which must occur; no operator syntax reaches the database, so
any user text is a valid query. Each hit names its policy, version number and capture
date, with the clause (paragraph) where the words occur.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text as sql
from sqlmodel import Session

MAX_TERMS = 8  # more words narrow nothing a reader would notice, and cost index lookups
CLAUSE_CHARS = 400  # characters of the matching clause shown around the first hit
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchHit:
    """One version whose text contains every term, with the clause where they occur."""

    slug: str
    name: str
    number: int
    captured_at: datetime
    source: str
    clause: str
    section: str | None  # the nearest heading above the clause, if any
    terms: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.slug, "name": self.name, "version": self.number,
                "captured_at": self.captured_at.isoformat().replace("+00:00", "Z"),
                "source": self.source, "clause": self.clause, "section": self.section}


def parse_query(query: str) -> tuple[str, ...]:
    """Words and quoted phrases of ``query``, each reduced to its words (punctuation is not
    searchable); ValueError when nothing searchable is left."""
    terms: list[str] = []
    for phrase, word in _TERM.findall(query):
        words = _WORD.findall(phrase or word)
        if words:
            terms.append(" ".join(words).lower())
    if not terms:
        raise ValueError("the search query has no words: give a word or a \"quoted phrase\"")
    return tuple(dict.fromkeys(terms))[:MAX_TERMS]


_NUMBERED = ("SELECT id, policy_id, captured_at, source, row_number() OVER"
             " (PARTITION BY policy_id ORDER BY captured_at, id) AS number FROM version")


def _where(dialect: str, terms: tuple[str, ...]) -> tuple[str, str, dict[str, Any]]:
    """(FROM addition, WHERE condition, parameters) matching every term on ``dialect``."""
    if dialect == "sqlite":
        # Each term double-quoted: FTS5 reads it as a phrase, never as an operator.
        match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
        return ("JOIN version_fts ON version_fts.rowid = n.id",
                "version_fts MATCH :match", {"match": match})
    if dialect == "postgresql":
        params = {f"t{i}": t for i, t in enumerate(terms)}
        query = " && ".join(f"phraseto_tsquery('simple', :t{i})" for i in range(len(terms)))
        return ("JOIN version v ON v.id = n.id",
                f"to_tsvector('simple', v.text) @@ ({query})", params)
    raise ValueError(f"full-text search is not available on {dialect}")


def _utc(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def search(session: Session, query: str, *, slug: str | None = None, limit: int = 20,
           offset: int = 0, oldest_first: bool = False) -> tuple[list[SearchHit], int]:
    """One page of versions containing every term of ``query`` (newest capture first, or
    oldest: "when did it first say ..."), and how many versions match in all."""
    terms = parse_query(query)
    joined, condition, params = _where(session.get_bind().dialect.name, terms)
    base = (f"FROM ({_NUMBERED}) n JOIN policy p ON p.id = n.policy_id {joined}"
            f" WHERE {condition}" + (" AND p.slug = :slug" if slug is not None else ""))
    if slug is not None:
        params["slug"] = slug
    total = session.execute(sql(f"SELECT count(*) {base}"), params).scalar_one()
    order = "ASC" if oldest_first else "DESC"
    rows = session.execute(sql(f"SELECT n.id, p.slug, p.name, n.number, n.captured_at, n.source"
                               f" {base} ORDER BY n.captured_at {order}, n.id {order}"
                               " LIMIT :limit OFFSET :offset"),
                           {**params, "limit": limit, "offset": offset}).all()
    texts: dict[int, str] = {}
    if rows:
        ids = [int(r[0]) for r in rows]
        marks = ", ".join(f":id{i}" for i in range(len(ids)))
        texts = {int(i): t for i, t in session.execute(
            sql(f"SELECT id, text FROM version WHERE id IN ({marks})"),
            {f"id{i}": v for i, v in enumerate(ids)}).all()}
    hits = []
    for version_id, s, name, number, captured_at, source in rows:
        clause, section = matching_clause(texts.get(int(version_id), ""), terms)
        hits.append(SearchHit(slug=s, name=name, number=int(number), captured_at=_utc(captured_at),
                              source=source, clause=clause, section=section, terms=terms))
    return hits, int(total)


def _pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in term.split()]
    return re.compile(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)", re.IGNORECASE)


def matching_clause(text: str, terms: tuple[str, ...]) -> tuple[str, str | None]:
    """The paragraph of ``text`` holding the most terms (the first such), clipped around the
    first hit, and the heading above it."""
    patterns = [_pattern(t) for t in terms]
    best: tuple[int, str, str | None] = (0, "", None)
    heading: str | None = None
    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        if not block:
            continue
        if block.startswith("#"):
            heading = block.lstrip("#").strip() or heading
        found = sum(1 for p in patterns if p.search(block))
        if found > best[0]:
            best = (found, block, heading if not block.startswith("#") else None)
            if found == len(patterns):
                break
    clause = " ".join(best[1].split())
    if len(clause) > CLAUSE_CHARS:
        first = min((m.start() for p in patterns if (m := p.search(clause))), default=0)
        start = max(0, first - CLAUSE_CHARS // 3)
        clause = ("… " if start else "") + clause[start:start + CLAUSE_CHARS].strip() + " …"
    return clause, best[2]


def highlight_spans(clause: str, terms: tuple[str, ...]) -> list[tuple[bool, str]]:
    """``clause`` cut into (is_hit, text) pieces, for marking the terms in a page."""
    pattern = re.compile("|".join(f"(?:{_pattern(t).pattern})" for t in terms), re.IGNORECASE)
    out: list[tuple[bool, str]] = []
    at = 0
    for m in pattern.finditer(clause):
        if m.start() > at:
            out.append((False, clause[at:m.start()]))
        out.append((True, m.group(0)))
        at = m.end()
    if at < len(clause):
        out.append((False, clause[at:]))
    return out
