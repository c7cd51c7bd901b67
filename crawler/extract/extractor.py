"""``extract_policy``: an HTML, PDF or plain-text body to seed-style markdown, or an error."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from crawler.extract.decode import decode_body
from crawler.extract.documents import pick_document
from crawler.extract.html import SPACES, document_title, isolate_main, parse_document, prepare_links
from crawler.extract.markdown import tidy_markdown, to_markdown
from crawler.extract.noise import WAYBACK_PREFIX, text_identity
from crawler.extract.pdf import pdf_to_markdown
from crawler.extract.plaintext import text_to_markdown
from crawler.extract.verdict import check_policy

CHARSET_PARAM = re.compile(r";\s*charset\s*=\s*[\"']?([\w.:-]+)", re.I)
# Bump whenever the text produced for the same body changes.
EXTRACTOR_VERSION = "2026.12.3"


@dataclass(frozen=True)
class Extracted:
    """Policy text: ``text`` starts with ``# title`` and has no header line.

    ``identity`` is the sha256 of the text's comparison form (``noise.text_identity``):
    two extractions with the same identity are the same version of the policy.
    """

    title: str
    text: str
    extractor_version: str
    identity: str = ""
    note: str = ""      # how the text was chosen, when worth saying (a multi-document page)

    def __post_init__(self) -> None:
        if not self.identity:
            object.__setattr__(self, "identity", text_identity(self.text))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while an extraction runs (as Mercurial's ``nogc``).

    An extraction holds tens of thousands of objects (lxml's element proxies, per-element
    measures) until it returns; none forms a cycle, so they go by reference counting. Each
    collection the allocations trigger only walks them, and a full one walks every object
    of the process: 5-10% of an extraction. The caller's setting is restored after.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def extract_policy(body: bytes, *, url: str, content_type: str = "text/html",
                   charset: str | None = None, select: str | None = None,
                   remove: str | None = None) -> Extracted:
    """Turn a fetched HTML, PDF or plain-text body into seed-style markdown.

    ``select``/``remove`` are per-policy CSS selectors (comma-separated groups) that
    replace the automatic main-content choice. Raises NotAPolicy for error pages, bot
    walls and near-empty captures, ExtractionError for undecodable or broken bodies.
    """
    if not isinstance(body, (bytes, bytearray)):
        raise TypeError("body must be bytes")
    mime = (content_type or "").split(";")[0].strip().lower()
    if charset is None:
        match = CHARSET_PARAM.search(content_type or "")
        charset = match.group(1) if match else None
    if mime == "application/pdf" or body.lstrip()[:5] == b"%PDF-":
        return _extract_pdf(bytes(body), url=url)
    text = decode_body(bytes(body), charset=charset, url=url)
    if mime == "text/plain":
        return _extract_plain(text, url=url)
    with _collector_paused():
        return _extract_html(text, url=url, select=select, remove=remove)


def _extract_html(text: str, *, url: str, select: str | None,
                  remove: str | None) -> Extracted:
    root = parse_document(text, url=url)
    # Each pass over the tree gets lxml's Python proxy of every element it reaches: lxml
    # hands back a live one, else builds a new one each time (about half the cost of a
    # pass). Holding them all until the markdown is written keeps the dozen passes cheap.
    proxies = list(root.iter())
    # A Wayback replay address resolves links against the archived page's own address.
    base = WAYBACK_PREFIX.sub("", url) if url else url
    title = document_title(root)
    first_h1 = root.find(".//h1")
    heading = SPACES.sub(" ", first_h1.text_content()).strip() if first_h1 is not None else ""
    counted: dict[str, int] = {}    # text sizes by text, for the passes that measure
    container = isolate_main(root, url=base, select=select, remove=remove, prepare=False,
                             counted=counted)
    choice = None if select else pick_document(container, url=url, counted=counted)
    prepare_links(container, url=base)
    markdown = to_markdown(container, title=title, url=base)
    del proxies
    check_policy(title=title, text=markdown, raw_html=text, first_heading=heading, url=url)
    return Extracted(title=title, text=markdown, extractor_version=EXTRACTOR_VERSION,
                     note=choice.explain() if choice else "")


def _extract_pdf(body: bytes, *, url: str) -> Extracted:
    title, markdown = pdf_to_markdown(body, url=url)
    return _finish(title, markdown, url=url)


def _extract_plain(text: str, *, url: str) -> Extracted:
    title, markdown = text_to_markdown(text)
    return _finish(title, markdown, url=url)


def _finish(title: str, markdown: str, *, url: str) -> Extracted:
    markdown = tidy_markdown(markdown)
    text = f"# {title}\n\n{markdown}\n" if markdown else f"# {title}\n"
    check_policy(title=title, text=text, url=url)
    return Extracted(title=title, text=text, extractor_version=EXTRACTOR_VERSION)
