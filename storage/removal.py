"""Deleting a policy with everything recorded about it, in one transaction.

Its versions (the SQLite full-text index follows by trigger), snapshots, checks, URLs and
alerts go; stored page bodies stay (content-addressed, possibly shared, harmless once
unreferenced), and so do subscriptions that named it (they simply match nothing more).
Pausing a policy (``active=False``) is how to stop tracking and keep its history.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete

from storage import tables
from storage.archive import Archive
from storage.policies import by_slug


@dataclass(frozen=True)
class RemovedPolicy:
    """What deleting a policy removed."""

    slug: str
    versions: int
    snapshots: int
    checks: int
    alerts: int

    def line(self) -> str:
        return (f"{self.slug} deleted with {self.versions} versions, {self.snapshots} snapshots, "
                f"{self.checks} checks and {self.alerts} alerts")


def delete_policy(archive: Archive, slug: str) -> RemovedPolicy:
    """Delete ``slug`` and its recorded history; raises NotFound for an unknown slug."""
    with archive.session() as session:
        policy = by_slug(session, slug)
        counts: dict[str, int] = {}
        for name, table in (("alerts", tables.Alert), ("versions", tables.Version),
                            ("checks", tables.Check), ("snapshots", tables.Snapshot),
                            ("urls", tables.PolicyUrl)):
            result = session.execute(delete(table).where(table.policy_id == policy.id))  # type: ignore[arg-type]
            counts[name] = int(result.rowcount or 0)  # type: ignore[attr-defined]
        session.delete(policy)
    return RemovedPolicy(slug=slug, versions=counts["versions"], snapshots=counts["snapshots"],
                         checks=counts["checks"], alerts=counts["alerts"])
