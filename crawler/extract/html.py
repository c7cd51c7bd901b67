"""Main-content isolation: from a whole page to the element(s) holding the policy.

How it decides, in order:

1. Parse (lxml), read the ``<title>``, drop scripts, styles, form controls and embeds;
   accordion toggles (``aria-expanded`` buttons, buttons in headings) keep their text.
2. Remove overlays by what they are: a box offering consent-style actions (buttons, not
   links in prose: Accept / Reject / Manage / Close ...) that floats (``role=dialog``,
   ``aria-modal``, fixed position), or that is small, has no section heading of its own
   and is named as an overlay or offers two distinct actions; modal dialogs holding a
   small share of the page. The word "cookie" plays no part, so a policy's own Cookies
   section (it has its heading) stays.
3. Score prose: every block (p, li, td, div with its own text ...) whose inline text is
   long enough (any length for list items and table cells) and not mostly links counts its
   length. From ``<body>`` (or a dominant ``<main>``) descend into a child while it holds
   nearly all of the prose (or most of it, the rest being named furniture); stop where
   the prose is split, so a policy spread over sibling containers is kept whole. Short
   flat lines and real paragraphs right beside the chosen element ("Last updated", an
   introduction in its own box) join it.
4. Prune inside: landmarks (nav, aside, site header/footer), boxes named as furniture by
   whole class/id words (menu, breadcrumb, share, newsletter, related ...) unless they read
   like the document, tables of contents (lists of in-page links), link lists pointing back
   into the site, and repeated copies (desktop/mobile). Lists of links to other sites
   (sub-processors, opt-outs) stay. Nothing holding a large share of the prose is pruned,
   and hidden/collapsed sections (accordions, tabs, ``<details>``) are kept.

Per-policy ``select``/``remove`` CSS selectors replace steps 2-4.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
from cssselect import SelectorError

from crawler.errors import ExtractionError, NotAPolicy
from crawler.extract import heuristics as H
from crawler.extract.noise import clean_url, decode_cfemail
from crawler.extract.textsize import text_size

# Characters lxml refuses in text: C0 controls but tab, newline and return; surrogates;
# U+FFFE and U+FFFF.
NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
SPACES = re.compile(r"[ \t\n\r\f\v]+")
CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
TOKEN_SPLIT = re.compile(r"[\s\-_:./]+")
LETTERS = re.compile(r"[^\W\d_]{2,}")
BUTTON_WORDS = frozenset({"btn", "button", "cta"})
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)
FIXED_STYLE = re.compile(r"position\s*:\s*(?:fixed|sticky)", re.I)
SITE_HOST = re.compile(r"^[a-z][a-z0-9+.-]*://([^/?#:]+)", re.I)
ACTION_TAGS = frozenset({"button", "a", "input", "div", "span"})
NO_TOKENS: frozenset[str] = frozenset()
# Tags a main landmark (role=main) is looked for on.
LANDMARK_TAGS = frozenset({"main", "article", "div", "section"})
# Tags of the boxes a consent preference centre comes in.
BOX_TAGS = frozenset({"div", "section", "aside", "form"})
HTML_LOOKUP = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)

# A modal dialog holding at most this share of the page's text is an overlay.
MODAL_SHARE = 0.35
# Descend into a child holding at least this share of its parent's prose.
DOMINANCE = 0.85
# ... or at least this share when every other child with text is furniture.
WEAK_DOMINANCE = 0.5
# A <main>/[role=main]/single <article> holding this share of the prose is the start.
LANDMARK_SHARE = 0.6
# Sibling subtrees repeating this much identical text are copies (responsive layouts).
REPEAT_MIN_CHARS = 200
# Furniture-named boxes that still read like the document: this much prose, in blocks
# this long on average.
DOCUMENT_MIN_PROSE = 150
DOCUMENT_MEAN_BLOCK = 90
# Short plain siblings of the chosen element kept with it (dates, closing lines).
ADJACENT_MAX_CHARS = 300
ADJACENT_MAX = 3
ADJACENT_LEVELS = 3
# ... and siblings of real paragraphs: this much prose, blocks this long on average.
CONTINUATION_MIN_PROSE = 150
CONTINUATION_MEAN_BLOCK = 120
# Stop descending when the element's own text (outside child blocks) is this substantial.
OWN_PROSE_MIN = 100
OWN_PROSE_SHARE = 0.03
# A furniture-sounding class on this many mostly-text boxes names section wrappers.
SECTION_CLASS_MIN = 3
# Never prune an element holding this share of the main element's prose.
MAJOR_SHARE = 0.2
# A block counts as prose when its own inline text is this long and not mostly links.
PROSE_MIN_CHARS = 50
PROSE_MAX_LINK_DENSITY = 0.4
LEAF_TAGS = frozenset({"p", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
                       "caption", "figcaption", "summary", "label"})
# List items and table cells count even when short ("Email address", "90 days").
ITEM_TAGS = frozenset({"li", "td", "th", "dd", "dt"})
SKIP_LINK_TAGS = frozenset({"a", "p", "li", "div", "span"})
# Tags _is_furniture judges by name (with a class, id, role or two links it looks further).
FURNITURE_SHAPED = frozenset({"nav", "header", "footer", "aside"})
SKIP_LINK_MAX_CHARS = len("skiptomaincontent")     # the longest of H.SKIP_LINK_TEXT
# The letters H.SKIP_LINK_TEXT can start with, as re.I matches them (U+017F is an "s").
SKIP_LINK_FIRST = frozenset("sSbBtTrR\u017f")
# Furniture roles _is_furniture judges like a <nav> (the rest like header/footer/aside).
NAVIGATION_ROLES = H.FURNITURE_ROLES - {"banner", "contentinfo", "complementary"}


@dataclass(slots=True)
class Stats:
    """Text measures of one element (characters without whitespace)."""

    total: int = 0
    link: int = 0
    prose: int = 0
    links: int = 0
    own_prose: int = 0
    blocks: int = 0
    # Text not inside a child block, and how much of it is link text (_measure's working).
    inline: int = 0
    inline_link: int = 0

    @property
    def plain(self) -> int:
        """Characters not inside links."""
        return self.total - self.link

    @property
    def link_density(self) -> float:
        return self.link / self.total if self.total else 0.0


def parse_document(text: str, *, url: str | None = None) -> etree._Element:
    """Parse HTML text into an lxml tree; raise ExtractionError on unparsable input."""
    text = XML_DECLARATION.sub("", text, count=1)
    if NOT_XML_CHARS.search(text):
        # lxml refuses these in any text it is later handed (a tail moved on a drop), so
        # they go before parsing: control bytes are never policy text.
        text = NOT_XML_CHARS.sub("", text)
    if not text.strip():
        raise NotAPolicy("body is empty", reason="empty", url=url)
    # The text goes to libxml2 as UTF-8 (a quarter faster to parse than a str); the
    # encoding is given, so a <meta charset> in the page changes nothing.
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False,
                              default_doctype=False, huge_tree=True, encoding="utf-8")
    # Every element an HtmlElement, chosen in C: lxml.html's own lookup (form and input
    # classes) runs Python code each time an element is touched, a tenth of the work here.
    parser.set_element_class_lookup(HTML_LOOKUP)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"HTML cannot be parsed: {exc}", reason="unparsable",
                              url=url) from exc
    if root is None:
        raise ExtractionError("HTML cannot be parsed", reason="unparsable", url=url)
    if any(e.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for e in parser.error_log):
        # libxml2 stops at 2048 levels of nesting and drops the rest of the page: a
        # partial text would be a false change, so say why instead.
        raise ExtractionError("the page nests its elements deeper than the HTML parser's "
                              "limit (2048 levels); the text past that cannot be read",
                              reason="unparsable", url=url)
    return root


def document_title(root: etree._Element) -> str:
    """The page's ``<title>`` (whitespace collapsed), else its first ``<h1>``."""
    for path in (".//head/title", ".//title", ".//h1"):
        for el in root.iterfind(path):
            if any(a.tag in ("svg", "math") for a in el.iterancestors()):
                continue        # an icon's <title>, not the page's
            title = SPACES.sub(" ", el.text_content()).strip()
            if title:
                return title
    return ""


