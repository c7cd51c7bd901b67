"""Plain-text bodies (``text/plain`` policies): paragraphs from blank lines, no wrapping."""

from __future__ import annotations

import re

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")
SPACES = re.compile(r"[ \t\r\f\v]+")
BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,3}[.)])\s+")
MAX_TITLE_CHARS = 120


def text_to_markdown(text: str) -> tuple[str, str]:
    """Return ``(title, markdown body)``: the first short line is the title."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    blocks: list[str] = []
    for chunk in PARAGRAPH_BREAK.split(text):
        lines = [SPACES.sub(" ", ln).strip() for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        if all(BULLET.match(ln) for ln in lines):
            blocks.append("\n".join("  * " + BULLET.sub("", ln) for ln in lines))
        else:
            blocks.append(" ".join(lines))
    title = ""
    if blocks and len(blocks[0]) <= MAX_TITLE_CHARS and "\n" not in blocks[0]:
        title = blocks.pop(0)
    return title, "\n\n".join(blocks)
