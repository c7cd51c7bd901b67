"""Alignment and worst cases: shuffles, unrelated policies, 1 MB, identical lines."""

from __future__ import annotations

import random
from pathlib import Path

from diffing import apply_changes, diff_texts, normalize, segment
from diffing.align import longest_increasing, match_sequences


def _substance(clauses: list) -> list[tuple[bool, str]]:
    return [(c.kind == "heading", normalize(c.text, c.kind)) for c in clauses]


def _round_trip(old: str, new: str):  # type: ignore[no-untyped-def]
    report = diff_texts(old, new)
    assert _substance(apply_changes(segment(old, against=new), report)) == _substance(segment(new, against=old))
    return report


def test_match_sequences_pairs_equal_items_in_order() -> None:
    a = list("abcdefgxyz")
    b = list("abXdefgyzQ")
    pairs = match_sequences(a, b)
    assert all(a[i] == b[j] for i, j in pairs)
    assert pairs == sorted(pairs) and [j for _, j in pairs] == sorted(j for _, j in pairs)
    assert len(pairs) == 8


def test_longest_increasing() -> None:
    assert longest_increasing([(0, 3), (1, 1), (2, 2), (3, 0), (4, 4)]) == [(1, 1), (2, 2), (4, 4)]


def test_identical_lines_5000() -> None:
    old = "\n\n".join(["We may share data with our partners."] * 5000)
    new = "\n\n".join(["We may share data with our partners."] * 2500 + ["We sell data."]
                      + ["We may share data with our partners."] * 2499)
    report = _round_trip(old, new)
    assert report.summary.added + report.summary.modified == 1
    assert report.summary.removed + report.summary.modified == 1
    assert report.summary.moved == 0


def test_shuffled_sentences_are_moves(corpus: Path) -> None:
    text = sorted((corpus / "histories" / "telegram-privacy-policy").glob("*.md"))[-1].read_text()
    paragraphs = [p for p in text.split("\n\n") if p.strip() and not p.lstrip().startswith("#")]
    shuffled = paragraphs[:]
    random.Random(3).shuffle(shuffled)
    report = _round_trip("\n\n".join(paragraphs), "\n\n".join(shuffled))
    assert report.summary.added == report.summary.removed == report.summary.modified == 0
    assert report.summary.moved > len(paragraphs) // 2


def test_unrelated_policies(corpus: Path) -> None:
    a = sorted((corpus / "histories" / "telegram-privacy-policy").glob("*.md"))[-1].read_text()
    b = sorted((corpus / "histories" / "zoosk-privacy-policy").glob("*.md"))[-1].read_text()
    report = _round_trip(a, b)
    assert report.summary.removed > report.old_count // 2
    assert report.summary.added > report.new_count // 2
    assert report.summary.moved < 10


def test_one_megabyte_policy(corpus: Path) -> None:
    paragraphs: list[str] = []
    for folder in sorted((corpus / "histories").iterdir()):
        if folder.is_dir():
            paragraphs += sorted(folder.glob("*.md"))[-1].read_text().split("\n\n")
    text = "\n\n".join(paragraphs)
    while len(text) < 1_000_000:
        text += "\n\n" + text
    old = text[:1_000_000].rsplit("\n\n", 1)[0]
    parts = old.split("\n\n")
    parts[len(parts) // 2] = "We now sell your personal data to data brokers for 90 days."
    report = _round_trip(old, "\n\n".join(parts))
    assert 1 <= len(report.changes) <= 30
    assert any(c.new and "data brokers" in c.new for c in report.changes)