def isolate_main(root: etree._Element, *, url: str, select: str | None = None,
                 remove: str | None = None, prepare: bool = True,
                 counted: dict[str, int] | None = None) -> etree._Element:
    """Return a ``<div>`` holding the policy's content, cleaned for conversion.

    ``prepare=False`` leaves ids, classes and link targets as they are (the caller runs
    ``prepare_links`` after looking at them, as document picking does). ``counted``: text
    sizes (characters without whitespace) by text, filled in here for later passes.
    """
    body = root.find("body")
    if body is None:
        body = root
    if remove:
        for el in _css(remove, body, url=url):
            _drop(el)
    if select:
        matched = _outermost(_css(select, body, url=url))
        if not matched:
            raise ExtractionError(f"selector {select!r} matches nothing",
                                  reason="select-no-match", url=url)
        _drop_junk(body, _mark(body))
        container = body.makeelement("div")
        for el in matched:
            _detach(el)
            container.append(el)
        if prepare:
            prepare_links(container, url=url)
        return container
    marked = _mark(body)
    _remove_overlays(body, marked)
    _drop_junk(body, marked)
    stats = _measure(body, {} if counted is None else counted)
    main = _choose_main(body, stats, marked.landmarks)
    before, after = _adjacent_lines(main, body, stats)
    heading = _lost_heading(before[0] if before else main, body)
    parts = before + [main] + after
    for part in parts:
        _prune(part, stats, stats[main].prose, url=url)
    container = body.makeelement("div")
    if heading is not None:
        container.append(heading)
    for part in parts:
        _detach(part)
        container.append(part)
    if prepare:
        prepare_links(container, url=url)
    return container


# --- selectors ---------------------------------------------------------------------------


def _css(selectors: str, scope: etree._Element, *, url: str) -> list[etree._Element]:
    try:
        return CSSSelector(selectors, translator="html")(scope)
    except (SelectorError, etree.XPathError) as exc:
        raise ExtractionError(f"invalid CSS selector {selectors!r}: {exc}",
                              reason="bad-selector", url=url) from exc


def _outermost(elements: list[etree._Element]) -> list[etree._Element]:
    chosen = set(elements)
    result = []
    for el in elements:
        if not any(anc in chosen for anc in el.iterancestors()):
            result.append(el)
    return result


# --- cleaning -----------------------------------------------------------------------------


def _drop(el: etree._Element) -> None:
    """Remove an element but keep its tail text."""
    if el.getparent() is not None:
        el.drop_tree()


def _detach(el: etree._Element) -> None:
    """Take an element out of its parent, leaving its tail text in place."""
    parent = el.getparent()
    if parent is None:
        return
    tail, el.tail = el.tail, None
    prev = el.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _tokens(el: etree._Element) -> frozenset[str]:
    name, ident = el.get("class"), el.get("id")
    if name is None and ident is None:
        return NO_TOKENS        # (most links: no cache look-up)
    return _tokens_of(name or "", ident or "")


