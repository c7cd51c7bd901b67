"""One document from a page that holds several (a "legal" page: Terms, Privacy, Cookies ...).

A page holds several documents when one element has two or more children that are each
a document of their own: a block with real text, named by its first heading, its
``<summary>`` or its ``id``/``aria-labelledby`` (a short, unnumbered name), where at least one name says privacy or
data protection and at least one names another kind of legal document (terms, copyright,
acceptable use, imprint ...). A policy's own sections ("Cookies", "Security", "Your
privacy rights") never make a page multi-document: another document's name is required.

Then the blocks whose names say privacy are kept, in page order, or the block holding the
URL's ``#fragment`` when there is one; the rest is dropped, and the choice is explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from lxml import etree

from crawler.extract.textsize import text_size

SPACES = re.compile(r"\s+")
ID_SPLIT = re.compile(r"[-_.:\s]+")
HEADINGS = ("h1", "h2", "h3")
INLINE_TAGS = frozenset({"span", "a", "strong", "b", "em", "i", "u", "small", "font", "mark"})
# "1. Privacy", "IV. Terms", "a) Cookies": numbered headings are sections of one document.
NUMBERED = re.compile(r"^\s*(?:\d+|[ivxlc]+|[a-z])[.):]\s", re.I)
MAX_NAME_WORDS = 8
# A label (heading, summary, title line) is at most this long; text is read this much at a time.
MAX_LABEL_CHARS = 120
LABEL_READ_CHARS = 1024

PRIVACY_NAME = re.compile(
    r"\b(?:privacy|private\s+data|data\s+protection|personal\s+(?:data|information)|gdpr|"
    r"ccpa|cpra|data\s+retention|data\s+privacy|datenschutz\w*|privatsph[äa]re|"
    r"confidentialit[ée]|donn[ée]es\s+(?:personnelles|priv[ée]es)|vie\s+priv[ée]e|rgpd|"
    r"dsgvo|privacidad|protecci[óo]n\s+de\s+datos|riservatezza|"
    r"informativa\s+(?:sulla\s+)?privacy|protezione\s+dei\s+dati|privacyverklaring|"
    r"gegevensbescherming|persoonsgegevens)\b",
    re.I,
)
OTHER_DOCUMENT_NAME = re.compile(
    r"\b(?:terms(?:\s+(?:of|and)\s+\w+)?|conditions\s+of\s+(?:use|sale|service)|"
    r"user\s+agreement|eula|copyright(?:\s+policy)?|dmca|acceptable\s+use|usage\s+policy|"
    r"community\s+(?:guidelines|standards)|api\s+terms|imprint|impressum|legal\s+notice|"
    r"mentions\s+l[ée]gales|agb|nutzungsbedingungen|allgemeine\s+gesch[äa]ftsbedingungen|"
    r"conditions\s+g[ée]n[ée]rales|cgu|cgv|t[ée]rminos|condiciones|termini|condizioni|"
    r"voorwaarden|refund\s+policy|data\s+processing\s+(?:addendum|agreement)|dpa|"
    r"additional\s+terms|service\s+terms)\b",
    re.I,
)
# A block must hold this many characters of text to be a document, not a teaser.
MIN_DOCUMENT_CHARS = 400
# Searching deeper than this for the element holding the documents finds only sections.
MAX_DEPTH = 12
# Words one of which every PRIVACY_NAME match holds, casefolded: when the container's text
# and ids hold none, no block can be named as the privacy document and naming every
# child is skipped. "private" needs "data" after it (a programming page's "private field").
PRIVACY_WORDS = ("privacy", "privacidad", "privatsph", "privee", "priv\u00e9e", "personal",
                 "protection", "protecci", "protezione", "retention", "gdpr", "ccpa", "cpra",
                 "datenschutz", "confidentialit", "donn", "rgpd", "dsgvo", "riservatezza",
                 "gegevensbescherming", "persoonsgegevens")
PRIVATE_DATA = re.compile(r"private\s+data")
PREFIX_CHARS = 4096         # _may_name_privacy looks here first
IDENTS = etree.XPath("descendant::*/@id | descendant::*/@aria-labelledby")


@dataclass(frozen=True)
class DocumentChoice:
    """Which documents of a multi-document page were kept, and why (for ``check``)."""

    kept: tuple[str, ...]
    dropped: tuple[str, ...]
    rule: str

    def explain(self) -> str:
        kept = ", ".join(repr(n) for n in self.kept)
        others = ", ".join(repr(n) for n in self.dropped)
        return (f"page holds {len(self.kept) + len(self.dropped)} documents; kept {kept} "
                f"({self.rule}), left out {others}; --select overrides")


def pick_document(container: etree._Element, *, url: str,
                  counted: dict[str, int] | None = None) -> DocumentChoice | None:
    """Keep only the privacy document(s) of a multi-document page, in place.

    Returns what was chosen, or None when the page holds one document (nothing changed).
    ``counted``: text sizes already known (``html.isolate_main``), by text.
    """
    found = _documents(container, {} if counted is None else counted)
    if found is None:
        return None
    blocks, names = found
    fragment = unquote(urlsplit(url).fragment) if url else ""
    keep: list[int] = []
    rule = "their names say privacy"
    if fragment:
        for i, block in enumerate(blocks):
            if block.get("id") == fragment or any(el.get("id") == fragment
                                                  for el in block.iter() if isinstance(el.tag, str)):
                keep, rule = [i], f"it holds the URL's #{fragment}"
                break
    if not keep:
        keep = [i for i, name in enumerate(names) if PRIVACY_NAME.search(name)]
    parent = blocks[0].getparent()
    kept = {id(blocks[i]) for i in keep}
    # Every other child of the documents' parent goes too (the other documents, a table of
    # contents, an "About" box): what is asked for is the policy.
    for child in list(parent):
        if isinstance(child.tag, str) and id(child) not in kept:
            child.drop_tree()       # its tail text stays, joined to what came before
    return DocumentChoice(tuple(names[i] for i in keep),
                          tuple(n for i, n in enumerate(names) if i not in keep), rule)


def _documents(container: etree._Element,
               counted: dict[str, int]) -> tuple[list[etree._Element], list[str]] | None:
    """The shallowest element whose children are several named documents (module doc)."""
    if not _may_name_privacy(container):
        return None
    # Label elements already read: nested wrappers share their first text's element.
    labels: dict[etree._Element, str] = {}
    # Text sizes of every element in one pass: only blocks long enough to be documents are
    # named (most children of a policy are short paragraphs and items).
    sizes = _text_sizes(container, counted)
    level = [container]
    for _ in range(MAX_DEPTH):
        following: list[etree._Element] = []
        for parent in level:
            children = [c for c in parent[:] if isinstance(c.tag, str)]
            following.extend(children)
            if len(children) < 2:
                continue
            documents = [(c, n) for c in children if sizes[c] >= MIN_DOCUMENT_CHARS
                         and (n := _name(c, labels))]
            names = [n for _, n in documents]
            if len(documents) >= 2 and _two_kinds(names):
                return [c for c, _ in documents], names
        if not following:
            return None
        level = following
    return None


def _may_name_privacy(container: etree._Element) -> bool:
    """False only when no name below ``container`` can match PRIVACY_NAME.

    A name is a label (whitespace-collapsed text of one element: part of the container's
    text) or an id's words (as ``_name`` joins them); each match holds one of PRIVACY_WORDS.
    ``re.I`` matches what ``casefold`` folds, but for dotless i and the dot of I-dot,
    evened out here.
    """
    content = container.text_content()
    # A policy names itself early: its first characters decide most pages (casefold goes
    # character by character, so a prefix's words are the whole text's).
    if len(content) > PREFIX_CHARS and _names_privacy(content[:PREFIX_CHARS].casefold()):
        return True
    words = (" ".join(w for w in ID_SPLIT.split(ident) if w and not w.isdigit())
             for ident in IDENTS(container))
    return _names_privacy(" ".join([content, *words]).casefold())


def _names_privacy(text: str) -> bool:
    """``text`` (casefolded) holds one of PRIVACY_WORDS or "private data"."""
    if "\u0131" in text or "\u0307" in text:
        text = text.replace("\u0131", "i").replace("\u0307", "")
    return any(word in text for word in PRIVACY_WORDS) or \
        ("private" in text and PRIVATE_DATA.search(text) is not None)


def _two_kinds(names: list[str]) -> bool:
    """A privacy document and another kind of legal document are both named."""
    return any(PRIVACY_NAME.search(n) for n in names) and \
        any(OTHER_DOCUMENT_NAME.search(n) and not PRIVACY_NAME.search(n) for n in names)


def _name(block: etree._Element, labels: dict[etree._Element, str]) -> str:
    """A block's document name: its leading label (heading, summary, title line), else its
    id words; "" when it has none or the label is a numbered section heading."""
    if block.tag in HEADINGS:
        return ""
    name = _leading_label(block, labels)
    if not name:
        ident = block.get("id") or block.get("aria-labelledby") or ""
        name = " ".join(w for w in ID_SPLIT.split(ident) if w and not w.isdigit())
    if not name or NUMBERED.match(name) or len(name.split()) > MAX_NAME_WORDS:
        return ""
    return name


def _leading_label(block: etree._Element, labels: dict[etree._Element, str]) -> str:
    """The text of the first element of ``block`` that has text of its own, when short."""
    for el in block.iter():
        if not isinstance(el.tag, str) or not (el.text or "").strip():
            continue
        while el.tag in INLINE_TAGS and el.getparent() is not None and el is not block and \
                el.getparent() is not block:
            el = el.getparent()
        label = labels.get(el)
        if label is None:
            label = labels[el] = _short_text(el)
        return label
    return ""


def _short_text(el: etree._Element) -> str:
    """``el``'s text, whitespace collapsed, or "" when longer than MAX_LABEL_CHARS.

    Read piece by piece: the first text can be a whole section's (a block with text of its
    own), and a collapsed prefix already too long means the whole is too long.
    """
    pieces: list[str] = []
    size = 0
    for piece in el.itertext():
        pieces.append(piece)
        size += len(piece)
        if size > LABEL_READ_CHARS:
            words = "".join(pieces).split()
            if sum(map(len, words)) + len(words) - 1 > MAX_LABEL_CHARS:
                return ""
            size = 0
    # str.split() and SPACES cut at the same characters: " ".join(split()) is the text
    # with SPACES collapsed and stripped.
    label = " ".join("".join(pieces).split())
    return label if len(label) <= MAX_LABEL_CHARS else ""


def _text_sizes(container: etree._Element,
                counted: dict[str, int] | None = None) -> dict[etree._Element, int]:
    """``len("".join(el.text_content().split()))`` of every element below ``container``,
    children first (whitespace goes character by character, so the sizes of the text
    pieces add up). ``counted``: sizes by text, read and filled in (the blanks between tags
    repeat on every line)."""
    sizes: dict[etree._Element, int] = {}
    if counted is None:
        counted = {}
    for el in reversed(list(container.iter(etree.Element))):
        text = el.text
        size = 0
        if text:
            size = counted.get(text, -1)
            if size < 0:
                size = counted[text] = text_size(text)
        for child in el[:]:         # (a slice: lxml's child iterator costs three times more)
            if child.tag.__class__ is not str:      # a comment and the like: lxml counts
                size = text_size(el.text_content())
                break
            size += sizes[child]
            tail = child.tail
            if tail:
                n = counted.get(tail, -1)
                if n < 0:
                    n = counted[tail] = text_size(tail)
                size += n
        sizes[el] = size
    return sizes
