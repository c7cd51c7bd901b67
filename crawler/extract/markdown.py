"""Seed-style markdown from the isolated tree (``render.py``) and its post-processing
(the seed header is in ``header.py``)."""

from __future__ import annotations

import re

from lxml import etree

from crawler.extract import heuristics as H
from crawler.extract.noise import drop_volatile_lines
from crawler.extract.render import render_markdown

# Block tags html2text (whose output render.py reproduces) does not know: renamed to div so
# their text does not run together.
AS_DIV = frozenset({"article", "section", "main", "header", "footer", "nav", "aside",
                    "figure", "figcaption", "address", "center", "hgroup", "fieldset",
                    "legend", "form", "details", "menu", "dir", "caption",
                    "noframes", "body", "html", "frame"})
WS = re.compile(r"[ \t\n\r\f\v]+")
WS_OTHER = "\t\n\r\f\v"          # the characters of WS but the space
ESCAPED_HEADING_NUMBER = re.compile(r"^(#{1,6} +(?:\*\*|_)?\d+(?:\.\d+)*)\\\.", re.M)
EMPTY_LINK = re.compile(r"\[\s*\]\([^)]*\)")
EMPTY_HEADING = re.compile(r"^#{1,6}[ \t]*$", re.M)
HASH_AT_LINE_END = re.compile(r"#[ \t]*$", re.M)       # what every EMPTY_HEADING match ends with
EMPTY_BOLD = re.compile(r"\*\*([ \t]*)\*\*")
BLANK_RUN = re.compile(r"\n{5,}")
DATA_TABLE_MAX_CELL = 400
CELL_LAYOUT_TAGS = ("div", "p", "h1", "h2", "h3", "ul", "ol")
# Blocks whose edge whitespace is removed before rendering. Left out are those where
# html2text (and so the seeds) writes a source blank as a space: between two table cells
# (``a | b``), after a heading's marks (``##  Title``) and after a line break inside a quote
# (``>  text``). Re-indented sources still make no new version: the text identity folds
# runs of spaces (noise.comparison_form).
KEEPS_EDGE_SPACE = frozenset({"tr", "td", "th", "tbody", "thead", "tfoot", "br",
                              "h1", "h2", "h3", "h4", "h5", "h6"})
BOUNDARY_TAGS = tuple(H.BLOCK_TAGS - KEEPS_EDGE_SPACE)


def to_markdown(container: etree._Element, *, title: str, url: str) -> str:
    """Seed-style markdown: ``# title``, a blank line, the body, one final newline."""
    _normalise_tree(container)
    body = tidy_markdown(render_markdown(container, url=url))
    heading = f"# {title}" if title else "#"
    return f"{heading}\n\n{body}\n" if body else f"{heading}\n"


def _normalise_tree(container: etree._Element) -> None:
    """Collapse source whitespace and flatten layout tables before conversion."""
    layout = [t for t in container.iter("table") if not _is_data_table(t)]
    for table in layout:
        # Only this table's own rows and cells: a data table nested inside stays a table.
        own = [el for el in table.iter("tbody", "thead", "tfoot", "tr", "td", "th")
               if next(el.iterancestors("table"), None) is table]
        for el in own:
            el.tag = "div"
    for table in layout:
        table.tag = "div"
    in_table = {el for table in container.iter("table")
                for el in table.iter("td", "th", "tr", "tbody", "thead", "tfoot")}
    for el in container.iter("td", "th", "tr", "tbody", "thead", "tfoot"):
        if el not in in_table:
            el.tag = "div"      # a cell chosen as main content, outside its table
    in_pre = {el for pre in container.iter("pre") for el in pre.iter()}
    # Each distinct string once: the blanks between tags repeat on every line ("" = as is).
    fixed: dict[str, str] = {}
    for el in container.iter():
        tag = el.tag
        if tag.__class__ is not str:
            continue
        if tag in AS_DIV:
            el.tag = "div"
        if in_pre and el in in_pre:
            continue
        text = el.text
        if text:
            new = fixed.get(text)
            if new is None:
                new = fixed[text] = _spaces(text) if _needs_spaces(text) else ""
            if new:
                el.text = new
        tail = el.tail
        if tail:
            new = fixed.get(tail)
            if new is None:
                new = fixed[tail] = _spaces(tail) if _needs_spaces(tail) else ""
            if new:
                el.tail = new
    _nbsp_off_emphasis_edges(container)
    _breaks_to_paragraphs(container)
    _drop_edge_breaks(container)
    for el in list(container.iter("div", "blockquote")):
        _wrap_inline_runs(el)
    # Whitespace next to most block boundaries renders as nothing; removing it makes the
    # output independent of source indentation.
    for el in container.iter(*BOUNDARY_TAGS):
        if el.text and not el.text.strip(" "):
            el.text = None
        if el.tail and not el.tail.strip(" "):
            el.tail = None
        prev = el.getprevious()
        if prev is not None and prev.tail and not prev.tail.strip(" "):
            prev.tail = None


