"""Normalisation: the text two clauses must share to be equal in substance.

Two clauses are equal in substance when ``normalize(a.text, a.kind) ==
normalize(b.text, b.kind)``. A version pair whose clauses are all equal in substance is
*formatting-only* and raises no alert. The rules, applied in this order:

1. ``unicode``: NFKC compatibility form (no-break space becomes a space, full-width forms
   become ASCII); zero-width characters and soft hyphens are deleted.
2. ``links``: markdown links and images keep their text and drop their target:
   ``[text](url)`` and ``![text](url)`` become ``text``; ``<https://x>`` becomes
   ``https://x``. A changed link target is therefore not a change.
3. ``html``: inline HTML tags (``<br>``, ``<b>``, ``</span>``) are deleted.
4. ``escapes``: markdown backslash escapes (``1\\.``, ``\\*``) become the bare character.
5. ``emphasis``: emphasis and code markup is deleted: every ``*``, `````, ``~~`` and an
   ``_`` that touches a non-word character (``_x_``, ``__x__``; ``snake_case`` is kept).
6. ``quotes-dashes``: curly and angle quotes become ``'`` or ``"``; hyphen, dash and minus
   variants become ``-``; ``…`` becomes ``...``.
7. ``whitespace``: runs of whitespace become one space, the ends are stripped, and no
   space is kept before ``, . ; : ! ? )`` or after ``(``.
8. ``heading-case``: headings (only) are case-folded: ``PRIVACY POLICY`` equals
   ``Privacy Policy``. Body text keeps its case, as a capitalised term can carry meaning.

List markers (``*``, ``-``, ``1.``), heading markers (``#``, setext underlines) and table
pipes are markup removed by ``diffing.segment`` before the clause text is stored.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

RULES: tuple[str, ...] = (
    "unicode",
    "links",
    "html",
    "escapes",
    "emphasis",
    "quotes-dashes",
    "whitespace",
    "heading-case",
)

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_IMAGE_OR_LINK = re.compile(r"!?\[([^\[\]]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[([^\[\]]*)\]\[[^\[\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^<>\s]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~\"'])")
_EMPHASIS = re.compile(r"[*`]+|~~|(?<!\w)_+|_+(?!\w)")
_QUOTES_DASHES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u2039": "'", "\u203a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
        "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"', "\u2010": "-",
        "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
        "\u2212": "-", "\u2026": "...",
    }
)
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE = re.compile(r" ([,.;:!?)])")
_SPACE_AFTER = re.compile(r"\( ")


@lru_cache(maxsize=131_072)
def strip_markup(text: str) -> str:
    """Apply rules 1-7 (cached: consecutive versions share most clauses): the plain words of a clause, without markdown or typography."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    if "](" in text or "][" in text:
        for _ in range(3):  # nested ``[![img](a)](b)`` needs more than one pass
            new = _REF_LINK.sub(r"\1", _IMAGE_OR_LINK.sub(r"\1", text))
            if new == text:
                break
            text = new
    if "<" in text:
        text = _HTML_TAG.sub(" ", _AUTOLINK.sub(r"\1", text))
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    text = _EMPHASIS.sub("", text).translate(_QUOTES_DASHES)
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_AFTER.sub("(", _SPACE_BEFORE.sub(r"\1", text))


def normalize(text: str, kind: str = "paragraph") -> str:
    """Apply every rule: the substance key of a clause of the given kind."""
    plain = strip_markup(text)
    return plain.casefold() if kind == "heading" else plain
