"""``text_size``: characters that are not whitespace, the measure of text the rules use;
``word_count``: runs of word characters, what the not-a-policy verdicts count."""

from __future__ import annotations

import re

# The characters str.split() cuts at that are ASCII.
ASCII_BLANKS = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def text_size(text: str) -> int:
    """``len("".join(text.split()))``: an ASCII text (most) is counted on its bytes, without
    building the list of its words."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, ASCII_BLANKS))
    return len("".join(text.split()))


WORD = re.compile(r"\w+")
# ASCII bytes to "w" for a word character ([A-Za-z0-9_], what \w is in ASCII), else " ".
_MARKS = bytes(0x77 if chr(b).isalnum() or b == 0x5F else 0x20 for b in range(128)) \
    + b" " * 128


def word_count(text: str) -> int:
    """``len(WORD.findall(text))``: an ASCII text's runs are counted on a byte map (a
    seventh of the time)."""
    if not text.isascii():
        return len(WORD.findall(text))
    marked = text.encode("ascii").translate(_MARKS)
    return marked.count(b" w") + (marked[:1] == b"w")
