"""The volatile-line rule's first-character shortcut misses no line the rule matches."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extract import noise

WORDS = re.compile(noise.VOLATILE_WORDS, re.I)
FIRST = re.compile(f"[{re.escape(noise.VOLATILE_FIRST)}]", re.I)
PLAIN_LINE = re.compile(r"^[*_#>\s-]*" + noise.VOLATILE_WORDS, re.I)


@settings(max_examples=500, deadline=None)
@given(st.from_regex(WORDS, fullmatch=True))
def test_every_volatile_phrase_starts_with_a_listed_character(phrase: str) -> None:
    assert FIRST.match(phrase), phrase


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["  * ", "## ", "> ", "_", "- ", "Last visited ", "©", "(c) ",
                                 "Copyright ", "2024 ", "x", "Page generated in 0.2 s",
                                 "[link](/a)", "1. ", "ſql queries: 4", "Welcome guest"]),
                max_size=6).map("".join))
def test_the_shortcut_matches_what_the_plain_rule_matches(line: str) -> None:
    assert bool(noise.VOLATILE_LINE.match(line)) == bool(PLAIN_LINE.match(line)), line