@lru_cache(maxsize=4096)
def _tokens_of(name: str, ident: str) -> frozenset[str]:
    raw = f"{name} {ident}"
    if not raw.strip():
        return frozenset()
    return frozenset(t for t in TOKEN_SPLIT.split(CAMEL.sub(" ", raw).lower()) if t)


def _text_len(text: str | None) -> int:
    return text_size(text) if text else 0


def _longer_than(text: str, limit: int) -> bool:
    """``_text_len(text) > limit``, counting only as far as needed (an ancestor's text can
    hold a whole page with its scripts)."""
    return len(text) > limit and TextSize(lambda: text).upto(limit + 1) > limit


class TextSize:
    """A text's size (characters without whitespace), counted only as far as a rule needs:
    a page's text can be megabytes of inline scripts. ``read``: gives the text, called on
    first use."""

    def __init__(self, read: Callable[[], str]) -> None:
        self._read_text = read
        self._text: str | None = None
        self._read = 0          # characters of the text counted so far
        self._size = 0          # and how many of them are not whitespace

    def upto(self, limit: int) -> int:
        """``min(size, limit)``."""
        if self._text is None:
            self._text = self._read_text()
        text = self._text
        while self._size < limit and self._read < len(text):
            # Whitespace goes character by character: chunks' counts add up.
            self._size += text_size(text[self._read:self._read + 8192])
            self._read += 8192
        return min(self._size, limit)


def _text_of(el: etree._Element) -> str:
    """``el.text_content()``; an element without children (most links and buttons) gives
    its own text without lxml's XPath call."""
    return el.text_content() if len(el) else (el.text or "")


def _label(el: etree._Element) -> str:
    text = _text_of(el) if el.tag != "input" else (el.get("value") or "")
    if not text.strip():
        text = el.get("aria-label") or el.get("title") or ""
    return _squeeze(text).strip().lower()


def _squeeze(text: str) -> str:
    """``SPACES.sub(" ", text)``, skipped when it would change nothing: a few substring
    tests cost a fraction of the pattern's search."""
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text \
            or "\v" in text:
        return SPACES.sub(" ", text)
    return text


def _is_action(el: etree._Element) -> bool:
    """A button, or a link dressed as one (a link to a page inside prose is not)."""
    tag = el.tag
    if tag == "input":
        return (el.get("type") or "").lower() in ("button", "submit")
    if tag == "button" or el.get("role") == "button":
        return True
    if tag != "a":
        return False
    href = (el.get("href") or "").strip().lower()
    if not href or href.startswith(("#", "javascript:")):
        return True
    return bool(_tokens(el) & BUTTON_WORDS)


def _is_consent_action(el: etree._Element) -> bool:
    if not _is_action(el):
        return False
    label = _label(el)
    return len(label) <= 40 and len(label.split()) <= 5 and bool(H.CONSENT_ACTION.match(label))


def _remove_overlays(body: etree._Element, marked: Marked) -> None:
    """Drop consent banners, cookie walls and popups by their structure (see module doc);
    ``marked``'s controls and tabs inside them go from its lists."""
    actions, modals = marked.actions, marked.modals
    # Nothing is dropped before the page's size is last read.
    page = TextSize(body.text_content).upto
    # (A page of 13,334 characters or more gives the largest cap.)
    cap = min(4000, max(800, int(page(13334) * 0.3))) if actions else 0
    doomed: list[etree._Element] = []
    seen: set[etree._Element] = set()
    for action in actions:
        if action in seen or any(anc in seen for anc in action.iterancestors()):
            continue
        best = None
        for anc in action.iterancestors():
            if anc is body or anc.tag in ("html", "body", "main"):
                break
            if _longer_than(anc.text_content(), cap) or anc.find(".//h1") is not None:
                break
            if _is_fixed_overlay(anc):
                best = anc
            elif (_tokens(anc) & H.OVERLAY_WORDS or _distinct_actions(anc) >= 2) and \
                    not _has_section_heading(anc):
                best = anc      # a policy's own Cookies section has its heading inside
        if best is not None:
            seen.add(best)
            doomed.append(best)
    # Modal dialogs (consent preference centres, popups) are not the page's document,
    # unless the document itself is shown in one (it then holds most of the text).
    for el in modals:
        if el in seen:
            continue
        size = _text_len(el.text_content())
        if size <= MODAL_SHARE * page(int(size / MODAL_SHARE) + 2):
            doomed.append(el)
            seen.add(el)
    doomed.extend(_preference_centres(marked.boxes, seen, page))
    for el in doomed:
        _drop(el)
    if doomed:
        gone = {x for el in doomed for x in el.iter()}
        marked.controls = [el for el in marked.controls if el not in gone]
        marked.tabs = [el for el in marked.tabs if el not in gone]


@dataclass(slots=True)
class Marked:
    """The elements the cleaning steps act on, found in one pass, in document order."""

    modals: list[etree._Element] = field(default_factory=list)     # modal dialogs
    actions: list[etree._Element] = field(default_factory=list)    # consent actions
    boxes: list[etree._Element] = field(default_factory=list)      # boxes named as overlays
    controls: list[etree._Element] = field(default_factory=list)   # _is_control
    tabs: list[etree._Element] = field(default_factory=list)       # _is_tab
    toolbars: list[etree._Element] = field(default_factory=list)   # the Wayback toolbar
    landmarks: list[etree._Element] = field(default_factory=list)  # <main>, role=main


