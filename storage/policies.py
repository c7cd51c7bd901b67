"""Tracked policies: adding (one or a bulk import), reading and editing, and their slugs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from sqlmodel import Session, col
from sqlmodel import select as sa_select

from storage import records, tables
from storage.errors import Conflict, NotFound
from storage.records import PolicyRecord
from storage.transaction import now
from storage.values import NewPolicy, PolicyChanges, Unset

K = TypeVar("K")


def slugify(domain: str, url: str) -> str:
    """A readable slug from the domain (``www.`` dropped), e.g. ``example.com``."""
    host = domain.lower().removeprefix("www.")
    slug = re.sub(r"[^a-z0-9.-]+", "-", host).strip("-.") or "policy"
    return slug[:180]


def free_slug(base: str, taken: set[str], counters: dict[str, int] | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``.

    ``counters`` remembers the next suffix to try per base, so many rows of one host cost
    linear time, not quadratic (the issue-15 import of a million rows).
    """
    if base not in taken:
        return base
    n = counters.get(base, 2) if counters is not None else 2
    while f"{base}-{n}" in taken:
        n += 1
    if counters is not None:
        counters[base] = n + 1
    return f"{base}-{n}"


# Rows added per flush of a streamed import: bounds memory (ORM objects are released
# after each flush) while keeping round trips few.
IMPORT_CHUNK = 1000
# Slug bases whose next suffix is remembered between chunks; past this the memo is
# dropped and rebuilt from the database (one indexed range query per base).
_SUFFIX_MEMO = 50_000


def add_stream(session: Session, items: Iterable[tuple[K, NewPolicy]], *,
               on_added: Callable[[K, str], None] | None = None,
               on_skipped: Callable[[K, str], None] | None = None,
               chunk: int = IMPORT_CHUNK) -> int:
    """Add policies as they come (an import of any size) in the caller's transaction.

    Memory stays bounded by ``chunk``: duplicates are found by asking the database about
    each chunk's URLs (rows of earlier chunks are flushed, so the file's own repeats are
    found too), and slugs by an indexed range query per new base. Calls
    ``on_added(key, slug)`` / ``on_skipped(key, why)`` with each item's key (an import's
    line number); returns the number added.
    """
    added = 0
    counters: dict[str, int] = {}
    batch: list[tuple[K, NewPolicy]] = []

    def flush() -> None:
        nonlocal added
        if not batch:
            return
        urls = {item.url for _, item in batch}
        known = set(session.exec(sa_select(tables.Policy.url)
                                 .where(col(tables.Policy.url).in_(urls))).all())
        bases = {item.slug or slugify(item.domain, item.url) for _, item in batch} - set(counters)
        taken_bases = set(session.exec(sa_select(tables.Policy.slug)
                                       .where(col(tables.Policy.slug).in_(bases))).all())
        chunk_slugs: set[str] = set()
        added_items: list[NewPolicy] = []
        rows = []
        for key, item in batch:
            if item.url in known:
                if on_skipped:
                    on_skipped(key, "duplicate URL")
                continue
            known.add(item.url)
            slug = _stream_slug(session, item.slug or slugify(item.domain, item.url),
                                taken_bases, chunk_slugs, counters)
            chunk_slugs.add(slug)
            rows.append(_row(item, slug))
            added_items.append(item)
            if on_added:
                on_added(key, slug)
        session.add_all(rows)
        session.flush()
        _note_homepages(session, rows, added_items)
        session.expunge_all()  # release the ORM objects: memory stays per chunk
        added += len(rows)
        batch.clear()
        if len(counters) > _SUFFIX_MEMO:
            counters.clear()

    for key, item in items:
        batch.append((key, item))
        if len(batch) >= chunk:
            flush()
    flush()
    return added


def _stream_slug(session: Session, base: str, taken_bases: set[str], chunk_slugs: set[str],
                 counters: dict[str, int]) -> str:
    """A free slug for ``base``: ``taken_bases`` are the chunk's bases already in the
    database, ``chunk_slugs`` the slugs given in this chunk, ``counters`` the next suffix
    per base (computed once from the database, then counted up)."""
    if base not in counters:
        if base not in taken_bases and base not in chunk_slugs:
            return base
        # Every "base-N" in the database, by an index range scan ('-' sorts just before '.').
        suffixed = session.exec(sa_select(tables.Policy.slug)
                                .where(col(tables.Policy.slug) >= f"{base}-")
                                .where(col(tables.Policy.slug) < f"{base}.")).all()
        numbers = [int(s[len(base) + 1:]) for s in suffixed if s[len(base) + 1:].isdigit()]
        counters[base] = max(numbers, default=1) + 1
    n = counters[base]
    while f"{base}-{n}" in chunk_slugs:
        n += 1
    counters[base] = n + 1
    return f"{base}-{n}"


