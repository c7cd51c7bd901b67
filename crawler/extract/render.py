"""Seed-style markdown straight from an lxml tree: html2text's output without its parser.

The seed format is what html2text (2025.4.15) writes with the options the seeds were made
with (``bodywidth=0``, ``unicode_snob``, inline and automatic links, internal links as
text, no images). Serialising the tree and letting html2text re-parse it with Python's
``html.parser`` cost a third of the extraction time, so this module walks the tree and runs
the same state machine on the events ``html.parser`` would have produced from lxml's
serialisation:

- every element gives a start tag and, unless libxml2 writes it without one (``br``,
  ``hr`` ...), an end tag; comments give nothing but their tail;
- text is cut where the serialisation writes an entity (``&``, ``<``, ``>``, and U+00A0,
  written as ``&nbsp;`` as the seeds keep it): each piece is a separate data event, which
  matters because html2text escapes line-start markers per event;
- a link target is what ``html.parser`` reads back from libxml2's URI-escaped ``href``
  (leading blanks dropped; spaces, controls and non-ASCII percent-encoded).

Only the branches our options reach are kept; names follow html2text so the two can be
read side by side. ``tests/crawler/test_render.py`` compares both on each construct.
"""

from __future__ import annotations

import html.parser
import re
import string
from functools import lru_cache

import lxml.html
from lxml import etree

from crawler.extract.links import join

# Elements libxml2's HTML serialiser writes without an end tag.
VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "param",
                  "basefont", "frame", "isindex"})
NBSP_PLACEHOLDER = "&nbsp_place_holder;"
ENTITY_CHARS = re.compile("([&<>\xa0])")
ENTITY_VALUE = {"&": "&", "<": "<", ">": ">", "\xa0": NBSP_PLACEHOLDER}
# Where html2text's re.sub(r"\s+", " ") changes something: a run of two or more, or one
# space character other than " " (same result, no rewriting of single spaces).
WHITESPACE = re.compile(r"\s{2,}|[^\S ]")
STRESS_FOLLOWER = re.compile(r"[^][(){}\s.!?]")
ABSOLUTE_URL = re.compile(r"^[a-zA-Z+]+://")
# html2text's escaping (utils.escape_md_section / escape_md), as compiled in its config.
MD_BACKSLASH = re.compile(r"(\\)(?=[%s])" % re.escape(r"\`*_{}[]()#+-.!"))
MD_DOT = re.compile(r"^(\s*\d+)(\.)(?=\s)", re.M)
MD_PLUS = re.compile(r"^(\s*)(\+)(?=\s)", re.M)
MD_DASH = re.compile(r"^(\s*)(-)(?=\s|\-)", re.M)
MD_CHARS = re.compile(r"([\\\[\]\(\)])")
# An href libxml2 writes as it is (and html.parser reads back unchanged).
PLAIN_HREF = re.compile(r"[!#-~]*")
PUNCTUATION_OR_SPACE = frozenset(string.whitespace + string.punctuation)
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6, "h7": 7, "h8": 8, "h9": 9}
NO_LINK_OPEN = frozenset({"p", "div", "style", "dl", "dt"})
# Tags with a branch of their own in handle_tag; any other tag (span, tbody ...) only closes
# a pending automatic link and ends a run of lists.
HANDLED = frozenset(HEADINGS) | NO_LINK_OPEN | {
    "br", "hr", "head", "script", "body", "blockquote", "em", "i", "u", "strong", "b", "del",
    "strike", "s", "kbd", "code", "tt", "abbr", "q", "a", "dd", "ol", "ul", "li", "table",
    "tr", "td", "th", "pre"}
NO_ATTRS: dict[str, str | None] = {}
WALK_EVENTS = ("start", "end", "comment", "pi")


def render_markdown(container: etree._Element, *, url: str) -> str:
    """html2text's markdown for ``container`` (before ``tidy_markdown``)."""
    return _Renderer(url).render(container)


def escape_md_section(text: str) -> str:
    """html2text's ``escape_md_section`` (snob off), skipping patterns that cannot match."""
    if "\\" in text:
        text = MD_BACKSLASH.sub(r"\\\1", text)
    if "\n" not in text:
        # One line (the usual data event): the line-start patterns can match only at its
        # start, and only the one its first non-blank character begins.
        first = text.lstrip()[:1]
        if first.isdigit():
            return MD_DOT.sub(r"\1\\\2", text) if "." in text else text
        if first == "+":
            return MD_PLUS.sub(r"\1\\\2", text)
        if first == "-":
            return MD_DASH.sub(r"\1\\\2", text)
        return text
    if "." in text:
        text = MD_DOT.sub(r"\1\\\2", text)
    if "+" in text:
        text = MD_PLUS.sub(r"\1\\\2", text)
    if "-" in text:
        text = MD_DASH.sub(r"\1\\\2", text)
    return text


