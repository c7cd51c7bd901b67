"""Property tests on synthetic policies with known edits: classification and round trip."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffing import apply_changes, diff_texts, normalize, segment
from diffing.normalize import strip_markup
from diffing.sentences import split_sentences
from tests.diffing.policygen import Truth, edit, make_policy, to_markdown

KINDS = ("added", "removed", "modified", "moved")


def _substance(clauses: list) -> list[tuple[bool, str]]:
    return [(c.kind == "heading", normalize(c.text, c.kind)) for c in clauses]


def _predicted(report) -> Truth:
    out: Truth = set()
    for change in report.changes:
        old = strip_markup(change.old) if change.old is not None else None
        new = strip_markup(change.new) if change.new is not None else None
        out.add((change.kind, old, new))
    return out


def _case(seed: int, n_edits: int) -> tuple[str, str, Truth]:
    rng = random.Random(seed)
    items = make_policy(rng, rng.randint(3, 7), rng.randint(3, 8))
    new_items, truth = edit(rng, items, n_edits)
    plain = {(k, strip_markup(o) if o else None, strip_markup(n) if n else None) for k, o, n in truth}
    return to_markdown(items), to_markdown(new_items), plain


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_edits=st.integers(0, 8))
def test_report_round_trips_and_finds_the_edits(seed: int, n_edits: int) -> None:
    old, new, truth = _case(seed, n_edits)
    report = diff_texts(old, new)
    old_clauses, new_clauses = segment(old, against=new), segment(new, against=old)
    assert _substance(apply_changes(old_clauses, report)) == _substance(new_clauses)
    predicted = _predicted(report)
    # Added, removed and modified clauses are found exactly (one ambiguity allowed). Which
    # clauses "moved" is ambiguous when moves touch each other (a block moving up is its
    # neighbours moving down), so moves are only required when moves were made.
    fixed_truth = {c for c in truth if c[0] != "moved"}
    fixed_found = {c for c in predicted if c[0] != "moved"}
    assert len(fixed_truth ^ fixed_found) <= 1, (fixed_truth - fixed_found, fixed_found - fixed_truth)
    moves_made = sum(c[0] == "moved" for c in truth)
    moves_found = sum(c[0] == "moved" for c in predicted)
    assert (moves_made == 0) == (moves_found == 0), (moves_made, moves_found)
    if not truth:
        assert not report.changes
        assert report.formatting_only == (old != new and segment(old) != segment(new))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_formatting_only_edits_never_alert(seed: int) -> None:
    rng = random.Random(seed)
    items = make_policy(rng, 4, 5)
    changed = list(items)
    from tests.diffing.policygen import Item, reformat

    for k in rng.sample(range(len(items)), 5):
        it = items[k]
        if it.kind != "heading":
            changed[k] = Item(it.kind, reformat(rng, it.text), it.uid)
        else:
            changed[k] = Item(it.kind, it.text.upper(), it.uid)
    report = diff_texts(to_markdown(items), to_markdown(changed))
    assert report.changes == ()
    assert report.formatting_only is True
    assert report.to_dict()["formatting_only"] is True


def test_precision_and_recall_per_change_kind() -> None:
    """Over 150 synthetic version pairs, each change kind is found with P and R >= 0.95."""
    true_positive: Counter[str] = Counter()
    predicted_count: Counter[str] = Counter()
    truth_count: Counter[str] = Counter()
    for seed in range(150):
        old, new, truth = _case(seed, 1 + seed % 8)
        predicted = _predicted(diff_texts(old, new))
        for kind in KINDS:
            t = {c for c in truth if c[0] == kind}
            p = {c for c in predicted if c[0] == kind}
            true_positive[kind] += len(t & p)
            predicted_count[kind] += len(p)
            truth_count[kind] += len(t)
    for kind in KINDS:
        assert truth_count[kind] >= 30, f"too few {kind} edits generated"
        precision = true_positive[kind] / max(predicted_count[kind], 1)
        recall = true_positive[kind] / truth_count[kind]
        assert precision >= 0.95, (kind, precision)
        assert recall >= 0.95, (kind, recall)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_edits=st.integers(0, 4))
def test_sentence_edits_inside_long_paragraphs(seed: int, n_edits: int) -> None:
    """Multi-sentence paragraphs: a reworded sentence is reported as that sentence, a
    paragraph moved unchanged as one move, untouched paragraphs not at all; the report
    round-trips on the clause lists it indexes."""
    from tests.diffing.policygen import reword, sentence

    rng = random.Random(seed)
    sections = [[[sentence(rng) for _ in range(3)] for _ in range(rng.randint(2, 4))] for _ in range(4)]
    new_sections = [[list(p) for p in paragraphs] for paragraphs in sections]
    modified: set[tuple[str, str]] = set()
    moves = 0
    touched: set[tuple[int, int]] = set()
    for _ in range(n_edits):
        s = rng.randrange(4)
        if not new_sections[s]:
            continue
        p = rng.randrange(len(new_sections[s]))
        if (s, p) in touched:
            continue
        touched.add((s, p))
        if rng.random() < 0.7:
            k = rng.randrange(3)
            old_sentence = new_sections[s][p][k]
            new_sections[s][p][k] = reword(rng, old_sentence)
            modified.add((old_sentence, new_sections[s][p][k]))
        elif s != 3:
            new_sections[3].append(new_sections[s].pop(p))
            touched = {(s2, p2 - (s2 == s and p2 > p)) for s2, p2 in touched} | {(3, len(new_sections[3]) - 1)}
            moves += 1

    def markdown(secs: list[list[list[str]]]) -> str:
        return "\n\n".join(f"## Part {n} about privacy\n\n" + "\n\n".join(" ".join(p) for p in paragraphs)
                           for n, paragraphs in enumerate(secs))

    old, new = markdown(sections), markdown(new_sections)
    report = diff_texts(old, new)
    old_clauses, new_clauses = segment(old, against=new), segment(new, against=old)
    assert _substance(apply_changes(old_clauses, report)) == _substance(new_clauses)
    found = {(strip_markup(c.old), strip_markup(c.new)) for c in report.changes if c.kind == "modified"}
    assert found == {(strip_markup(a), strip_markup(b)) for a, b in modified}
    assert not any(c.kind in ("added", "removed") for c in report.changes)
    moved = [c for c in report.changes if c.kind == "moved"]
    assert (moves == 0) == (not moved)
    assert all(c.old and len(split_sentences(c.old)) == 3 for c in moved)
