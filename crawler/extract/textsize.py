"""``text_size``: characters that are not whitespace, the measure of text the rules use."""

from __future__ import annotations

# The characters str.split() cuts at that are ASCII.
ASCII_BLANKS = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def text_size(text: str) -> int:
    """``len("".join(text.split()))``: an ASCII text (most) is counted on its bytes, without
    building the list of its words."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, ASCII_BLANKS))
    return len("".join(text.split()))