class _AttrReader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.attrs: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs = dict(attrs)


@lru_cache(maxsize=8192)
def _link_target(baseurl: str, href: str) -> str:
    """A link's ``](target)``: resolved and escaped, once per target (pages repeat their
    links, and the pages of a site each other's)."""
    return MD_CHARS.sub(r"\\\1", join(baseurl, href))


def served_href(href: str) -> str:
    """The ``href`` html2text saw: libxml2's serialisation of it, read by ``html.parser``."""
    if PLAIN_HREF.fullmatch(href) and '"' not in href and "&{" not in href:
        return href
    el = lxml.html.Element("a")
    el.set("href", href)
    reader = _AttrReader()
    reader.feed(lxml.html.tostring(el, encoding="unicode", method="html"))
    reader.close()
    return reader.attrs.get("href") or ""


class _List:
    __slots__ = ("name", "num")

    def __init__(self, name: str, num: int) -> None:
        self.name = name
        self.num = num


class _Renderer:
    """html2text.HTML2Text's state machine, fed from an lxml tree."""

    def __init__(self, baseurl: str) -> None:
        self.baseurl = baseurl
        self.outtextlist: list[str] = []
        self.quiet = 0
        self.p_p = 0
        self.start = True
        self.space = False
        self.astack: list[str | None] = []
        self.maybe_automatic_link: str | None = None
        self.empty_link = False
        self.list: list[_List] = []
        self.blockquote = 0
        self.pre = False
        self.startpre = False
        self.pre_indent = ""
        self.list_code_indent = ""
        self.code = False
        self.quote = False
        self.br_toggle = ""
        self.lastWasNL = False
        self.lastWasList = False
        self.inheader = False
        self.abbr_title: str | None = None
        self.abbr_data: str | None = None
        self.abbr_list: dict[str, str] = {}
        self.stressed = False
        self.preceding_stressed = False
        self.preceding_data = ""
        self.current_tag = ""
        self.split_next_td = False
        self.td_count = 0
        self.table_start = False

    # --- walking the tree ----------------------------------------------------------------

    def render(self, root: etree._Element) -> str:
        text = self._text
        # lxml's walker gives the start and end of every element in C; comments and
        # processing instructions give nothing but their tail.
        for event, el in etree.iterwalk(root, events=WALK_EVENTS):
            if event == "start":
                tag = el.tag
                if tag in HANDLED or el is root:
                    self._open(el)
                    continue
                self.current_tag = tag          # handle_tag's short cut, inlined
                if self.maybe_automatic_link is not None:
                    self.o("[")
                    self.maybe_automatic_link = None
                    self.empty_link = False
                self.lastWasList = False
                if el.text:
                    text(el.text)
            elif event == "end":
                tag = el.tag
                if tag in VOID:                 # no end tag in the serialisation
                    pass
                elif tag not in HANDLED:        # handle_tag's short cut, inlined
                    self.current_tag = tag
                    self.lastWasList = False
                else:
                    self.handle_tag(tag, NO_ATTRS, start=False)
                if el is not root and el.tail:
                    text(el.tail)
            elif el.tail:
                text(el.tail)
        return self.finish()

    def _open(self, el: etree._Element) -> None:
        tag = el.tag
        if tag not in HANDLED:
            self.handle_tag(tag, NO_ATTRS, start=True)
            if el.text:
                self._text(el.text)
            return
        attrs: dict[str, str | None] = {}
        if tag == "a":
            href = el.get("href")
            if href is not None:
                attrs["href"] = served_href(href)
        elif tag == "ol":
            if el.get("start") is not None:
                attrs["start"] = el.get("start")
        elif tag == "abbr":
            if el.get("title") is not None:
                attrs["title"] = el.get("title")
        self.handle_tag(tag, attrs, start=True)
        if el.text:
            self._text(el.text)

    def _text(self, text: str) -> None:
        """Data events as html.parser gives them: cut at each entity of the serialisation."""
        # (ENTITY_CHARS.search, as four substring tests: a fifth of the time.)
        if "&" not in text and "<" not in text and ">" not in text and "\xa0" not in text:
            self.handle_data(text)
            return
        for i, piece in enumerate(ENTITY_CHARS.split(text)):
            if i % 2:
                self.handle_data(ENTITY_VALUE[piece], True)
            elif piece:
                self.handle_data(piece)

    # --- html2text ------------------------------------------------------------------------

    def handle_tag(self, tag: str, attrs: dict[str, str | None], start: bool) -> None:
        self.current_tag = tag
        if tag not in HANDLED:
            if start and self.maybe_automatic_link is not None:
                self.o("[")
                self.maybe_automatic_link = None
                self.empty_link = False
            self.lastWasList = False
            return

        if start and self.maybe_automatic_link is not None and tag not in NO_LINK_OPEN:
            self.o("[")
            self.maybe_automatic_link = None
            self.empty_link = False

        level = HEADINGS.get(tag, 0)
        if level:
            if self.astack:
                if start:
                    self.inheader = True
                    if self.outtextlist and self.outtextlist[-1] == "[":
                        self.outtextlist.pop()
                        self.space = False
                        self.o(level * "#" + " ")
                        self.o("[")
                else:
                    self.p_p = 0
                    self.inheader = False
                    return
            else:
                self.p()
                if start:
                    self.inheader = True
                    self.o(level * "#" + " ")
                else:
                    self.inheader = False
                    return

        # The branches test distinct tags: the most frequent come first.
        if tag == "p" or tag == "div":
            if not self.astack and not self.split_next_td:
                self.p()
        elif tag == "a":
            self._link(attrs, start)
        elif tag == "br":
            if start:
                self.o("  \n> " if self.blockquote > 0 else "  \n")
        elif tag == "hr":
            if start:
                self.p()
                self.o("* * *")
                self.p()
        elif tag in ("head", "style", "script"):
            self.quiet += 1 if start else -1
        elif tag == "body":
            self.quiet = 0
        elif tag == "blockquote":
            if start:
                self.p()
                self.o("> ", force=True)
                self.start = True
                self.blockquote += 1
            else:
                self.blockquote -= 1
                self.p()
        elif tag in ("em", "i", "u"):
            if start and self.preceding_data and \
                    self.preceding_data[-1] not in PUNCTUATION_OR_SPACE:
                emphasis = " _"
                self.preceding_data += " "
            else:
                emphasis = "_"
            self.o(emphasis)
            if start:
                self.stressed = True
        elif tag in ("strong", "b"):
            if start and self.preceding_data and self.preceding_data[-1] == "*":
                strong = " **"
                self.preceding_data += " "
            else:
                strong = "**"
            self.o(strong)
            if start:
                self.stressed = True
        elif tag in ("del", "strike", "s"):
            if start and self.preceding_data and self.preceding_data[-1] == "~":
                strike = " ~~"
                self.preceding_data += " "
            else:
                strike = "~~"
            self.o(strike)
            if start:
                self.stressed = True
        elif tag in ("kbd", "code", "tt"):
            if not self.pre:
                self.o("`")
                self.code = not self.code
        elif tag == "abbr":
            if start:
                self.abbr_title = None
                self.abbr_data = ""
                if "title" in attrs:
                    self.abbr_title = attrs["title"]
            else:
                if self.abbr_title is not None:
                    self.abbr_list[self.abbr_data or ""] = self.abbr_title
                    self.abbr_title = None
                self.abbr_data = None
        elif tag == "q":
            self.o('"')
            self.quote = not self.quote
        elif tag == "dl":
            if start:
                self.p()
        elif tag == "dt":
            if not start:
                self.pbr()
        elif tag == "dd":
            if start:
                self.o("    ")
            else:
                self.pbr()

        if tag == "ol" or tag == "ul":
            if not self.list and not self.lastWasList:
                self.p()
            if start:
                numbering = 0
                if "start" in attrs:
                    try:
                        numbering = int(attrs["start"] or "") - 1
                    except ValueError:
                        pass
                self.list.append(_List(tag, numbering))
            else:
                if self.list:
                    self.list.pop()
                    if not self.list:
                        self.o("\n")
            self.lastWasList = True
        else:
            self.lastWasList = False

        if tag == "li":
            self._item(start)
        elif tag in ("table", "tr", "td", "th"):
            self._table(tag, start)
        elif tag == "pre":
            if start:
                self.startpre = True
                self.pre = True
                self.pre_indent = ""
            else:
                self.pre = False
            self.p()

    def _link(self, attrs: dict[str, str | None], start: bool) -> None:
        if start:
            href = attrs.get("href")
            if href is not None and not href.startswith("#"):
                self.astack.append(href)
                self.maybe_automatic_link = href
                self.empty_link = True
            else:
                self.astack.append(None)
        elif self.astack:
            a = self.astack.pop()
            if self.maybe_automatic_link and not self.empty_link:
                self.maybe_automatic_link = None
            elif a:
                if self.empty_link:
                    self.o("[")
                    self.empty_link = False
                    self.maybe_automatic_link = None
                self.p_p = 0
                self.o("](" + _link_target(self.baseurl, a) + ")")

    def _item(self, start: bool) -> None:
        self.list_code_indent = ""
        self.pbr()
        if not start:
            return
        li = self.list[-1] if self.list else _List("ul", 0)
        parent_list = None
        for item in self.list:
            self.list_code_indent += "   " if parent_list == "ol" else "  "
            parent_list = item.name
        self.o(self.list_code_indent)
        if li.name == "ul":
            self.list_code_indent += "  "
            self.o("* ")
        elif li.name == "ol":
            li.num += 1
            self.list_code_indent += "   "
            self.o(str(li.num) + ". ")
        self.start = True

    def _table(self, tag: str, start: bool) -> None:
        if tag == "table":
            if start:
                self.table_start = True
            return
        if tag in ("td", "th"):
            if start:
                if self.split_next_td:
                    self.o("| ")
                self.split_next_td = True
                self.td_count += 1
            return
        if start:
            self.td_count = 0
            return
        self.split_next_td = False
        self.soft_br()
        if self.table_start:
            self.o("|".join(["---"] * self.td_count))
            self.soft_br()
            self.table_start = False

    def pbr(self) -> None:
        if self.p_p == 0:
            self.p_p = 1

    def p(self) -> None:
        self.p_p = 2

    def soft_br(self) -> None:
        self.pbr()
        self.br_toggle = "  "

    def out(self, s: str) -> None:
        self.outtextlist.append(s)
        if s:
            self.lastWasNL = s[-1] == "\n"

    def o(self, data: str, puredata: bool = False, force: bool | str = False) -> None:
        if self.abbr_data is not None:
            self.abbr_data += data
        if self.quiet:
            return
        if puredata and not self.pre:
            # Every space character but " " is unprintable: most data needs no rewriting.
            if "  " in data or not data.isprintable():
                data = WHITESPACE.sub(" ", data)
            if data and data[0] == " ":
                self.space = True
                data = data[1:]
        if not data and not force:
            return
        if self.startpre:
            if not data.startswith("\n") and not data.startswith("\r\n"):
                data = "\n" + data
        bq = ""
        if self.blockquote:
            bq = ">" * self.blockquote
            if not (force and data and data[0] == ">"):
                bq += " "
        if self.pre:
            if self.list:
                bq += self.list_code_indent
            bq += "    "
            data = data.replace("\n", "\n" + bq)
            self.pre_indent = bq
        if self.startpre:
            self.startpre = False
            if self.list:
                data = data.lstrip("\n" + self.pre_indent)
        if self.start:
            self.space = False
            self.p_p = 0
            self.start = False
        if force == "end":
            self.p_p = 0
            self.out("\n")
            self.space = False
        if self.p_p:
            self.out((self.br_toggle + "\n" + bq) * self.p_p)
            self.space = False
            self.br_toggle = ""
        if self.space:
            if not self.lastWasNL:
                self.out(" ")
            self.space = False
        if self.abbr_list and force == "end":
            for abbr, definition in self.abbr_list.items():
                self.out("  *[" + abbr + "]: " + definition + "\n")
        self.p_p = 0
        self.outtextlist.append(data)          # self.out(data), inlined
        if data:
            self.lastWasNL = data[-1] == "\n"

    def handle_data(self, data: str, entity_char: bool = False) -> None:
        if self.stressed:
            data = data.strip()
            self.stressed = False
            self.preceding_stressed = True
        elif self.preceding_stressed:
            tag = self.current_tag
            if STRESS_FOLLOWER.match(data[0]) and tag not in HEADINGS and \
                    tag not in ("a", "code", "pre"):
                data = " " + data
            self.preceding_stressed = False

        if self.maybe_automatic_link is not None:
            href = self.maybe_automatic_link
            if href == data and ABSOLUTE_URL.match(href):
                self.o("<" + data + ">")
                self.empty_link = False
                return
            self.o("[")
            self.maybe_automatic_link = None
            self.empty_link = False

        if not self.code and not self.pre and not entity_char:
            data = escape_md_section(data)
        self.preceding_data = data
        self.o(data, puredata=True)

    def finish(self) -> str:
        self.pbr()
        self.o("", force="end")
        return "".join(self.outtextlist).replace(NBSP_PLACEHOLDER, "\xa0")
