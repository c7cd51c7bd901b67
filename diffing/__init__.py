"""Clause-level differ for privacy policies: segmentation, alignment, word diffs, topics.

Self-contained: imports nothing of ``crawler``, ``storage`` or ``policywatch``.
"""

from diffing.differ import diff_clauses, diff_texts
from diffing.document import DocumentPart, document_parts
from diffing.language import detect_language, language_name
from diffing.errors import DiffingError, InconsistentReportError, InvalidTextError, UnknownFormatError
from diffing.models import Change, Clause, DiffOptions, DiffReport, Summary
from diffing.normalize import normalize
from diffing.renderers import FORMATS, render
from diffing.report import apply_changes, summary_line
from diffing.segment import segment
from diffing.topics import TOPICS, tag_topics, topic_label

__all__ = [
    "FORMATS",
    "TOPICS",
    "Change",
    "Clause",
    "DiffOptions",
    "DiffReport",
    "DiffingError",
    "DocumentPart",
    "InconsistentReportError",
    "InvalidTextError",
    "Summary",
    "UnknownFormatError",
    "apply_changes",
    "detect_language",
    "diff_clauses",
    "diff_texts",
    "document_parts",
    "language_name",
    "normalize",
    "render",
    "segment",
    "summary_line",
    "tag_topics",
    "topic_label",
]
