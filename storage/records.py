"""Plain records handed to callers, and the one place that maps table rows to them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.kinds import AlertKind, ErrorKind, Outcome, RenderMode, Rendering, Source

if TYPE_CHECKING:  # rows are read by attribute: storage.quickread maps its own (no SQLAlchemy)
    from storage import tables


@dataclass(frozen=True)
class PolicyRecord:
    id: int
    slug: str
    name: str
    url: str
    domain: str
    added_at: datetime
    active: bool
    schedule: str | None
    select: str | None
    remove: str | None
    tags: tuple[str, ...]
    last_check_at: datetime | None
    last_outcome: Outcome | None
    last_change_at: datetime | None
    consecutive_failures: int
    broken_since: datetime | None
    render: RenderMode = RenderMode.AUTO

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "url": self.url,
            "domain": self.domain,
            "active": self.active,
            "schedule": self.schedule,
            "select": self.select,
            "remove": self.remove,
            "tags": list(self.tags),
            "render": self.render,
            "added_at": _iso(self.added_at),
            "last_check_at": _iso(self.last_check_at),
            "last_outcome": self.last_outcome,
            "last_change_at": _iso(self.last_change_at),
            "broken": self.broken_since is not None,
        }


@dataclass(frozen=True)
class SnapshotRecord:
    id: int
    policy_id: int
    source: Source
    captured_at: datetime
    fetched_at: datetime
    requested_url: str
    final_url: str
    status: int
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body_sha256: str
    archive_timestamp: str | None
    text_sha256: str | None
    extractor_version: str | None
    extract_note: str | None  # how the text was chosen, or why there is none
    rejection: ErrorKind | None  # why the capture gave no text (None when it did)
    render: Rendering = Rendering.PLAIN  # how the body was obtained
    plain_body_sha256: str | None = None  # a rendered snapshot's plain-fetch body


@dataclass(frozen=True)
class VersionRecord:
    id: int
    number: int
    policy_id: int
    snapshot_id: int
    captured_at: datetime
    source: Source
    text: str
    text_sha256: str
    extractor_version: str
    words: int
    summary: dict[str, Any] | None
    url: str
    archive_timestamp: str | None
    size: int  # bytes of text (UTF-8)
    language: str | None = None  # ISO 639-1 code; None: undetermined or not yet detected

    def to_dict(self, *, with_text: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "version": self.number,
            "captured_at": _iso(self.captured_at),
            "source": self.source,
            "language": self.language,
            "url": self.url,
            "sha256": self.text_sha256,
            "size": self.size,
            "words": self.words,
            "extractor_version": self.extractor_version,
            "summary": self.summary,
        }
        if self.archive_timestamp:
            data["archive_timestamp"] = self.archive_timestamp
        if with_text:
            data["text"] = self.text
        return data


@dataclass(frozen=True)
class CheckRecord:
    id: int
    policy_id: int
    started_at: datetime
    finished_at: datetime
    source: Source
    outcome: Outcome
    error_kind: ErrorKind | None
    error_message: str | None
    url: str | None
    snapshot_id: int | None
    version_id: int | None
    render: Rendering | None = None  # the check's choice; None: nothing fetched, or older rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "source": self.source,
            "outcome": self.outcome,
            "error_kind": self.error_kind,
            "error_message": self.error_message,
            "url": self.url,
            "render": self.render,
        }

    @property
    def problem(self) -> str:
        """What went wrong in plain words, then the details: "" for a check that went well."""
        if self.error_kind is None:
            return self.error_message or ""
        if not self.error_message:
            return self.error_kind.explanation
        return f"{self.error_kind.explanation} ({self.error_message})"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def policy_record(row: tables.Policy) -> PolicyRecord:
    assert row.id is not None
    return PolicyRecord(
        id=row.id, slug=row.slug, name=row.name, url=row.url, domain=row.domain,
        added_at=row.added_at, active=row.active, schedule=row.schedule,
        select=row.select_rules, remove=row.remove_rules,
        tags=tuple(t for t in (row.tags or "").split(",") if t),
        last_check_at=row.last_check_at,
        last_outcome=Outcome(row.last_outcome) if row.last_outcome else None,
        last_change_at=row.last_change_at, consecutive_failures=row.consecutive_failures,
        broken_since=row.broken_since,
        render=RenderMode(getattr(row, "render", None) or RenderMode.AUTO),
    )


# A snapshot without text keeps why in its ``extract_note``: "<kind>: <message>". Rows
# written before that say "not a policy (<reason>): ..." or "extraction failed (<reason>): ...".
_LEGACY_NOTE = re.compile(r"(?:not a policy|extraction failed) \(([a-z-]+)\): (.*)", re.S)


def rejection_note(kind: ErrorKind, message: str | None) -> str:
    """The ``extract_note`` of a capture that gave no text (read back by ``read_rejection``)."""
    if not kind.rejected:
        raise ValueError(f"{kind} is not a reason for a capture without text")
    return f"{kind}: {message}" if message else str(kind)


def read_rejection(note: str | None) -> tuple[ErrorKind, str | None]:
    """Why a snapshot without text has none, and the message: the reverse of ``rejection_note``."""
    text = note or ""
    head, _, message = text.partition(": ")
    legacy = _LEGACY_NOTE.fullmatch(text)
    if legacy:
        head, message = legacy.group(1), legacy.group(2)
    try:
        kind = ErrorKind(head)
    except ValueError:
        return ErrorKind.NOT_A_POLICY, note
    return (kind, message or None) if kind.rejected else (ErrorKind.NOT_A_POLICY, note)


def snapshot_record(row: tables.Snapshot) -> SnapshotRecord:
    assert row.id is not None
    return SnapshotRecord(
        id=row.id, policy_id=row.policy_id, source=Source(row.source),
        captured_at=row.captured_at,
        fetched_at=row.fetched_at, requested_url=row.requested_url, final_url=row.final_url,
        status=row.status, content_type=row.content_type, etag=row.etag,
        last_modified=row.last_modified, body_sha256=row.body_sha256,
        archive_timestamp=row.archive_timestamp, text_sha256=row.text_sha256,
        extractor_version=row.extractor_version, extract_note=row.extract_note,
        rejection=read_rejection(row.extract_note)[0] if row.text_sha256 is None else None,
        render=Rendering(row.render or Rendering.PLAIN),
        plain_body_sha256=row.plain_body_sha256,
    )


def version_record(row: tables.Version, number: int, snapshot: tables.Snapshot, *,
                   size: int | None = None, with_text: bool = True) -> VersionRecord:
    assert row.id is not None
    text = row.text if with_text else ""
    return VersionRecord(
        id=row.id, number=number, policy_id=row.policy_id, snapshot_id=row.snapshot_id,
        captured_at=row.captured_at, source=Source(row.source), text=text,
        size=size if size is not None else len(text.encode("utf-8")),
        text_sha256=row.text_sha256, extractor_version=row.extractor_version, words=row.words,
        summary=json.loads(row.summary) if row.summary else None,
        url=snapshot.final_url if snapshot.source == Source.LIVE else snapshot.requested_url,
        archive_timestamp=snapshot.archive_timestamp,
        language=language_of(getattr(row, "language", None)),
    )


def language_of(stored: str | None) -> str | None:
    """A stored language code as callers see it: ``und`` (undetermined) becomes None."""
    return None if stored in (None, "", "und") else stored


def check_record(row: tables.Check) -> CheckRecord:
    assert row.id is not None
    return CheckRecord(
        id=row.id, policy_id=row.policy_id, started_at=row.started_at,
        finished_at=row.finished_at, source=Source(row.source), outcome=Outcome(row.outcome),
        error_kind=ErrorKind(row.error_kind) if row.error_kind else None,
        error_message=row.error_message, url=row.url,
        snapshot_id=row.snapshot_id, version_id=row.version_id,
        render=_rendering(getattr(row, "render", None)),
    )


def _rendering(stored: str | None) -> Rendering | None:
    return Rendering(stored) if stored else None


@dataclass(frozen=True)
class SubscriptionRecord:
    """Where alerts go; empty ``policies`` / ``topics`` mean every policy / every topic."""

    id: int
    target: str
    channel: str  # email | webhook | apprise
    policies: tuple[str, ...]
    topics: tuple[str, ...]
    secret: str | None
    created_at: datetime
    active: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; the secret itself is never shown, only whether there is one."""
        return {
            "id": self.id, "target": self.target, "channel": self.channel,
            "policies": list(self.policies), "topics": list(self.topics),
            "signed": self.secret is not None, "created_at": _iso(self.created_at),
            "active": self.active,
        }


