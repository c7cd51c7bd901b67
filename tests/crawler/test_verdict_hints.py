"""The literal hints that let check_policy skip a slow pattern miss none of its matches."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.errors import NotAPolicy
from crawler.extract import heuristics as H
from crawler.extract import textsize, verdict
from crawler.extract.textsize import WORD
from crawler.extract.verdict import check_policy



@settings(max_examples=300, deadline=None)
@given(st.from_regex(H.BOT_WALL_MARKERS, fullmatch=True))
def test_every_bot_wall_marker_holds_a_marker_word(text: str) -> None:
    assert verdict._has_bot_wall_marker(text), text
    if not any(c in text for c in H.FOLDS_TO_ASCII):
        assert any(word in text.lower() for word in H.BOT_WALL_MARKER_WORDS), text


def test_letters_that_fold_to_ascii_are_searched_with_the_pattern() -> None:
    for text in ("<div class='g-recaptcha'>", "<div class='G-RECAPTCHA'>", "cf_chl_x",
                 "_INCAPSULA_RESOURCE", "_incapſula_resource", "cf-browser-verıfication",
                 "cf-browser-verİfication", "<p>nothing here</p>"):
        assert verdict._has_bot_wall_marker(text) == (H.BOT_WALL_MARKERS.search(text) is not None)
    assert verdict._has_bot_wall_marker("_incapſula_resource")


@settings(max_examples=300, deadline=None)
@given(st.from_regex(H.JS_REQUIRED_PHRASES, fullmatch=True))
def test_every_javascript_phrase_is_the_hint_among_letters_and_spaces(text: str) -> None:
    assert H.JS_REQUIRED_HINT.search(text), text
    assert all(c.isalpha() or c.isspace() for c in text), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["<p>", "</p>", " ", "\n  ", "text/javascript", "JavaScript",
                                 "please", "enable", "is", "required", "x", "é", "\u00a0", "."]),
                max_size=30).map("".join))
def test_the_search_around_hints_finds_what_the_pattern_finds(html: str) -> None:
    found = verdict._found_around(H.JS_REQUIRED_PHRASES, H.JS_REQUIRED_HINT, html)
    assert found == (H.JS_REQUIRED_PHRASES.search(html) is not None), html


def _reason(raw_html: str) -> str:
    try:
        check_policy(title="Privacy", text="# Privacy\n\nShort.\n", raw_html=raw_html)
    except NotAPolicy as exc:
        return exc.reason
    return "policy"


def test_short_pages_are_judged_by_their_markup() -> None:
    padding = "<p>layout</p>" * 2000
    assert _reason(f"<html>{padding}<div class='g-reCAPTCHA'></div></html>") == "bot-wall"
    assert _reason(f"<html>{padding}<noscript>Please enable  JavaScript.</noscript></html>") \
        == "js-required"
    assert _reason(f"<html>{padding}<p>JavaScript is great.</p></html>") == "empty"



LOOK_AHEAD = re.compile(r"\(\?=\[(.*?)\]\)")
PHRASES = [H.NOT_FOUND_PHRASES, H.ERROR_PAGE_PHRASES, H.BOT_WALL_PHRASES, H.PARKED_PHRASES]


def _split(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The phrases without their look-ahead, and the look-ahead's character class."""
    head = LOOK_AHEAD.match(pattern.pattern)
    assert head is not None, pattern.pattern
    return (re.compile(pattern.pattern[head.end():], re.I),
            re.compile(f"[{head.group(1)}]", re.I))


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(PHRASES).flatmap(
    lambda pattern: st.tuples(st.just(_split(pattern)[1]),
                              st.from_regex(_split(pattern)[0], fullmatch=True))))
def test_every_phrase_starts_with_a_character_of_its_look_ahead(
        case: tuple[re.Pattern[str], str]) -> None:
    first, phrase = case
    assert first.match(phrase), phrase


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["word", "wordword", " ", "\n", "](", ")", "[", "](x\ny)", "é",
                                 "-", "](https://a.example/p q)"]), max_size=40).map("".join))
@example("# T\nwordword wordword wordword")      # 3 words, whatever the chunks
def test_enough_words_is_counted_like_the_rule(text: str) -> None:
    """The early count agrees with the rule's own: words after the first line, link
    targets dropped (a smaller threshold and chunk, so that short texts reach them)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(verdict, "ENOUGH_WORDS", 4)
        patch.setattr(textsize, "COUNT_CHUNK", 3)       # chunks cut inside segments too
        lines = textsize.LINK_TARGET.sub("]", text).split("\n", 1)
        words = len(WORD.findall(lines[1])) if len(lines) > 1 else 0
        assert verdict._has_enough_words(text) == (words >= 4), text
