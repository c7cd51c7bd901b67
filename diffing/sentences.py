"""Sentence splitting of long paragraphs with pysbd, made safe for legal text.

pysbd (rules shipped in its wheel) decides sentence boundaries. Before it runs, spans it
must never cut are masked with same-length placeholders, so the sentences it returns map
back to exact slices of the original text:

* link targets ``](...)``, bare URLs and e-mail addresses (their dots are not stops);
* legal and corporate abbreviations pysbd does not know or mis-splits before a capital:
  ``Cal. Civ. Code``, ``Art. 6(1)(f)``, ``Inc.``, ``U.S.``, ``e.g.``, ``No.``, ``Sec.`` ...

Pieces shorter than ``MIN_WORDS`` words or ``MIN_CHARS`` characters (``(a)``, ``1.``) are
merged into a neighbour so no fragment becomes a clause. Paragraphs shorter than
``SPLIT_FROM_CHARS`` stay whole. Results are cached per paragraph (pysbd costs about 1-2
ms per call and consecutive versions share most paragraphs), and pysbd only sees the
parts of a paragraph that hold a doubtful stop (see ``_plain_chunks``).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pysbd

SPLIT_FROM_CHARS = 120
MIN_WORDS = 4
MIN_CHARS = 25
CACHE_SIZE = 65_536
_RE_CACHE = 8_192

_MASK = "\u2024"  # one-dot leader: same length as ".", not a sentence stop for pysbd
_LINK_TARGET = re.compile(r"\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)")
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>()\[\]]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ABBREVIATION = re.compile(
    r"(?<![\w.])(?:"
    r"[A-Za-z]\.(?:[A-Za-z]\.)+"  # e.g. i.e. U.S. U.K. E.U. U.S.C.
    r"|(?:Inc|Ltd|Corp|Co|Cos|LLC|L\.L\.C|PLC|GmbH|Bros|Pty|Cal|Civ|Proc|Bus|Prof|Gov|Gen"
    r"|Stat|Ann|Rev|Reg|Regs|Pub|Dept|Art|Arts|Sec|Secs|Sect|No|Nos|Para|Paras|Ch|Cl|Sch"
    r"|Pt|Subd|Subsec|Cf|Cp|Approx|Fig|Vol|Ed|Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|viz|Tel|Ph|ca)\."
    r")",
    re.IGNORECASE,
)
_PLAIN_BOUNDARY = re.compile(
    r"(?<![\w.\u2024'-])([a-z]{2,})([.!?])([\"'\u201d\u2019)\]*_]*)(?=\s+[\[(\u201c\"*_]*[A-Z])"
)
_PREPOSITIVE = frozenset(pysbd.languages.Language.get_language_code("en").Abbreviation.PREPOSITIVE_ABBREVIATIONS)
_CLOSER = re.compile(r"[*_]+(?=\s|$)")
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]*_]*\s+\S")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    """One pysbd segmenter, built on first use (never at import)."""
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _pysbd_segment(text: str) -> list[str]:
    """pysbd's sentences of ``text``, with Python's regex cache enlarged meanwhile.

    HACK: pysbd builds a regular expression per abbreviation found in the text and
    compiles it through ``re``'s module cache (512 entries in CPython 3.11). A long
    policy overflows that cache, so every call recompiles hundreds of patterns and costs
    ~10 ms instead of ~1 ms. The limit is raised while pysbd runs and put back after.
    """
    limit = getattr(re, "_MAXCACHE", None)
    if limit is None:
        return _segmenter().segment(text)
    re._MAXCACHE = max(limit, _RE_CACHE)  # type: ignore[attr-defined]
    try:
        return _segmenter().segment(text)
    finally:
        re._MAXCACHE = limit  # type: ignore[attr-defined]


def _mask(text: str) -> str:
    """Replace the dots pysbd must not split on, keeping every offset."""
    chars = list(text)
    for pattern in (_LINK_TARGET, _URL, _ABBREVIATION):
        for match in pattern.finditer(text):
            for i in range(match.start(), match.end()):
                if chars[i] in ".!?":
                    chars[i] = _MASK
    return "".join(chars)


def _spans(masked: str, pieces: list[str]) -> list[tuple[int, int]] | None:
    """Locate pysbd's pieces in the masked text; None if it altered the text."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        start = masked.find(piece, cursor)
        if start < 0:
            return None
        cursor = start + len(piece)
        spans.append((start, cursor))
    return spans


def _reattach_closers(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give a closing ``**`` / ``_`` that pysbd put at the start of a piece back to the
    piece before it (``**Cookies.** We ...`` must not yield a clause ``** We ...``)."""
    fixed = list(spans)
    for k in range(1, len(fixed)):
        start, end = fixed[k]
        closer = _CLOSER.match(text, start, end)
        if closer:
            fixed[k - 1] = (fixed[k - 1][0], closer.end())
            fixed[k] = (closer.end(), end)
    return [(start, end) for start, end in fixed if text[start:end].strip()]


def _too_short(text: str) -> bool:
    return len(text) < MIN_CHARS or len(text.split()) < MIN_WORDS


def _merge_short(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge fragment pieces into the previous piece (or the next, for the first)."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and (_too_short(text[start:end]) or _too_short(text[merged[-1][0]:merged[-1][1]])):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    if len(merged) > 1 and _too_short(text[merged[-1][0]:merged[-1][1]]):
        last = merged.pop()
        merged[-1] = (merged[-1][0], last[1])
    return merged


def _plain_chunks(masked: str) -> list[tuple[int, int]]:
    """Cut at the plain boundaries pysbd always splits on, to give it less text.

    A plain boundary is a lower-case word of two letters or more (not one of pysbd's
    prepositive abbreviations such as ``vs`` or ``gen``), a stop, optional closing quotes
    or brackets, whitespace, then a capital letter. pysbd (about 1-2 ms per call) then
    only sees the chunks that still hold a doubtful stop (numbers, initials, "etc.").
    """
    cuts = [0]
    for match in _PLAIN_BOUNDARY.finditer(masked):
        if match.group(1).lower() not in _PREPOSITIVE:
            cuts.append(match.end(3))
    cuts.append(len(masked))
    chunks = []
    for start, end in zip(cuts, cuts[1:]):
        while start < end and masked[start].isspace():
            start += 1
        while end > start and masked[end - 1].isspace():
            end -= 1
        if start < end:
            chunks.append((start, end))
    return chunks


@lru_cache(maxsize=CACHE_SIZE)
def split_sentences(text: str) -> tuple[str, ...]:
    """Split one paragraph into sentence clauses (a 1-tuple when it stays whole)."""
    stripped = text.strip()
    if len(stripped) < SPLIT_FROM_CHARS:
        return (stripped,) if stripped else ()
    masked = _mask(stripped)
    if _BOUNDARY.search(masked) is None:
        return (stripped,)
    spans: list[tuple[int, int]] = []
    for start, end in _plain_chunks(masked):
        chunk = masked[start:end]
        if _BOUNDARY.search(chunk) is None:
            spans.append((start, end))
            continue
        found = _spans(chunk, _pysbd_segment(chunk))
        if not found:
            spans.append((start, end))
            continue
        spans.extend((start + a, start + b) for a, b in found)
    spans = _reattach_closers(stripped, spans)
    merged = _merge_short(stripped, spans)
    return tuple(stripped[start:end].strip() for start, end in merged)
