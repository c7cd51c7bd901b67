"""SQLModel tables of the archive. Only ``storage`` touches them; callers get records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Policy(SQLModel, table=True):
    """A tracked privacy-policy URL and its schedule."""

    __tablename__ = "policy"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(index=True, unique=True, max_length=200)
    name: str = Field(max_length=500)
    url: str = Field(sa_column=Column(Text, nullable=False))
    domain: str = Field(index=True, max_length=255)
    added_at: datetime
    active: bool = True
    schedule: str | None = Field(default=None, max_length=200)
    select_rules: str | None = Field(default=None, sa_column=Column("select_css", Text))
    remove_rules: str | None = Field(default=None, sa_column=Column("remove_css", Text))
    tags: str | None = Field(default=None, max_length=500)
    # auto | never | always: when a check renders the page in a browser (RenderMode).
    render: str = Field(default="auto", max_length=10, sa_column_kwargs={"server_default": "auto"})
    # Tracking status, denormalised so the dashboard and scheduler need no aggregate queries.
    last_check_at: datetime | None = None
    last_outcome: str | None = Field(default=None, max_length=40)
    last_change_at: datetime | None = None
    consecutive_failures: int = 0
    broken_since: datetime | None = None


class Blob(SQLModel, table=True):
    """A raw body or extracted text, stored once per sha256, compressed."""

    __tablename__ = "blob"

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    compression: str = Field(max_length=10)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Snapshot(SQLModel, table=True):
    """One fetch that returned a body (live or Wayback) and what was extracted from it."""

    __tablename__ = "snapshot"
    __table_args__ = (
        UniqueConstraint("policy_id", "source", "captured_at", "body_sha256",
                         name="uq_snapshot_capture"),
        Index("ix_snapshot_policy_captured", "policy_id", "captured_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id")
    source: str = Field(max_length=10)  # live | wayback
    captured_at: datetime
    fetched_at: datetime
    requested_url: str = Field(sa_column=Column(Text, nullable=False))
    final_url: str = Field(sa_column=Column(Text, nullable=False))
    status: int
    content_type: str | None = Field(default=None, max_length=200)
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    body_sha256: str = Field(foreign_key="blob.sha256", max_length=64, index=True)
    archive_timestamp: str | None = Field(default=None, max_length=14)
    # Extraction result: text_sha256 is NULL when the capture is not the policy.
    text_sha256: str | None = Field(default=None, max_length=64)
    # sha256 of the text's comparison form (volatile tokens masked): two snapshots with the
    # same identity are one version. NULL on rows written before it existed: text_sha256.
    text_identity: str | None = Field(default=None, max_length=64)
    extractor_version: str | None = Field(default=None, max_length=40)
    extract_note: str | None = Field(default=None, sa_column=Column(Text))
    # How the body was obtained: plain | rendered (NULL on older rows: plain). A rendered
    # snapshot's body is the browser's DOM; the plain fetch's body is kept beside it.
    render: str | None = Field(default=None, max_length=10)
    plain_body_sha256: str | None = Field(default=None, max_length=64)


class Version(SQLModel, table=True):
    """A distinct extracted text of a policy; numbered by captured_at order."""

    __tablename__ = "version"
    __table_args__ = (
        UniqueConstraint("policy_id", "snapshot_id", name="uq_version_first_snapshot"),
        Index("ix_version_policy_captured", "policy_id", "captured_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id")
    snapshot_id: int = Field(foreign_key="snapshot.id")
    captured_at: datetime
    source: str = Field(max_length=10)
    text: str = Field(sa_column=Column(Text, nullable=False))
    text_sha256: str = Field(max_length=64)
    extractor_version: str = Field(max_length=40)
    created_at: datetime
    words: int = 0
    # Change summary against the previous version (JSON), valid while base_sha256 matches it.
    summary: str | None = Field(default=None, sa_column=Column(Text))
    base_sha256: str | None = Field(default=None, max_length=64)
    alerted: bool = False
    # ISO 639-1 code of the text ("fr"), "und" when undetermined, NULL until detected
    # (a live check stores it with the version; else it is filled with the summaries:
    # policywatch.checking.summaries.refresh_summaries).
    language: str | None = Field(default=None, max_length=8)


class Check(SQLModel, table=True):
    """One attempt to fetch a policy, whatever came of it."""

    __tablename__ = "check_attempt"
    __table_args__ = (Index("ix_check_policy_started", "policy_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id")
    started_at: datetime
    finished_at: datetime
    source: str = Field(max_length=10)
    outcome: str = Field(max_length=20)  # new-version | unchanged | not-modified | error
    error_kind: str | None = Field(default=None, max_length=40)
    error_message: str | None = Field(default=None, sa_column=Column(Text))
    url: str | None = Field(default=None, sa_column=Column(Text))
    snapshot_id: int | None = None
    version_id: int | None = None
    render: str | None = Field(default=None, max_length=10)  # plain | rendered | reused


class PolicyUrl(SQLModel, table=True):
    """A URL a policy lived at, and how it was found (the first time: later sightings keep it)."""

    __tablename__ = "policy_url"
    __table_args__ = (UniqueConstraint("policy_id", "url", name="uq_policy_url"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    url: str = Field(sa_column=Column(Text, nullable=False))
    source: str = Field(max_length=20)  # given | homepage | redirect
    found_at: datetime  # when the URL was found (a homepage capture's time, a check's)
    homepage_capture: str | None = Field(default=None, sa_column=Column(Text))
    reason: str | None = Field(default=None, sa_column=Column(Text))


class Subscription(SQLModel, table=True):
    """Where alerts go: an email address, a webhook URL or an Apprise URL."""

    __tablename__ = "subscription"

    id: int | None = Field(default=None, primary_key=True)
    target: str = Field(sa_column=Column(Text, nullable=False))
    channel: str = Field(max_length=20)  # email | webhook | apprise
    policies: str | None = Field(default=None, sa_column=Column(Text))  # JSON list of slugs
    topics: str | None = Field(default=None, sa_column=Column(Text))  # JSON list of topics
    secret: str | None = Field(default=None, max_length=200)
    created_at: datetime
    active: bool = True


class Alert(SQLModel, table=True):
    """Outbox row: an alert recorded with its cause, sent after commit, at most once."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=200, unique=True)
    subscription_id: int = Field(foreign_key="subscription.id")
    policy_id: int | None = Field(default=None, foreign_key="policy.id")
    version_id: int | None = None
    kind: str = Field(max_length=20)  # change | broken | recovered | test
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime
    status: str = Field(default="pending", max_length=20)  # pending | sending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime
    sent_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))


class ApiToken(SQLModel, table=True):
    """An API/admin token, stored as a sha256 hash only."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime
    last_used_at: datetime | None = None
    # Revocation keeps the row, so its id is never handed to a new token (SQLite reuses
    # the highest id of a deleted row) and a session signed in with it stays dead.
    revoked_at: datetime | None = None


class Lease(SQLModel, table=True):
    """A named lease so only one scheduler drives a database at a time."""

    __tablename__ = "lease"

    name: str = Field(primary_key=True, max_length=100)
    holder: str = Field(max_length=200)
    acquired_at: datetime
    expires_at: datetime
