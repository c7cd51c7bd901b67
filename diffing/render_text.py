"""Terminal rendering: changes grouped by section, in plain words; Rich colours on demand."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from diffing.models import Change, DiffReport
from diffing.normalize import strip_markup
from diffing.report import summary_line
from diffing.topics import topic_label

_VERB = {"added": "Added in", "removed": "Removed from", "modified": "Changed in", "moved": "Moved to"}
_STYLE = {"+": "green", "-": "red strike", "=": ""}


def _where(section: tuple[str, ...] | None) -> str:
    return " > ".join(section) if section else "(top of the policy)"


def _number_label(change: Change) -> str:
    """Short topic name for a changed number: ``Retention: 30 days -> 90 days``."""
    if not change.topics:
        return "Number"
    slug = "retention" if "retention" in change.topics else change.topics[0]
    return slug.replace("-", " ").capitalize()


def _change_lines(change: Change) -> list[Text]:
    lines: list[Text] = []
    where = _where(change.section)
    if change.kind == "modified":
        head = Text(f"{_VERB['modified']} {where}", style="bold yellow")
        if change.moved:
            head.append(f" (moved from {_where(change.old_section)})", style="cyan")
        lines.append(head)
        body = Text("  ")
        for op, text in change.words:  # plain text of the clause, word spans
            if op == "=":
                body.append(text)
            else:
                marker = "{+" if op == "+" else "[-"
                body.append(marker + text + ("+}" if op == "+" else "-]"), style=_STYLE[op])
        lines.append(body)
    elif change.kind == "moved":
        lines.append(Text(f"Moved from {_where(change.old_section)} to {where}", style="bold cyan"))
        lines.append(Text("  " + strip_markup(change.new or "")))
    elif change.kind == "added":
        lines.append(Text(f"{_VERB['added']} {where}:", style="bold green"))
        lines.append(Text("  + " + strip_markup(change.new or ""), style="green"))
    else:
        lines.append(Text(f"{_VERB['removed']} {where}:", style="bold red"))
        lines.append(Text("  - " + strip_markup(change.old or ""), style="red"))
    for old, new in change.numbers:
        lines.append(Text(f"  {_number_label(change)}: {old or '(none)'} -> {new or '(none)'}", style="magenta"))
    if change.topics:
        lines.append(Text("  Topics: " + ", ".join(topic_label(t) for t in change.topics), style="dim"))
    return lines


def render_text(report: DiffReport, *, color: bool = False) -> str:
    """Plain-words report; ANSI colours (via Rich) when ``color`` is true."""
    lines: list[Text] = []
    title = Text("Policy changes: ", style="bold")
    if report.formatting_only:
        title.append("formatting only (no change in substance; no alert)")
    else:
        title.append(summary_line(report))
    dates = " -> ".join(str(m.get("date") or m.get("label") or "") for m in (report.old_meta, report.new_meta))
    if dates.strip(" ->"):
        title.append(f"  ({dates})", style="dim")
    lines.append(title)
    if report.language_changed:
        lines.append(Text("The policy is now served in another language: its clauses are not "
                          "compared with the previous version's."))
    if report.summary.topics:
        lines.append(Text("Topics: " + ", ".join(
            f"{topic_label(t)} ({n})" for t, n in report.summary.topics.items())))
    current: tuple[str, ...] | None = None
    for change in report.changes:
        if change.section != current:
            current = change.section
            lines.append(Text(""))
            lines.append(Text(f"== {_where(current)} ==", style="bold underline"))
        lines.extend(_change_lines(change))
    if not color:
        return "\n".join(line.plain for line in lines) + "\n"
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=10_000,
                      soft_wrap=True, highlight=False)
    for line in lines:
        console.print(line)
    return buffer.getvalue()
