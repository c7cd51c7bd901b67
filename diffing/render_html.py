"""HTML fragment rendering: every piece of policy text is escaped (it is untrusted).

Classes: ``pw-diff`` (root), ``pw-banner pw-formatting-only``, ``pw-change`` plus
``pw-added`` / ``pw-removed`` / ``pw-modified`` / ``pw-moved``; word spans are
``<ins class="pw-ins">`` and ``<del class="pw-del">``. Each change has ``id="change-N"``
(N from 1) and links to its previous and next change for keyboard/anchor navigation.
"""

from __future__ import annotations

from html import escape

from diffing.models import Change, DiffReport
from diffing.report import summary_line
from diffing.topics import topic_label


def _where(section: tuple[str, ...] | None) -> str:
    return escape(" › ".join(section)) if section else "(top of the policy)"


def _words(change: Change) -> str:
    out = []
    for op, text in change.words:
        if op == "+":
            out.append(f'<ins class="pw-ins">{escape(text)}</ins>')
        elif op == "-":
            out.append(f'<del class="pw-del">{escape(text)}</del>')
        else:
            out.append(escape(text))
    return "".join(out)


def _change(change: Change, number: int, total: int) -> str:
    classes = f"pw-change pw-{change.kind}" + (" pw-moved" if change.moved and change.kind != "moved" else "")
    nav = []
    if number > 1:
        nav.append(f'<a class="pw-prev" href="#change-{number - 1}" rel="prev">previous</a>')
    if number < total:
        nav.append(f'<a class="pw-next" href="#change-{number + 1}" rel="next">next</a>')
    label = {"added": "Added", "removed": "Removed", "modified": "Modified", "moved": "Moved"}[change.kind]
    if change.moved and change.kind == "modified":
        label += " and moved"
    if change.moved:
        label += f" (from {_where(change.old_section)})"
    parts = [
        f'<article class="{classes}" id="change-{number}" data-kind="{change.kind}">',
        f'<header class="pw-change-header"><span class="pw-label">{label}</span> '
        f'<nav class="pw-nav">{" ".join(nav)}</nav></header>',
        f'<p class="pw-words">{_words(change)}</p>',
    ]
    if change.numbers:
        items = "".join(f'<li>{escape(old or "(none)")} → {escape(new or "(none)")}</li>'
                        for old, new in change.numbers)
        parts.append(f'<ul class="pw-numbers">{items}</ul>')
    if change.topics:
        items = "".join(f'<li class="pw-topic pw-topic-{escape(t)}">{escape(topic_label(t))}</li>'
                        for t in change.topics)
        parts.append(f'<ul class="pw-topics">{items}</ul>')
    parts.append("</article>")
    return "\n".join(parts)


def render_html(report: DiffReport, *, color: bool = False) -> str:
    """An HTML fragment (no ``<html>``/``<body>``) showing the report."""
    parts = ['<section class="pw-diff">']
    if report.language_changed:
        parts.append(f'<p class="pw-banner pw-language-changed">{escape(summary_line(report)).capitalize()}: '
                     'the policy is now served in another language; its clauses are not compared '
                     'with the previous version\'s.</p>')
    elif report.formatting_only:
        parts.append('<p class="pw-banner pw-formatting-only">Only formatting changed between these '
                     'versions: no change in substance.</p>')
    elif not report.changes:
        parts.append('<p class="pw-banner pw-no-change">No change.</p>')
    else:
        parts.append(f'<p class="pw-summary">{escape(summary_line(report))}</p>')
    if report.summary.topics:
        items = "".join(f'<li class="pw-topic pw-topic-{escape(t)}">{escape(topic_label(t))} ({n})</li>'
                        for t, n in report.summary.topics.items())
        parts.append(f'<ul class="pw-topics pw-summary-topics">{items}</ul>')
    total = len(report.changes)
    current: tuple[str, ...] | None = None
    for number, change in enumerate(report.changes, start=1):
        if change.section != current:
            if current is not None:
                parts.append("</section>")
            current = change.section
            parts.append(f'<section class="pw-section"><h3 class="pw-section-title">{_where(current)}</h3>')
        parts.append(_change(change, number, total))
    if current is not None:
        parts.append("</section>")
    parts.append("</section>")
    return "\n".join(parts) + "\n"
