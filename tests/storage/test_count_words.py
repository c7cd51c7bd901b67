"""A version's word count is the runs of word characters, on ASCII and on any text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from storage.values import WORD, count_words


@given(st.text(alphabet=st.sampled_from(list("ab Z_9-.\n\t'") + ["é", "\u2019", "中"])))
def test_words_are_counted_like_the_pattern(text: str) -> None:
    assert count_words(text) == len(WORD.findall(text))


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_words_are_counted_like_the_pattern(text: str) -> None:
    assert count_words(text) == len(WORD.findall(text))
