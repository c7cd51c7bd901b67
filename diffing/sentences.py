"""Sentence splitting of long paragraphs with pysbd, made safe for legal text.

pysbd (rules shipped in its wheel) decides sentence boundaries. Before it runs, spans it
must never cut are masked with same-length placeholders, so the sentences it returns map
back to exact slices of the original text:

* link targets ``](...)``, bare URLs and e-mail addresses (their dots are not stops);
* legal and corporate abbreviations pysbd does not know or mis-splits before a capital:
  ``Cal. Civ. Code``, ``Art. 6(1)(f)``, ``Inc.``, ``U.S.``, ``e.g.``, ``No.``, ``Sec.`` ...
  and, per language (``LANGUAGE_ABBREVIATIONS``), ``gem. Art. 6 Abs. 1 lit. f``,
  ``z. B.``, ``ggf.``, ``l'art. 6``, ``cf.``, ``p. ex.``, ``p. ej.``, ``ad es.``,
  ``d.lgs.``, ``bijv.``, ``nr.``; German ordinals (``am 25. Mai 2018``) too.

Each language uses its own pysbd rules (``split_sentences(text, "de")``).

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
_COMMON_ABBREVIATIONS = (
    r"Inc|Ltd|Corp|Co|Cos|LLC|L\.L\.C|PLC|GmbH|Bros|Pty|Cal|Civ|Proc|Bus|Prof|Gov|Gen"
    r"|Stat|Ann|Rev|Reg|Regs|Pub|Dept|Art|Arts|Sec|Secs|Sect|No|Nos|Para|Paras|Ch|Cl|Sch"
    r"|Pt|Subd|Subsec|Cf|Cp|Approx|Fig|Vol|Ed|Mr|Mrs|Ms|Dr|St|Jr|Sr|vs|viz|Tel|Ph|ca"
)
# Legal and everyday abbreviations of each language that pysbd splits after (measured:
# pysbd cuts "gem. Art. 6 Abs. 1 lit. f DSGVO" into four pieces, "l'art. 6", "p. ex."
# and "il n. 3" in two). Spaced forms ("z. B.", "p. ex.", "d. h.") are written with
# ``\s?`` between their letters; matching is case-insensitive.
LANGUAGE_ABBREVIATIONS: dict[str, str] = {
    "en": "",
    "de": (
        r"z\.\s?B|d\.\s?h|u\.\s?a|u\.\s?U|i\.\s?V\.\s?m|i\.\s?S\.\s?d|i\.\s?d\.\s?R|z\.\s?T|o\.\s?[\u00e4a]|s\.\s?o"
        r"|s\.\s?u|e\.\s?V|ggf|gem|gem\u00e4\u00df|Abs|Art|Artt|Nr|Nrn|bzw|inkl|exkl|evtl|vgl|usw|sog|lit|Buchst"
        r"|Ziff|bspw|insb|einschl|zzgl|max|min|mind|Std|Mio|Mrd|Str|Tel|Fax|Hr|Hrn|Fr|S|Bd|Aufl|Kap"
        r"|Anm|Abschn|UAbs|Unterabs|Verf|Verordn|Gesch\u00e4ftsf|Hs|Halbs|ca|Co|KG|AG"
    ),
    "fr": (
        r"p\.\s?ex|c\.-\u00e0-d|c\.\s?\u00e0\s?d|cf|art|arts|al|chap|sect|env|\u00e9d|t\u00e9l|av|bd"
        r"|M|MM|Mme|Mlle|Me|Dr|S\.A\.S|S\.A\.R\.L|S\.A|no|n\u00b0s?|p|pp|vol|min|max|Cass|civ|r\u00e8gl"
    ),
    "es": (
        r"p\.\s?ej|art|arts|n\u00fam|n\.\u00ba|apdo|aptdo|p\u00e1g|p\u00e1gs|etc|Sr|Sra|Srta|Ud|Uds|Vd|Vds|D|D\u00f1a"
        r"|S\.A|S\.L|S\.L\.U|cf|tel|ej|vid|cap|secc|p|pp|aprox|m\u00e1x|m\u00edn"
    ),
    "it": (
        r"ad\s?es|p\.\s?es|art|artt|lett|co|c|n|nn|es|ecc|pag|pagg|cfr|sig|sigg|dott|avv|prof|ing"
        r"|S\.p\.A|S\.r\.l|d\.\s?lgs|d\.\s?l|l|reg|par|cap|sez|tel|min|max|ss|segg|ca"
    ),
    "nl": (
        r"bijv|bv|b\.\s?v|o\.\s?a|e\.\s?d|d\.\s?w\.\s?z|i\.\s?v\.\s?m|m\.\s?b\.\s?t|t\.\s?a\.\s?v|m\.\s?u\.\s?v|n\.\s?a\.\s?v"
        r"|B\.V|N\.V|art|artt|nr|nrs|enz|zgn|incl|excl|ca|resp|jo|tel|blz|hfst|par|min|max|mr|dhr|mevr"
    ),
}


@lru_cache(maxsize=None)
def _abbreviation(language: str) -> re.Pattern[str]:
    """Abbreviations whose dots are not stops in ``language`` (English ones in every language)."""
    own = LANGUAGE_ABBREVIATIONS.get(language, "")
    return re.compile(
        r"(?<![\w.])(?:"
        r"[A-Za-z]\.(?:[A-Za-z]\.)+"  # e.g. i.e. U.S. U.K. E.U. U.S.C.
        rf"|(?:{own + '|' if own else ''}{_COMMON_ABBREVIATIONS})\."
        r")",
        re.IGNORECASE,
    )


_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_PLAIN_BOUNDARY = re.compile(
    rf"(?<![\w.\u2024'-])([{_LOWER}]{{2,}})([.!?])([\"'\u201d\u2019\u00bb)\]*_]*)(?=\s+[\[(\u201c\u201e\u00ab\"*_]*[{_UPPER}])"
)


@lru_cache(maxsize=None)
def _prepositive(language: str) -> frozenset[str]:
    """pysbd's prepositive abbreviations of ``language`` (``vs``, ``gen``): never plain stops."""
    rules = pysbd.languages.Language.get_language_code(language).Abbreviation
    return frozenset(getattr(rules, "PREPOSITIVE_ABBREVIATIONS", ()))


