"""The new version's clauses in reading order, each either unchanged or one reported change.

``document_parts(old, new, report)`` lays the report of ``diff_texts(old, new)`` over the
new text: every clause of the new version (unchanged, modified, moved or added) in its
place, and each removed clause where it stood, before the next clause it preceded in the
old version. A diff page shows unchanged clauses around changes (context) or the whole
document with its changes highlighted from these parts.

Unreported clause pairs are increasing on both sides (the differ reports every pair off
its order-preserving chain), so the k-th unchanged old clause is the k-th unchanged new
clause: that is how a removed clause finds its place without re-running the alignment.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from diffing.language import rules_language
from diffing.models import Clause, DiffReport
from diffing.segment import segment_pair


@dataclass(frozen=True)
class DocumentPart:
    """One clause in reading order; ``change`` is its index in ``report.changes`` (None when unchanged)."""

    clause: Clause
    change: int | None


def parts_of(old_clauses: Sequence[Clause], new_clauses: Sequence[Clause],
             report: DiffReport) -> list[DocumentPart]:
    """Parts from the clause lists the report's indices point into."""
    changed_old = {c.old_index for c in report.changes if c.old_index is not None}
    changed_new = {c.new_index for c in report.changes if c.new_index is not None}
    same_old = [i for i in range(len(old_clauses)) if i not in changed_old]
    same_new = [j for j in range(len(new_clauses)) if j not in changed_new]
    placed: list[tuple[tuple[int, int, int], DocumentPart]] = [
        ((j, 1, 0), DocumentPart(new_clauses[j], None)) for j in same_new]
    for index, change in enumerate(report.changes):
        if change.new_index is not None:
            placed.append(((change.new_index, 1, 0), DocumentPart(new_clauses[change.new_index], index)))
        elif change.old_index is not None:
            k = bisect_right(same_old, change.old_index)
            before = same_new[k] if k < len(same_new) else len(new_clauses)
            placed.append(((before, 0, change.old_index), DocumentPart(old_clauses[change.old_index], index)))
    placed.sort(key=lambda item: item[0])
    return [part for _, part in placed]


def document_parts(old: str, new: str, report: DiffReport) -> list[DocumentPart]:
    """Parts of ``report = diff_texts(old, new)`` (segmented again, with the report's language)."""
    if report.language_changed:
        return []
    language = rules_language(report.new_language or report.old_language)
    old_clauses, new_clauses = segment_pair(old, new, language=language)
    return parts_of(old_clauses, new_clauses, report)
