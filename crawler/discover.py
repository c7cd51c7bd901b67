"""Finding a site's privacy-policy link on its homepage, with the reasons for the choice."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup, Tag

from crawler import discover_terms as terms
from crawler.errors import DiscoveryError

_SPACE = re.compile(r"\s+")
_MAX_TEXT = 120  # longer anchor text is prose, not a link label
_PROSE_LENGTH = 160
_MAX_LABEL_WORDS = 6  # "Do Not Sell or Share My Personal Information" is a control, not a name  # a link inside this much surrounding text is inline in prose


@dataclass(frozen=True)
class PolicyCandidate:
    """A link that may lead to the privacy policy; ``reason`` says in words why it scored."""

    url: str
    text: str
    score: float
    reason: str


def _fold(text: str) -> str:
    """Lowercase, accents removed, whitespace collapsed: the form terms are matched on."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACE.sub(" ", stripped).strip()


def _site_key(host: str) -> str:
    """Rough registrable domain: "www.shop.example.co.uk" -> "example.co.uk".

    Without the public-suffix list: a two-letter country code after a short second level
    ("co", "com", "org", ...) keeps three labels. Good enough to tell a site's own
    subdomains from other companies' sites.
    """
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in {
            "co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gob", "nic"}:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _label(anchor: Tag) -> str:
    text = _SPACE.sub(" ", anchor.get_text(" ", strip=True)).strip()
    if text:
        return text
    for attribute in ("aria-label", "title"):
        value = anchor.get(attribute)
        if isinstance(value, str) and value.strip():
            return value.strip()
    image = anchor.find("img", alt=True)
    if isinstance(image, Tag):
        return str(image.get("alt", "")).strip()
    return ""


def _placement(anchor: Tag) -> tuple[float, str | None]:
    """Bonus or penalty for where the link sits, with its explanation."""
    inline = in_footer = in_nav = in_main = False
    for parent in anchor.parents:
        if not isinstance(parent, Tag) or parent.name in ("body", "html", "[document]"):
            break
        if parent.name == "p" and not inline:
            inline = len(_SPACE.sub(" ", parent.get_text(" ", strip=True))) > _PROSE_LENGTH
        hints = " ".join([str(parent.get("id") or ""), " ".join(parent.get("class") or []),
                          str(parent.get("role") or "")])
        if parent.name == "footer" or parent.get("role") == "contentinfo" or (
                parent.name in ("div", "section", "ul", "ol", "nav", "aside")
                and terms.FOOTER_HINT.search(hints)):
            in_footer = True
        elif parent.name in ("nav", "header") or terms.NAV_HINT.search(hints):
            in_nav = True
        elif parent.name in ("main", "article") or parent.get("role") == "main":
            in_main = True
    if in_footer:
        return terms.IN_FOOTER, "in the page footer"
    if inline:
        return terms.INLINE_IN_PROSE, "inline in body text"
    if in_nav:
        return terms.IN_NAVIGATION, "in the navigation"
    if in_main:
        return terms.IN_MAIN_CONTENT, "in the main content"
    return 0.0, None


def _hidden(anchor: Tag) -> bool:
    for node in [anchor, *anchor.parents]:
        if not isinstance(node, Tag):
            continue
        style = str(node.get("style") or "").replace(" ", "").lower()
        if node.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style:
            return True
        if str(node.get("aria-hidden") or "").lower() == "true":
            return True
    return False


def _resolve(href: str, base: str) -> str | None:
    """Absolute http(s) URL without fragment, or None for links that lead nowhere useful."""
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(terms.IGNORED_SCHEMES):
        return None
    try:
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = parts.path or "/"
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, parts.query, ""))


def _base(soup: BeautifulSoup, page_url: str) -> str:
    base = soup.find("base", href=True)
    if isinstance(base, Tag):
        href = str(base.get("href", "")).strip()
        if href and not href.lower().startswith(terms.IGNORED_SCHEMES):
            return urljoin(page_url, href)
    return page_url


def _best(text: str, table: tuple[terms.Term, ...]) -> tuple[float, str | None]:
    best: tuple[float, str | None] = (0.0, None)
    for pattern, weight, why in table:
        if weight > best[0] and pattern.search(text):
            best = (weight, why)
    return best


def _penalties(text: str, table: tuple[terms.Term, ...]) -> list[tuple[float, str]]:
    return [(weight, why) for pattern, weight, why in table if pattern.search(text)]


@dataclass
class _Scored:
    url: str
    text: str
    score: float
    reasons: list[str]
    order: int
    count: int = 1


