"""Numbers and durations in a clause, and which of them a modification changed.

A mention is a number (digits, with separators, or a number word up to twenty, thirty,
sixty, ninety, hundred), optionally in parentheses after a word (``thirty (30)``), with
a currency sign before it or a unit after it: time units (``days``, ``months``, ``years``
...), ``%``, ``percent``, age (``years old``). Dates (``January 1, 2024``,
``2024-01-31``, ``1/31/2024``) are mentions too, so a changed effective date is reported.
"""

from __future__ import annotations

import difflib
import re

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|forty-five|fifty|"
    r"sixty|ninety|hundred|a hundred|one hundred"
)
_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_UNITS = (
    r"years old|years of age|seconds?|minutes?|hours?|days?|business days?|calendar days?|weeks?|months?|years?|"
    r"decades?|percent|per cent|%|times"
)
_MONTHS = (
    r"January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?"
)
_MENTION = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"  # 2024-01-31, 1/31/2024
    rf"(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # January 1, 2024
    rf"|\d{{1,2}}\s+(?:{_MONTHS})\s+\d{{4}}"  # 1 January 2024
    rf"|[$€£]\s?{_NUM}(?:\s?(?:million|billion|k)\b)?"  # $5,000
    rf"|\b(?:(?:{_NUMBER_WORDS})\s*\({_NUM}\)|(?:{_NUMBER_WORDS})|{_NUM})"
    rf"(?:\s*(?:-|to)\s*{_NUM})?\s*(?:{_UNITS})(?!\w)"  # 30 days, thirty (30) days, 12-24 months
    r"|\b\d+(?:\.\d+){2,}\b"  # section numbers such as 3.3.5, kept whole
    rf"|\b{_NUM}\b",  # any other number
    re.IGNORECASE,
)


def mentions(text: str) -> list[str]:
    """Numbers, amounts, durations and dates in ``text``, in order, whitespace-collapsed."""
    return [" ".join(match.group(0).split()) for match in _MENTION.finditer(text)]


def changed_numbers(old: str, new: str) -> tuple[tuple[str | None, str | None], ...]:
    """Pairs ``(old, new)`` of mentions that differ; ``None`` for one added or removed."""
    before, after = mentions(old), mentions(new)
    if before == after:
        return ()
    pairs: list[tuple[str | None, str | None]] = []
    matcher = difflib.SequenceMatcher(None, [m.lower() for m in before], [m.lower() for m in after], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        olds, news = before[i1:i2], after[j1:j2]
        for k in range(max(len(olds), len(news))):
            pairs.append((olds[k] if k < len(olds) else None, news[k] if k < len(news) else None))
    return tuple(pairs)
