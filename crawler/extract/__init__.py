"""Extraction: an HTML, PDF or plain-text body to seed-style markdown, and the seed header.

``extract_policy`` raises ``NotAPolicy`` (a subclass of ``ExtractionError``) with
``reason`` one of ``empty``, ``not-found``, ``error-page``, ``bot-wall``, ``js-required``,
``redirect``, ``parked``; and ``ExtractionError`` with ``reason`` one of ``undecodable``,
``unparsable``, ``bad-pdf``, ``encrypted-pdf``, ``bad-selector``, ``select-no-match``.

The app imports only what is listed in ``__all__``.
"""

from typing import TYPE_CHECKING

from crawler._exports import lazy_getattr, module_of

# Each name loads its module on first use (PEP 562): the seed header (``header``) comes
# without the extractor. Type checkers read the imports below; tests/crawler/test_exports.py
# keeps them and this table in step.
_SOURCES = {
    "extractor": ("EXTRACTOR_VERSION", "Extracted", "extract_policy"),
    "header": ("compose_document", "render_header"),
}
_MODULE_OF = module_of(_SOURCES)

if TYPE_CHECKING:
    from crawler.extract.extractor import EXTRACTOR_VERSION, Extracted, extract_policy
    from crawler.extract.header import compose_document, render_header
else:
    __getattr__ = lazy_getattr(__name__, _MODULE_OF)


__all__ = [
    "EXTRACTOR_VERSION",
    "Extracted",
    "compose_document",
    "extract_policy",
    "render_header",
]