def _mark(body: etree._Element) -> Marked:
    """Modals, consent actions, overlay-named boxes, controls, tabs, the Wayback toolbar
    and main landmarks (``Marked``), in one pass.

    (A loop over the elements, as in every scan here: while extract_policy keeps their
    proxies alive, it is faster than an XPath selecting the few candidates. One call reads
    an element's attribute names: most elements have few.)
    """
    marked = Marked()
    modals, actions, boxes = marked.modals, marked.actions, marked.boxes
    controls, tabs = marked.controls, marked.tabs
    for el in body.iter(etree.Element):
        tag = el.tag
        names = el.keys()
        if names and "id" in names and el.get("id") in H.WAYBACK_TOOLBAR_IDS:
            marked.toolbars.append(el)
        role = el.get("role") if names and "role" in names else None
        if tag == "main" or (role == "main" and tag in LANDMARK_TAGS):
            marked.landmarks.append(el)
        if tag == "dialog" or (role is not None and role.lower() in ("dialog", "alertdialog")) \
                or ("aria-modal" in names and (el.get("aria-modal") or "").lower() == "true"):
            modals.append(el)
        # A div or span is an action only with role=button: most are ruled out here.
        if tag in ACTION_TAGS and (role is not None or (tag != "div" and tag != "span")) \
                and _is_consent_action(el):
            actions.append(el)
        if tag in BOX_TAGS and (
                (("class" in names or "id" in names) and _tokens(el) & H.OVERLAY_WORDS)
                or (role or "").lower() in H.OVERLAY_ROLES):
            boxes.append(el)
        if tag in ("button", "summary") or _acts_in_page(el, tag, names):
            controls.append(el)
        if (role is not None or "data-toggle" in names or "data-bs-toggle" in names) \
                and _is_tab(el):
            tabs.append(el)
    return marked


def _preference_centres(boxes: list[etree._Element], seen: set[etree._Element],
                        page: Callable[[int], int]) -> list[etree._Element]:
    """Consent preference centres of any size: a box named as an overlay (modal, popup,
    dialog ...; ``boxes``, see ``_mark``) offering consent actions and per-purpose toggles,
    or two distinct consent actions and no section heading (a policy's own Cookies section
    has one), that does not hold the page's ``<h1>`` and leaves text outside it. ``page``:
    ``TextSize.upto``."""
    found: list[etree._Element] = []
    for el in boxes:
        if el in seen or any(a in seen for a in el.iterancestors()):
            continue
        if el.find(".//h1") is not None or el.find(".//main") is not None:
            continue
        actions = _distinct_actions(el)
        toggles = any((i.get("type") or "").lower() in H.TOGGLE_INPUT_TYPES
                      or (i.get("role") or "").lower() == "switch"
                      for i in el.iter("input", "button", "span", "div"))
        if (actions >= 2 and not _has_section_heading(el)) or (actions and toggles):
            size = _text_len(el.text_content())
            rest = page(size + 4 * H.MIN_POLICY_WORDS) - size
            if rest >= 4 * H.MIN_POLICY_WORDS:      # the page keeps text of its own
                found.append(el)
                seen.add(el)
    return found


def _is_fixed_overlay(el: etree._Element) -> bool:
    """Marked as floating over the page: dialog roles, aria-modal, fixed position."""
    if el.tag == "dialog" or el.get("role") in H.OVERLAY_ROLES:
        return True
    if (el.get("aria-modal") or "").lower() == "true":
        return True
    return bool(FIXED_STYLE.search(el.get("style") or ""))


def _distinct_actions(el: etree._Element) -> int:
    return len({_label(a) for a in el.iter(*ACTION_TAGS) if _is_consent_action(a)})


def _has_section_heading(el: etree._Element) -> bool:
    return any(True for _ in el.iter("h2", "h3", "h4"))


def _label_tab_panels(body: etree._Element, tabs: list[etree._Element]) -> bool:
    """Tabs: write each tab's label at the top of its panel, then drop the tab strip.

    Hidden panels are kept like any collapsed section; without their labels the panels
    ("EU residents", "US residents") would run together unnamed. True when the tree changed.
    """
    if not tabs:
        return False
    changed = False
    by_id = _by_id(body)
    for tab in tabs:
        target = tab.get("aria-controls") or (tab.get("href") or "").lstrip("#") or \
            (tab.get("data-target") or tab.get("data-bs-target") or "").lstrip("#")
        panel = by_id.get(target)
        label = SPACES.sub(" ", tab.text_content()).strip()
        if panel is None or not label or tab in panel.iterancestors() or \
                any(a is panel for a in tab.iterancestors()):
            continue
        para = body.makeelement("p")
        strong = etree.SubElement(para, "strong")
        strong.text = label
        para.tail = panel.text
        panel.text = None
        panel.insert(0, para)
        _drop(tab)
        changed = True
    return changed


def _is_tab(el: etree._Element) -> bool:
    """A tab of a tab strip (ARIA role or Bootstrap's toggle)."""
    role = el.get("role")
    if role is not None and role.lower() == "tab":
        return True
    toggle = el.get("data-toggle") or el.get("data-bs-toggle")
    return toggle is not None and toggle.lower() in ("tab", "pill")


def _by_id(root: etree._Element) -> dict[str, etree._Element]:
    """Elements by their ``id`` (the last of duplicates wins)."""
    return {el.get("id"): el for el in root.iter(etree.Element) if el.get("id")}


