"""Volatile noise: parts of a page that change between fetches while the policy does not.

Link targets lose tracking and session parameters and Wayback rewriting; Cloudflare's
per-request email obfuscation is decoded; short lines that only state the time of the
visit ("Last visited", "Page generated in 0.12 s") are dropped from the text.

What cannot be removed without changing what the page says (a per-fetch token inside a
link's path, a request id written in the text, the ``<title>`` a site flips between
fetches) stays in the text, and ``text_identity`` leaves it out of the comparison form:
two texts with the same identity are one version.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.extract.links import SETTLED, join

# Query parameters that track the click or the session, or bust caches.
TRACKING_PARAMS = re.compile(
    r"^(?:utm_[a-z_]+|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|twclid|"
    r"ttclid|li_fat_id|igshid|mc_cid|mc_eid|_ga|_gl|_hsenc|_hsmi|__hstc|__hssc|__hsfp|"
    r"hsctatracking|mkt_tok|oly_anon_id|oly_enc_id|vero_id|wickedid|rb_clickid|s_cid|"
    r"ef_id|cmpid|trk|trkid|tracking_id|clickid|ref_src|ref_url|spm|scm|"
    r"phpsessid|jsessionid|sessionid|session_id|sessid|sid|cfid|cftoken|aspsessionid|"
    r"osCsid|zenid|csrf|csrf_token|csrftoken|_csrf|authenticity_token|_token|token|nonce|"
    r"_|cb|cachebuster|cache_buster|nocache|rnd|rand|random|timestamp|ts|_t|t)$",
    re.I,
)
PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#]*", re.I)
WAYBACK_PREFIX = re.compile(
    r"^(?:(?:https?:)?//(?:web\.)?archive\.org)?/web/\d{1,14}(?:[a-z]{2}_)?/(?=.)", re.I)
ENTITY = re.compile(r"&#(?:x[0-9a-f]+|\d+);?", re.I)
HEX_TOKEN = re.compile(r"^(?:[0-9a-f]{24,}|1\d{9}(?:\d{3})?)$", re.I)  # token, unix time

# Whole lines (after extraction) that only tell when the page was served or visited: after
# list and emphasis marks, one of these.
VOLATILE_WORDS = (
    r"(?:"
    r"(?:last|you\s+last)\s+visited\b|"
    r"(?:page\s+)?(?:generated|rendered|served|created|built|loaded)\s+in\s+[\d.,]+\s*"
    r"(?:s|sec|seconds|ms|milliseconds)\b|"
    r"(?:current|server|local)\s+(?:date|time)\s*[:\-]|"
    r"(?:today\s+is|it\s+is\s+now)\s+\w+day\b|"
    r"(?:you\s+are\s+(?:not\s+)?logged\s+in|welcome,?\s+guest)\b|"
    r"(?:queries|sql\s+queries)\s*:\s*\d+|"
    r"(?:cache[d]?|rendered)\s+(?:on|at)\s+\d|"
    r"(?:request|trace|ray)\s+id\s*[:#]|"
    # The year turns every January. "(c)" opens a notice only right before a year, a sign or
    # "Copyright", "Copyright" only in a line with a year or a sign, and either in a line
    # saying "all rights reserved": a policy's item "(c) to comply with a legal obligation
    # (Art. 6(1)(c) GDPR)" and its heading "Copyright" stay.
    r"(?:[™®]\s*(?:and|&)\s*)?(?:©|"
    r"\(c\)(?:\s*(?:©|copyright\b|(?:19|20)\d\d\b)|(?=[^\n]*all\s+rights\s+reserved))|"
    r"copyright\b(?=[^\n]*(?:©|\(c\)|\b(?:19|20)\d\d\b|all\s+rights\s+reserved)))"
    r")"
)
# The characters VOLATILE_WORDS can start with: a line starting otherwise ("[link]", "1.")
# is not tried against each alternative (a quarter of the time; a test keeps them in step).
VOLATILE_FIRST = "lypgrscbtiwq©(™®"
VOLATILE_LINE = re.compile(rf"^[*_#>\s-]*(?=[{re.escape(VOLATILE_FIRST)}]){VOLATILE_WORDS}", re.I)
MAX_VOLATILE_LINE = 160


def clean_url(href: str, *, base: str) -> str:
    """Absolute URL without Wayback rewriting, tracking/session parameters or cache busters."""
    href = href.strip()
    if "&" in href and ENTITY.search(href):
        # Obfuscated mailto: links carry entities whose mix changes on every request.
        href = html.unescape(href)
    if not href or href.startswith(("javascript:", "data:")):
        return ""
    lowered = href.lower()
    if lowered.startswith(("mailto:", "tel:")):
        return href
    href = WAYBACK_PREFIX.sub("", href)
    try:
        absolute = join(base, href) if base else href
        absolute = WAYBACK_PREFIX.sub("", absolute)
        if SETTLED.fullmatch(absolute):
            return absolute
        parts = urlsplit(absolute)
    except ValueError:
        return href
    path = PATH_SESSION.sub("", parts.path)
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs
                if not TRACKING_PARAMS.match(k) and not HEX_TOKEN.match(v)]
        if len(kept) != len(pairs):
            query = urlencode(kept, doseq=True)
    if parts.netloc and not path:
        path = "/"
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


def decode_cfemail(encoded: str) -> str | None:
    """Decode Cloudflare's per-request email obfuscation (``data-cfemail`` hex)."""
    try:
        data = bytes.fromhex(encoded)
    except ValueError:
        return None
    if len(data) < 2:
        return None
    key = data[0]
    try:
        decoded = bytes(b ^ key for b in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    # Some sites entity-encode the address before Cloudflare encodes it again.
    return html.unescape(decoded).removeprefix("mailto:")


def drop_volatile_lines(markdown: str) -> str:
    """Remove short lines that only state the time of the visit or of rendering."""
    lines = markdown.split("\n")
    # (A blank line, every other line of a text, never matches.)
    kept = [line for line in lines
            if not (line and len(line) <= MAX_VOLATILE_LINE and VOLATILE_LINE.match(line))]
    return "\n".join(kept) if len(kept) != len(lines) else markdown


# --- version identity ---------------------------------------------------------------------

MARKDOWN_LINK = re.compile(r"(\]\()([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(\))")
UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
# Inside a URL: a run of hex (16+), of digits (10+: unix times, cache busters) or of
# base64/base62 (20+, mixing letters and digits) is a token, not a word of the address.
URL_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?:[0-9a-f]{16,}|\d{10,}|"
                       r"(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,})"
                       r"(?![A-Za-z0-9])", re.I)
