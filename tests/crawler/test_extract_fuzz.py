"""A fuzz run of the extractor: mutated corpus pages give a text or a typed rejection
(``ExtractionError``), never another exception, in bounded time and memory; deep nesting
keeps its text."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler import ExtractionError, extract_policy

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "princeton"
PAGES = sorted(CORPUS.glob("*.html"))[:8]
SELECTORS = [None, "main", "div > p", "#nothing", "div[", "p:nth-child(", "::x", "a, b ,, c"]


def _extract(body: bytes, select: str | None = None) -> None:
    started = time.monotonic()
    try:
        result = extract_policy(body, url="https://fuzz.example/privacy", select=select)
    except ExtractionError as rejection:
        assert rejection.kind and str(rejection)
    else:
        assert isinstance(result.text, str)
    assert time.monotonic() - started < 20


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    page = PAGES[draw(st.integers(0, len(PAGES) - 1))].read_bytes()
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(page)))
        action = draw(st.sampled_from(["cut", "insert", "flip", "splice", "truncate"]))
        if action == "cut":
            page = page[:at] + page[at + draw(st.integers(1, 400)):]
        elif action == "insert":
            page = page[:at] + draw(st.sampled_from([
                b"<", b"</div>", b"<div>", b"<![CDATA[", b"<!--", b"\x00", b"\xff\xfe",
                b"<script>", b"<table><tr><td>", b"&#x0;", b"&#99999999;", b"<svg><p>",
                b"<meta charset=utf-16>", b"<?xml?>", b"<base href='javascript:x'>",
            ])) + page[at:]
        elif action == "flip" and page:
            i = min(at, len(page) - 1)
            page = page[:i] + bytes([page[i] ^ draw(st.integers(1, 255))]) + page[i + 1:]
        elif action == "splice":
            other = PAGES[draw(st.integers(0, len(PAGES) - 1))].read_bytes()
            page = page[:at] + other[draw(st.integers(0, len(other))):]
        else:
            page = page[:at]
    return page


@pytest.mark.skipif(not PAGES, reason="fixture corpus pages missing")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.data_too_large])
@given(mutated(), st.sampled_from(SELECTORS))
def test_mutated_pages_give_a_text_or_a_typed_rejection(body: bytes, select: str | None) -> None:
    _extract(body, select)


# Found by this test: control bytes reached lxml as text and raised a bare ValueError
# ("All strings must be XML compatible"); they are now removed before parsing.
@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_a_text_or_a_typed_rejection(body: bytes) -> None:
    _extract(body)


def test_control_bytes_inside_a_policy_are_dropped_not_fatal() -> None:
    paragraph = "We keep your personal data for thirty days and never sell it to anyone. " * 6
    body = f"<html><body><main><h1>Privacy</h1><p>\x01{paragraph}\x02</p></main></body></html>"
    assert "thirty days" in extract_policy(body.encode(), url="https://fuzz.example/p").text


def _nested(depth: int) -> bytes:
    paragraph = "We keep your personal data for thirty days and never sell it to anyone. " * 6
    return ("<html><body><main><h1>Privacy policy</h1>" + "<div>" * depth + f"<p>{paragraph}</p>"
            + "</div>" * depth + f"<p>{paragraph}</p></main></body></html>").encode()


# Found by this test: past the HTML parser's nesting limit (2048 levels) the rest of the
# page was dropped and the capture called "almost no text", blaming the page. Now the text
# is kept below the limit, and past it the rejection says the nesting is why.
@pytest.mark.parametrize("depth", [1_000, 2_000, 10_000,
                                   pytest.param(100_000, marks=pytest.mark.slow)])
def test_deep_nesting_keeps_its_text_or_says_why(depth: int) -> None:
    body = _nested(depth)
    tracemalloc.start()
    started = time.monotonic()
    try:
        try:
            result = extract_policy(body, url="https://fuzz.example/privacy")
        except ExtractionError as rejection:
            assert depth > 2_000, rejection
            assert rejection.reason.value == "unparsable" and "nest" in str(rejection)
        else:
            assert "thirty days" in result.text
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 500_000_000
    assert time.monotonic() - started < 60