def _drop_junk(body: etree._Element, marked: Marked) -> None:
    """Drop scripts, embeds, form controls and widget furniture; keep accordion titles.
    ``marked``: the page's controls, tabs and Wayback toolbar (``_mark``)."""
    tabs, controls = marked.tabs, marked.controls
    if _label_tab_panels(body, tabs):
        controls = _controls(body)          # a tab strip went, panels have new labels
    _drop_widgets(body, controls)
    for el in list(body.iter("button")):
        if el.getparent() is None:
            continue
        if el.get("aria-expanded") is not None or el.get("aria-controls") is not None or \
                any(a.tag == "summary" for a in el.iterancestors()):
            el.tag = "span"         # an accordion's title: the section's own words
        elif (heading := next((a for a in el.iterancestors() if a.tag in H.HEADING_TAGS),
                              None)) is not None and \
                _text_len(heading.text_content()) <= _text_len(el.text_content()):
            el.tag = "span"         # a heading written as a button
    for el in list(body.iter()):
        tag = el.tag
        if tag.__class__ is not str or tag in H.DROP_TAGS:
            _drop(el)
        elif tag in SKIP_LINK_TAGS:
            # A skip link's words hold at most SKIP_LINK_MAX_CHARS non-space characters.
            text = el.text
            if text and len(el) == 0 and text.lstrip()[:1] in SKIP_LINK_FIRST and \
                    _text_len(text) <= SKIP_LINK_MAX_CHARS and \
                    H.SKIP_LINK_TEXT.match(SPACES.sub(" ", text).strip()):
                _drop(el)
    for el in marked.toolbars:
        _drop(el)


def _controls(body: etree._Element) -> list[etree._Element]:
    """The page's controls (``_is_control``) in document order."""
    return [c for c in body.iter(etree.Element) if _is_control(c)]


def _is_control(el: etree._Element) -> bool:
    """A button, a toggle, a ``<summary>`` or a link that acts in the page instead of leading
    somewhere (``#...``, ``javascript:``, no target)."""
    tag = el.tag
    if tag in ("button", "summary"):
        return True
    return _acts_in_page(el, tag, el.keys())


def _acts_in_page(el: etree._Element, tag: str, names: list[str]) -> bool:
    """``_is_control`` past its tag test; ``names`` are the element's attribute names (one
    call instead of three look-ups; most elements have none)."""
    if not names:
        return tag == "a"
    if "role" in names and (el.get("role") or "").lower() in ("button", "tab"):
        return True
    if "aria-expanded" in names or "aria-controls" in names:
        return True
    if tag == "a":
        href = (el.get("href") or "").strip().lower()
        return not href or href.startswith(("#", "javascript:"))
    return False


def _is_in_page_nav(el: etree._Element) -> bool:
    """Mostly links into the page itself: a table of contents."""
    links = inner = 0
    for a in el.iter("a"):
        links += 1
        href = a.get("href")
        if href and href.lstrip()[:1] == "#":
            inner += 1
    if links < 2 or inner < 0.8 * links:
        return False        # the text measures below cost far more than this test
    linked = sum(_text_len(_text_of(a)) for a in el.iter("a"))
    return linked >= 0.6 * _text_len(el.text_content())


def _in_navigation(el: etree._Element, known: dict[etree._Element, bool]) -> bool:
    """Inside a ``<nav>``, an ``<aside>`` or a navigation role. ``known``: the answers for
    elements asked about before (an element is "in navigation" when it is one or is inside
    one), filled in on the way up, so controls that share ancestors read them once."""
    chain = []
    found = False
    node = el.getparent()
    while node is not None:
        answer = known.get(node)
        if answer is not None:
            found = answer
            break
        chain.append(node)
        if node.tag in ("nav", "aside") or (node.get("role") or "").lower() == "navigation":
            found = True
            break
        node = node.getparent()
    for node in chain:
        known[node] = found
    return found


def _drop_widgets(body: etree._Element, controls: list[etree._Element]) -> None:
    """Drop disclosure and page-tool controls ("See details", "Copy link", "Back to top").

    Recognised by structure first: a control (see ``_is_control``) that opens in-page
    navigation (its target is mostly in-page links, or it is labelled as a table of
    contents) goes with what it opens; then a control whose label is a widget label, or
    whose label sits on several toggles of the page (a per-section "Show more"). A control
    whose label is unique and says something of its own (an accordion's section title)
    stays. ``controls``: the page's controls in document order (``_controls``).
    """
    by_id: dict[str, etree._Element] | None = None
    dropped = False
    # Labels read before the first drop, for the tests below when nothing is dropped.
    read: dict[etree._Element, str] = {}
    for el in controls:
        # Inside a box dropped above? (Nothing is detached before the first drop.)
        if el.getparent() is None or dropped and any(
                a.getparent() is None for a in el.iterancestors()
                if a is not body and a.tag != "html"):
            continue
        target = None
        if el.tag == "summary" and el.getparent().tag == "details":
            target = el.getparent()
        elif (wanted := (el.get("aria-controls") or "").strip()):
            if by_id is None:
                by_id = _by_id(body)
            target = by_id.get(wanted)
        if target is None or target is body:
            continue
        label = _label(el)
        if not dropped:
            read[el] = label
        if H.TOC_LABEL.match(label) or _is_in_page_nav(target):
            _drop(target)
            dropped = True
            if el.getparent() is not None and not any(a is target for a in el.iterancestors()):
                _drop(el)
    if dropped:     # else the page's controls are those found above
        controls = _controls(body)
        read = {}
    labels = [read[c] if c in read else _label(c) for c in controls]
    # Repeated labels count among toggles and buttons only: a table of contents links to
    # each section by the same words as the section's own toggle.
    # Copies in navigation (a sidebar's accordion) do not count either.
    navigation: dict[etree._Element, bool] = {}
    toggles = Counter(label for el, label in zip(controls, labels)
                      if label and el.tag != "a" and not _in_navigation(el, navigation))
    repeats = {label for label, n in toggles.items() if n >= 2}
    for el, label in zip(controls, labels):
        if el.getparent() is None or len(label) > 60:
            continue
        if H.WIDGET_LABEL.match(label) or (label in repeats and el.tag != "a" and not any(
                True for _ in el.iter(*H.HEADING_TAGS))):       # a section's own title
            if el.tag == "summary" or _text_len(el.text_content()) <= 60:
                _drop(el)