# In running text only long, unmistakable ids: hex of 24+ with a digit and a letter.
TEXT_TOKEN = re.compile(r"(?<![\w-])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{24,}(?![\w-])",
                        re.I)
TITLE_LINE = re.compile(r"\A# [^\n]*\n?")
# Runs of two or more spaces between two non-space characters become one space; indents
# and trailing spaces (hard breaks) stay. Found by a fast literal search for the runs and
# a check of their neighbours, not a look-behind tried at every position.
SPACE_RUN = re.compile(r"  +")


# Spaces beside a table's cell separator: html2text writes the source blank between two
# cells (``a | b``), which a minified page lacks (``a| b``).
def _cell_edges(text: str) -> str:
    """The text without spaces and tabs beside a "|" (``re.sub(r"[ \\t]*\\|[ \\t]*", "|",
    text)``), cut at the separators instead of trying a pattern at every blank of the text
    (most texts have many blanks and few separators)."""
    parts = text.split("|")
    last = len(parts) - 1
    return "|".join(part.rstrip(" \t") if i == 0 else
                    part.lstrip(" \t") if i == last else part.strip(" \t")
                    for i, part in enumerate(parts))


def _inner_spaces(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        start, end = m.span()
        if start and end < len(text) and not text[start - 1].isspace() and \
                not text[end].isspace():
            return " "
        return m.group()
    return SPACE_RUN.sub(one, text)


# A UUID is 32 hex digits and dashes in a row, a TEXT_TOKEN 24 hex digits: each pattern
# needs trying only on such runs, not at every position of the text (``[0-9a-f]`` under
# re.I is ASCII hex and nothing else). The runs are found on byte maps of the UTF-8 text
# (hex digit, and dash for UUIDs, -> "x") by a substring search: a pattern like
# ``[0-9a-f]{24,}`` costs a try at every hex letter of the prose.
HEX_MAP = bytes(0x78 if chr(b) in "0123456789abcdefABCDEF" else 0x20 for b in range(256))
HEX_OR_DASH_MAP = bytes(0x78 if chr(b) in "0123456789abcdefABCDEF-" else 0x20
                        for b in range(256))
UUID_RUN = b"x" * 32
TOKEN_RUN = b"x" * 24
WORD_OR_DASH = re.compile(r"[\w-]")


def comparison_form(text: str) -> str:
    """The text with what changes from fetch to fetch masked (see ``text_identity``)."""
    text = TITLE_LINE.sub("# \n", text, count=1).replace("\xa0", " ")
    if "  " in text:
        text = _inner_spaces(text)
    if "|" in text:
        text = _cell_edges(text)
    if "](" in text:
        text = MARKDOWN_LINK.sub(lambda m: m.group(1) + _mask_url(m.group(2)) + m.group(3), text)
    raw = text.encode("utf-8", "surrogatepass")
    spans = _runs(text, raw, HEX_OR_DASH_MAP, UUID_RUN)
    if spans:
        text = _replace(text, spans, lambda run: UUID.sub("<id>", run))
        raw = text.encode("utf-8", "surrogatepass")
    spans = _runs(text, raw, HEX_MAP, TOKEN_RUN)
    if spans:
        text = _replace(text, spans, lambda run: "<id>" if TEXT_TOKEN.fullmatch(run) else run,
                        alone=True)
    return text


def _runs(text: str, raw: bytes, mapping: bytes, least: bytes) -> list[tuple[int, int]]:
    """Spans in ``text`` of the longest runs of characters that ``mapping`` marks, at least
    ``len(least)`` long (``raw``: the text in UTF-8)."""
    marked = raw.translate(mapping)         # "x" and " " only
    spans: list[tuple[int, int]] = []
    start = marked.find(least)
    while start >= 0:       # the first window of a run is where the run starts
        end = marked.find(b" ", start)
        if end < 0:
            end = len(marked)
        spans.append((start, end))
        start = marked.find(least, end)
    if spans and len(raw) != len(text):     # byte offsets to character offsets
        shift, done, chars = [], 0, 0
        for start, end in spans:
            chars += len(raw[done:start].decode("utf-8", "surrogatepass"))
            shift.append((chars, chars + end - start))      # a run is ASCII
            chars += end - start
            done = end
        spans = shift
    return spans


def _replace(text: str, spans: list[tuple[int, int]], mask: Callable[[str], str], *,
             alone: bool = False) -> str:
    """``text`` with each span's characters put through ``mask``; ``alone``: only a span
    with no word character or dash beside it (``TEXT_TOKEN``'s look-arounds)."""
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        if alone and ((start and WORD_OR_DASH.match(text, start - 1)) or
                      WORD_OR_DASH.match(text, end)):
            continue                # part of a longer word or id
        pieces += (text[done:start], mask(text[start:end]))
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


# Every URL_TOKEN and UUID match holds ten of these in a row: a URL without such a run
# (most) is tried no further.
TOKEN_CHARS_RUN = re.compile(r"[A-Za-z0-9_-]{10}")


@lru_cache(maxsize=8192)
def _mask_url(url: str) -> str:
    if TOKEN_CHARS_RUN.search(url) is None:
        return url
    return URL_TOKEN.sub("<id>", UUID.sub("<id>", url))


def text_identity(text: str) -> str:
    """sha256 hex of ``comparison_form(text)``: what decides whether a text is a new version.

    The rule (README, "Versions"): the ``# title`` line is left out (sites flip the
    ``<title>``'s suffix between fetches; the policy's own headings stay in), no-break
    spaces count as spaces, runs of spaces inside a line as one and spaces beside a
    table cell separator as none, and per-fetch tokens are masked: UUIDs anywhere, long hex, digit or base64 runs inside link targets,
    long hex ids in the text. The stored text is the exact extraction; only comparison
    uses this form.
    """
    return hashlib.sha256(comparison_form(text).encode("utf-8")).hexdigest()