@dataclass(frozen=True)
class AlertRecord:
    """One outbox row: an alert for one subscription and its delivery state."""

    id: int
    dedupe_key: str
    subscription_id: int
    policy_id: int | None
    version_id: int | None
    kind: AlertKind
    payload: dict[str, Any]
    created_at: datetime
    status: str  # pending | sending | sent | failed
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "subscription_id": self.subscription_id,
            "policy_id": self.policy_id, "version_id": self.version_id, "status": self.status,
            "attempts": self.attempts, "created_at": _iso(self.created_at),
            "next_attempt_at": _iso(self.next_attempt_at), "sent_at": _iso(self.sent_at),
            "last_error": self.last_error,
            "subject": self.payload.get("subject"),
        }


@dataclass(frozen=True)
class LeaseRecord:
    """Who holds a named lease and until when."""

    name: str
    holder: str
    acquired_at: datetime
    expires_at: datetime


def _json_list(value: str | None) -> tuple[str, ...]:
    return tuple(json.loads(value)) if value else ()


def subscription_record(row: tables.Subscription) -> SubscriptionRecord:
    assert row.id is not None
    return SubscriptionRecord(
        id=row.id, target=row.target, channel=row.channel, policies=_json_list(row.policies),
        topics=_json_list(row.topics), secret=row.secret, created_at=row.created_at,
        active=row.active,
    )


def alert_record(row: tables.Alert) -> AlertRecord:
    assert row.id is not None
    return AlertRecord(
        id=row.id, dedupe_key=row.dedupe_key, subscription_id=row.subscription_id,
        policy_id=row.policy_id, version_id=row.version_id, kind=AlertKind(row.kind),
        payload=json.loads(row.payload), created_at=row.created_at, status=row.status,
        attempts=row.attempts, next_attempt_at=row.next_attempt_at, sent_at=row.sent_at,
        last_error=row.last_error,
    )


def lease_record(row: tables.Lease) -> LeaseRecord:
    return LeaseRecord(name=row.name, holder=row.holder, acquired_at=row.acquired_at,
                       expires_at=row.expires_at)


@dataclass(frozen=True)
class PolicyUrlRecord:
    """A URL a policy lived at and how it was found (``source``: given, homepage, redirect)."""

    policy_id: int
    url: str
    source: str
    found_at: datetime
    homepage_capture: str | None
    reason: str | None


def policy_url_record(row: tables.PolicyUrl) -> PolicyUrlRecord:
    return PolicyUrlRecord(policy_id=row.policy_id, url=row.url, source=row.source,
                           found_at=row.found_at, homepage_capture=row.homepage_capture,
                           reason=row.reason)
