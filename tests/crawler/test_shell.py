"""Script-shell detection: each rule on a small page made for it."""

from __future__ import annotations

from crawler import detect_shell, has_policy_words
from crawler.shell import LITTLE_TEXT_WORDS

POLICY = "<p>We collect your email address and keep it for a year after you leave.</p>" * 30


def test_an_empty_mount_element_with_a_bundle_is_a_shell() -> None:
    for mount in ('<div id="root"></div>', '<div id="__next"><div class="spin"></div></div>',
                  '<div id="app">Loading...</div>', "<app-root></app-root>"):
        verdict = detect_shell(f"<html><body>{mount}<script src='/b.js'></script></body></html>")
        assert verdict.is_shell, mount
        assert any("mount" in s for s in verdict.signals)


def test_a_noscript_asking_for_javascript_is_a_signal() -> None:
    page = ("<html><body><header>Acme</header><noscript>Please enable JavaScript to view "
            "this page.</noscript><main></main></body></html>")
    verdict = detect_shell(page)
    assert verdict.is_shell and verdict.signals == ("noscript asks for JavaScript",)
    other = "<html><body><noscript><img src='/pixel.gif'></noscript><main></main></body></html>"
    assert not detect_shell(other).is_shell


def test_text_only_in_inline_json_state_is_a_shell() -> None:
    state = ('{"policy": {"body": "' + "We share your data with payment processors. " * 20
             + '"}}')
    for script in (f'<script id="__NEXT_DATA__" type="application/json">{state}</script>',
                   f"<script>window.__INITIAL_STATE__ = {state};</script>"):
        verdict = detect_shell(f"<html><body><div class=x></div>{script}</body></html>")
        assert verdict.is_shell, script
        assert "inline JSON state" in verdict.signals[0]
    metadata = ('<script type="application/ld+json">{"description": "'
                + "An organisation that sells things online. " * 20 + '"}</script>')
    assert not detect_shell(f"<html><body><p>Hi</p>{metadata}</body></html>").is_shell


def test_a_page_with_its_text_is_no_shell_even_with_a_mount_element() -> None:
    verdict = detect_shell(f"<html><body><h1>Privacy</h1>{POLICY}<div id=root></div></body></html>")
    assert not verdict.is_shell and verdict.words >= LITTLE_TEXT_WORDS


def test_a_short_page_without_any_script_signal_is_just_short() -> None:
    assert not detect_shell("<html><body><p>Coming soon.</p></body></html>").is_shell
    assert not detect_shell(b"").is_shell
    assert not detect_shell(b"\x00\x01binary").is_shell


def test_scripts_and_styles_are_not_visible_text() -> None:
    code = "<script>" + "var policy = 'we collect data'; " * 200 + "</script>"
    verdict = detect_shell(f"<html><body><div id=root></div>{code}</body></html>")
    assert verdict.is_shell and verdict.words == 0
    assert "script shell" in verdict.reason


def test_an_extraction_with_a_policys_words_is_enough_and_link_targets_do_not_count() -> None:
    words = ["word"] * (LITTLE_TEXT_WORDS - 3)  # + "our partners": one word short
    # A link's text is read, its target is not; an image's alt text likewise.
    short = " ".join(words) + " [our partners](https://example.com/a/b/c/d/e/f/g/h)"
    assert not has_policy_words(short)
    assert not has_policy_words(short + " ![](/logo/one/two/three.png)")
    assert has_policy_words(short + " ![logo](/l.png)")
    assert has_policy_words(" ".join(["word"] * LITTLE_TEXT_WORDS))
    assert not has_policy_words(None) and not has_policy_words("")
