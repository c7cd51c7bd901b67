"""``text_size``: characters that are not whitespace, the measure of text the rules use;
``word_count``: runs of word characters; ``has_words``: whether a markdown text holds so many
words a reader sees (what the not-a-policy verdicts and the script-shell rule ask)."""

from __future__ import annotations

import re
from itertools import chain

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


LINK_TARGET = re.compile(r"\]\([^)]*\)")      # markdown's ](target) of a link or an image
COUNT_CHUNK = 2048      # characters counted at a time (a policy has its words in the first)


def has_words(text: str, least: int, *, after_first_line: bool = False) -> bool:
    """Whether ``text`` (markdown) holds ``least`` words (``WORD``) outside its link targets,
    after its first line (ending at the first newline outside a target) when asked, counted
    between the targets a chunk at a time and only as far as needed."""
    count = 0
    pos = 0
    first_line = after_first_line
    for target in chain(LINK_TARGET.finditer(text), (None,)):
        end = target.start() if target is not None else len(text)
        if first_line:
            newline = text.find("\n", pos, end)
            if newline >= 0:
                first_line = False
                pos = newline + 1
        # A target's "](" and ")" are not word characters, nor is the space a chunk is cut
        # at: no word runs across either.
        while not first_line and pos < end:
            cut = text.find(" ", pos + COUNT_CHUNK, end) if end - pos > COUNT_CHUNK else -1
            stop = end if cut < 0 else cut
            count += word_count(text[pos:stop])
            if count >= least:
                return True
            pos = stop
        if target is None:
            return False
        pos = target.end()
    return False
