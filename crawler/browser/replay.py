"""Undoing an archive's replay rewriting on a rendered page: its toolbar, scripts and URLs.

A Wayback ``if_`` replay inserts the archive's own scripts and styles (``/_static/``,
``wombat.js``, a toolbar between ``BEGIN/END WAYBACK TOOLBAR INSERT`` comments) and
rewrites every URL to ``/web/<timestamp><modifier>/<original>``. The stored DOM must be the
site's page: the inserted nodes are removed and every rewritten URL is put back.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_TOOLBAR = re.compile(r"<!--\s*BEGIN WAYBACK TOOLBAR INSERT\s*-->.*?"
                      r"<!--\s*END WAYBACK TOOLBAR INSERT\s*-->", re.S | re.I)
_REWRITTEN = re.compile(r"^(?:https?:)?(?://[^/]+)?/web/\d{1,14}(?:[a-z]{2}_)?/(.+)$", re.I)
_ARCHIVE_ASSET = re.compile(r"(^|/)(_static/|static/js/wombat|wombat\.js|athena\.js|"
                            r"playback\.bundle|ruffle|bundle-playback)", re.I)
_TOOLBAR_IDS = ("wm-ipp", "wm-ipp-base", "wm-ipp-print", "donato", "wm-bipp")
_URL_ATTRIBUTES = ("href", "src", "action", "poster", "data-src")


def original_url(url: str) -> str:
    """The site's URL behind an archive-rewritten one (other URLs unchanged)."""
    match = _REWRITTEN.match(url.strip())
    if not match:
        return url
    return re.sub(r"^(https?):/+", r"\1://", match.group(1), flags=re.I)


def strip_replay(html: str) -> str:
    """The rendered page without the archive's insertions and with original URLs."""
    html = _TOOLBAR.sub("", html)
    root = lxml.html.document_fromstring(html)
    doomed = []
    for el in root.iter(etree.Element):
        source = el.get("src") or el.get("href") or ""
        if el.tag in ("script", "link") and _ARCHIVE_ASSET.search(source):
            doomed.append(el)
        elif el.tag == "script" and not source and "__wm." in (el.text or ""):
            doomed.append(el)   # the inline bootstrap of the archive's client-side rewriter
        elif (el.get("id") or "") in _TOOLBAR_IDS:
            doomed.append(el)
        else:
            for name in _URL_ATTRIBUTES:
                value = el.get(name)
                if value:
                    el.set(name, original_url(value))
    for el in doomed:
        el.drop_tree()
    return etree.tostring(root, encoding="unicode", method="html", doctype="<!DOCTYPE html>")
