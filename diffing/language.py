"""The language of a policy text, detected with py3langid (its model ships in the wheel).

py3langid (BSD, a maintained fork of langid.py) scores byte n-grams with naive Bayes; its
model (4.6 MB, ``py3langid/data/model.npz.xz``) is read from the installed package on
first use (about 0.7 s, once per process), never downloaded. Measured on the corpus
streams (``bench/languages.py``, docs/languages.md): every version right, 98.9% of
paragraphs; a whole text costs about 1.8 ms of CPU (docs/languages.md).

A text's language is a vote of its paragraphs weighted by their letters: the language of
at least ``MAJORITY`` of the letters, or ``None`` (undetermined) for a text too short to
tell (under ``MIN_LETTERS``) or one mixing languages without a clear majority (a
bilingual page). Candidates are the EU's official languages (``CANDIDATES``), so a
Portuguese policy is called ``pt`` even though only ``SUPPORTED`` languages have their own
segmentation, topic and number rules (the others fall back to English rules).
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from functools import lru_cache
from itertools import islice
from typing import Any

SUPPORTED: tuple[str, ...] = ("en", "fr", "de", "es", "it", "nl")
# The EU's official languages that py3langid knows (Irish and Maltese are among its 97).
CANDIDATES: tuple[str, ...] = (
    "en", "fr", "de", "es", "it", "nl", "pt", "pl", "sv", "da", "fi", "cs", "sk", "sl",
    "hu", "ro", "bg", "hr", "el", "et", "lv", "lt", "ga", "mt",
)
NAMES: dict[str, str] = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
    "nl": "Dutch", "pt": "Portuguese", "pl": "Polish", "sv": "Swedish", "da": "Danish",
    "fi": "Finnish", "cs": "Czech", "sk": "Slovak", "sl": "Slovenian", "hu": "Hungarian",
    "ro": "Romanian", "bg": "Bulgarian", "hr": "Croatian", "el": "Greek", "et": "Estonian",
    "lv": "Latvian", "lt": "Lithuanian", "ga": "Irish", "mt": "Maltese",
}
MIN_LETTERS = 200  # below this a page ("Cette page n'existe pas") is too short to call
MAJORITY = 0.6  # share of the letters one language must hold; less is a mixed page
MIN_PARAGRAPH_WORDS = 5  # shorter lines (names, addresses, "Tel.: 040 ...") do not vote
MAX_PARAGRAPHS = 24  # evenly spaced sample (same answers as 120 on the 679 corpus versions, half the CPU)
# py3langid walks every byte in Python: a paragraph is classified on its first characters
# (cut at a word), which name its language as well as the whole; it votes with all its letters.
SAMPLE_CHARS = 600

_LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+|www\.\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# What every _LINK_TARGET match holds: a paragraph without any is not searched.
_LINK_SIGNS = ("](", "://", "www.", "@")
_MARKUP = re.compile(r"[#*_>|`\\\[\]]+")
_RULE_LINE = re.compile(r"^-{3,}$|^={3,}$", re.MULTILINE)
# ASCII bytes that are not letters (an ASCII text's letters are [A-Za-z]).
_ASCII_NOT_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
_PARAGRAPHS = re.compile(r"\n\s*\n")
_NOT_LETTERS = re.compile(r"[\W\d_]+")  # the complement of a letter, [^\W\d_]
_WORD = re.compile(r"[^\W\d_]{2,}")


_LOADING = threading.Lock()


def _identifier() -> Any:
    """py3langid's identifier restricted to ``CANDIDATES``, loaded on first use, once.

    The lock matters: the pipeline refreshes summaries in worker threads, and an unguarded
    first use from 16 checks at once loaded the ~120 MB model once per thread (peak RSS
    560 MB for 6 threads instead of 140 MB).
    """
    with _LOADING:
        return _load_identifier()


@lru_cache(maxsize=1)
def _load_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def classify(text: str) -> str:
    """py3langid's best candidate for one piece of text (no threshold)."""
    return str(_identifier().classify(text)[0])


def _paragraphs(text: str) -> list[str]:
    """The voting paragraphs: an evenly spaced sample of ``MAX_PARAGRAPHS`` of those with
    ``MIN_PARAGRAPH_WORDS`` words, markup and link targets removed (only the sample is
    cleaned, so a long text costs little more than a short one)."""
    # (split(None, n): counting stops at the word that decides)
    candidates = [p for p in _PARAGRAPHS.split(text)
                  if len(p.split(None, MIN_PARAGRAPH_WORDS - 1)) >= MIN_PARAGRAPH_WORDS]
    if len(candidates) > MAX_PARAGRAPHS:
        step = len(candidates) / MAX_PARAGRAPHS
        candidates = [candidates[int(k * step)] for k in range(MAX_PARAGRAPHS)]
    cleaned = (_clean(p) for p in candidates)
    return [p for p in cleaned if _has_words(p, MIN_PARAGRAPH_WORDS)]


def _clean(paragraph: str) -> str:
    """The paragraph's words without link targets and markdown marks, single-spaced."""
    if any(sign in paragraph for sign in _LINK_SIGNS):
        paragraph = _LINK_TARGET.sub(" ", paragraph)
    paragraph = _MARKUP.sub(" ", paragraph)
    if "---" in paragraph or "===" in paragraph:
        paragraph = _RULE_LINE.sub(" ", paragraph)
    return " ".join(paragraph.split())


def _has_words(text: str, count: int) -> bool:
    """Whether ``text`` has ``count`` words, reading only as far as the last of them."""
    return sum(1 for _ in islice(_WORD.finditer(text), count)) >= count


# A diff asks for the languages of both its texts, and a new version is diffed by the
# alert hook and by its summary: a few whole texts are enough (1,024 held up to ~50 MB).
@lru_cache(maxsize=8)
def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or ``None`` when undetermined (see module doc)."""
    paragraphs = _paragraphs(text)
    weights = [_letters(paragraph) for paragraph in paragraphs]
    total = sum(weights)
    if total < MIN_LETTERS:
        return None
    # The vote stops once its answer is certain: a language holds the majority of all the
    # letters, or none can reach it any more. The longest paragraphs vote first.
    votes: Counter[str] = Counter()
    left = total
    for weight, paragraph in sorted(zip(weights, paragraphs), key=lambda pair: -pair[0]):
        votes[classify(_sample(paragraph))] += weight
        left -= weight
        language, letters = votes.most_common(1)[0]
        if letters >= MAJORITY * total:
            return language
        if letters + left < MAJORITY * total:
            return None
    return None


def _letters(text: str) -> int:
    """How many letters (``[^\\W\\d_]``) ``text`` holds: what is left once the runs of
    everything else are removed (a list of every letter cost twice as much); an ASCII text
    (most English ones) is counted on its bytes."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_NOT_LETTERS))
    return len(_NOT_LETTERS.sub("", text))


def _sample(paragraph: str) -> str:
    """The paragraph's first ``SAMPLE_CHARS`` characters, ending at a word boundary."""
    if len(paragraph) <= SAMPLE_CHARS:
        return paragraph
    cut = paragraph.rfind(" ", 0, SAMPLE_CHARS)
    return paragraph[:cut if cut > SAMPLE_CHARS // 2 else SAMPLE_CHARS]


def rules_language(language: str | None) -> str:
    """The language whose segmentation, topic and number rules apply (English by default)."""
    return language if language in SUPPORTED else "en"


def language_name(code: str | None) -> str:
    """English name of a language code: ``French``; ``undetermined`` for ``None``."""
    if code is None:
        return "undetermined"
    return NAMES.get(code, code)
