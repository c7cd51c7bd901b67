"""The plain values the archive takes and returns (table records live in ``storage.records``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from storage.kinds import ErrorKind, Outcome, RenderMode, Rendering, Source
from storage.records import CheckRecord, PolicyRecord, SnapshotRecord, VersionRecord
from storage.transaction import Transaction


# --- recording a fetch ----------------------------------------------------------------------


@dataclass(frozen=True)
class Capture:
    """What the caller knows about one fetched body (live or Wayback)."""

    source: Source
    captured_at: datetime
    fetched_at: datetime
    requested_url: str
    final_url: str
    status: int
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    archive_timestamp: str | None = None
    # A body a browser rendered: the check's choice, and the plain fetch's body kept too.
    render: Rendering = Rendering.PLAIN
    plain_body: bytes | None = None


@dataclass(frozen=True)
class StoredExtraction:
    """An ``Extraction`` whose text is already stored (``Archive.store_extractions``): the
    text's sha256 in its place, so a caller re-extracting many snapshots holds no texts."""

    text_sha256: str | None  # None: the capture gave no text (``note`` says why)
    extractor_version: str
    note: str | None  # the snapshot's ``extract_note``
    identity: str | None = None


WORD = re.compile(r"\w+")
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# UTF-8 bytes to "w" (a word character: [A-Za-z0-9_], what \w is in ASCII) or " ". A byte
# of a character beyond ASCII goes to what that character is, when all such characters of
# a text are alike (letters only, or punctuation and spaces only).
_ASCII_WORD = bytes(0x77 if chr(b).isalnum() or b == 0x5F else 0x20 for b in range(128))
WORD_BYTES = {True: _ASCII_WORD + b"w" * 128, False: _ASCII_WORD + b" " * 128}


def count_words(text: str) -> int:
    """What a version's ``words`` counts: the runs of word characters in its text (``\\w+``),
    counted on a byte map of the text instead of listing them when the text's characters
    beyond ASCII are all word characters or all not."""
    kinds = {WORD.match(c) is not None for c in set(NON_ASCII.findall(text))}
    if len(kinds) > 1:
        return len(WORD.findall(text))
    marked = text.encode("utf-8", "surrogatepass").translate(WORD_BYTES[kinds == {True}])
    return marked.count(b" w") + (marked[:1] == b"w")


@dataclass(frozen=True)
class Extraction:
    """The extractor's verdict on a body: a text, or a rejection saying why there is none.

    Exactly one of ``text`` and ``rejection`` is set; a rejection is one of the
    ``ErrorKind`` members that are ``rejected`` (``select-no-match``, ``bot-wall``, ...) and
    becomes the check's ``error_kind``.
    """

    text: str | None
    extractor_version: str
    # With a text: how it was chosen (a multi-document page). Without: the extractor's message.
    note: str | None = None
    # sha256 hex of the text's comparison form (the extractor's ``identity``): equal
    # identities are one version; None compares the exact text.
    identity: str | None = None
    rejection: ErrorKind | None = None
    # The text's language (ISO 639-1, ``und`` undetermined) when the caller detected it:
    # a version made from this text is stored with it instead of being labelled later.
    language: str | None = None
    # The text's ``count_words`` when the caller counted it (a version stores it).
    words: int | None = None

    def __post_init__(self) -> None:
        if (self.text is None) == (self.rejection is None):
            raise TypeError("an Extraction has a text or a rejection, not both nor neither")
        if self.rejection is not None and not self.rejection.rejected:
            raise ValueError(f"{self.rejection} is not a reason for a capture without text")

    @classmethod
    def rejected(cls, rejection: ErrorKind, message: str, *, extractor_version: str) -> Extraction:
        """A body that gave no policy text, and why."""
        return cls(text=None, extractor_version=extractor_version, note=message,
                   rejection=rejection)


@dataclass(frozen=True)
class FetchRecorded:
    """What recording one fetch did."""

    outcome: Outcome
    check: CheckRecord
    snapshot: SnapshotRecord | None
    new_versions: tuple[VersionRecord, ...]


@dataclass(frozen=True)
class VersionEvent:
    """A version that became the newest of its policy through a live fetch."""

    policy: PolicyRecord
    version: VersionRecord
    previous: VersionRecord | None


VersionHook = Callable[[Transaction, VersionEvent], None]


# --- policies -------------------------------------------------------------------------------


class Unset(Enum):
    """Marks a field of :class:`PolicyChanges` left as it is (None is a value: "clear it")."""

    UNSET = "unset"


UNSET = Unset.UNSET


@dataclass(frozen=True)
class NewPolicy:
    """A policy to track. ``name`` defaults to the domain, ``slug`` to a free one from it.

    ``homepage``: the page its link was discovered on (``add DOMAIN``, ``import``), with
    ``homepage_reason`` why that link was taken; stored as how the URL was found
    (``policy_url``), where ``backfill --follow-moves`` and live moves look first.
    """

    url: str
    domain: str
    name: str | None = None
    slug: str | None = None
    schedule: str | None = None
    select: str | None = None
    remove: str | None = None
    tags: tuple[str, ...] = ()
    render: RenderMode = RenderMode.AUTO
    homepage: str | None = None
    homepage_reason: str | None = None

    @classmethod
    def from_mapping(cls, item: Mapping[str, Any]) -> NewPolicy:
        """From a dict with the same keys (others, like an import's ``line``, are ignored)."""
        return cls(url=item["url"], domain=item["domain"], name=item.get("name"),
                   slug=item.get("slug"), schedule=item.get("schedule"),
                   select=item.get("select"), remove=item.get("remove"),
                   tags=tuple(item.get("tags", ())),
                   render=RenderMode(item.get("render") or RenderMode.AUTO),
                   homepage=item.get("homepage"), homepage_reason=item.get("homepage_reason"))


@dataclass(frozen=True)
class PolicyChanges:
    """Edits to a policy; fields left ``UNSET`` keep their value."""

    name: str | Unset = UNSET
    schedule: str | None | Unset = UNSET
    active: bool | Unset = UNSET
    select: str | None | Unset = UNSET
    remove: str | None | Unset = UNSET
    tags: tuple[str, ...] | Unset = UNSET
    render: RenderMode | Unset = UNSET


# --- listings for the web UI and API --------------------------------------------------------


@dataclass(frozen=True)
class DashboardRow:
    """A tracked policy with what the dashboard shows about it."""

    policy: PolicyRecord
    versions: int
    first_capture: datetime | None
    last_version_at: datetime | None


@dataclass(frozen=True)
class TimelineEntry:
    """One version of a policy without its text."""

    number: int
    captured_at: datetime
    source: str
    words: int
    summary: dict[str, Any] | None
    url: str
    archive_timestamp: str | None
    language: str | None = None  # ISO 639-1 code; None: undetermined or not yet detected


@dataclass(frozen=True)
class ChangeRow:
    """A version that changed a policy (every version but the first)."""

    slug: str
    name: str
    number: int
    captured_at: datetime
    source: str
    summary: dict[str, Any] | None


@dataclass(frozen=True)
class Page:
    """One page of results and the total count."""

    rows: tuple[Any, ...]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total


@dataclass(frozen=True)
class UrlCaptures:
    """The snapshots of a policy fetched at one URL that ended at one URL: how many, when."""

    requested_url: str
    final_url: str
    first: datetime
    last: datetime
    count: int
