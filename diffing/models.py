"""Frozen value types of the diffing library: clauses, options, changes, report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ClauseKind = Literal["heading", "paragraph", "list-item", "table-row"]
ChangeKind = Literal["added", "removed", "modified", "moved"]
WordOp = tuple[str, str]  # ("=" | "+" | "-", text)


@dataclass(frozen=True)
class Clause:
    """One unit of a policy: a heading, a paragraph sentence, a list item or a table row."""

    section: tuple[str, ...]
    kind: ClauseKind
    text: str


@dataclass(frozen=True)
class DiffOptions:
    """Tuning knobs of ``diff_texts``; the defaults are the documented behaviour.

    ``similarity_threshold``: token-level Indel similarity (0..1, rapidfuzz) above which a
    removed and an added clause are paired as ``modified``. ``candidate_limit``: how many
    candidates (ranked by shared rare words) each added clause is compared with.
    ``local_pairing_limit``: largest removed x added block compared exhaustively.
    ``word_diff_timeout``: seconds fast-diff-match-patch may spend on one clause.
    ``language``: ISO 639-1 code of both texts (``"fr"``), e.g. the one stored with the
    versions; ``None`` detects each text's (``diffing.language.detect_language``).
    ``old_language``: the old text's, when it is known to differ from ``language``.
    Texts whose languages are both known and differ are not compared clause by clause:
    the report says ``language_changed``. Segmentation, topics and numbers follow the new
    text's language (English rules for a language without its own).
    """

    similarity_threshold: float = 0.5
    candidate_limit: int = 12
    local_pairing_limit: int = 40_000
    word_diff_timeout: float = 0.5
    language: str | None = None
    old_language: str | None = None


@dataclass(frozen=True)
class Change:
    """One reported change; indices point into the old / new clause lists."""

    kind: ChangeKind
    section: tuple[str, ...]
    old: str | None
    new: str | None
    moved: bool
    words: tuple[WordOp, ...]
    topics: tuple[str, ...]
    numbers: tuple[tuple[str | None, str | None], ...]
    old_index: int | None
    new_index: int | None
    clause_kind: ClauseKind
    old_section: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (see ``diffing.report`` for the schema)."""
        return {
            "kind": self.kind,
            "section": list(self.section),
            "old": self.old,
            "new": self.new,
            "moved": self.moved,
            "words": [[op, text] for op, text in self.words],
            "topics": list(self.topics),
            "numbers": [[a, b] for a, b in self.numbers],
            "clause_kind": self.clause_kind,
            "old_section": None if self.old_section is None else list(self.old_section),
            "old_index": self.old_index,
            "new_index": self.new_index,
        }


@dataclass(frozen=True)
class Summary:
    """Counts of change kinds and of privacy topics touched."""

    added: int
    removed: int
    modified: int
    moved: int
    topics: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "added": self.added,
            "removed": self.removed,
            "modified": self.modified,
            "moved": self.moved,
            "topics": dict(self.topics),
        }


@dataclass(frozen=True)
class DiffReport:
    """Result of ``diff_texts``: metadata, summary and the ordered list of changes."""

    old_meta: dict[str, Any]
    new_meta: dict[str, Any]
    formatting_only: bool
    identical: bool
    summary: Summary
    changes: tuple[Change, ...]
    old_count: int
    new_count: int
    old_language: str | None = None
    new_language: str | None = None

    @property
    def language_changed(self) -> bool:
        """True when both texts' languages are known and differ (clauses not compared)."""
        return (self.old_language is not None and self.new_language is not None
                and self.old_language != self.new_language)

    @property
    def has_changes(self) -> bool:
        """True when at least one substantive change was found (or the language changed)."""
        return bool(self.changes) or self.language_changed

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (see ``diffing.report`` for the schema)."""
        return {
            "from": dict(self.old_meta),
            "to": dict(self.new_meta),
            "formatting_only": self.formatting_only,
            "identical": self.identical,
            "summary": self.summary.to_dict(),
            "clauses": {"old": self.old_count, "new": self.new_count},
            "languages": {"old": self.old_language, "new": self.new_language},
            "language_changed": self.language_changed,
            "changes": [change.to_dict() for change in self.changes],
        }
