"""Tagging clauses with privacy data-practice topics from ``diffing.topic_lexicon``.

Each language of ``diffing.language.SUPPORTED`` has its own lexicon
(``PHRASES_BY_LANGUAGE``); other languages use the English one. Topic slugs and labels are
the same in every language: reports keep our own words in English.
"""

from __future__ import annotations

import re
from functools import lru_cache

from diffing.normalize import strip_markup
from diffing.topic_lexicon import PHRASES_BY_LANGUAGE, TOPIC_LABELS

TOPICS: tuple[str, ...] = tuple(TOPIC_LABELS)


@lru_cache(maxsize=None)
def _patterns(language: str = "en") -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One compiled alternation per topic for ``language``, built on first use."""
    phrases = PHRASES_BY_LANGUAGE.get(language, PHRASES_BY_LANGUAGE["en"])
    return tuple(
        (slug, re.compile(r"(?<!\w)(?:" + "|".join(phrases[slug]) + r")(?!\w)", re.IGNORECASE))
        for slug in TOPICS
    )


def tag_topics(*texts: str | None, language: str = "en") -> tuple[str, ...]:
    """Topics whose lexicon (of ``language``) matches any of ``texts``, in ``TOPICS`` order."""
    plain = " \n ".join(strip_markup(text) for text in texts if text)
    if not plain:
        return ()
    return tuple(slug for slug, pattern in _patterns(language) if pattern.search(plain))


def topic_label(slug: str) -> str:
    """Human label of a topic slug (the slug itself if unknown)."""
    return TOPIC_LABELS.get(slug, slug)
