"""Word spans, changed numbers and privacy topics."""

from __future__ import annotations

import pytest

from diffing import TOPICS, tag_topics
from diffing.numbers import changed_numbers, mentions
from diffing.words import word_diff


def test_word_spans_are_on_word_boundaries() -> None:
    spans = word_diff("We keep your data for thirty days.", "We keep personal data for ninety days.")
    assert ("-", "your") in spans and ("+", "personal") in spans
    assert ("-", "thirty") in spans and ("+", "ninety") in spans
    old = "".join(text for op, text in spans if op != "+")
    new = "".join(text for op, text in spans if op != "-")
    assert old == "We keep your data for thirty days." and new == "We keep personal data for ninety days."


def test_numbers_and_durations() -> None:
    assert mentions("Kept for thirty (30) days, or 12-24 months; fee $5,000; 50% off; since January 1, 2024.") == [
        "thirty (30) days", "12-24 months", "$5,000", "50%", "January 1, 2024"]
    assert changed_numbers("logs for 30 days", "logs for 90 days") == (("30 days", "90 days"),)
    assert changed_numbers("under 13 years old", "under 16 years old") == (("13 years old", "16 years old"),)
    assert changed_numbers("same 30 days", "same 30 days") == ()
    assert changed_numbers("effective from 2025-09-12.", "effective from 2026-02-20.") == (("2025-09-12", "2026-02-20"),)


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("We collect your email address when you register.", "collection"),
        ("We may sell your personal information to data brokers.", "sharing"),
        ("You can opt out of marketing emails at any time.", "choice"),
        ("You have the right to access and delete your personal data.", "access"),
        ("We retain your data for as long as necessary.", "retention"),
        ("We use encryption to protect your information.", "security"),
        ("We may update this Privacy Policy from time to time.", "policy-change"),
        ("We do not respond to Do Not Track signals.", "do-not-track"),
        ("We transfer data outside the EEA under standard contractual clauses.", "international"),
        ("Our service is not directed to children under 13.", "children"),
        ("We and our partners use cookies and web beacons.", "cookies"),
        ("Contact our Data Protection Officer with questions.", "contact"),
    ],
)
def test_each_topic_is_recognised(text: str, topic: str) -> None:
    assert topic in TOPICS
    assert topic in tag_topics(text)


def test_neutral_text_has_no_topic() -> None:
    assert tag_topics("The quick brown fox jumps over the lazy dog.") == ()
