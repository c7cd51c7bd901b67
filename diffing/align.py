"""Order-preserving alignment of two key sequences, near-linear in practice.

``match_sequences`` pairs equal keys without crossing: common prefix and suffix first,
then keys unique on both sides as anchors (longest increasing subsequence, as patience
diff does), recursing between anchors. A range without unique keys is matched with
``difflib.SequenceMatcher`` when small, else by pairing the k-th occurrence of a key on
each side (numbered occurrences are unique, so the anchor step applies again). No step
compares every element with every other, so 5,000 identical lines cost what 5,000
distinct ones do.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Sequence

SMALL_RANGE = 40_000  # largest len(a) * len(b) handed to difflib


def longest_increasing(pairs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest subsequence of ``pairs`` (sorted by first item) increasing in the second."""
    tails: list[int] = []
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        pos = bisect_left(tails, j)
        if pos == len(tails):
            tails.append(j)
            tail_index.append(k)
        else:
            tails[pos] = j
            tail_index[pos] = k
        previous[k] = tail_index[pos - 1] if pos else -1
    chain: list[tuple[int, int]] = []
    k = tail_index[-1] if tail_index else -1
    while k >= 0:
        chain.append(pairs[k])
        k = previous[k]
    chain.reverse()
    return chain


def _unique_anchors(a: Sequence[Hashable], b: Sequence[Hashable],
                    alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    count_a = Counter(a[alo:ahi])
    count_b = Counter(b[blo:bhi])
    where_b = {b[j]: j for j in range(blo, bhi) if count_b[b[j]] == 1}
    pairs = [(i, where_b[a[i]]) for i in range(alo, ahi)
             if count_a[a[i]] == 1 and a[i] in where_b]
    return longest_increasing(pairs)


def _occurrence_anchors(a: Sequence[Hashable], b: Sequence[Hashable],
                        alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    seen: Counter[Hashable] = Counter()
    where_b: dict[tuple[Hashable, int], int] = {}
    for j in range(blo, bhi):
        where_b[(b[j], seen[b[j]])] = j
        seen[b[j]] += 1
    seen.clear()
    pairs = []
    for i in range(alo, ahi):
        key = (a[i], seen[a[i]])
        seen[a[i]] += 1
        if key in where_b:
            pairs.append((i, where_b[key]))
    return longest_increasing(pairs)


def match_sequences(a: Sequence[Hashable], b: Sequence[Hashable]) -> list[tuple[int, int]]:
    """Pairs ``(i, j)`` with ``a[i] == b[j]``, increasing in both, sorted."""
    matches: list[tuple[int, int]] = []
    ranges = [(0, len(a), 0, len(b))]
    while ranges:
        alo, ahi, blo, bhi = ranges.pop()
        while alo < ahi and blo < bhi and a[alo] == b[blo]:
            matches.append((alo, blo))
            alo += 1
            blo += 1
        while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
            ahi -= 1
            bhi -= 1
            matches.append((ahi, bhi))
        if alo >= ahi or blo >= bhi:
            continue
        anchors = _unique_anchors(a, b, alo, ahi, blo, bhi)
        if not anchors:
            if (ahi - alo) * (bhi - blo) <= SMALL_RANGE:
                matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
                for block in matcher.get_matching_blocks():
                    matches.extend((alo + block.a + k, blo + block.b + k) for k in range(block.size))
                continue
            anchors = _occurrence_anchors(a, b, alo, ahi, blo, bhi)
            if not anchors:
                continue
        matches.extend(anchors)
        bounds = [(alo - 1, blo - 1), *anchors, (ahi, bhi)]
        ranges.extend((i0 + 1, i1, j0 + 1, j1) for (i0, j0), (i1, j1) in zip(bounds, bounds[1:])
                      if i1 - i0 > 1 and j1 - j0 > 1)
    matches.sort()
    return matches