# --- scoring ------------------------------------------------------------------------------


def _measure(body: etree._Element, sizes: dict[str, int]) -> dict[etree._Element, Stats]:
    """Compute text, link text and prose scores of every element (children first).

    ``sizes``: characters without whitespace by text, read and filled in (the blanks between
    tags repeat on every line of a page; document picking counts the same texts again)."""
    stats: dict[etree._Element, Stats] = {}
    # Elements inside a link (not the links themselves: their tag says so).
    linked: set[etree._Element] = set()
    for a in body.iter("a"):
        if len(a):
            linked.update(a.iterdescendants())
    elements = list(body.iter(etree.Element))
    block_tags, item_tags = H.BLOCK_TAGS, ITEM_TAGS
    # Reversed document order visits every element after all of its descendants.
    for el in reversed(elements):
        tag = el.tag
        is_link = tag == "a" or el in linked
        text = el.text
        if text:
            own = sizes.get(text)
            if own is None:
                own = sizes[text] = text_size(text)
        else:
            own = 0
        total = own
        link = own if is_link else 0
        prose = blocks = 0
        links = 1 if tag == "a" and el.get("href") else 0
        inline, inline_link = own, link
        for child in el[:]:         # (a slice: lxml's child iterator costs three times more)
            if child.tag.__class__ is not str:
                continue
            cs = stats[child]
            total += cs.total
            link += cs.link
            prose += cs.prose
            blocks += cs.blocks
            links += cs.links
            inline += cs.inline
            inline_link += cs.inline_link
            tail = child.tail
            if tail:
                tail_len = sizes.get(tail)
                if tail_len is None:
                    tail_len = sizes[tail] = text_size(tail)
                total += tail_len
                inline += tail_len
                if is_link:
                    link += tail_len
                    inline_link += tail_len
        if tag in block_tags or el is body:
            minimum = 1 if tag in item_tags else PROSE_MIN_CHARS
            if inline >= minimum and inline_link <= PROSE_MAX_LINK_DENSITY * inline:
                own_prose = inline - inline_link
                stats[el] = Stats(total, link, prose + own_prose, links, own_prose, blocks + 1)
            else:
                stats[el] = Stats(total, link, prose, links, 0, blocks)
        else:
            stats[el] = Stats(total, link, prose, links, 0, blocks, inline, inline_link)
    if stats[body].prose == 0:
        # No paragraph is long enough: fall back to plain non-link text.
        for st in stats.values():
            st.prose = st.total - st.link
    return stats


def _choose_main(body: etree._Element, stats: dict[etree._Element, Stats],
                 marked_main: list[etree._Element]) -> etree._Element:
    """Descend from body (or a dominant landmark) while one child holds nearly all prose.
    ``marked_main``: the page's main landmarks (``_mark``), some of them dropped since."""
    total = stats[body].prose
    node = body
    landmarks = [el for el in marked_main if el in stats]
    articles = [el for el in body.iter("article")]
    if len(articles) == 1:
        landmarks.append(articles[0])
    for el in landmarks:
        if total and stats[el].prose >= LANDMARK_SHARE * total:
            node = el
            break
    while True:
        children = [c for c in node if isinstance(c.tag, str) and c in stats]
        if not children:
            return node
        best = max(children, key=lambda c: stats[c].prose)
        share = stats[best].prose / stats[node].prose if stats[node].prose else 0.0
        if stats[best].prose == 0 or share < WEAK_DOMINANCE:
            return node
        # Between the two thresholds descend only when the rest is site furniture
        # (related articles, newsletter box, sidebar widgets named as such).
        if share < DOMINANCE and not _furniture_siblings(best, stats):
            return node
        # A single text block (paragraph, list item) is never the whole document.
        if best.tag in LEAF_TAGS and not any(
                isinstance(c.tag, str) and c.tag in H.BLOCK_TAGS and c.tag != "br"
                for c in best.iter() if c is not best):
            return node
        # Text written directly in this element, beside the best child, belongs with it.
        if stats[node].own_prose >= max(OWN_PROSE_MIN, OWN_PROSE_SHARE * stats[node].prose):
            return node
        node = best


def _adjacent_lines(main: etree._Element, body: etree._Element,
                    stats: dict[etree._Element, Stats]) -> tuple[list, list]:
    """Short plain-text siblings right before/after the chosen element ("Last updated")."""
    if main is body:
        return [], []

    def fits(el: etree._Element, *, heading_ok: bool) -> bool:
        if not isinstance(el.tag, str) or el not in stats:
            return False
        st = stats[el]
        if st.total == 0:
            return False
        if el.tag in H.FURNITURE_TAGS or el.tag in ("ul", "ol", "table", "form") or \
                (el.get("role") or "").lower() in H.FURNITURE_ROLES:
            return False
        if _tokens(el) & H.FURNITURE_WORDS:
            return False
        # Paragraphs of the document itself (an introduction kept in its own box).
        if st.prose >= CONTINUATION_MIN_PROSE and st.link_density < 0.25 and \
                st.prose >= CONTINUATION_MEAN_BLOCK * max(1, st.blocks):
            return True
        if st.plain > ADJACENT_MAX_CHARS or st.link_density > 0.3:
            return False
        # A line of text ("Last updated: ..."), not a box with its own structure; after
        # the policy a heading starts something else (a sidebar widget).
        inner = [c for c in el.iter() if c is not el and isinstance(c.tag, str)
                 and c.tag in H.BLOCK_TAGS and c.tag != "br"]
        if heading_ok:          # a flat title area: heading, date line, byline
            return not any(_has_block_inside(c) for c in inner)
        return not inner and el.tag not in H.HEADING_TAGS

    before: list[etree._Element] = []
    after: list[etree._Element] = []
    node = main
    for _ in range(ADJACENT_LEVELS):
        found: list[etree._Element] = []
        sib = node.getprevious()
        while sib is not None and fits(sib, heading_ok=True) and len(found) < ADJACENT_MAX:
            found.insert(0, sib)
            sib = sib.getprevious()
        before = found + before
        found = []
        sib = node.getnext()
        while sib is not None and fits(sib, heading_ok=False) and len(found) < ADJACENT_MAX:
            found.append(sib)
            sib = sib.getnext()
        after = after + found
        node = node.getparent()
        if node is None or node is body:
            break
    return before, after


