"""The new version's clauses in reading order with the report's changes laid over them."""

from __future__ import annotations

from diffing import diff_texts, document_parts

OLD = ("# Policy\n\n## Collection\n\nWe collect your email.\n\nWe collect your phone number.\n\n"
       "## Retention\n\nWe keep logs for 30 days.\n\nWe delete accounts on request.\n")
NEW = ("# Policy\n\n## Collection\n\nWe collect your email.\n\n"
       "## Retention\n\nWe keep logs for 90 days.\n\nWe delete accounts on request.\n\n"
       "We may sell your data.\n")


def test_every_new_clause_in_order_and_removed_ones_in_place() -> None:
    report = diff_texts(OLD, NEW)
    parts = document_parts(OLD, NEW, report)
    shown = [(p.clause.text, None if p.change is None else report.changes[p.change].kind)
             for p in parts]
    assert shown == [
        ("Policy", None), ("Collection", None), ("We collect your email.", None),
        ("We collect your phone number.", "removed"), ("Retention", None),
        ("We keep logs for 90 days.", "modified"), ("We delete accounts on request.", None),
        ("We may sell your data.", "added"),
    ]
    assert sorted(p.change for p in parts if p.change is not None) == list(range(len(report.changes)))


def test_removed_last_clause_goes_to_the_end() -> None:
    report = diff_texts("# P\n\nOne.\n\nTwo.\n", "# P\n\nOne.\n")
    parts = document_parts("# P\n\nOne.\n\nTwo.\n", "# P\n\nOne.\n", report)
    assert [(p.clause.text, p.change) for p in parts] == [("P", None), ("One.", None), ("Two.", 0)]


def test_identical_texts_are_all_unchanged() -> None:
    text = "# P\n\nOne.\n\n- a list item\n"
    parts = document_parts(text, text, diff_texts(text, text))
    assert [(p.clause.kind, p.change) for p in parts] == [("heading", None), ("paragraph", None),
                                                          ("list-item", None)]
