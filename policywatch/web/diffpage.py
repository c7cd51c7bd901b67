"""What the diff page shows of a report: filters by kind and topic, context, whole document.

Everything is chosen on the server from query parameters (no JavaScript needed):
``kind`` (repeatable: added, removed, modified, moved), ``topic``, ``context=N`` (unchanged
clauses shown around each change, at most ``MAX_CONTEXT``), ``view=document`` (the whole new
version with its changes highlighted and removed clauses in place) and ``collapsed=1``
(sections start closed). Change numbers (``#change-N``) are the report's, whatever the
filter, so links to a change stay valid.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from markupsafe import Markup

from diffing import TOPICS, document_parts
from policywatch.web.diffview import ChangeView, SectionView, change_view, clause_html, group_sections

if TYPE_CHECKING:
    from starlette.datastructures import QueryParams

    from diffing import Change, DiffReport, DocumentPart

KINDS = ("added", "removed", "modified", "moved")
VIEWS = ("side", "inline", "document")
MAX_CONTEXT = 10


class DiffQueryError(ValueError):
    """A query parameter of the diff page that cannot be used (the page answers 422)."""


@dataclass(frozen=True)
class DiffQuery:
    """The diff page's display choices, from its query string."""

    from_: int
    to: int
    view: str = "side"
    kinds: tuple[str, ...] = ()
    topic: str | None = None
    context: int = 0
    collapsed: bool = False

    @classmethod
    def parse(cls, params: QueryParams, from_: int, to: int) -> DiffQuery:
        """Read ``view``, ``kind``, ``topic``, ``context`` and ``collapsed``; DiffQueryError for junk."""
        view = params.get("view") or "side"
        if view not in VIEWS:
            view = "side"
        kinds = tuple(k for k in KINDS if k in params.getlist("kind"))
        unknown = [k for k in params.getlist("kind") if k and k not in KINDS]
        if unknown:
            raise DiffQueryError(f"unknown kind {unknown[0][:40]!r}: use one of {', '.join(KINDS)}")
        topic = params.get("topic") or None
        if topic is not None and topic not in TOPICS:
            raise DiffQueryError(f"unknown topic {topic[:40]!r}: use one of {', '.join(TOPICS)}")
        raw = params.get("context") or "0"
        try:
            context = int(raw)
        except ValueError:
            raise DiffQueryError(f"context must be a whole number, not {raw[:40]!r}") from None
        if not 0 <= context <= MAX_CONTEXT:
            raise DiffQueryError(f"context must be between 0 and {MAX_CONTEXT}")
        return cls(from_=from_, to=to, view=view, kinds=kinds, topic=topic, context=context,
                   collapsed=params.get("collapsed") not in (None, "", "0"))

    def link(self, **changes: object) -> str:
        """This page's query string with ``changes`` applied (``kinds``, ``topic``, ...)."""
        query = replace(self, **changes)  # type: ignore[arg-type]
        pairs: list[tuple[str, object]] = [("from", query.from_), ("to", query.to)]
        if query.view != "side":
            pairs.append(("view", query.view))
        pairs.extend(("kind", k) for k in query.kinds)
        if query.topic:
            pairs.append(("topic", query.topic))
        if query.context:
            pairs.append(("context", query.context))
        if query.collapsed:
            pairs.append(("collapsed", 1))
        return "?" + urlencode(pairs)

    def toggle_kind(self, kind: str) -> str:
        """The link that adds ``kind`` to the filter, or takes it out."""
        kinds = tuple(k for k in self.kinds if k != kind) if kind in self.kinds else (*self.kinds, kind)
        return self.link(kinds=tuple(k for k in KINDS if k in kinds))

    @property
    def filtered(self) -> bool:
        return bool(self.kinds or self.topic)

    def shows(self, change: Change) -> bool:
        """True when ``change`` passes the kind and topic filters."""
        if self.kinds:
            kinds = {change.kind, "moved"} if change.moved else {change.kind}
            if not kinds & set(self.kinds):
                return False
        return self.topic is None or self.topic in change.topics


