"""Word-level view of one modified clause, with fast-diff-match-patch.

Each distinct token (a word, a run of spaces or one punctuation mark) is encoded as one
code point, the two code-point strings are diffed with semantic cleanup, and the result is
decoded back, so every added or removed span starts and ends on a word boundary.
"""

from __future__ import annotations

import re

import fast_diff_match_patch

from diffing.models import WordOp

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def _codepoint(index: int) -> str:
    """The index-th code point usable as a token stand-in (surrogates skipped)."""
    point = 0x100 + index
    if point >= 0xD800:
        point += 0x800
    return chr(point)


def word_diff(old: str, new: str, *, timeout: float = 0.5) -> tuple[WordOp, ...]:
    """``(op, text)`` spans turning ``old`` into ``new``; op is ``=``, ``-`` or ``+``."""
    old_tokens = _TOKEN.findall(old)
    new_tokens = _TOKEN.findall(new)
    vocabulary: dict[str, str] = {}
    for token in (*old_tokens, *new_tokens):
        if token not in vocabulary:
            vocabulary[token] = _codepoint(len(vocabulary))
    encoded_old = "".join(vocabulary[t] for t in old_tokens)
    encoded_new = "".join(vocabulary[t] for t in new_tokens)
    ops = fast_diff_match_patch.diff(
        encoded_old, encoded_new, timelimit=timeout, cleanup="Semantic", counts_only=True
    )
    spans: list[WordOp] = []
    i = j = 0
    for op, count in ops:
        if op == "=":
            text = "".join(old_tokens[i:i + count])
            i += count
            j += count
        elif op == "-":
            text = "".join(old_tokens[i:i + count])
            i += count
        else:
            text = "".join(new_tokens[j:j + count])
            j += count
        if spans and spans[-1][0] == op:
            spans[-1] = (op, spans[-1][1] + text)
        elif text:
            spans.append((op, text))
    return tuple(spans)
