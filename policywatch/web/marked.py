"""A clause's markdown rendered as HTML with the differ's word marks kept inside it.

The differ marks words on the clause's plain text (``diffing.normalize.strip_markup``);
the page shows the clause's markdown rendered (bold, links, code) with those marks inside
the rendered elements: ``**We <del>never</del> <ins>may</ins> sell**``. The plain text the
marks cover is aligned character by character with the text markdown-it leaves in the
clause (fast-diff-match-patch), so typography the normaliser changed (curly quotes, escapes,
entities) still carries the mark of its neighbours. Text of the other version (the removed
words in the inline view) is placed where the alignment puts it, as plain marked text.

All text is escaped (policy texts are untrusted); links go through ``web.markdown``'s rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import fast_diff_match_patch
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from policywatch.web.markdown import safe_parser

# Screen readers say nothing about <ins>/<del> by default: visually hidden words say it.
INS = Markup('<ins><span class="sr-only">[added: </span>{}<span class="sr-only">]</span></ins>')
DEL = Markup('<del><span class="sr-only">[removed: </span>{}<span class="sr-only">]</span></del>')
_MARK = {"+": INS, "-": DEL}
_TEXT_TOKENS = ("text", "code_inline")
# Emphasis markers markdown-it left as text (unbalanced, as in ``**A****![](b)**``): the
# normaliser drops every ``*`` and ``~~`` as markup (``diffing.normalize``), so does the page.
_STRAY_MARKUP = re.compile(r"\*+|~~")


def _marked_run(op: str, text: str) -> Markup:
    return _MARK[op].format(text) if op in _MARK else escape(text)


def _render_text(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    start = int((token.meta or {}).get("at", 0))
    labels: list[str] = env["labels"]
    inserts: dict[int, list[Markup]] = env["inserts"]
    out: list[Markup] = []
    run_op, run = "", list[str]()
    hidden: set[int] = set()
    if token.type == "text":
        for match in _STRAY_MARKUP.finditer(token.content):
            hidden.update(range(match.start(), match.end()))
    for k, char in enumerate(token.content):
        if k in hidden:
            continue
        position = start + k
        if position in inserts:
            if run:
                out.append(_marked_run(run_op, "".join(run)))
                run = []
            out.extend(inserts.pop(position))
        op = labels[position] if position < len(labels) else "="
        if run and op != run_op:
            out.append(_marked_run(run_op, "".join(run)))
            run = []
        run_op = op
        run.append(char)
    if run:
        out.append(_marked_run(run_op, "".join(run)))
    html = Markup("").join(out)
    if token.type == "code_inline":
        return str(Markup("<code>{}</code>").format(html))
    return str(html)


@cache
def _parser() -> MarkdownIt:
    md = safe_parser()
    md.add_render_rule("text", _render_text)
    md.add_render_rule("code_inline", _render_text)
    return md


def _mapping(rendered: str, plain: str) -> list[int | None]:
    """For each character of ``rendered``, the index of the same character in ``plain``."""
    out: list[int | None] = []
    p = 0
    for op, count in fast_diff_match_patch.diff(rendered, plain, counts_only=True, cleanup="No"):
        if op == "=":
            out.extend(range(p, p + count))
            p += count
        elif op == "-":
            out.extend([None] * count)
        else:
            p += count
    return out


def marked_markdown(text: str, ops: Sequence[tuple[str, str]], side: str, *,
                    base_url: str = "") -> Markup:
    """``text`` (one clause's inline markdown) as HTML with the word marks of ``ops``.

    ``side`` is ``"old"`` (unchanged and removed words are ``text``'s), ``"new"``
    (unchanged and added) or ``"inline"`` (``text`` is the new clause; the removed words
    are shown in place as ``<del>``).
    """
    own = {"old": ("=", "-"), "new": ("=", "+"), "inline": ("=", "+")}[side]
    plain_labels: list[str] = []
    foreign: list[tuple[int, str]] = []  # (plain offset, removed text) for the inline view
    for op, words in ops:
        if op in own:
            plain_labels.extend(op * len(words))
        elif side == "inline":
            foreign.append((len(plain_labels), words))
    plain = "".join(words for op, words in ops if op in own)

    env: dict[str, Any] = {"base_url": base_url, "demote": 0}
    md = _parser()
    children: list[Token] = []
    for block in md.parseInline(text, env):
        children.extend(block.children or [])
    rendered_parts: list[str] = []
    at = 0
    for token in children:
        if token.type in _TEXT_TOKENS:
            token.meta = {**(token.meta or {}), "at": at}
            rendered_parts.append(token.content)
            at += len(token.content)
    rendered = "".join(rendered_parts)
    mapping = _mapping(rendered, plain)
    labels: list[str] = []
    previous = "="
    for index in mapping:
        if index is not None:
            previous = plain_labels[index]
        labels.append(previous)
    inserts: dict[int, list[Markup]] = {}
    tail: list[Markup] = []
    if foreign:
        first_at: dict[int, int] = {}
        for position, index in enumerate(mapping):
            if index is not None:
                first_at.setdefault(index, position)
        mapped = sorted(first_at)
        for offset, words in foreign:
            nxt = next((first_at[i] for i in mapped if i >= offset), None)
            mark = DEL.format(words)
            if nxt is None:
                tail.append(mark)
            else:
                inserts.setdefault(nxt, []).append(mark)
    env.update(labels=labels, inserts=inserts)
    renderer: Any = md.renderer  # RendererHTML; the protocol type lacks renderInline
    html = Markup(renderer.renderInline(children, md.options, env))
    leftover = [m for position in sorted(inserts) for m in inserts[position]]
    return html + Markup("").join([*leftover, *tail])
