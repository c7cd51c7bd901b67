"""Segmentation: seed-style markdown into clauses with their section path.

Blocks are recognised line by line: ATX (``#``) and setext (``===``/``---``) headings, a
paragraph made only of bold text (``**7. Security**``; the seeds' way to write headings),
list items (``*``, ``-``, ``+``, ``•``, ``1.``, ``1)``) with their continuation lines,
pipe-table rows (separator rows dropped) and paragraphs. Horizontal rules, blank or
markup-only blocks and the seed header (a first block quote starting ``> *The following
text``) are skipped. Paragraphs and list items of ``SPLIT_FROM_CHARS`` characters or more
are split into sentences (``diffing.sentences``). A clause's section is the chain of
headings above it (plain text); bold-only headings rank below every ``#`` level.

Segmenting one version *against* another (``segment(old, against=new)``, what the differ
does) keeps whole every long paragraph or list item whose text, equal in substance
(``diffing.normalize``), is a paragraph or list item of the other version as often as of
this one: it is unchanged, so its sentences need no separate view, and sentence splitting
(pysbd, the costly step) runs only on the paragraphs that changed. A one-sentence edit inside a long
paragraph still splits that paragraph on both sides and is reported at sentence level.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from diffing.language import rules_language
from diffing.models import Clause, ClauseKind
from diffing.normalize import normalize, strip_markup
from diffing.sentences import SPLIT_FROM_CHARS, split_sentences

HEADER_PREFIX = "> *The following text"
BOLD_HEADING_MAX_CHARS = 150
_BOLD_LEVEL = 7

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LIST_ITEM = re.compile(r"^([ \t]*)(?:[*+\-\u2022\u00b7\u25aa\u25e6\u25cf]|\d{1,3}[.)])[ \t]+(\S.*)$")
_TABLE_SEPARATOR = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
_BOLD_ONLY = re.compile(r"^(\*\*|__)(?!\s)(.+?)(?<!\s)\1[ \t]*:?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Block:
    """A block of markdown before sentence splitting."""

    kind: ClauseKind
    text: str
    level: int = 0  # heading level; 0 for other kinds


def _strip_header(lines: list[str]) -> list[str]:
    """Drop the seed header block quote if the text starts with it."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start < len(lines) and lines[start].lstrip().startswith(HEADER_PREFIX):
        end = start
        while end < len(lines) and lines[end].strip():
            end += 1
        return lines[end:]
    return lines


def _is_table_row(line: str) -> bool:
    return line.lstrip().startswith("|") and line.count("|") >= 2


def _table_text(line: str) -> str:
    cells = [cell.strip() for cell in _CELL_SPLIT.split(line.strip())]
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return " | ".join(cells)


def blocks(markdown: str) -> Iterator[Block]:
    """Yield the blocks of a markdown text, in order."""
    lines = _strip_header(markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    buffer: list[str] = []
    buffer_kind: ClauseKind = "paragraph"
    in_table = False

    def flush() -> Iterator[Block]:
        nonlocal buffer
        if buffer:
            text = " ".join(part.strip() for part in buffer).strip()
            buffer = []
            if text:
                bold = _BOLD_ONLY.match(text) if buffer_kind == "paragraph" else None
                if bold and len(text) <= BOLD_HEADING_MAX_CHARS:
                    yield Block("heading", text, _BOLD_LEVEL)
                else:
                    yield Block(buffer_kind, text)

    for index, line in enumerate(lines):
        if not line.strip():
            yield from flush()
            in_table = False
            continue
        if in_table or _is_table_row(line) or (
            "|" in line and index + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[index + 1])
            and "-" in lines[index + 1]
        ):
            if not in_table:
                yield from flush()
                in_table = True
            if "|" in line and not (_TABLE_SEPARATOR.match(line) and "-" in line):
                text = _table_text(line)
                if text.strip(" |"):
                    yield Block("table-row", text)
            continue
        atx = _ATX.match(line)
        if atx:
            yield from flush()
            yield Block("heading", atx.group(2) or "", len(atx.group(1)))
            continue
        setext = _SETEXT.match(line)
        if setext and buffer and buffer_kind == "paragraph":
            text = " ".join(part.strip() for part in buffer)
            buffer = []
            yield Block("heading", text, 1 if setext.group(1)[0] == "=" else 2)
            continue
        if _RULE.match(line) or setext:
            yield from flush()
            continue
        item = _LIST_ITEM.match(line)
        if item:
            yield from flush()
            buffer_kind = "list-item"
            buffer = [item.group(2)]
            continue
        if not buffer:
            buffer_kind = "paragraph"
        buffer.append(line)
    yield from flush()


