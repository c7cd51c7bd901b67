"""Extraction: an HTML, PDF or plain-text body to seed-style markdown, and the seed header.

``extract_policy`` raises ``NotAPolicy`` (a subclass of ``ExtractionError``) with
``reason`` one of ``empty``, ``not-found``, ``error-page``, ``bot-wall``, ``js-required``,
``redirect``, ``parked``; and ``ExtractionError`` with ``reason`` one of ``undecodable``,
``unparsable``, ``bad-pdf``, ``encrypted-pdf``, ``bad-selector``, ``select-no-match``.

The app imports only what is listed in ``__all__``.
"""

from crawler.extract.extractor import EXTRACTOR_VERSION, Extracted, extract_policy
from crawler.extract.markdown import compose_document, render_header

__all__ = [
    "EXTRACTOR_VERSION",
    "Extracted",
    "compose_document",
    "extract_policy",
    "render_header",
]