def _row(new: NewPolicy, slug: str) -> tables.Policy:
    return tables.Policy(
        slug=slug, name=new.name or new.domain, url=new.url, domain=new.domain,
        added_at=now(), active=True, schedule=new.schedule, select_rules=new.select,
        remove_rules=new.remove, tags=",".join(new.tags) or None, render=new.render,
    )


def _note_homepages(session: Session, rows: Sequence[tables.Policy],
                    items: Sequence[NewPolicy]) -> None:
    """For policies found through a homepage, how their URL was found (flushed ``rows``,
    in the order of ``items``): the ``policy_url`` row ``add DOMAIN`` and ``import`` write."""
    found = [tables.PolicyUrl(policy_id=row.id, url=row.url, source="given",
                              found_at=row.added_at, homepage_capture=item.homepage,
                              reason=item.homepage_reason)
             for row, item in zip(rows, items, strict=True)
             if item.homepage and row.id is not None]
    if found:
        session.add_all(found)
        session.flush()


def add(session: Session, new: NewPolicy) -> PolicyRecord:
    """Track a new policy; raises Conflict when the URL or slug is already tracked."""
    existing = session.exec(sa_select(tables.Policy)
                            .where(col(tables.Policy.url) == new.url)).first()
    if existing:
        raise Conflict(f"{new.url} is already tracked as {existing.slug!r}")
    if new.slug:
        same = sa_select(tables.Policy).where(col(tables.Policy.slug) == new.slug)
        if session.exec(same).first():
            raise Conflict(f"slug {new.slug!r} is already taken")
        slug = new.slug
    else:
        base = slugify(new.domain, new.url)
        taken = set(session.exec(sa_select(tables.Policy.slug)
                                 .where(col(tables.Policy.slug).like(f"{base}%"))).all())
        slug = free_slug(base, taken)
    row = _row(new, slug)
    session.add(row)
    session.flush()
    _note_homepages(session, [row], [new])
    return records.policy_record(row)


def add_many(session: Session,
             items: Sequence[NewPolicy]) -> tuple[list[PolicyRecord], list[tuple[int, str]]]:
    """Add many policies; returns (added, [(index of an item skipped, why)]).

    A URL already tracked (or given twice) is skipped; a taken slug gets a free suffix.
    """
    skipped: list[tuple[int, str]] = []
    urls = set(session.exec(sa_select(tables.Policy.url)).all())
    slugs = set(session.exec(sa_select(tables.Policy.slug)).all())
    counters: dict[str, int] = {}
    rows = []
    kept: list[NewPolicy] = []
    for index, item in enumerate(items):
        if item.url in urls:
            skipped.append((index, "duplicate URL"))
            continue
        slug = free_slug(item.slug or slugify(item.domain, item.url), slugs, counters)
        urls.add(item.url)
        slugs.add(slug)
        rows.append(_row(item, slug))
        kept.append(item)
    session.add_all(rows)
    session.flush()
    _note_homepages(session, rows, kept)
    return [records.policy_record(r) for r in rows], skipped


def by_slug(session: Session, slug: str) -> tables.Policy:
    """The policy row with ``slug``; raises NotFound."""
    row = session.exec(sa_select(tables.Policy).where(col(tables.Policy.slug) == slug)).first()
    if row is None:
        raise NotFound(f"no policy {slug!r} (see `policywatch list`)")
    return row


def by_id(session: Session, policy_id: int) -> PolicyRecord:
    row = session.get(tables.Policy, policy_id)
    if row is None:
        raise NotFound(f"no policy with id {policy_id}")
    return records.policy_record(row)


def listing(session: Session, *, active: bool | None = None, after: str | None = None,
            limit: int | None = None) -> list[PolicyRecord]:
    """All policies (or only active / paused ones), by slug; a page of them: the first
    ``limit`` after the slug ``after``."""
    query = sa_select(tables.Policy).order_by(col(tables.Policy.slug))
    if active is not None:
        query = query.where(col(tables.Policy.active) == active)
    if after is not None:
        query = query.where(col(tables.Policy.slug) > after)
    if limit is not None:
        query = query.limit(limit)
    return [records.policy_record(r) for r in session.exec(query).all()]


def update(session: Session, slug: str, changes: PolicyChanges) -> PolicyRecord:
    """Apply the fields of ``changes`` that are set; raises NotFound."""
    row = by_slug(session, slug)
    if not isinstance(changes.name, Unset):
        row.name = changes.name
    if not isinstance(changes.schedule, Unset):
        row.schedule = changes.schedule
    if not isinstance(changes.active, Unset):
        row.active = changes.active
    if not isinstance(changes.select, Unset):
        row.select_rules = changes.select
    if not isinstance(changes.remove, Unset):
        row.remove_rules = changes.remove
    if not isinstance(changes.tags, Unset):
        row.tags = ",".join(changes.tags) or None
    if not isinstance(changes.render, Unset):
        row.render = changes.render
    session.add(row)
    session.flush()
    return records.policy_record(row)