@dataclass(frozen=True)
class DocumentBlock:
    """One clause of the whole-document view: unchanged, or a change shown inline."""

    kind: str  # the clause's kind: heading, paragraph, list-item, table-row
    level: int  # heading level on the page (2-6), 0 for other kinds
    html: Markup
    change: ChangeView | None


@dataclass(frozen=True)
class DiffPage:
    """What the template needs below the version pickers."""

    query: DiffQuery
    changes: tuple[ChangeView, ...]  # every change, in order (the table of contents)
    shown: tuple[ChangeView, ...]  # those passing the filters
    sections: tuple[SectionView, ...]
    document: tuple[DocumentBlock, ...]
    kind_counts: dict[str, int]
    topic_counts: dict[str, int]

    @property
    def shown_indexes(self) -> frozenset[int]:
        return frozenset(view.index for view in self.shown)


def _context(parts: list[DocumentPart], views: dict[int, ChangeView], query: DiffQuery) -> dict[int, ChangeView]:
    """The shown changes with up to ``query.context`` unchanged clauses before and after."""
    taken: set[int] = set()
    out: dict[int, ChangeView] = {}
    where = {p.change: k for k, p in enumerate(parts) if p.change is not None}
    for index in sorted(views):
        k = where.get(index - 1)
        if k is None:
            out[index] = views[index]
            continue

        def unchanged(positions: range) -> list[int]:
            picked: list[int] = []
            for position in positions:
                if parts[position].change is not None or len(picked) == query.context:
                    break
                if position not in taken:
                    picked.append(position)
            return picked

        before = sorted(unchanged(range(k - 1, -1, -1)))
        after = unchanged(range(k + 1, len(parts)))
        taken.update(before, after)
        out[index] = replace(views[index],
                             before=tuple(clause_html(parts[p].clause.text, parts[p].clause.kind) for p in before),
                             after=tuple(clause_html(parts[p].clause.text, parts[p].clause.kind) for p in after))
    return out


def _document(parts: list[DocumentPart], views: dict[int, ChangeView],
              report: DiffReport) -> tuple[DocumentBlock, ...]:
    """Every clause of the new version; shown changes marked inline, removed ones in place.
    A change the filters hide reads as the new text does (a hidden removal is left out)."""
    blocks: list[DocumentBlock] = []
    for part in parts:
        clause = part.clause
        level = min(len(clause.section) + 2, 6) if clause.kind == "heading" else 0
        view = views.get(part.change + 1) if part.change is not None else None
        if view is not None:
            blocks.append(DocumentBlock(clause.kind, level, view.inline_html, view))
        elif part.change is None or report.changes[part.change].new_index is not None:
            blocks.append(DocumentBlock(clause.kind, level, clause_html(clause.text, clause.kind), None))
    return tuple(blocks)


def diff_page(report: DiffReport, old_text: str, new_text: str, query: DiffQuery) -> DiffPage:
    """The diff page's content for ``report = diff_texts(old_text, new_text)``."""
    views = {i: change_view(i, change) for i, change in enumerate(report.changes, 1)}
    shown = {i: v for i, v in views.items() if query.shows(report.changes[i - 1])}
    parts: list[DocumentPart] = []
    if report.changes and (query.context or query.view == "document"):
        parts = document_parts(old_text, new_text, report)
    if query.context and query.view != "document":
        shown = _context(parts, shown, query)
    kind_counts: Counter[str] = Counter()
    for change in report.changes:
        kind_counts[change.kind] += 1
        if change.moved and change.kind != "moved":
            kind_counts["moved"] += 1
    return DiffPage(
        query=query, changes=tuple(views.values()), shown=tuple(shown.values()),
        sections=tuple(group_sections(shown.values())),
        document=_document(parts, shown, report) if query.view == "document" else (),
        kind_counts={k: kind_counts[k] for k in KINDS}, topic_counts=dict(report.summary.topics),
    )
