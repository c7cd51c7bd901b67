"""The diff page's view model: the differ's changes grouped by section, with word marks.

Each clause's markdown is rendered (bold, links, code) with the word marks inside it
(``web.marked``); policy text is escaped there before it is wrapped in ``<ins>``/``<del>``,
so the fragments are safe to insert into templates as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup

from diffing.normalize import strip_markup
from policywatch.headlines import headline_html, headline_text
from policywatch.web.marked import marked_markdown

__all__ = ["ChangeView", "SectionView", "change_view", "clause_html", "group_sections", "headline_html",
           "headline_text", "sections"]

if TYPE_CHECKING:
    from diffing import Change, DiffReport


@dataclass(frozen=True)
class ChangeView:
    """One change as the page shows it: side-by-side halves and the inline form."""

    index: int
    kind: str
    moved: bool
    clause_kind: str
    topics: tuple[str, ...]
    numbers: tuple[tuple[str | None, str | None], ...]
    old_html: Markup | None
    new_html: Markup | None
    inline_html: Markup
    moved_from: str | None
    section: tuple[str, ...] = ()
    preview: str = ""
    before: tuple[Markup, ...] = ()  # unchanged clauses shown around it (``?context=N``)
    after: tuple[Markup, ...] = ()

    @property
    def label(self) -> str:
        """What happened, in words: "added", "modified, moved from “Sharing”", "moved"."""
        if self.kind == "moved" or not self.moved:
            head = self.kind
        else:
            head = f"{self.kind}, moved"
        return f"{head} from “{self.moved_from}”" if self.moved_from else head


@dataclass(frozen=True)
class SectionView:
    """Consecutive changes under one section heading path."""

    path: tuple[str, ...]
    changes: tuple[ChangeView, ...]

    @property
    def title(self) -> str:
        return " › ".join(self.path) if self.path else "(before the first heading)"


def clause_html(text: str, kind: str, ops: Iterable[tuple[str, str]] | None = None,
                side: str = "new") -> Markup:
    """One clause's markdown rendered, marked with ``ops`` (none: unchanged), in a span
    saying what kind of clause it is (a heading, a list item ...)."""
    words = tuple(ops) if ops is not None else (("=", strip_markup(text)),)
    return Markup('<span class="clause clause-{}">{}</span>').format(
        kind, marked_markdown(text, words, side))


def change_view(index: int, change: Change) -> ChangeView:
    """Render and mark up one change of the differ's report."""
    kind = change.clause_kind
    words = change.words or ()
    old_html = (clause_html(change.old, kind, words, "old")
                if change.old is not None and change.kind != "added" else None)
    new_html = (clause_html(change.new, kind, words, "new")
                if change.new is not None and change.kind != "removed" else None)
    if change.kind == "modified":
        inline = clause_html(change.new or "", kind, words, "inline")
    else:
        inline = new_html if new_html is not None else old_html or Markup("")
    moved_from = None
    if change.moved and change.old_section is not None and tuple(change.old_section) != tuple(change.section):
        moved_from = " › ".join(change.old_section) or "(before the first heading)"
    plain = strip_markup(change.new if change.new is not None else change.old or "")
    return ChangeView(index=index, kind=change.kind, moved=change.moved,
                      clause_kind=change.clause_kind, topics=tuple(change.topics),
                      numbers=tuple(change.numbers), old_html=old_html, new_html=new_html,
                      inline_html=inline, moved_from=moved_from, section=tuple(change.section),
                      preview=plain if len(plain) <= 90 else plain[:89].rstrip() + "…")


def group_sections(views: Iterable[ChangeView]) -> list[SectionView]:
    """Changes in order, grouped into runs that share a section (one heading per run)."""
    groups: list[tuple[tuple[str, ...], list[ChangeView]]] = []
    for view in views:
        if not groups or groups[-1][0] != view.section:
            groups.append((view.section, []))
        groups[-1][1].append(view)
    return [SectionView(path, tuple(items)) for path, items in groups]


def sections(report: DiffReport) -> list[SectionView]:
    """The report's changes in order, grouped into runs that share a section."""
    return group_sections(change_view(i, change) for i, change in enumerate(report.changes, 1))
