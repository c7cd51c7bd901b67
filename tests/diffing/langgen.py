"""Known edits applied to real policy sentences of any language, for measuring the differ.

The English property tests (``policygen``) draw random words; here the clauses are real
sentences of a policy (``real_sentences``), so the segmenter, topic and number rules of the
text's language are exercised on the text they were written for. ``make_case`` builds a
policy of real sentences under real headings and applies random known edits: added
(a sentence of the same policy not used yet), removed, modified (one or two words
replaced by other words of the same text), moved (five or more clauses away), a changed
number (a number of a clause replaced, e.g. "30 jours" -> "90 jours") and formatting-only
edits (which must report nothing). ``score`` compares a report with the truth.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field

from diffing import diff_texts, segment
from diffing.language import detect_language, rules_language
from diffing.models import DiffOptions, DiffReport
from diffing.normalize import strip_markup
from diffing.numbers import mentions
from diffing.sentences import split_sentences

KINDS = ("added", "removed", "modified", "moved")
_WORD = re.compile(r"[^\W\d_]{4,}")
Truth = set[tuple[str, str | None, str | None]]


@dataclass
class Pool:
    """Real sentences, headings and words of one policy text."""

    language: str
    sentences: list[str]
    headings: list[str]
    words: list[str]


def _too_close(a: set[str], b: set[str]) -> bool:
    return len(a & b) > 0.4 * min(len(a), len(b))


def real_sentences(text: str, language: str | None = None) -> Pool:
    """Distinct body sentences (8-50 words, one clause each), headings and words of ``text``."""
    language = rules_language(language or detect_language(text))
    clauses = segment(text, language=language)
    sentences: list[str] = []
    kept_words: list[set[str]] = []
    headings: list[str] = []
    for clause in clauses:
        plain = strip_markup(clause.text)
        if clause.kind == "heading" and len(plain.split()) < 8:
            if len(plain.split()) >= 2 and plain not in headings:
                headings.append(plain)
            continue
        # A long heading is a clause written as a heading (mektoube's "### 1.1 Mektoube.fr
        # collecte ..."): it is used as a body sentence, without its number.
        plain = re.sub(r"^\d+(?:\.\d+)*\.?\s+", "", plain) if clause.kind == "heading" else plain
        if clause.kind == "table-row" or not 8 <= len(plain.split()) <= 50 or "|" in plain:
            continue
        if plain[-1:] not in ".;:!?" or split_sentences(plain, language) != (plain,):
            continue
        words = set(w.lower() for w in _WORD.findall(plain))
        if any(_too_close(words, other) for other in kept_words):
            continue
        sentences.append(plain)
        kept_words.append(words)
    vocabulary = sorted({w for s in sentences for w in _WORD.findall(s)})
    return Pool(language, sentences, headings, vocabulary)


@dataclass
class Case:
    """Two versions of a policy and the edits that lead from one to the other."""

    old: str
    new: str
    truth: Truth
    numbers: list[tuple[str, str, str]] = field(default_factory=list)  # (new clause, old, new)


def _markdown(items: list[tuple[str, str]]) -> str:
    out = []
    for kind, text in items:
        out += [f"## {text}" if kind == "heading" else f"* {text}" if kind == "list-item" else text, ""]
    return "\n".join(out)


def _reword(rng: random.Random, text: str, words: list[str]) -> str:
    tokens = text.split(" ")
    candidates = [k for k, t in enumerate(tokens) if _WORD.fullmatch(t)]
    for k in rng.sample(candidates, min(len(candidates), rng.randint(1, 2))):
        tokens[k] = rng.choice([w for w in words if w not in text])
    return " ".join(tokens)


def _renumber(rng: random.Random, text: str, language: str) -> tuple[str, str, str] | None:
    """The text with one number changed, and the mention before and after; None if none."""
    found = [m for m in mentions(text, language) if re.search(r"\d", m)]
    if not found:
        return None
    mention = rng.choice(found)
    digits = re.search(r"\d+", mention)
    assert digits is not None
    value = int(digits.group())
    changed = str(value * 3 if value < 1000 else value + 1)
    new_mention = mention[:digits.start()] + changed + mention[digits.end():]
    at = text.find(mention)
    return text[:at] + new_mention + text[at + len(mention):], mention, new_mention


def _reformat(rng: random.Random, text: str) -> str:
    tokens = text.split(" ")
    k = rng.randrange(len(tokens) - 1)
    tokens[k] = f"**{tokens[k]}**" if rng.random() < 0.5 else f"[{tokens[k]}](https://example.org/{k})"
    return " ".join(tokens)


def make_case(rng: random.Random, pool: Pool, n_edits: int) -> Case | None:
    """A policy of real sentences and an edited copy; None when the pool is too small."""
    if len(pool.sentences) < 16:
        return None
    order = rng.sample(pool.sentences, len(pool.sentences))
    spare_count = min(8, len(order) // 4)
    used, spare = order[:min(len(order) - spare_count, rng.randint(16, 40))], order[-spare_count:]
    items: list[tuple[str, str]] = []
    headings = pool.headings or ["Section"]
    for start in range(0, len(used), 6):
        items.append(("heading", f"{start // 6 + 1}. {headings[(start // 6) % len(headings)]}"))
        items += [(rng.choice(("paragraph", "paragraph", "list-item")), s) for s in used[start:start + 6]]
    new = list(items)
    truth: Truth = set()
    numbers: list[tuple[str, str, str]] = []
    touched: set[str] = set()
    for _ in range(n_edits):
        body = [k for k, (kind, text) in enumerate(new) if kind != "heading" and text not in touched]
        if len(body) < 5:
            break
        op = rng.choice(("add", "remove", "reword", "move", "number", "format"))
        k = rng.choice(body)
        kind, text = new[k]
        if op == "add" and spare:
            added = spare.pop()
            new.insert(k, ("paragraph", added))
            truth.add(("added", None, added))
            touched.add(added)
        elif op == "remove":
            del new[k]
            truth.add(("removed", text, None))
        elif op == "number" and (renumbered := _renumber(rng, text, pool.language)):
            changed, before, after = renumbered
            new[k] = (kind, changed)
            truth.add(("modified", text, changed))
            numbers.append((changed, before, after))
            touched.add(changed)
        elif op in ("reword", "number"):
            changed = _reword(rng, text, pool.words)
            new[k] = (kind, changed)
            truth.add(("modified", text, changed))
            touched.add(changed)
        elif op == "move":
            del new[k]
            far = [p for p in range(1, len(new)) if abs(p - k) >= 5 and new[p - 1][0] != "heading"]
            if not far:
                new.insert(k, (kind, text))
                continue
            new.insert(rng.choice(far), (kind, text))
            truth.add(("moved", text, text))
            touched.add(text)
        else:
            new[k] = (kind, _reformat(rng, text))
            touched.add(new[k][1])
    return Case(_markdown(items), _markdown(new), truth, numbers)


@dataclass
class Score:
    """Counts over many cases: per change kind, and changed numbers found."""

    true_positive: Counter[str] = field(default_factory=Counter)
    predicted: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    numbers_expected: int = 0
    numbers_found: int = 0
    false_alarms: int = 0  # cases with no substantive edit that reported a change

    def add(self, case: Case, report: DiffReport) -> None:
        found = {(c.kind, strip_markup(c.old) if c.old else None, strip_markup(c.new) if c.new else None)
                 for c in report.changes}
        for kind in KINDS:
            t = {c for c in case.truth if c[0] == kind}
            p = {c for c in found if c[0] == kind}
            self.true_positive[kind] += len(t & p)
            self.predicted[kind] += len(p)
            self.expected[kind] += len(t)
        for clause, before, after in case.numbers:
            self.numbers_expected += 1
            if any(c.new and strip_markup(c.new) == clause and (before, after) in c.numbers for c in report.changes):
                self.numbers_found += 1
        if not case.truth and report.changes:
            self.false_alarms += 1

    def precision(self, kind: str) -> float:
        return self.true_positive[kind] / max(self.predicted[kind], 1)

    def recall(self, kind: str) -> float:
        return self.true_positive[kind] / max(self.expected[kind], 1)

    def correct(self) -> float:
        """Share of expected and reported changes that are right (F1 over all kinds)."""
        tp = sum(self.true_positive.values())
        return 2 * tp / max(sum(self.predicted.values()) + sum(self.expected.values()), 1)


def measure(pool: Pool, cases: int, *, seed: int = 0, language: str | None = None) -> Score:
    """Score the differ on ``cases`` random edit scripts over ``pool``'s sentences."""
    score = Score()
    options = DiffOptions(language=language) if language else None
    for k in range(cases):
        rng = random.Random(seed * 100_003 + k)
        case = make_case(rng, pool, 1 + k % 8)
        if case is None:
            break
        score.add(case, diff_texts(case.old, case.new, options=options))
    return score
