"""A date, number or amount edited in place is one modified clause with its number change."""

from __future__ import annotations

import pytest

from diffing import diff_texts
from diffing.pairing import NUMBER_TOKEN, masked_words


@pytest.mark.parametrize(("old", "new", "numbers"), [
    ("Last updated: March 3, 2020", "Last updated: May 1, 2021", ("March 3, 2020", "May 1, 2021")),
    ("Updated 3/4/2020.", "Updated 5/1/2021.", ("3/4/2020", "5/1/2021")),
    ("We retain logs for 30 days.", "We retain logs for 90 days.", ("30 days", "90 days")),
    ("Kept thirty (30) days.", "Kept ninety (90) days.", ("thirty (30) days", "ninety (90) days")),
    ("Fee: $5,000 per year", "Fee: $7,500 per year", ("$5,000", "$7,500")),
])
def test_number_edited_in_place_is_one_modification(old: str, new: str,
                                                    numbers: tuple[str, str]) -> None:
    text = "# Policy\n\nWe collect your email address.\n\n{}\n\nWe never sell data.\n"
    report = diff_texts(text.format(old), text.format(new))
    assert [c.kind for c in report.changes] == ["modified"]
    change = report.changes[0]
    assert (change.old, change.new) == (old, new)
    assert change.numbers == (numbers,)


def test_different_wording_around_numbers_is_not_paired() -> None:
    report = diff_texts("# P\n\nEffective 2020.\n", "# P\n\nVersion 3.\n")
    assert sorted(c.kind for c in report.changes) == ["added", "removed"]


def test_repeated_wording_pairs_each_clause_with_its_neighbour() -> None:
    old = "# A\n\nUpdated 1/1/2020.\n\n# B\n\nUpdated 2/2/2020.\n"
    new = "# A\n\nUpdated 1/1/2021.\n\n# B\n\nUpdated 2/2/2021.\n"
    report = diff_texts(old, new)
    assert [(c.kind, c.section, c.numbers) for c in report.changes] == [
        ("modified", ("A",), (("1/1/2020", "1/1/2021"),)),
        ("modified", ("B",), (("2/2/2020", "2/2/2021"),)),
    ]


def test_masked_words_stand_in_one_token_per_mention() -> None:
    assert masked_words("Last updated: March 3, 2020, kept 30 days") == [
        "last", "updated", NUMBER_TOKEN, "kept", NUMBER_TOKEN]
