"""Policy markdown rendered as safe HTML: raw HTML escaped, links made inert to referrers.

Policy texts come from untrusted sites. markdown-it-py runs with ``html`` off, so any HTML
in the text is shown as text; its link validator drops ``javascript:``/``data:`` URLs; we
additionally resolve relative links against the page they came from, keep only http(s)
and mailto targets, and replace images with their alt text so reading a version never
loads anything from a third party.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

LINK_REL = "noopener noreferrer nofollow"
_SAFE_SCHEMES = ("http", "https", "mailto")


def _link_open(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if not href.startswith("#"):
        href = urljoin(env.get("base_url") or "", href)
        if urlsplit(href).scheme.lower() not in _SAFE_SCHEMES:
            href = "#"
    token.attrSet("href", href)
    token.attrSet("rel", LINK_REL)
    return str(self.renderToken(tokens, idx, options, env))


def _image(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return f'<span class="image-alt">[image{": " + escapeHtml(alt) if alt else ""}]</span>'


def _heading(self: Any, tokens: list[Token], idx: int, options: Any, env: dict[str, Any]) -> str:
    # The page has its own h1: the policy's headings move down a level (h1 -> h2, ...).
    token = tokens[idx]
    level = min(int(token.tag[1]) + int(env.get("demote") or 0), 6)
    token.tag = f"h{level}"
    return str(self.renderToken(tokens, idx, options, env))


def safe_parser() -> MarkdownIt:
    """A new markdown-it parser with this module's safe link, image and heading rules."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("image", _image)
    md.add_render_rule("heading_open", _heading)
    md.add_render_rule("heading_close", _heading)
    return md


@cache
def _parser() -> MarkdownIt:
    return safe_parser()


def render_markdown(text: str, *, base_url: str | None = None, demote: int = 0) -> Markup:
    """HTML for a policy's markdown; relative links resolve against ``base_url``; headings
    go ``demote`` levels down (at most to h6), so a page keeps a single h1."""
    return Markup(_parser().render(text, {"base_url": base_url or "", "demote": demote}))
