"""Segmentation of seed-style markdown into clauses."""

from __future__ import annotations

from pathlib import Path

from diffing import Clause, segment

SEED = """> *The following text is extracted and transformed from the example.com privacy policy that was archived on 2020-01-01. Please check the [original snapshot on the Wayback Machine](https://web.archive.org/web/20200101id_/https%3A//example.com/privacy) for the most accurate reproduction.*

# Privacy Policy

Intro text of the policy.

## Sharing

**Service providers**

We share data with vendors who host our servers.

  * Payment processors
  * Analytics providers that help us measure traffic

| Category | Retention |
| --- | --- |
| Logs | 30 days |

* * *

Contact
-------

Write to us.
"""


def test_header_is_ignored_and_kinds_and_sections_are_found() -> None:
    clauses = segment(SEED)
    assert clauses[0] == Clause((), "heading", "Privacy Policy")
    assert all("following text" not in c.text for c in clauses)
    by_text = {c.text: c for c in clauses}
    assert by_text["Intro text of the policy."].section == ("Privacy Policy",)
    assert by_text["**Service providers**"].kind == "heading"
    vendors = by_text["We share data with vendors who host our servers."]
    assert vendors.section == ("Privacy Policy", "Sharing", "Service providers")
    assert by_text["Payment processors"].kind == "list-item"
    assert by_text["Logs | 30 days"].kind == "table-row"
    assert "--- | ---" not in by_text
    assert by_text["Contact"].kind == "heading"
    assert by_text["Write to us."].section == ("Privacy Policy", "Contact")


def test_clause_is_frozen() -> None:
    clause = segment("Hello world here.")[0]
    try:
        clause.text = "x"  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("Clause must be frozen")


def test_long_paragraph_becomes_sentences() -> None:
    paragraph = ("We collect your email address when you sign up for the service. "
                 "We use it to send you receipts and important notices about your account. "
                 "We never sell it to anyone, including our advertising partners.")
    clauses = segment(paragraph)
    assert [c.kind for c in clauses] == ["paragraph"] * 3


def test_princeton_seeds_segment(corpus: Path) -> None:
    for path in [p for p in sorted((corpus / "princeton").glob("*.md")) if p.name != "README.md"][:10]:
        clauses = segment(path.read_text(encoding="utf-8"))
        assert clauses, path.name
        assert not any("The following text is extracted" in c.text for c in clauses)
        assert all(c.text.strip() for c in clauses)


LONG_KEPT = ("We collect the information you give us when you create an account with us. "
             "We keep it for as long as your account is open and for thirty days after. "
             "We never sell it to data brokers or to advertising networks of any kind.")
LONG_EDITED = ("You can ask us for a copy of your data by writing to our privacy team. "
               "We answer every request within one month of receiving it from you. "
               "We may ask you to prove who you are before we send you anything at all.")


def test_segment_against_keeps_shared_paragraphs_whole() -> None:
    old = f"# Policy\n\n{LONG_KEPT}\n\n{LONG_EDITED}\n"
    new = f"# Policy\n\n{LONG_KEPT.replace('thirty', '**thirty**')}\n\n{LONG_EDITED.replace('one month', 'two months')}\n"
    old_clauses, new_clauses = segment(old, against=new), segment(new, against=old)
    # The paragraph both versions hold (equal in substance) stays one clause on each side.
    assert old_clauses[1] == Clause(("Policy",), "paragraph", LONG_KEPT)
    assert new_clauses[1].text == LONG_KEPT.replace("thirty", "**thirty**")
    # The edited paragraph is split into its sentences on both sides.
    assert [c.text for c in old_clauses[2:]] == list(_sentences(LONG_EDITED))
    assert [c.text for c in new_clauses[2:]] == list(_sentences(LONG_EDITED.replace("one month", "two months")))
    assert len(segment(old)) == 1 + 3 + 3


def _sentences(paragraph: str) -> tuple[str, ...]:
    return tuple(c.text for c in segment(paragraph))


def test_segment_against_is_a_coarsening_of_segment(full_corpus: Path) -> None:
    """Every clause of ``segment(a, against=b)`` is a run of consecutive clauses of ``segment(a)``."""
    files = sorted((full_corpus / "histories" / "airbnb-privacy-policy").glob("*.md"))
    kept_whole = 0
    for old_file, new_file in list(zip(files, files[1:]))[::8]:
        old, new = old_file.read_text(encoding="utf-8"), new_file.read_text(encoding="utf-8")
        fine, coarse = segment(old), segment(old, against=new)
        assert len(coarse) <= len(fine)
        kept_whole += len(coarse) < len(fine)
        k = 0
        for clause in coarse:
            run = [fine[k]]
            while " ".join(c.text for c in run) != clause.text:
                k += 1
                assert k < len(fine) and fine[k].section == clause.section, (old_file.name, clause.text)
                run.append(fine[k])
            assert all(c.kind == clause.kind and c.section == clause.section for c in run)
            k += 1
        assert k == len(fine)
    assert kept_whole >= 3
