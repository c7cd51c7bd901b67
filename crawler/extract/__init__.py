"""Extraction: an HTML or PDF body to seed-style markdown, and the seed header.

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
