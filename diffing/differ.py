"""``diff_texts``: the hierarchical clause-level differ.

1. Segment both texts into clauses, each against the other (``diffing.segment``: long
   paragraphs present in both versions stay whole, only changed ones are split into
   sentences); key each clause by its normalised text (``diffing.normalize``), headings
   apart from body clauses.
2. Align keys in order (``diffing.align``): unique anchors, then recursion between them.
3. Pair leftover removed/added clauses with equal keys (moves), then similar ones
   (``diffing.pairing``) into modifications.
4. A paired clause is *moved* when it falls outside the longest order-preserving chain of
   pairs, or when the headings above it on both sides exist in both versions but are not
   each other's counterpart (it changed section).
5. Word spans (``diffing.words``, on the plain text of both clauses), topics and changed numbers are computed only for the
   changed clauses.

Languages (``DiffOptions.language``, else detected): sentence rules, topic lexicon and
number words are the new text's language's. Two texts in different languages (a site
that served its English page, then its French one) are not compared clause by clause:
the report has no changes and ``language_changed`` is true.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict, deque
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from diffing.align import longest_increasing, match_sequences
from diffing.errors import InvalidTextError
from diffing.language import detect_language, rules_language
from diffing.models import Change, Clause, DiffOptions, DiffReport, Summary
from diffing.normalize import normalize, strip_markup
from diffing.numbers import changed_numbers
from diffing.pairing import pair_similar
from diffing.segment import body_text, segment, segment_pair
from diffing.topics import tag_topics
from diffing.words import word_diff

Key = tuple[bool, str]


def clause_key(clause: Clause) -> Key:
    """Substance key: equal keys mean equal in substance."""
    return (clause.kind == "heading", normalize(clause.text, clause.kind))


def _nearest_headings(clauses: Sequence[Clause]) -> list[int | None]:
    """For each clause, the index of the closest heading above it (None if none)."""
    out: list[int | None] = []
    last: int | None = None
    for index, clause in enumerate(clauses):
        out.append(last)
        if clause.kind == "heading":
            last = index
    return out


def diff_clauses(
    old_clauses: Sequence[Clause],
    new_clauses: Sequence[Clause],
    *,
    old_meta: dict[str, Any] | None = None,
    new_meta: dict[str, Any] | None = None,
    options: DiffOptions | None = None,
    identical: bool = False,
) -> DiffReport:
    """Diff two clause lists (see ``diff_texts``); ``options.language`` picks topic and
    number rules (English when ``None``)."""
    options = options or DiffOptions()
    rules = rules_language(options.language)
    old_keys = [clause_key(c) for c in old_clauses]
    new_keys = [clause_key(c) for c in new_clauses]
    equal = match_sequences(old_keys, new_keys)
    paired_old = {i for i, _ in equal}
    paired_new = {j for _, j in equal}

    # Equal in substance but out of place: pair k-th leftover occurrences of a key.
    leftovers: dict[Key, deque[int]] = defaultdict(deque)
    for i in range(len(old_keys)):
        if i not in paired_old:
            leftovers[old_keys[i]].append(i)
    exact: list[tuple[int, int]] = []
    for j in range(len(new_keys)):
        if j not in paired_new and leftovers.get(new_keys[j]):
            i = leftovers[new_keys[j]].popleft()
            exact.append((i, j))
            paired_old.add(i)
            paired_new.add(j)

    anchors_old = [i for i, _ in equal]
    anchors_new = [j for _, j in equal]
    modified: list[tuple[int, int]] = []
    for is_heading in (True, False):
        old_plain = {i: strip_markup(old_clauses[i].text) for i in range(len(old_clauses))
                     if i not in paired_old and old_keys[i][0] is is_heading}
        new_plain = {j: strip_markup(new_clauses[j].text) for j in range(len(new_clauses))
                     if j not in paired_new and new_keys[j][0] is is_heading}
        pairs = pair_similar(
            old_plain, new_plain,
            {i: bisect_left(anchors_old, i) for i in old_plain},
            {j: bisect_left(anchors_new, j) for j in new_plain},
            options,
        )
        modified.extend((i, j) for i, j, _ in pairs)
    paired_old.update(i for i, _ in modified)
    paired_new.update(j for _, j in modified)

    all_pairs = sorted([*equal, *exact, *modified])
    in_order = set(longest_increasing(all_pairs))
    counterpart = dict(all_pairs)
    heads_old = _nearest_headings(old_clauses)
    heads_new = _nearest_headings(new_clauses)
    new_headings_paired = {counterpart[i] for i in counterpart if old_clauses[i].kind == "heading"}

    def changed_section(i: int, j: int) -> bool:
        head_old, head_new = heads_old[i], heads_new[j]
        if old_clauses[i].kind == "heading" or head_old is None or head_new is None:
            return False
        mapped = counterpart.get(head_old)
        return mapped is not None and head_new in new_headings_paired and mapped != head_new

    changes: list[tuple[tuple[int, int, int], Change]] = []
    chain = sorted(in_order)
    chain_old = [i for i, _ in chain]

    def position_of_removed(i: int) -> int:
        k = bisect_right(chain_old, i)
        return chain[k][1] if k < len(chain) else len(new_clauses)

    modified_set = set(modified)
    for i, j in all_pairs:
        moved = (i, j) not in in_order or changed_section(i, j)
        old_clause, new_clause = old_clauses[i], new_clauses[j]
        if (i, j) in modified_set:
            change = Change(
                kind="modified", section=new_clause.section, old=old_clause.text, new=new_clause.text,
                moved=moved,
                words=word_diff(strip_markup(old_clause.text), strip_markup(new_clause.text),
                                timeout=options.word_diff_timeout),
                topics=tag_topics(old_clause.text, new_clause.text, language=rules),
                numbers=() if new_clause.kind == "heading" else
                changed_numbers(strip_markup(old_clause.text), strip_markup(new_clause.text), rules),
                old_index=i, new_index=j, clause_kind=new_clause.kind, old_section=old_clause.section,
            )
        elif moved:
            change = Change(
                kind="moved", section=new_clause.section, old=old_clause.text, new=new_clause.text,
                moved=True, words=(("=", strip_markup(new_clause.text)),), topics=tag_topics(new_clause.text, language=rules), numbers=(),
                old_index=i, new_index=j, clause_kind=new_clause.kind, old_section=old_clause.section,
            )
        else:
            continue
        changes.append(((j, 1, i), change))
    for i, clause in enumerate(old_clauses):
        if i not in paired_old:
            change = Change(
                kind="removed", section=clause.section, old=clause.text, new=None, moved=False,
                words=(("-", strip_markup(clause.text)),), topics=tag_topics(clause.text, language=rules), numbers=(),
                old_index=i, new_index=None, clause_kind=clause.kind,
            )
            changes.append(((position_of_removed(i), 0, i), change))
    for j, clause in enumerate(new_clauses):
        if j not in paired_new:
            change = Change(
                kind="added", section=clause.section, old=None, new=clause.text, moved=False,
                words=(("+", strip_markup(clause.text)),), topics=tag_topics(clause.text, language=rules), numbers=(),
                old_index=None, new_index=j, clause_kind=clause.kind,
            )
            changes.append(((j, 1, -1), change))
    changes.sort(key=lambda item: item[0])
    ordered = tuple(change for _, change in changes)

    kinds = Counter(change.kind for change in ordered)
    topics = Counter(topic for change in ordered for topic in change.topics)
    summary = Summary(
        added=kinds["added"], removed=kinds["removed"], modified=kinds["modified"], moved=kinds["moved"],
        topics={topic: topics[topic] for topic in sorted(topics, key=lambda t: (-topics[t], t))},
    )
    return DiffReport(
        old_meta=dict(old_meta or {}), new_meta=dict(new_meta or {}),
        formatting_only=not ordered and not identical, identical=identical and not ordered,
        summary=summary, changes=ordered, old_count=len(old_clauses), new_count=len(new_clauses),
    )


def diff_texts(
    old: str,
    new: str,
    *,
    old_meta: dict[str, Any] | None = None,
    new_meta: dict[str, Any] | None = None,
    options: DiffOptions | None = None,
) -> DiffReport:
    """Clause-level diff of two seed-style markdown texts (header lines ignored).

    Change indices are positions in ``segment(old, against=new)`` and
    ``segment(new, against=old)``.

    Languages come from ``options`` or are detected from the texts (see the module
    docstring); the report carries both (``old_language``, ``new_language``).

    Raises ``InvalidTextError`` (a ``DiffingError``) if either text is not a ``str``.
    """
    for side, text in (("old", old), ("new", new)):
        if not isinstance(text, str):
            raise InvalidTextError(side, type(text))
    options = options or DiffOptions()
    new_language = options.language or detect_language(new)
    old_language = options.old_language or options.language or detect_language(old)
    if old_language and new_language and old_language != new_language:
        return DiffReport(
            old_meta=dict(old_meta or {}), new_meta=dict(new_meta or {}), formatting_only=False,
            identical=False, summary=Summary(0, 0, 0, 0), changes=(),
            old_count=len(segment(old, language=old_language)),
            new_count=len(segment(new, language=new_language)),
            old_language=old_language, new_language=new_language,
        )
    language = rules_language(new_language or old_language)
    old_clauses, new_clauses = segment_pair(old, new, language=language)
    report = diff_clauses(
        old_clauses, new_clauses, old_meta=old_meta, new_meta=new_meta,
        options=replace(options, language=language),
        identical=body_text(old) == body_text(new),
    )
    return replace(report, old_language=old_language, new_language=new_language)
