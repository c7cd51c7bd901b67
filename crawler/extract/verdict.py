"""Not-a-policy detection: error pages archived as 200, bot walls, empty captures."""

from __future__ import annotations

import re

from crawler.errors import NotAPolicy
from crawler.extract import heuristics as H
from crawler.extract.textsize import LINK_TARGET, has_words, word_count

# Every rule below holds only for pages shorter than this many words: counting stops here.
ENOUGH_WORDS = max(H.SHORT_PAGE_WORDS, 3 * H.MIN_POLICY_WORDS)


def check_policy(*, title: str, text: str, raw_html: str | None = None,
                 first_heading: str = "", url: str | None = None) -> None:
    """Raise NotAPolicy when the extracted capture is clearly not a policy.

    ``text`` is the extracted markdown; phrases only decide on short pages so a policy
    that mentions "404" or "captcha" is never rejected.
    """
    if _has_enough_words(text):
        return
    body = LINK_TARGET.sub("]", text)
    # The "# title" line is ours, not the page's text.
    body_lines = body.split("\n", 1)
    words = word_count(body_lines[1]) if len(body_lines) > 1 else 0
    labels = f"{title}\n{first_heading}"
    if raw_html is not None and words < H.MIN_POLICY_WORDS * 3 and \
            _has_bot_wall_marker(raw_html):
        raise NotAPolicy("page is a bot check or captcha, not the policy", reason="bot-wall",
                         url=url)
    if words < H.SHORT_PAGE_WORDS:
        sample = f"{labels}\n{body[:4000]}"
        if H.BOT_WALL_PHRASES.search(labels) or (
                words < H.MIN_POLICY_WORDS * 3 and H.BOT_WALL_PHRASES.search(body)):
            raise NotAPolicy("page is a bot check or captcha, not the policy",
                             reason="bot-wall", url=url)
        if H.NOT_FOUND_PHRASES.search(labels) or (
                words < H.MIN_POLICY_WORDS * 3 and H.NOT_FOUND_PHRASES.search(body)):
            raise NotAPolicy("page says it was not found", reason="not-found", url=url)
        if H.ERROR_PAGE_PHRASES.search(labels) or (
                words < H.MIN_POLICY_WORDS * 3 and H.ERROR_PAGE_PHRASES.search(body)):
            raise NotAPolicy("page is a server or access error page", reason="error-page",
                             url=url)
        if words < H.MIN_POLICY_WORDS * 3 and H.REDIRECT_PHRASES.search(f"{labels}\n{body}"):
            raise NotAPolicy("page only redirects elsewhere", reason="redirect", url=url)
        if H.PARKED_PHRASES.search(sample):
            raise NotAPolicy("domain is parked or for sale", reason="parked", url=url)
    if words < H.MIN_POLICY_WORDS:
        if raw_html is not None and H.REDIRECT_MARKUP.search(raw_html):
            raise NotAPolicy("page only redirects elsewhere", reason="redirect", url=url)
        if H.JS_REQUIRED_PHRASES.search(body) or (
                raw_html is not None and
                _found_around(H.JS_REQUIRED_PHRASES, H.JS_REQUIRED_HINT, raw_html[:200000])):
            raise NotAPolicy("page needs JavaScript to show any text", reason="js-required",
                             url=url)
        raise NotAPolicy(f"page has almost no text ({words} words)", reason="empty", url=url)


def _has_bot_wall_marker(html: str) -> bool:
    """``BOT_WALL_MARKERS.search(html)``, skipped when no marker word is in the HTML."""
    if not any(c in html for c in H.FOLDS_TO_ASCII):
        lowered = html.lower()
        if not any(word in lowered for word in H.BOT_WALL_MARKER_WORDS):
            return False
    return H.BOT_WALL_MARKERS.search(html) is not None


def _found_around(pattern: re.Pattern[str], hint: re.Pattern[str], text: str) -> bool:
    """``pattern.search(text)`` for a pattern whose every match holds ``hint`` among letters
    and whitespace only: tried on the run of letters and whitespace around each place the
    hint is found (a page's HTML says "text/javascript" often, a phrase around it rarely)."""
    end = 0
    size = len(text)
    for found in hint.finditer(text):
        start = found.start()
        if start < end:
            continue            # inside the run just tried
        while start and (text[start - 1].isalpha() or text[start - 1].isspace()):
            start -= 1
        end = found.end()
        while end < size and (text[end].isalpha() or text[end].isspace()):
            end += 1
        if pattern.search(text, start, end):
            return True
    return False


def _has_enough_words(text: str) -> bool:
    """True when the text after its first line, link targets dropped, holds at least
    ENOUGH_WORDS words (what ``check_policy`` counts); most texts reach the count in their
    first paragraphs."""
    return has_words(text, ENOUGH_WORDS, after_first_line=True)
