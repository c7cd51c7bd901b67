"""Tagging clauses with privacy data-practice topics from ``diffing.topic_lexicon``."""

from __future__ import annotations

import re
from functools import lru_cache

from diffing.normalize import strip_markup
from diffing.topic_lexicon import TOPIC_LABELS, TOPIC_PHRASES

TOPICS: tuple[str, ...] = tuple(TOPIC_LABELS)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One compiled alternation per topic, built on first use."""
    return tuple(
        (slug, re.compile(r"(?<!\w)(?:" + "|".join(TOPIC_PHRASES[slug]) + r")(?!\w)", re.IGNORECASE))
        for slug in TOPICS
    )


def tag_topics(*texts: str | None) -> tuple[str, ...]:
    """Topics whose lexicon matches any of ``texts``, in ``TOPICS`` order."""
    plain = " \n ".join(strip_markup(text) for text in texts if text)
    if not plain:
        return ()
    return tuple(slug for slug, pattern in _patterns() if pattern.search(plain))


def topic_label(slug: str) -> str:
    """Human label of a topic slug (the slug itself if unknown)."""
    return TOPIC_LABELS.get(slug, slug)
