"""Extraction: an HTML, PDF or plain-text body to seed-style markdown, and the seed header.

``extract_policy`` raises ``NotAPolicy`` (a subclass of ``ExtractionError``) with
``reason`` one of ``empty``, ``not-found``, ``error-page``, ``bot-wall``, ``js-required``,
``redirect``, ``parked``; and ``ExtractionError`` with ``reason`` one of ``undecodable``,
``unparsable``, ``bad-pdf``, ``encrypted-pdf``, ``bad-selector``, ``select-no-match``.

The app imports only what is listed in ``__all__``.
"""

import importlib
from typing import TYPE_CHECKING

# Each name loads its module on first use (PEP 562): the seed header (``header``) comes
# without the extractor. Type checkers read the imports below; tests/crawler/test_exports.py
# keeps them and this table in step.
_SOURCES = {
    "extractor": ("EXTRACTOR_VERSION", "Extracted", "extract_policy"),
    "header": ("compose_document", "render_header"),
}
_MODULE_OF = {name: module for module, names in _SOURCES.items() for name in names}

if TYPE_CHECKING:
    from crawler.extract.extractor import EXTRACTOR_VERSION, Extracted, extract_policy
    from crawler.extract.header import compose_document, render_header
else:
    def __getattr__(name: str) -> object:
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"crawler.extract.{module}"), name)
        globals()[name] = value
        return value


__all__ = [
    "EXTRACTOR_VERSION",
    "Extracted",
    "compose_document",
    "extract_policy",
    "render_header",
]
