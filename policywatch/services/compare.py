"""Choosing two versions of a policy to compare, and the differ's report between them:
one rule for ``policywatch diff``, the diff page and ``GET /api/v1/policies/{slug}/diff``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from diffing import diff_texts
from storage import Archive, NotFound, PolicyRecord, VersionRecord

if TYPE_CHECKING:
    from diffing import DiffReport


@dataclass(frozen=True)
class Comparison:
    """Two versions of a policy and the differ's report between them."""

    old: VersionRecord
    new: VersionRecord
    count: int
    report: DiffReport


def version_meta(policy: PolicyRecord, version: VersionRecord) -> dict[str, Any]:
    return {"policy": policy.slug, "version": version.number,
            "captured_at": version.captured_at.isoformat(), "source": version.source,
            "url": version.url}


def compare(archive: Archive, policy: PolicyRecord, from_: int | None, to: int | None) -> Comparison:
    """Versions ``from_`` -> ``to`` (default: the newest and the one before it); NotFound if absent."""
    count = archive.version_count(policy.id)
    if count < 2 and (from_ is None or to is None):
        raise NotFound(f"{policy.slug} has {count} version(s): nothing to compare yet")
    new_number = to if to is not None else (from_ + 1 if from_ is not None and from_ < count else count)
    new = archive.version(policy.id, new_number)
    old = archive.version(policy.id, from_ if from_ is not None else max(new.number - 1, 1))
    if old.number == new.number and from_ is None:
        raise NotFound(f"version {new.number} is the first: nothing before it to compare with")
    report = diff_texts(old.text, new.text, old_meta=version_meta(policy, old),
                        new_meta=version_meta(policy, new))
    return Comparison(old=old, new=new, count=count, report=report)
