"""The diff report: its JSON schema, one-line summary and the inverse operation.

``DiffReport.to_dict()`` returns::

    {
      "from": {...old_meta},                 # caller's metadata, copied as given
      "to": {...new_meta},
      "formatting_only": bool,               # texts differ, but only in formatting
      "identical": bool,                     # texts equal (seed header ignored)
      "summary": {"added": n, "removed": n, "modified": n, "moved": n,
                  "topics": {topic: n}},     # changes touching each topic, most first
      "clauses": {"old": n, "new": n},       # clause counts of both versions
      "languages": {"old": code | null, "new": code | null},  # ISO 639-1, null: undetermined
      "language_changed": bool,              # both known and different: no clause changes
      "changes": [                           # in reading order of the new version
        {"kind": "added" | "removed" | "modified" | "moved",
         "section": [heading, ...],          # where the clause is (removed: where it was)
         "old": str | null, "new": str | null,   # clause markdown on each side
         "moved": bool,                      # true for moved, and modified-and-moved
         "words": [[op, text], ...],         # op "=", "+", "-"; word-boundary spans
         "topics": [slug, ...],              # diffing.topics.TOPICS
         "numbers": [[old | null, new | null], ...],  # changed numbers/durations
         "clause_kind": "heading" | "paragraph" | "list-item" | "table-row",
         "old_section": [heading, ...] | null,        # modified/moved: section before
         "old_index": int | null, "new_index": int | null}  # positions in the clause lists
      ]                                      # segment(old, against=new) / segment(new, against=old)
    }

``apply_changes(segment(old, against=new), report)`` rebuilds ``segment(new,
against=old)`` in substance (every clause equal under ``diffing.normalize``): the report
is complete. Those are the lists the differ compares: each version's clauses, except that
a long paragraph both versions hold (equal in substance) stays one clause instead of its
sentences. Without ``against`` (``segment(text)``) every long paragraph is split; when no
long paragraph is shared the lists are the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from diffing.errors import InconsistentReportError
from diffing.language import language_name
from diffing.models import Clause, DiffReport

SCHEMA_KEYS: tuple[str, ...] = ("from", "to", "formatting_only", "identical", "summary", "clauses", "languages",
                                 "language_changed", "changes")
CHANGE_KEYS: tuple[str, ...] = (
    "kind", "section", "old", "new", "moved", "words", "topics", "numbers",
    "clause_kind", "old_section", "old_index", "new_index",
)


def summary_line(report: DiffReport) -> str:
    """``+3 -1 ~4 >1`` (added, removed, modified, moved), ``formatting-only``, ``no change``
    or ``language changed: English -> French``."""
    if report.language_changed:
        return f"language changed: {language_name(report.old_language)} -> {language_name(report.new_language)}"
    if not report.changes:
        return "formatting-only" if report.formatting_only else "no change"
    s = report.summary
    parts = [f"+{s.added}", f"-{s.removed}", f"~{s.modified}", f">{s.moved}"]
    return " ".join(part for part in parts if part[1:] != "0")


def apply_changes(old_clauses: Sequence[Clause], report: DiffReport) -> list[Clause]:
    """Apply the report's changes to the old clause list; returns the new clause list.

    ``old_clauses`` is ``segment(old, against=new)``, the list the report's indices refer
    to; the result equals ``segment(new, against=old)`` in substance.

    Unchanged clauses keep their old text (equal in substance to the new one); removed,
    moved and modified clauses leave their old position; added, moved and modified
    clauses are put at their new position. Raises ``InconsistentReportError`` when the
    clause list is not the one the report was computed from.
    """
    if len(old_clauses) != report.old_count:
        raise InconsistentReportError(len(old_clauses), f"expected {report.old_count} old clauses")
    leaving: set[int] = set()
    arriving: dict[int, Clause] = {}
    for change in report.changes:
        if change.kind != "added":
            if change.old_index is None or not 0 <= change.old_index < len(old_clauses):
                raise InconsistentReportError(change.old_index or -1, f"{change.kind} without old position")
            leaving.add(change.old_index)
        if change.kind != "removed":
            if change.new_index is None or change.new is None:
                raise InconsistentReportError(change.new_index or -1, f"{change.kind} without new position")
            arriving[change.new_index] = Clause(change.section, change.clause_kind, change.new)
    kept = iter([clause for index, clause in enumerate(old_clauses) if index not in leaving])
    result: list[Clause] = []
    for position in range(report.new_count):
        if position in arriving:
            result.append(arriving[position])
            continue
        clause = next(kept, None)
        if clause is None:
            raise InconsistentReportError(position, "ran out of unchanged clauses")
        result.append(clause)
    if next(kept, None) is not None:
        raise InconsistentReportError(report.new_count, "unchanged clauses left over")
    return result
