"""The language vote's shortcuts give what the plain patterns give."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from diffing import language as L

MARKUP = re.compile(r"[#*_>|`\\\[\]]+|^-{3,}$|^={3,}$", re.MULTILINE)
NOT_LETTERS = re.compile(r"[\W\d_]+")
PIECES = ["word", "Été", " ", "\n", "---", "===", "*", "#", "](", ")", "[", "@", "x@y.eu",
          "https://a.example/p", "www.b.example", "|", "`", "_", "-", "ß", "7", "\u00a0"]


@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_cleaning_matches_the_plain_patterns(paragraph: str) -> None:
    plain = " ".join(MARKUP.sub(" ", L._LINK_TARGET.sub(" ", paragraph)).split())
    assert L._clean(paragraph) == plain


@given(st.text(alphabet=st.characters(max_codepoint=0x17f)))
def test_letters_are_counted_like_the_pattern(text: str) -> None:
    assert L._letters(text) == len(NOT_LETTERS.sub("", text))
