"""Tracked policies: adding (one or a bulk import), reading and editing, and their slugs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlmodel import Session, col
from sqlmodel import select as sa_select

from storage import records, tables
from storage.errors import Conflict, NotFound
from storage.records import PolicyRecord
from storage.transaction import now
from storage.values import NewPolicy, PolicyChanges, Unset


def slugify(domain: str, url: str) -> str:
    """A readable slug from the domain (``www.`` dropped), e.g. ``example.com``."""
    host = domain.lower().removeprefix("www.")
    slug = re.sub(r"[^a-z0-9.-]+", "-", host).strip("-.") or "policy"
    return slug[:180]


def free_slug(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``."""
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _row(new: NewPolicy, slug: str) -> tables.Policy:
    return tables.Policy(
        slug=slug, name=new.name or new.domain, url=new.url, domain=new.domain,
        added_at=now(), active=True, schedule=new.schedule, select_rules=new.select,
        remove_rules=new.remove, tags=",".join(new.tags) or None,
    )


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
    return records.policy_record(row)


def add_many(session: Session,
             items: Sequence[NewPolicy]) -> tuple[list[PolicyRecord], list[tuple[int, str]]]:
    """Add many policies; returns (added, [(index of an item skipped, why)]).

    A URL already tracked (or given twice) is skipped; a taken slug gets a free suffix.
    """
    skipped: list[tuple[int, str]] = []
    urls = set(session.exec(sa_select(tables.Policy.url)).all())
    slugs = set(session.exec(sa_select(tables.Policy.slug)).all())
    rows = []
    for index, item in enumerate(items):
        if item.url in urls:
            skipped.append((index, "duplicate URL"))
            continue
        slug = free_slug(item.slug or slugify(item.domain, item.url), slugs)
        urls.add(item.url)
        slugs.add(slug)
        rows.append(_row(item, slug))
    session.add_all(rows)
    session.flush()
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


def listing(session: Session, *, active: bool | None = None) -> list[PolicyRecord]:
    """All policies (or only active / paused ones), by slug."""
    query = sa_select(tables.Policy).order_by(col(tables.Policy.slug))
    if active is not None:
        query = query.where(col(tables.Policy.active) == active)
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
    session.add(row)
    session.flush()
    return records.policy_record(row)
