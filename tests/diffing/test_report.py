"""Report schema, summary line, apply_changes, renderers and errors."""

from __future__ import annotations

import json

import pytest

from diffing import (
    FORMATS, DiffingError, InconsistentReportError, InvalidTextError, UnknownFormatError,
    apply_changes, diff_texts, render, segment, summary_line,
)
from diffing.report import CHANGE_KEYS, SCHEMA_KEYS

OLD = """# Privacy Policy

## Retention

We keep your account logs for 30 days after you close your account with us.

## Sharing

We do not share your personal data with advertisers or data brokers.

## Contact

Write to privacy@example.com with any questions about this policy.
"""

NEW = """# Privacy Policy

## Retention

We keep your account logs for 90 days after you close your account with us.

## Sharing

We do not share your personal data with advertisers or data brokers.

We share device identifiers with our analytics partners to measure traffic.

## Contact

Write to privacy@example.com with any questions about this policy.
"""


def test_json_schema_and_round_trip() -> None:
    report = diff_texts(OLD, NEW, old_meta={"date": "2024-01-01"}, new_meta={"date": "2024-06-01"})
    data = json.loads(render(report, "json"))
    assert tuple(data) == SCHEMA_KEYS
    assert data["from"] == {"date": "2024-01-01"} and data["to"] == {"date": "2024-06-01"}
    assert data["summary"]["added"] == 1 and data["summary"]["modified"] == 1
    assert data["summary"]["removed"] == 0 and data["summary"]["moved"] == 0
    assert data["summary"]["topics"]["retention"] >= 1 and data["summary"]["topics"]["sharing"] >= 1
    for change in data["changes"]:
        assert tuple(change) == CHANGE_KEYS
        assert change["kind"] in {"added", "removed", "modified", "moved"}
        assert all(op in {"=", "+", "-"} for op, _ in change["words"])
    modified = next(c for c in data["changes"] if c["kind"] == "modified")
    assert modified["section"] == ["Privacy Policy", "Retention"]
    assert modified["numbers"] == [["30 days", "90 days"]]
    assert ["-", "30"] in modified["words"] and ["+", "90"] in modified["words"]
    assert "retention" in modified["topics"]
    assert [c.text for c in apply_changes(segment(OLD), report)] == [c.text for c in segment(NEW)]


def test_summary_line() -> None:
    assert summary_line(diff_texts(OLD, NEW)) == "+1 ~1"
    assert summary_line(diff_texts(OLD, OLD)) == "no change"
    assert summary_line(diff_texts(OLD, OLD.replace("Retention", "RETENTION"))) == "formatting-only"
    moved = OLD.replace("## Contact\n\nWrite to privacy@example.com with any questions about this policy.\n", "")
    moved = moved.replace("## Retention\n", "## Retention\n\nWrite to privacy@example.com with any questions about this policy.\n")
    line = summary_line(diff_texts(OLD, moved))
    assert ">1" in line


def test_text_render_in_plain_words() -> None:
    text = render(diff_texts(OLD, NEW), "text")
    assert "Added in Privacy Policy > Sharing:" in text
    assert "Retention: 30 days -> 90 days" in text
    assert "\x1b[" not in text
    assert "\x1b[" in render(diff_texts(OLD, NEW), "text", color=True)
    assert "formatting only" in render(diff_texts(OLD, OLD.replace("Sharing", "SHARING")), "text")


def test_html_escapes_policy_text_and_has_navigation() -> None:
    evil = NEW.replace("to measure traffic.",
                       "to measure <script>alert('x')</script> traffic & <b onclick=x()>AT&T</b>, 1 < 2 > 0.")
    html = render(diff_texts(OLD, evil), "html")
    assert "<script" not in html and "onclick" not in html and "<b" not in html
    assert "AT&amp;T" in html and "1 &lt; 2 &gt; 0" in html
    assert 'id="change-1"' in html and 'id="change-2"' in html
    assert 'href="#change-2"' in html and 'href="#change-1"' in html
    assert "pw-added" in html and "pw-modified" in html
    banner = render(diff_texts(OLD, OLD.replace("Sharing", "**Sharing**")), "html")
    assert "pw-formatting-only" in banner


def test_formats_registry_and_errors() -> None:
    assert FORMATS == {"text", "json", "html"}
    with pytest.raises(UnknownFormatError) as info:
        render(diff_texts(OLD, NEW), "pdf")
    assert info.value.fmt == "pdf" and isinstance(info.value, DiffingError)
    with pytest.raises(InvalidTextError):
        diff_texts(b"bytes", NEW)  # type: ignore[arg-type]
    with pytest.raises(InconsistentReportError):
        apply_changes(segment(OLD)[:-1], diff_texts(OLD, NEW))


def test_one_sentence_edit_in_a_long_paragraph_is_reported_as_that_sentence() -> None:
    kept = ("We collect the information you give us when you create an account with us. "
            "We keep it for as long as your account is open and for thirty days after.")
    edited = ("You can ask us for a copy of your data by writing to our privacy team. "
              "We answer every request within one month of receiving it from you. "
              "We may ask you to prove who you are before we send you anything at all.")
    old = f"# Policy\n\n{kept}\n\n## Rights\n\n{edited}\n"
    new = f"# Policy\n\n{kept}\n\n## Rights\n\n{edited.replace('one month', '45 days')}\n"
    report = diff_texts(old, new)
    assert summary_line(report) == "~1"
    (change,) = report.changes
    assert change.old == "We answer every request within one month of receiving it from you."
    assert change.new == "We answer every request within 45 days of receiving it from you."
    assert change.section == ("Policy", "Rights")
    assert (report.old_count, report.new_count) == (1 + 1 + 1 + 3, 1 + 1 + 1 + 3)
    rebuilt = apply_changes(segment(old, against=new), report)
    assert [c.text for c in rebuilt] == [c.text for c in segment(new, against=old)]


def test_edit_to_one_of_two_copies_of_a_long_paragraph_is_one_sentence() -> None:
    copy = ("You can ask us for a copy of your data by writing to our privacy team. "
            "We answer every request within one month of receiving it from you. "
            "We may ask you to prove who you are before we send you anything at all.")
    old = f"# Policy\n\n## Members\n\n{copy}\n\n## Visitors\n\n{copy}\n"
    new = f"# Policy\n\n## Members\n\n{copy}\n\n## Visitors\n\n{copy.replace('one month', '45 days')}\n"
    report = diff_texts(old, new)
    assert summary_line(report) == "~1"
    (change,) = report.changes
    assert change.new == "We answer every request within 45 days of receiving it from you."
    assert change.section == ("Policy", "Visitors")
    rebuilt = apply_changes(segment(old, against=new), report)
    assert [c.text for c in rebuilt] == [c.text for c in segment(new, against=old)]
