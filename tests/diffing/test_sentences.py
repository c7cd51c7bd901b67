"""Sentence splitting of legal text."""

from __future__ import annotations

import pytest

from diffing.sentences import split_sentences


@pytest.mark.parametrize(
    "text",
    [
        "California residents have rights under Cal. Civ. Code § 1798.83 and may ask us for a list of the third parties we shared data with.",
        "We rely on our legitimate interests under Art. 6(1)(f) GDPR when we analyse how the service is used by our members.",
        "We share data with vendors, e.g. Amazon Web Services, Inc. and Google LLC, who host our servers for us worldwide.",
        "Your data may be processed in the U.S. and in other countries where our service providers keep their facilities.",
        "See our cookie notice at [https://example.com/legal/cookies.html](https://example.com/legal/cookies.html) for details on what we set.",
        "Send requests to privacy.team@example.co.uk and we will answer within one month of receiving the request from you.",
    ],
)
def test_abbreviations_urls_and_emails_do_not_split(text: str) -> None:
    assert split_sentences(text) == (text,)


def test_long_paragraph_is_split_into_its_sentences() -> None:
    text = (
        "We collect the information you give us when you create an account. "
        "We keep it for 30 days after you close the account, e.g. to settle disputes. "
        "Acme Inc. is the controller of your personal data for the purposes of the GDPR."
    )
    assert split_sentences(text) == (
        "We collect the information you give us when you create an account.",
        "We keep it for 30 days after you close the account, e.g. to settle disputes.",
        "Acme Inc. is the controller of your personal data for the purposes of the GDPR.",
    )


def test_numbered_sub_clauses_are_not_fragments() -> None:
    text = (
        "You may ask us to: (a) give you a copy of your data that we hold on file; "
        "(b) correct it if it is wrong. 1. We will answer within thirty days of your request. "
        "2. We may ask you to prove your identity before we answer."
    )
    pieces = split_sentences(text)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert all(len(piece.split()) >= 4 for piece in pieces)
    assert not any(piece.strip() in {"1.", "2.", "(a)", "(b)"} for piece in pieces)


def test_closing_bold_stays_with_its_sentence() -> None:
    text = "**Data Retention Period.** We keep your personal data only as long as we need it to provide the service to you."
    pieces = split_sentences(text)
    assert not any(piece.startswith("**") and piece.count("**") == 1 for piece in pieces)
    assert " ".join(pieces) == text


def test_short_paragraph_stays_whole() -> None:
    assert split_sentences("Last updated: Jan. 5, 2024. Effective now.") == ("Last updated: Jan. 5, 2024. Effective now.",)