def _has_block_inside(el: etree._Element) -> bool:
    return any(c is not el and isinstance(c.tag, str) and c.tag in H.BLOCK_TAGS
               and c.tag != "br" for c in el.iter())


def _furniture_siblings(best: etree._Element, stats: dict[etree._Element, Stats]) -> bool:
    """True when every sibling with plain text looks like site furniture."""
    parent = best.getparent()
    for sib in parent:
        if sib is best or not isinstance(sib.tag, str) or sib not in stats:
            continue
        st = stats[sib]
        if st.plain == 0:
            continue
        role = (sib.get("role") or "").lower()
        if sib.tag in H.FURNITURE_TAGS or role in H.FURNITURE_ROLES:
            continue
        if _tokens(sib) & H.FURNITURE_WORDS:
            continue
        if st.link_density >= 0.5 or (st.links >= 3 and st.link_density >= 0.3):
            continue            # a menu column, possibly with a short promo
        return False
    return True


def _lost_heading(main: etree._Element, body: etree._Element) -> etree._Element | None:
    """The document's own ``<h1>`` when it sits just before the chosen element."""
    if main is body or main.find(".//h1") is not None:
        return None
    node = main
    for _ in range(4):
        sibling = node.getprevious()
        hops = 0
        while sibling is not None and hops < 4:
            if isinstance(sibling.tag, str):
                hops += 1
                if sibling.tag == "h1":
                    return _copy(sibling) if _text_len(sibling.text_content()) else None
                h1s = sibling.findall(".//h1")
                if len(h1s) == 1 and _text_len(sibling.text_content()) <= \
                        2 * _text_len(h1s[0].text_content()) + 80 and \
                        sibling.find(".//nav") is None:
                    return _copy(h1s[0])
            sibling = sibling.getprevious()
        node = node.getparent()
        if node is None or node is body:
            break
    return None


def _copy(el: etree._Element) -> etree._Element:
    clone = lxml.html.fromstring(lxml.html.tostring(el, encoding="unicode", with_tail=False))
    return clone


def _prune(root: etree._Element, stats: dict[etree._Element, Stats], main_prose: int, *,
           url: str) -> None:
    """Remove furniture below ``root`` (see module doc); never a major share of the prose."""
    # A furniture-sounding class worn by several boxes of the document that are mostly
    # plain text names the document's section wrappers ("navigation-block" around every
    # scroll-spied section), not furniture (a menu's repeated items are mostly links).
    by_class: dict[str, list[int]] = {}
    for el in root.iter(etree.Element):
        name = el.get("class")
        if name and el in stats and _tokens_of(name, el.get("id") or "") & H.FURNITURE_WORDS:
            counts = by_class.setdefault(name, [0, 0, 0])
            counts[0] += 1
            counts[1] += stats[el].total
            counts[2] += stats[el].link
    sections = {name for name, (n, total, link) in by_class.items()
                if n >= SECTION_CLASS_MIN and total and link <= 0.3 * total}
    stack = [root]
    while stack:
        el = stack.pop()
        children = el[:]
        if len(children) >= 2:
            _drop_repeated_children(children, stats)
        for child in children:
            # (Dropped above, or with an empty heading below: no longer a child.)
            if not isinstance(child.tag, str) or child.getparent() is not el:
                continue
            st = stats.get(child)
            if st is None:
                continue
            name = child.get("class")
            if name in sections and name:
                stack.append(child)
            elif name is None and st.links < 2 and child.tag not in FURNITURE_SHAPED and \
                    child.get("id") is None and child.get("role") is None:
                stack.append(child)     # nothing _is_furniture looks at: not furniture
            elif _is_furniture(child, st, main_prose, url=url):
                _drop_with_empty_heading(child)
            else:
                stack.append(child)


def _drop_repeated_children(children: list[etree._Element],
                            stats: dict[etree._Element, Stats]) -> None:
    """Drop a child repeating an earlier sibling's text (desktop and mobile copies);
    ``children``: an element's children, in order."""
    if len(children) < 2:
        return
    by_size: dict[int, list[etree._Element]] = {}
    for child in children:
        st = stats.get(child) if isinstance(child.tag, str) else None
        if st is not None and st.total >= REPEAT_MIN_CHARS:
            by_size.setdefault(st.total, []).append(child)
    for group in by_size.values():
        if len(group) < 2:
            continue
        seen: set[str] = set()
        for child in group:
            key = SPACES.sub(" ", child.text_content()).strip()
            if key in seen:
                _drop(child)
            seen.add(key)


