"""The diff page's view model: the differ's changes grouped by section, with escaped word marks.

Every piece of policy text goes through ``markupsafe.escape`` before it is wrapped in
``<ins>``/``<del>``, so the fragments are safe to insert into templates as markup.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from policywatch.headlines import headline_html, headline_text

__all__ = ["ChangeView", "SectionView", "change_view", "headline_html", "headline_text", "sections"]

if TYPE_CHECKING:
    from diffing import Change, DiffReport


# Screen readers say nothing about <ins>/<del> by default: visually hidden words say it.
INS = Markup('<ins><span class="sr-only">[added: </span>{}<span class="sr-only">]</span></ins>')
DEL = Markup('<del><span class="sr-only">[removed: </span>{}<span class="sr-only">]</span></del>')


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


@dataclass(frozen=True)
class SectionView:
    """Consecutive changes under one section heading path."""

    path: tuple[str, ...]
    changes: tuple[ChangeView, ...]

    @property
    def title(self) -> str:
        return " › ".join(self.path) if self.path else "(before the first heading)"


def _marked(ops: Iterable[tuple[str, str]], keep: set[str]) -> Markup:
    out = []
    for op, text in ops:
        if op not in keep:
            continue
        if op == "+":
            out.append(INS.format(text))
        elif op == "-":
            out.append(DEL.format(text))
        else:
            out.append(escape(text))
    return Markup("").join(out)


def change_view(index: int, change: Change) -> ChangeView:
    """Escape and mark up one change of the differ's report."""
    words = change.words or ()
    if change.kind == "added":
        old_html, new_html = None, INS.format(change.new or "")
        inline = new_html
    elif change.kind == "removed":
        old_html, new_html = DEL.format(change.old or ""), None
        inline = old_html
    elif words and change.kind == "modified":
        old_html, new_html = _marked(words, {"=", "-"}), _marked(words, {"=", "+"})
        inline = _marked(words, {"=", "-", "+"})
    else:  # moved without edits: the same text on both sides
        old_html, new_html = escape(change.old or ""), escape(change.new or change.old or "")
        inline = new_html
    moved_from = None
    if change.moved and change.old_section is not None and tuple(change.old_section) != tuple(change.section):
        moved_from = " › ".join(change.old_section) or "(before the first heading)"
    return ChangeView(index=index, kind=change.kind, moved=change.moved,
                      clause_kind=change.clause_kind, topics=tuple(change.topics),
                      numbers=tuple(change.numbers), old_html=old_html, new_html=new_html,
                      inline_html=inline, moved_from=moved_from)


def sections(report: DiffReport) -> list[SectionView]:
    """The report's changes in order, grouped into runs that share a section."""
    groups: list[tuple[tuple[str, ...], list[ChangeView]]] = []
    for i, change in enumerate(report.changes, 1):
        path = tuple(change.section)
        if not groups or groups[-1][0] != path:
            groups.append((path, []))
        groups[-1][1].append(change_view(i, change))
    return [SectionView(path, tuple(views)) for path, views in groups]

