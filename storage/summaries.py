"""The cache of change summaries stored beside each version.

A summary describes the change from the previous version; it is stale when missing or when
the previous version's text is no longer the one it was computed against (``base_sha256``),
e.g. after a re-extraction rebuilt the timeline.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session, col
from sqlmodel import select as sa_select

from storage import tables

# One statement each, run for many rows at once (built once: building one cost more
# than running it).
_VERSION = tables.Version.__table__  # type: ignore[attr-defined]
SET_SUMMARY = (update(_VERSION).where(_VERSION.c.id == bindparam("version_id"))
               .values(summary=bindparam("summary"), base_sha256=bindparam("base")))
SET_LANGUAGE = (update(_VERSION).where(_VERSION.c.id == bindparam("version_id"))
                .values(language=bindparam("language")))


def stale_summaries(session: Session, policy_id: int) -> list[tuple[int, str | None, str]]:
    """(version id, previous text or None, text) for versions whose summary is outdated."""
    # Hashes first, texts only of the stale versions and their predecessors: the
    # history page calls this on every view, and texts are tens of KB each.
    rows = session.exec(
        sa_select(col(tables.Version.id), col(tables.Version.text_sha256),
                  col(tables.Version.summary).is_(None), col(tables.Version.base_sha256))
        .where(col(tables.Version.policy_id) == policy_id)
        .order_by(col(tables.Version.captured_at), col(tables.Version.id))).all()
    pairs: list[tuple[int, int | None]] = []
    previous: tuple[int, str] | None = None
    for version_id, text_sha, no_summary, base_sha in rows:
        assert version_id is not None  # a stored row has its id
        base = previous[1] if previous else ""
        if no_summary or (base_sha or "") != base:
            pairs.append((version_id, previous[0] if previous else None))
        previous = (version_id, text_sha)
    wanted = {i for pair in pairs for i in pair if i is not None}
    texts: dict[int | None, str] = {}
    if wanted:
        texts = dict(session.exec(sa_select(col(tables.Version.id), col(tables.Version.text))
                                  .where(col(tables.Version.id).in_(wanted))).all())
    return [(v, texts[p] if p is not None else None, texts[v]) for v, p in pairs]


def set_summaries(session: Session,
                  summaries: Mapping[int, tuple[str | None, dict[str, Any]]]) -> None:
    """Store change summaries: version id -> (base text sha256 or None, summary dict)."""
    if summaries:
        session.execute(SET_SUMMARY, [
            {"version_id": version_id, "summary": json.dumps(summary, sort_keys=True),
             "base": base_sha or ""} for version_id, (base_sha, summary) in summaries.items()])


def unlabelled_versions(session: Session, policy_id: int) -> list[tuple[int, str]]:
    """(version id, text) of the versions whose language was never detected."""
    rows = session.exec(sa_select(col(tables.Version.id), col(tables.Version.text))
                        .where(col(tables.Version.policy_id) == policy_id,
                               col(tables.Version.language).is_(None))).all()
    return [(version_id, text) for version_id, text in rows if version_id is not None]


def set_languages(session: Session, languages: Mapping[int, str]) -> None:
    """Store detected languages: version id -> ISO 639-1 code, or ``und`` (undetermined)."""
    if languages:
        session.execute(SET_LANGUAGE, [{"version_id": version_id, "language": language}
                                       for version_id, language in languages.items()])
