"""History lookups shared by pages, API and feeds: summaries, dashboard status and filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from policywatch.checking.summaries import refresh_headlines, refresh_summaries
from storage import Archive, ChangeRow, DashboardRow, Outcome

STATUSES = ("active", "paused", "ok", "failing", "broken", "never-checked")


def ensure_summaries(archive: Archive, policy_id: int) -> None:
    """Compute change summaries that were never stored (a cache; the first view pays for it)."""
    refresh_summaries(archive, policy_id)


def status_of(row: DashboardRow) -> str:
    """One word for the dashboard: paused, broken, failing, ok or never-checked (no live
    check yet, whatever was backfilled)."""
    policy = row.policy
    if not policy.active:
        return "paused"
    if policy.broken_since is not None:
        return "broken"
    if policy.last_outcome == Outcome.ERROR:
        return "failing"
    if policy.last_check_at is None:  # backfilled versions are not a check of the live page
        return "never-checked"
    return "ok"


def filter_rows(rows: list[DashboardRow], *, q: str | None = None, tag: str | None = None,
                status: str | None = None) -> list[DashboardRow]:
    """Dashboard rows matching a text (name, slug, URL), a tag and a status."""
    needle = (q or "").strip().lower()
    out = []
    for row in rows:
        p = row.policy
        if needle and not any(needle in field.lower() for field in (p.name, p.slug, p.url, p.domain)):
            continue
        if tag and tag not in p.tags:
            continue
        if status:
            mine = status_of(row)
            if status == "active":
                if not p.active:
                    continue
            elif mine != status:
                continue
        out.append(row)
    return out


def summary_line(summary: dict[str, Any] | None) -> str:
    """``+2 -1 ~3 >0`` for a stored summary; 'first version' for the first."""
    if not summary:
        return "not summarised yet"
    if summary.get("first"):
        return "first version"
    return (f"+{summary.get('added', 0)} -{summary.get('removed', 0)} "
            f"~{summary.get('modified', 0)} >{summary.get('moved', 0)}")


CHANGE_KINDS = ("added", "removed", "modified", "moved")
ALL_CHANGES = 1_000_000  # filters run over every change row (summaries are small JSON)


@dataclass(frozen=True)
class ChangeFilter:
    """What ``/changes`` narrows to; every field optional (None: no constraint)."""

    policy: str | None = None
    topic: str | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None
    formatting: bool = False  # formatting-only changes are hidden unless asked for

    def active(self) -> bool:
        return any((self.policy, self.topic, self.kind, self.since, self.until))

    def query(self, **changes: Any) -> str:
        """This filter as a query string (``changes`` override fields), for links and pagers."""
        values = {"policy": self.policy, "topic": self.topic, "kind": self.kind,
                  "since": self.since.isoformat() if self.since else None,
                  "until": self.until.isoformat() if self.until else None,
                  "formatting": "1" if self.formatting else None}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})

    def matches(self, row: ChangeRow) -> bool:
        summary = row.summary or {}
        day = row.captured_at.date()
        if self.since and day < self.since:
            return False
        if self.until and day > self.until:
            return False
        if self.policy and row.slug != self.policy:
            return False
        if self.topic and self.topic not in (summary.get("topics") or {}):
            return False
        if self.kind and not int(summary.get(self.kind) or 0):
            return False
        return self.formatting or not summary.get("formatting_only")


def parse_day(value: str | None, what: str) -> date | None:
    """``YYYY-MM-DD`` (or a full ISO time) from a query; ValueError naming ``what`` otherwise."""
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"{what} must be a date like 2024-01-31, not {value[:40]!r}") from None


def filtered_changes(archive: Archive, selection: ChangeFilter) -> list[ChangeRow]:
    """Every change matching ``selection``, newest first, summaries filled in."""
    return [r for r in _all_changes(archive, selection.policy) if selection.matches(r)]


def _all_changes(archive: Archive, slug: str | None = None) -> tuple[ChangeRow, ...]:
    """Every change row, newest first, after filling summaries never computed (or too old
    to carry a headline): the first view pays for them once."""
    rows: tuple[ChangeRow, ...] = archive.recent_changes(limit=ALL_CHANGES, slug=slug).rows
    missing = {r.slug for r in rows if r.summary is None or "headline" not in r.summary}
    if missing:
        for stale in missing:
            refresh_headlines(archive, archive.policy(stale).id)
        rows = archive.recent_changes(limit=ALL_CHANGES, slug=slug).rows
    return rows


def latest_changes(archive: Archive) -> dict[str, ChangeRow]:
    """Each policy's newest change (slug -> row), for the dashboard's "latest change" column."""
    latest: dict[str, ChangeRow] = {}
    for row in _all_changes(archive):
        latest.setdefault(row.slug, row)
    return latest
