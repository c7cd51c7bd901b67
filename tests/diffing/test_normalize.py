"""Normalisation rules, one by one, and formatting-only version pairs."""

from __future__ import annotations

import pytest

from diffing import diff_texts, normalize
from diffing.normalize import RULES

BASE = "We share your data with partners for 30 days."


@pytest.mark.parametrize(
    ("rule", "variant"),
    [
        ("unicode", "We share your\u00a0data with\u200b partners for 30 days."),
        ("links", "We share your data with [partners](https://example.com/partners) for 30 days."),
        ("html", "We share your data with <b>partners</b> for 30 days."),
        ("escapes", "We share your data with partners for 30 days\\."),
        ("emphasis", "We share **your data** with _partners_ for `30` days."),
        ("whitespace", "  We  share your data\twith partners for 30 days .  "),
    ],
)
def test_each_rule_makes_the_variant_equal(rule: str, variant: str) -> None:
    assert rule in RULES
    assert normalize(variant) == normalize(BASE)


def test_quotes_and_dashes() -> None:
    assert normalize("We \u201cshare\u201d it \u2014 see \u2018here\u2019\u2026") == normalize('We "share" it - see \'here\'...')


def test_link_target_change_is_equal_but_link_text_change_is_not() -> None:
    a = "Read our [cookie policy](https://a.example/cookies)."
    assert normalize(a) == normalize("Read our [cookie policy](https://b.example/c?x=1).")
    assert normalize(a) != normalize("Read our [tracking policy](https://a.example/cookies).")


def test_heading_case_only_for_headings() -> None:
    assert normalize("DATA RETENTION", "heading") == normalize("Data Retention", "heading")
    assert normalize("We do NOT sell data.", "paragraph") != normalize("We do not sell data.", "paragraph")


def test_snake_case_underscores_are_kept() -> None:
    assert normalize("the _ga_id cookie") != normalize("the gaid cookie")
    assert "ga_id" in normalize("the ga_id cookie")


def test_words_still_matter() -> None:
    assert normalize("We share your data.") != normalize("We sell your data.")


def test_formatting_only_pair() -> None:
    old = "# PRIVACY POLICY\n\nWe share your data with partners.\n\n* We keep logs for 30 days.\n"
    new = ("# Privacy Policy\n\nWe share your data with **partners**.\n\n"
           "- We keep  logs for 30 days.\n")
    report = diff_texts(old, new)
    assert report.formatting_only and not report.changes
    assert not diff_texts(old, old).formatting_only
    assert diff_texts(old, old).identical
