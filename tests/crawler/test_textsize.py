"""text_size, word_count and has_words count what str.split() and the plain patterns count."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract import textsize
from crawler.extract.textsize import LINK_TARGET, WORD, has_words, text_size, word_count

BLANKS = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


@given(st.text(alphabet=st.sampled_from("ab.\u00e9\u4e2d" + BLANKS)))
def test_text_size_is_the_length_without_whitespace(text: str) -> None:
    assert text_size(text) == len("".join(text.split()))


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_text_is_counted_like_split_does(text: str) -> None:
    assert text_size(text) == len("".join(text.split()))


@given(st.text(alphabet=st.sampled_from("ab Z_9-.\n\t'é\u2019中")))
def test_word_count_is_the_runs_of_word_characters(text: str) -> None:
    assert word_count(text) == len(WORD.findall(text))


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_words_are_counted_like_the_pattern(text: str) -> None:
    assert word_count(text) == len(WORD.findall(text))


@given(st.lists(st.sampled_from(["word", "wordword", " ", "\n", "](", ")", "![](x y)", "é"]),
                max_size=40).map("".join))
def test_words_outside_link_targets_are_counted_like_the_pattern(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textsize, "COUNT_CHUNK", 3)       # chunks cut inside segments too
        words = len(WORD.findall(LINK_TARGET.sub("]", text)))
        assert has_words(text, 4) == (words >= 4), text
