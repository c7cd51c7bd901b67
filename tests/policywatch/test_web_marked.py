"""A clause's markdown rendered with the differ's word marks inside it (``web.marked``)."""

from __future__ import annotations

import re

from diffing.normalize import strip_markup
from diffing.words import word_diff
from policywatch.web.marked import marked_markdown

OLD = "We **never** sell your [data](https://x.example/d) to “partners”."
NEW = "We **may** sell your [personal data](https://x.example/d) to “partners”."


def plain(html: object) -> str:
    return re.sub(r'<span class="sr-only">[^<]*</span>|<[^>]+>', "", str(html))


def test_marks_sit_inside_bold_and_links() -> None:
    ops = word_diff(strip_markup(OLD), strip_markup(NEW))
    old = str(marked_markdown(OLD, ops, "old"))
    new = str(marked_markdown(NEW, ops, "new"))
    inline = str(marked_markdown(NEW, ops, "inline"))
    assert re.search(r"<strong><del>.*never.*</del></strong>", old)
    assert re.search(r"<strong><ins>.*may.*</ins></strong>", new)
    assert re.search(r'<a href="https://x.example/d" rel="noopener noreferrer nofollow"><ins>.*personal', new)
    assert re.search(r"<strong><del>.*never.*</del><ins>.*may.*</ins></strong>", inline)
    assert plain(old) == "We never sell your data to “partners”."
    assert plain(new) == "We may sell your personal data to “partners”."
    assert plain(inline) == "We nevermay sell your personal data to “partners”."


def test_policy_text_is_escaped() -> None:
    text = "<script>alert(1)</script> & [x](javascript:alert(2))"
    html = str(marked_markdown(text, [("+", strip_markup(text))], "new"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "href=" not in html


def test_unbalanced_emphasis_markers_are_not_shown() -> None:
    text = "**IAB Europe****![](https://x.example/logo.jpg)** and more"
    shown = plain(marked_markdown(text, [("-", strip_markup(text))], "old"))
    assert "*" not in shown and "IAB Europe" in shown and "[image]" in shown
