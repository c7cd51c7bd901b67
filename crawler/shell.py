"""Recognising a script shell: an HTML page whose text only exists after JavaScript runs.

A single-page app serves a near-empty document (a mount point such as ``<div id="root">``,
a bundle, a ``<noscript>`` asking for JavaScript) and builds the text in the browser,
sometimes from state inlined as JSON. The rule, general and cheap (one lxml parse):
a page is a shell when its visible text is short (under ``LITTLE_TEXT_WORDS`` words) **and**
at least one script signal is present: an empty mount element, a ``<noscript>`` asking for
JavaScript, or more words inside inline JSON state than in the visible text. A short page
without any signal is just short (``empty`` to the extractor), not a shell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

from crawler.extract.textsize import has_words

# Fewer visible words than this (headers and footers of a shell included) is "little text":
# a privacy policy runs to hundreds of words; a shell's chrome rarely reaches 200.
LITTLE_TEXT_WORDS = 200
# The ids frameworks mount into (React/CRA, Vue, Next.js, Nuxt, Gatsby, Svelte, Angular).
MOUNT_IDS = frozenset({"root", "app", "__next", "__nuxt", "___gatsby", "svelte", "app-root",
                       "main-app", "react-root", "spa-root"})
MOUNT_TAGS = frozenset({"app-root"})  # Angular's element
# A mount element holding fewer words than this is empty (a spinner, "Loading...").
MOUNT_EMPTY_WORDS = 10
_ASKS_FOR_JS = re.compile(
    r"(enable|turn on|activate|allow|requires?|need|needs|without)\b.{0,60}java\s*script"
    r"|java\s*script\b.{0,60}(required|disabled|enabled?|turned off|not available)",
    re.I | re.S)
_JSON_TYPES = frozenset({"application/json"})  # ld+json is metadata about the page, not its text
_STATE_ASSIGNMENT = re.compile(
    r"window\.(__[A-Z0-9_]+__|__[a-zA-Z]+State__?|initialState)\s*=\s*", re.S)
_WORD = re.compile(r"\w+", re.U)
_INVISIBLE = ("script", "style", "noscript", "template", "head")


@dataclass(frozen=True)
class ShellVerdict:
    """Whether a page is a script shell, its visible words and the signals seen."""

    is_shell: bool
    words: int
    signals: tuple[str, ...]

    @property
    def reason(self) -> str:
        """E.g. ``script shell: mount #root, noscript asks for JavaScript (12 words)``."""
        what = ", ".join(self.signals) or "no script signal"
        return f"{'script shell' if self.is_shell else 'not a shell'}: {what} ({self.words} words)"


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def has_policy_words(extracted: str | None) -> bool:
    """Whether an extracted (markdown) text has ``LITTLE_TEXT_WORDS`` words a reader sees
    (link and image targets left out): its page then has that many visible words and is
    no shell, whatever its script signals, without parsing the page again. (Counted only
    as far as the threshold: this runs on the event loop of a round's checks.)"""
    if not extracted:
        return False
    return has_words(extracted, LITTLE_TEXT_WORDS)


def _json_words(value: object) -> int:
    """Words in the string values of parsed JSON (keys are field names, not text)."""
    if isinstance(value, str):
        return _words(value)
    if isinstance(value, dict):
        return sum(_json_words(v) for v in value.values())
    if isinstance(value, list):
        return sum(_json_words(v) for v in value)
    return 0


def _state_words(script: etree._Element) -> int:
    """Words of text in inline JSON state (``<script type="application/json">``,
    ``window.__INITIAL_STATE__ = {...}``); 0 for code."""
    source = script.text or ""
    kind = (script.get("type") or "").split(";")[0].strip().lower()
    if kind in _JSON_TYPES:
        payload = source
    else:
        match = _STATE_ASSIGNMENT.search(source)
        if not match:
            return 0
        payload = source[match.end():].strip().rstrip(";")
    try:
        return _json_words(json.loads(payload))
    except ValueError:
        # A state literal that is JavaScript rather than JSON: count its quoted strings.
        return sum(_words(s) for s in re.findall(r'"((?:[^"\\]|\\.){20,})"', payload))


def detect_shell(body: bytes | str, *, charset: str | None = None) -> ShellVerdict:
    """Judge one HTML document (bytes decoded with ``charset``, default UTF-8)."""
    text = body.decode(charset or "utf-8", "replace") if isinstance(body, bytes) else body
    if not text.strip():
        return ShellVerdict(False, 0, ())
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return ShellVerdict(False, 0, ())
    signals: list[str] = []
    noscripts = [_words_of(n) for n in root.iter("noscript")]
    if any(_ASKS_FOR_JS.search(t) for t in noscripts):
        signals.append("noscript asks for JavaScript")
    state = sum(_state_words(s) for s in root.iter("script"))
    for el in root.iter(etree.Element):
        ident = (el.get("id") or "").lower()
        if ident in MOUNT_IDS or el.tag in MOUNT_TAGS:
            if _words(_visible_text(el)) < MOUNT_EMPTY_WORDS:
                signals.append(f"empty mount {el.tag if el.tag in MOUNT_TAGS else '#' + ident}")
                break
    words = _words(_visible_text(root))
    if state > max(words, MOUNT_EMPTY_WORDS):
        signals.append(f"text in inline JSON state ({state} words)")
    return ShellVerdict(words < LITTLE_TEXT_WORDS and bool(signals), words, tuple(signals))


def _words_of(el: etree._Element) -> str:
    # lxml parses <noscript> content as text in some contexts and as elements in others.
    return " ".join(el.itertext())


def _visible_text(el: etree._Element) -> str:
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        if not isinstance(node.tag, str) or node.tag in _INVISIBLE:
            return
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
    walk(el)
    return " ".join(parts)