def _drop_with_empty_heading(el: etree._Element) -> None:
    """Drop furniture, and a heading right before it left with an empty section."""
    prev, nxt = el.getprevious(), el.getnext()
    _drop(el)
    if prev is None or prev.tag not in H.HEADING_TAGS:
        return
    if nxt is None or (nxt.tag in H.HEADING_TAGS and nxt.tag <= prev.tag):
        if not (prev.tail or "").strip():
            _drop(prev)


def _is_furniture(el: etree._Element, st: Stats, main_prose: int, *, url: str) -> bool:
    if main_prose and st.prose >= MAJOR_SHARE * main_prose:
        return False
    tag = el.tag
    if tag in H.HEADING_TAGS:
        # A heading is the document's, whatever its id says ("sharing" is the slug of its
        # own text) and however many permalinks it wears; furniture goes with its box.
        return False
    role = (el.get("role") or "").lower()
    small = st.prose <= 0.1 * main_prose or st.prose < 300
    if tag == "nav" or role in NAVIGATION_ROLES:
        return small
    if tag in ("header", "footer") or role in ("banner", "contentinfo"):
        return small and (st.link_density >= 0.25 or el.find(".//nav") is not None
                          or el.find(".//ul") is not None)
    # Words in class/id name furniture ("share", "newsletter", "ads") but ids are often
    # slugs of the policy's own headings ("sharing", "ads-and-analytics"): a box that
    # reads like the document (long paragraphs, few links) stays.
    if (tag == "aside" or role == "complementary" or _tokens(el) & H.FURNITURE_WORDS) \
            and small:
        return not _reads_like_document(st)
    if st.links >= 2 and st.link_density >= 0.6 and st.prose == 0:
        if tag in ("li", "dt", "dd", "td", "th", "caption"):
            return False        # an item or term of the policy made of links stays
        if tag == "p" and _words_outside_links(el):
            return False        # "See [our cookie notice] or [settings]." is a sentence
        return _is_site_link_list(el, url=url)
    return False


def _words_outside_links(el: etree._Element) -> bool:
    parts = [el.text or ""]
    for child in el.iter():
        if child is el:
            continue
        if child.tag != "a" and not any(a.tag == "a" for a in child.iterancestors()):
            parts.append(child.text or "")
        if child.getparent() is not None and child.getparent().tag != "a" and \
                not any(a.tag == "a" for a in child.getparent().iterancestors()):
            parts.append(child.tail or "")
    return bool(LETTERS.search(" ".join(parts)))


def _reads_like_document(st: Stats) -> bool:
    return st.prose >= DOCUMENT_MIN_PROSE and st.link_density < 0.2 and \
        st.prose >= DOCUMENT_MEAN_BLOCK * max(1, st.blocks)


def _is_site_link_list(el: etree._Element, *, url: str) -> bool:
    """A block of links back into the site or into the page (TOC), not a list of vendors."""
    hrefs = [a.get("href") or "" for a in el.iter("a")]
    hrefs = [h for h in hrefs if h]
    if not hrefs:
        return True
    page_host = _site(url)
    needed = 0.5 * len(hrefs)
    others = [href for href in hrefs if not href.startswith("#")]
    internal = len(hrefs) - len(others)
    # Resolving a link costs far more than the rest: stop as soon as the count decides.
    left = len(others)
    for href in others:
        if internal >= needed or internal + left < needed:
            break
        left -= 1
        host = _site(_clean_url(href, url))     # cached: prepare_links asks again
        if not host or host == page_host:
            internal += 1
    return internal >= needed


@lru_cache(maxsize=4096)
def _site(url: str) -> str:
    """The registrable part of a URL's host (``example.co.uk``), "" without a host."""
    match = SITE_HOST.match(url or "")
    if not match:
        return ""
    labels = match.group(1).lower().split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in (
            "co", "com", "org", "net", "ac", "gov", "edu"):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


# --- preparing for conversion -------------------------------------------------------------


def prepare_links(container: etree._Element, *, url: str) -> None:
    """Absolute, clean link targets; decode obfuscated emails; drop images; tidy tags."""
    for el in [x for x in container.iter(etree.Element) if x.get("data-cfemail") is not None]:
        encoded = el.get("data-cfemail")
        email = decode_cfemail(encoded) if encoded else None
        if email:
            for child in list(el):
                _drop(child)
            el.text = email
    for el in list(container.iter("a", "img", "details", "summary")):
        tag = el.tag
        if tag == "a":
            el.set("href", _link_target(el, url=url))
            attrib = el.attrib
            for attr in list(attrib):
                if attr != "href" or not attrib.get("href"):
                    del attrib[attr]
        elif tag == "img":
            _drop(el)
        elif tag == "details":
            el.tag = "div"
        else:
            el.tag = "p"
    etree.strip_attributes(container, "style", "class", "id")


def _link_target(a: etree._Element, *, url: str) -> str:
    href = (a.get("href") or "").strip()
    if "/cdn-cgi/l/email-protection" in href:
        # Cloudflare re-encodes addresses on every request: link to the decoded address.
        email = decode_cfemail(href.rsplit("#", 1)[1]) if "#" in href else None
        text = SPACES.sub("", a.text_content())
        if not email and EMAIL.fullmatch(text):
            email = text
        return f"mailto:{email}" if email else ""
    if href.startswith("#"):
        return href             # in-page link: html2text renders its text only
    return _clean_url(href, url) if href else ""


@lru_cache(maxsize=8192)
def _clean_url(href: str, base: str) -> str:
    """``clean_url`` (a pure function) once per target: pages repeat their links."""
    return clean_url(href, base=base)