def _splits(block: Block) -> bool:
    """True for a block that ``segment`` would cut into sentences."""
    return block.kind in ("paragraph", "list-item") and len(block.text.strip()) >= SPLIT_FROM_CHARS


def _substance(block: Block) -> str:
    return normalize(block.text, block.kind)


def shared_texts(mine: Sequence[Block], theirs: Sequence[Block]) -> frozenset[str]:
    """Substance keys of the long body blocks that ``mine`` and ``theirs`` hold equally often.

    A text held a different number of times (one of two copies edited or dropped) is not
    shared: its copies are split on both sides, so the edited copy's sentences still meet
    the unchanged sentences of the other copies.
    """
    counts = Counter(_substance(block) for block in mine if _splits(block))
    if not counts:
        return frozenset()
    theirs_counts = Counter(key for key in (_substance(block) for block in theirs if _splits(block)) if key in counts)
    return frozenset(key for key, n in theirs_counts.items() if counts[key] == n)


def clauses_of(parsed: Iterable[Block], keep_whole: frozenset[str] = frozenset(),
               language: str = "en") -> list[Clause]:
    """Clauses of parsed blocks; long body blocks whose substance key is in ``keep_whole``
    are not split into sentences; others are split with ``language``'s rules."""
    clauses: list[Clause] = []
    stack: list[tuple[int, str]] = []
    for block in parsed:
        plain = strip_markup(block.text)
        if not plain:
            continue
        if block.kind == "heading":
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            clauses.append(Clause(tuple(title for _, title in stack), "heading", block.text))
            stack.append((block.level, plain))
            continue
        section = tuple(title for _, title in stack)
        if block.kind == "table-row" or (keep_whole and _splits(block) and _substance(block) in keep_whole):
            clauses.append(Clause(section, block.kind, block.text.strip()))
            continue
        for sentence in split_sentences(block.text, language):
            if strip_markup(sentence):
                clauses.append(Clause(section, block.kind, sentence))
    return clauses


def segment(markdown: str, *, against: str | None = None, language: str = "en") -> list[Clause]:
    """Split a seed-style markdown text into clauses (header line ignored).

    ``language`` picks the sentence rules (``diffing.sentences``; one of
    ``diffing.language.SUPPORTED``, others fall back to English).

    With ``against`` (the other version of a pair), long paragraphs and list items that
    version also holds, equal in substance, stay whole: the clause list ``diff_texts``
    reports positions in (see the module docstring).
    """
    language = rules_language(language)
    parsed = list(blocks(markdown))
    if against is None:
        return clauses_of(parsed, language=language)
    return clauses_of(parsed, shared_texts(parsed, list(blocks(against))), language)


def segment_pair(old: str, new: str, *, language: str = "en") -> tuple[list[Clause], list[Clause]]:
    """``(segment(old, against=new), segment(new, against=old))``, each text parsed once."""
    language = rules_language(language)
    old_blocks, new_blocks = list(blocks(old)), list(blocks(new))
    shared = shared_texts(old_blocks, new_blocks)
    return clauses_of(old_blocks, shared, language), clauses_of(new_blocks, shared, language)


def body_text(markdown: str) -> str:
    """The text without the seed header, line endings unified, ends stripped."""
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_strip_header(lines)).strip()