def _needs_spaces(text: str) -> bool:
    """Whether WS would change something: a space character other than " ", or two spaces
    in a row (substring tests: a fifth of the time of a pattern's search)."""
    return "\n" in text or "\t" in text or "  " in text or "\r" in text or "\f" in text \
        or "\v" in text


def _spaces(text: str) -> str:
    """Collapse source whitespace; U+00A0 stays, as the seeds show it (a site that swaps it
    for a space between fetches makes no new version: the text identity folds it).

    ``WS.sub(" ", text)``, done by ``str.replace`` (twice as fast on the texts of a page)."""
    for blank in WS_OTHER:
        if blank in text:
            text = text.replace(blank, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text


EMPHASIS_TAGS = ("b", "strong", "em", "i", "u", "a")
EDGE_NBSP = re.compile(r"^\xa0+|\xa0+$")


def _nbsp_off_emphasis_edges(container: etree._Element) -> None:
    """A no-break space at the inner edge of bold, italics or a link becomes a space:
    html2text would write it inside the markers (``**Sentry:\xa0**``), which no markdown
    renderer reads as bold."""
    for el in container.iter(*EMPHASIS_TAGS):
        if el.text and "\xa0" in el.text:
            el.text = EDGE_NBSP.sub(" ", el.text)
        last = el[-1] if len(el) else None
        if last is not None and last.tail and "\xa0" in last.tail:
            last.tail = EDGE_NBSP.sub(" ", last.tail)
        elif last is None and el.text and el.text.endswith("\xa0"):
            el.text = EDGE_NBSP.sub(" ", el.text)


def _drop_edge_breaks(container: etree._Element) -> None:
    """``<br>`` first or last in a block renders as nothing: no hard break for it."""
    for block in container.iter("p", "div", "li", "td", "th", "dd", "blockquote"):
        while len(block) and block[-1].tag == "br" and not (block[-1].tail or "").strip():
            _remove_keep_tail(block[-1])
        while len(block) and block[0].tag == "br" and not (block.text or "").strip():
            _remove_keep_tail(block[0])


def _breaks_to_paragraphs(container: etree._Element) -> None:
    """Two or more ``<br>`` in a row end a paragraph (as Readability's replaceBrs)."""
    for br in list(container.iter("br")):
        if br.getparent() is None:
            continue
        chain = [br]
        nxt = br.getnext()
        while nxt is not None and nxt.tag == "br" and not (chain[-1].tail or "").strip():
            chain.append(nxt)
            nxt = nxt.getnext()
        if len(chain) < 2:
            continue
        for extra in chain[1:]:
            _remove_keep_tail(extra)
        chain[0].tag = "p"


def _remove_keep_tail(el: etree._Element) -> None:
    parent = el.getparent()
    prev = el.getprevious()
    if el.tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _wrap_inline_runs(el: etree._Element) -> None:
    """Wrap text mixed with blocks into ``<p>`` (as Readability does) so it is spaced."""
    # (A comment's tag is a function: never in BLOCK_TAGS.)
    # (Children by a slice: lxml's child iterator costs three times more.)
    if not any(c.tag in H.BLOCK_TAGS and c.tag != "br" for c in el[:]):
        return
    if _blocks_only(el):
        # Nothing to wrap: the loop below would only drop the blank text between blocks.
        el.text = None
        for child in el[:]:
            child.tail = None
        return
    items: list[str | etree._Element] = [el.text or ""]
    for child in list(el):
        tail, child.tail = child.tail, None
        el.remove(child)
        items.extend((child, tail or ""))
    el.text = None
    para: etree._Element | None = None
    for item in items:
        if isinstance(item, str):
            if not item:
                continue
            if para is None:
                if not item.strip():
                    continue
                para = etree.SubElement(el, "p")
            if len(para):
                para[-1].tail = (para[-1].tail or "") + item
            else:
                para.text = (para.text or "") + item
        elif not isinstance(item.tag, str):
            continue
        elif item.tag in H.BLOCK_TAGS and item.tag != "br":
            para = None
            el.append(item)
        else:
            if para is None:
                if item.tag == "br" or not item.text_content().strip():
                    continue
                para = etree.SubElement(el, "p")
            para.append(item)


def _blocks_only(el: etree._Element) -> bool:
    """Every child a block (not ``<br>``), with at most blank text around them."""
    if el.text and el.text.strip():
        return False
    return all(c.tag in H.BLOCK_TAGS and c.tag != "br" and not (c.tail and c.tail.strip())
               for c in el[:])


def _is_data_table(table: etree._Element) -> bool:
    """Readability-style test: a table of data, not a page layout grid."""
    if table.find(".//table") is not None:
        return False
    if (table.get("role") or "").lower() == "presentation":
        return False
    rows = table.findall(".//tr")
    if len(rows) < 2:
        return False
    columns = max((len(r.findall("td")) + len(r.findall("th")) for r in rows), default=0)
    if columns < 2:
        return False
    for cell in table.iter("td", "th"):
        if not len(cell):           # a plain cell: no blocks inside, its text its own
            if len(cell.text or "") > DATA_TABLE_MAX_CELL:
                return False
            continue
        # A div, a heading or list, or more than two paragraphs inside: layout.
        paragraphs = 0
        for el in cell.iterdescendants(*CELL_LAYOUT_TAGS):
            if el.tag != "p":
                return False
            paragraphs += 1
        if paragraphs > 2 or len(cell.text_content()) > DATA_TABLE_MAX_CELL:
            return False
    if table.find(".//th") is not None or table.find(".//thead") is not None or \
            table.find("caption") is not None:
        return True
    return len(rows) * columns >= 6


def tidy_markdown(markdown: str) -> str:
    """Fix html2text habits the seeds do not share; strip space noise."""
    # Each rule runs only where it can match (a scan for its literal part is much cheaper).
    if "\\." in markdown:
        markdown = ESCAPED_HEADING_NUMBER.sub(r"\1.", markdown)
    markdown = EMPTY_LINK.sub("", markdown)
    markdown = EMPTY_BOLD.sub(r"\1", markdown)
    if HASH_AT_LINE_END.search(markdown):
        markdown = EMPTY_HEADING.sub("", markdown)
    lines = []
    for line in markdown.split("\n"):
        bare = line.rstrip()        # "" for a blank line
        # Trailing spaces go, but a hard break's two stay.
        lines.append(bare + "  " if bare and line.endswith("  ") else bare)
    markdown = "\n".join(lines)
    markdown = drop_volatile_lines(markdown)
    if "\n\n\n\n\n" in markdown:
        markdown = BLANK_RUN.sub("\n\n\n\n", markdown)
    return markdown.strip("\n")
