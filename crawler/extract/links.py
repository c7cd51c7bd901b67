"""``join(base, href)``: ``urllib.parse.urljoin``, without its parsing where it changes nothing.

Most link targets the extractor resolves are already absolute ``http(s)`` URLs (a page's
own links after ``prepare_links``; absolute hrefs of the page) for which ``urljoin``
parses and reassembles the URL only to return it as it was. ``ABSOLUTE`` matches exactly
such URLs, for any base: a lowercase scheme, a host part without brackets, a path without
``;`` parameters, a query and a fragment that are not empty, printable ASCII throughout.
Anything else goes through ``urljoin``. (tests/crawler/test_links.py compares the two.)
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

_HOST = r"https?://[A-Za-z0-9._~!$&'()*+,=:@%-]+"   # scheme, host (and port, user info)
_PATH = r"/[A-Za-z0-9._~!$&'()*+,=:@%/-]*"           # no ; ? #
_FRAGMENT = r"(?:#[!-~]+)?"                          # not empty
ABSOLUTE = re.compile(_HOST + f"(?:{_PATH})?" + r"(?:\?[!\"$-~]+)?" + _FRAGMENT)
# An ABSOLUTE URL with a path and no query: ``urlunsplit(urlsplit(url))`` gives it back,
# and no session parameter or tracking query is there to remove (``noise.clean_url``).
SETTLED = re.compile(_HOST + _PATH + _FRAGMENT)


def join(base: str, href: str) -> str:
    """``urljoin(base, href)``; an ``href`` urllib cannot read (a bracket that holds no IPv6
    address: ``http://[ Careers ]``) is kept as it is written, as ``noise.clean_url`` keeps it."""
    if ABSOLUTE.fullmatch(href):
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href
