"""Pairing leftover removed and added clauses into modifications, with a bounded search.

Similarity is rapidfuzz's normalised Indel similarity (1 - edit distance / total length,
insertions and deletions only) computed on *word tokens*: each lower-cased word of the
clause's plain text is encoded as one code point, so the score counts shared words in
order, not shared letters. Pairs scoring at least ``DiffOptions.similarity_threshold``
(default 0.5: at least half of the words of both clauses survive, in order) become
``modified``.

Candidates are bounded: clauses in the same gap between two unchanged anchors are compared
exhaustively when the gap is small (``local_pairing_limit`` comparisons); every added clause
is also compared with the ``candidate_limit`` removed clauses sharing most of its rarest
words (an inverted index whose posting lists longer than ``MAX_POSTING`` are ignored).
Assignment is greedy by score, same-gap pairs first on ties.

A clause whose only edit is a number, an amount or a date ("Last updated: March 3, 2020"
-> "Last updated: May 1, 2021", "for 30 days" -> "for 90 days") can share too few words
to reach the threshold on its own, as those mentions are several words long in a short
clause. So each mention found by ``diffing.numbers.mentions`` also counts as one
stand-in token: clauses whose words are the same apart from their mentions are compared
with every mention replaced by that token (the ``candidate_limit`` nearest ones when many
share the wording), and keep the better of the two scores.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import Indel

from diffing.language import rules_language
from diffing.models import DiffOptions
from diffing.numbers import mention_pattern

MAX_POSTING = 64
RARE_WORDS_PER_CLAUSE = 10
_WORD = re.compile(r"\w+")
NUMBER_TOKEN = "\x00number"  # a number, amount or date mention (never a word of a text)


class TokenEncoder:
    """Maps words to single code points so string metrics work on word sequences."""

    def __init__(self) -> None:
        self._codes: dict[str, str] = {}

    def encode(self, words: Sequence[str]) -> str:
        """The code-point string standing for ``words``."""
        out = []
        for word in words:
            code = self._codes.get(word)
            if code is None:
                point = 0x100 + len(self._codes)
                code = chr(point + 0x800 if point >= 0xD800 else point)
                self._codes[word] = code
            out.append(code)
        return "".join(out)


def words_of(plain: str) -> list[str]:
    """Lower-cased word tokens of a plain text."""
    return _WORD.findall(plain.lower())


def masked_words(plain: str, language: str = "en") -> list[str]:
    """Lower-cased word tokens with each number, amount or date mention as ``NUMBER_TOKEN``."""
    out: list[str] = []
    last = 0
    for match in mention_pattern(language).finditer(plain):
        out.extend(words_of(plain[last:match.start()]))
        out.append(NUMBER_TOKEN)
        last = match.end()
    out.extend(words_of(plain[last:]))
    return out


def _number_edits(old_plain: dict[int, str], new_plain: dict[int, str], old_gap: dict[int, int],
                  new_gap: dict[int, int], encoder: TokenEncoder,
                  options: DiffOptions) -> dict[tuple[int, int], float]:
    """Scores of pairs whose words are equal once number mentions are left out."""
    language = rules_language(options.language)
    by_wording: dict[tuple[str, ...], list[int]] = defaultdict(list)
    old_codes: dict[int, str] = {}
    for i, text in old_plain.items():
        masked = masked_words(text, language)
        wording = tuple(w for w in masked if w != NUMBER_TOKEN)
        if wording and len(wording) < len(masked):
            by_wording[wording].append(i)
            old_codes[i] = encoder.encode(masked)
    scores: dict[tuple[int, int], float] = {}
    for j, text in new_plain.items():
        masked = masked_words(text, language)
        wording = tuple(w for w in masked if w != NUMBER_TOKEN)
        olds = by_wording.get(wording) if wording and len(wording) < len(masked) else None
        if not olds:
            continue
        nearest = sorted(olds, key=lambda i: (old_gap[i] != new_gap[j], abs(i - j)))
        code = encoder.encode(masked)
        for i in nearest[:options.candidate_limit]:
            score = Indel.normalized_similarity(old_codes[i], code)
            if score >= options.similarity_threshold:
                scores[(i, j)] = score
    return scores


def pair_similar(
    old_plain: dict[int, str],
    new_plain: dict[int, str],
    old_gap: dict[int, int],
    new_gap: dict[int, int],
    options: DiffOptions,
) -> list[tuple[int, int, float]]:
    """Pairs ``(old index, new index, score)`` of similar clauses, each index used once.

    ``old_plain`` / ``new_plain`` map the indices still unpaired to their plain text
    (callers pass headings and body clauses in separate calls); ``*_gap`` give the gap
    between anchors each index falls in.
    """
    if not old_plain or not new_plain:
        return []
    encoder = TokenEncoder()
    old_words = {i: words_of(text) for i, text in old_plain.items()}
    new_words = {j: words_of(text) for j, text in new_plain.items()}
    old_codes = {i: encoder.encode(w) for i, w in old_words.items() if w}
    new_codes = {j: encoder.encode(w) for j, w in new_words.items() if w}
    threshold = options.similarity_threshold
    scores: dict[tuple[int, int], float] = {}

    by_gap_old: dict[int, list[int]] = defaultdict(list)
    by_gap_new: dict[int, list[int]] = defaultdict(list)
    for i in old_codes:
        by_gap_old[old_gap[i]].append(i)
    for j in new_codes:
        by_gap_new[new_gap[j]].append(j)
    for gap, olds in by_gap_old.items():
        news = by_gap_new.get(gap)
        if not news or len(olds) * len(news) > options.local_pairing_limit:
            continue
        choices = [old_codes[i] for i in olds]
        for j in news:
            for _, score, a in process.extract(new_codes[j], choices, scorer=Indel.normalized_similarity,
                                               score_cutoff=threshold, limit=None):
                scores[(olds[a], j)] = float(score)

    document_frequency: Counter[str] = Counter()
    for words in (*old_words.values(), *new_words.values()):
        document_frequency.update(set(words))
    postings: dict[str, list[int]] = defaultdict(list)
    for i, words in old_words.items():
        for word in set(words):
            if document_frequency[word] <= MAX_POSTING:
                postings[word].append(i)
    for j, words in new_words.items():
        if j not in new_codes:
            continue
        rare = sorted((w for w in set(words) if w in postings), key=document_frequency.__getitem__)
        shared: Counter[int] = Counter()
        for word in rare[:RARE_WORDS_PER_CLAUSE]:
            shared.update(postings[word])
        for i, _ in shared.most_common(options.candidate_limit):
            if (i, j) not in scores and i in old_codes:
                score = Indel.normalized_similarity(old_codes[i], new_codes[j], score_cutoff=threshold)
                if score >= threshold:
                    scores[(i, j)] = score

    for pair, score in _number_edits(old_plain, new_plain, old_gap, new_gap, encoder, options).items():
        scores[pair] = max(score, scores.get(pair, 0.0))

    ranked = sorted(scores.items(), key=lambda item: (-item[1], old_gap[item[0][0]] != new_gap[item[0][1]],
                                                      abs(item[0][0] - item[0][1]), item[0]))
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for (i, j), score in ranked:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((i, j, score))
    return pairs