def _score_link(url: str, label: str, page_host: str, *, rel_policy: bool,
                placement: tuple[float, str | None], hidden: bool) -> tuple[float, list[str]] | None:
    folded = _fold(label)[:_MAX_TEXT] if len(label) <= 4 * _MAX_TEXT else ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    url_text = _fold(unquote(parts.path + ("?" + parts.query if parts.query else "")))

    score = 0.0
    reasons: list[str] = []
    text_weight, text_why = _best(folded, terms.TEXT_TERMS)
    if text_why:
        if text_weight < 6 and terms.POLICY_NOUNS.search(folded):
            text_weight += terms.POLICY_NOUN_BONUS
        score += text_weight
        reasons.append(f"link text {label[:60]!r} {text_why}")
    url_weight, url_why = _best(url_text, terms.URL_TERMS)
    if url_why:
        score += url_weight
        reasons.append(url_why.lower())
    if terms.PRIVACY_HOST.match(host):
        score += terms.PRIVACY_HOST_BONUS
        reasons.append(f"hosted on {host}")
        url_weight = max(url_weight, 3)
    if rel_policy:
        score += terms.REL_PRIVACY_POLICY
        reasons.append('marked rel="privacy-policy"')
    if not (text_why or url_weight >= 3 or rel_policy):
        return None  # nothing about privacy: not a candidate at all

    if len(folded.split()) > _MAX_LABEL_WORDS:
        score += terms.LONG_LABEL_PENALTY
        reasons.append("penalised: long link text, reads like a headline")
    for weight, why in _penalties(folded, terms.TEXT_PENALTIES):
        score += weight
        reasons.append(f"penalised: {why}")
    for weight, why in _penalties(url_text, terms.URL_PENALTIES):
        score += weight
        reasons.append(f"penalised: {why}")

    page_host = page_host.lower()
    bare = host.removeprefix("www.")
    if bare == page_host.removeprefix("www."):
        score += terms.SAME_HOST
        reasons.append("same site")
    elif _site_key(host) == _site_key(page_host):
        score += terms.SAME_SITE
        reasons.append(f"same site ({host})")
    else:
        # Third-party policies (reCAPTCHA's "Google Privacy Policy", a vendor's) are the
        # classic decoy; a real off-site policy still wins when nothing local matches.
        score += terms.OTHER_SITE
        reasons.append(f"penalised: on another site ({host})")
    if terms.SIDE_HOST.match(host) and bare != page_host.removeprefix("www."):
        score += terms.SIDE_HOST_PENALTY
        reasons.append(f"penalised: on the {host.split('.')[0]} subdomain")

    bonus, where = placement
    if where:
        score += bonus
        reasons.append(where if bonus >= 0 else f"penalised: {where}")
    if hidden:
        score += terms.HIDDEN_PENALTY
        reasons.append("penalised: hidden")
    return score, reasons


def find_policy_links(html: bytes | str, base_url: str) -> list[PolicyCandidate]:
    """Links on a page that may lead to its privacy policy, best first.

    Scores anchor text (English terms first, common other languages lower), the URL,
    whether the link stays on the same site, a ``rel="privacy-policy"`` mark and where the
    link sits (footer, navigation, or inline in prose). Settings, opt-out and request-form
    links, links to other sites, hidden links, ``mailto:`` and ``javascript:`` are
    penalised or skipped. Relative links and ``<base href>`` are resolved; a URL linked
    several times keeps its best score.
    """
    soup = BeautifulSoup(html, "lxml")
    base = _base(soup, base_url)
    page_host = (urlsplit(base_url).hostname or "").lower()
    found: dict[str, _Scored] = {}
    links = soup.find_all(["a", "area", "link"], href=True)
    for order, anchor in enumerate(links):
        rel = anchor.get("rel")
        rels: list[str] = rel.split() if isinstance(rel, str) else [str(r) for r in rel or []]
        rel_policy = "privacy-policy" in [r.lower() for r in rels]
        if anchor.name == "link" and not rel_policy:
            continue
        url = _resolve(str(anchor.get("href", "")), base)
        if url is None:
            continue
        label = _label(anchor) if anchor.name != "link" else ""
        scored = _score_link(url, label, page_host, rel_policy=rel_policy,
                             placement=_placement(anchor) if anchor.name != "link" else (0, None),
                             hidden=anchor.name != "link" and _hidden(anchor))
        if scored is None:
            continue
        score, reasons = scored
        previous = found.get(url)
        if previous is None:
            found[url] = _Scored(url, label, score, reasons, order)
        else:
            previous.count += 1
            if score > previous.score:
                previous.score, previous.reasons = score, reasons
                previous.text = label or previous.text
            else:
                previous.text = previous.text or label
    ranked = sorted((s for s in found.values() if s.score > 0),
                    key=lambda s: (-s.score, s.order))
    return [PolicyCandidate(url=s.url, text=s.text, score=round(s.score, 2),
                            reason="; ".join(s.reasons)
                            + (f"; linked {s.count} times" if s.count > 1 else ""))
            for s in ranked]


def best_policy_link(html: bytes | str, base_url: str) -> PolicyCandidate:
    """The best candidate of ``find_policy_links``; raises ``DiscoveryError`` if there is none."""
    candidates = find_policy_links(html, base_url)
    if not candidates:
        raise DiscoveryError(f"no privacy-policy link found on {base_url}", url=base_url)
    return candidates[0]
