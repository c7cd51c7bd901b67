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