# German ordinals ("am 25. Mai 2018", "ab dem 16. Lebensjahr", "1. Januar"): a number of one
# or two digits with a stop before a capitalised word is an ordinal, not a sentence end.
_GERMAN_ORDINAL = re.compile(rf"(?<![\d.,])\d{{1,2}}\.(?=[ \u00a0][{_UPPER}])")
_CLOSER = re.compile(r"[*_]+(?=\s|$)")
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]*_]*\s+\S")


@lru_cache(maxsize=None)
def _segmenter(language: str) -> pysbd.Segmenter:
    """One pysbd segmenter per language, built on first use (never at import)."""
    return pysbd.Segmenter(language=language, clean=False, char_span=False)


def _pysbd_segment(text: str, language: str) -> list[str]:
    """pysbd's sentences of ``text``, with Python's regex cache enlarged meanwhile.

    HACK: pysbd builds a regular expression per abbreviation found in the text and
    compiles it through ``re``'s module cache (512 entries in CPython 3.11). A long
    policy overflows that cache, so every call recompiles hundreds of patterns and costs
    ~10 ms instead of ~1 ms. The limit is raised while pysbd runs and put back after.
    """
    limit = getattr(re, "_MAXCACHE", None)
    if limit is None:
        return _segmenter(language).segment(text)
    re._MAXCACHE = max(limit, _RE_CACHE)  # type: ignore[attr-defined]
    try:
        return _segmenter(language).segment(text)
    finally:
        re._MAXCACHE = limit  # type: ignore[attr-defined]


def _mask(text: str, language: str = "en") -> str:
    """Replace the dots pysbd must not split on, keeping every offset."""
    chars = list(text)
    patterns = [_LINK_TARGET, _URL, _abbreviation(language)]
    if language == "de":
        patterns.append(_GERMAN_ORDINAL)
    for pattern in patterns:
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


def _plain_chunks(masked: str, language: str = "en") -> list[tuple[int, int]]:
    """Cut at the plain boundaries pysbd always splits on, to give it less text.

    A plain boundary is a lower-case word of two letters or more (not one of pysbd's
    prepositive abbreviations such as ``vs`` or ``gen``), a stop, optional closing quotes
    or brackets, whitespace, then a capital letter. pysbd (about 1-2 ms per call) then
    only sees the chunks that still hold a doubtful stop (numbers, initials, "etc.").
    """
    cuts = [0]
    for match in _PLAIN_BOUNDARY.finditer(masked):
        if match.group(1).lower() not in _prepositive(language):
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
def split_sentences(text: str, language: str = "en") -> tuple[str, ...]:
    """Split one paragraph into sentence clauses (a 1-tuple when it stays whole).

    ``language`` is one of ``diffing.language.SUPPORTED`` (its pysbd rules and legal
    abbreviations); callers map other languages to ``"en"`` (``rules_language``).
    """
    stripped = text.strip()
    if len(stripped) < SPLIT_FROM_CHARS:
        return (stripped,) if stripped else ()
    masked = _mask(stripped, language)
    if _BOUNDARY.search(masked) is None:
        return (stripped,)
    spans: list[tuple[int, int]] = []
    for start, end in _plain_chunks(masked, language):
        chunk = masked[start:end]
        if _BOUNDARY.search(chunk) is None:
            spans.append((start, end))
            continue
        found = _spans(chunk, _pysbd_segment(chunk, language))
        if not found:
            spans.append((start, end))
            continue
        spans.extend((start + a, start + b) for a, b in found)
    spans = _reattach_closers(stripped, spans)
    merged = _merge_short(stripped, spans)
    return tuple(stripped[start:end].strip() for start, end in merged)
