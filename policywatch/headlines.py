"""A change's headline clause as a line in lists: the changes page, the dashboard, feeds.

The clause is chosen and clipped when the summary is computed (``policywatch.checking.summaries``);
here it is only marked up. Policy text is escaped before it is wrapped in ``<ins>``/``<del>``.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

_OP_TAGS = {"+": ("ins", "added: "), "-": ("del", "removed: ")}


def headline_html(summary: dict[str, Any] | None, *, spoken: bool = True) -> Markup | None:
    """A stored summary's headline clause with ``<ins>``/``<del>`` word marks, or None.

    ``spoken`` adds screen-reader words ("removed: ") inside the marks; feeds leave them
    out, as readers show them without the page's stylesheet.
    """
    head = (summary or {}).get("headline")
    if not head or not head.get("ops"):
        return None
    out = []
    for op, text in head["ops"]:
        if op in _OP_TAGS:
            tag, words = _OP_TAGS[op]
            label = Markup('<span class="sr-only">{}</span>').format(words) if spoken else ""
            out.append(Markup("<{0}>{1}{2}</{0}>").format(Markup(tag), label, text))
        else:
            out.append(escape(text))
    more = int(head.get("more") or 0)
    line = Markup("").join(out)
    if more:
        line += Markup(' <span class="muted small">(+{} more)</span>').format(more)
    return line


def headline_text(summary: dict[str, Any] | None) -> str | None:
    """The headline as plain text: ``We ~~do not~~ **may** sell…`` (feed summaries)."""
    head = (summary or {}).get("headline")
    if not head or not head.get("ops"):
        return None
    marks = {"+": "**", "-": "~~"}
    out: list[str] = []
    previous = "="
    for op, text in head["ops"]:
        if op in marks and text.strip():
            if previous in marks and out and not out[-1].endswith(" "):
                out.append(" ")  # "~~do not~~ **may**", not "~~do not~~**may**"
            out.append(f"{marks[op]}{text.strip()}{marks[op]}")
        else:
            out.append(text)
        previous = op
    return "".join(out).strip()
