"""Each rule that keeps a policy's history free of phantom versions, on small pages made for it.

A phantom version is a new version of a policy whose text did not change: a per-fetch token,
a flickering ``<title>``, a widget's label, a consent panel, another document of the page.
"""

from __future__ import annotations

import uuid

import pytest

from crawler import NotAPolicy
from crawler.extract import extract_policy

URL = "https://example.com/privacy"
POLICY = "".join(
    f"<h2>Section {n}</h2><p>We collect your e-mail address and the pages you visit to run the "
    f"service, and we keep this data for {n * 30} days unless the law asks for longer. You may "
    "ask us for a copy or for deletion at any time by writing to our privacy team.</p>"
    for n in range(1, 6))


def page(body: str, *, title: str = "Privacy Policy", head: str = "") -> bytes:
    return (f"<html><head><title>{title}</title>{head}</head><body>{body}</body></html>").encode()


def policy_page(extra: str = "", *, title: str = "Privacy Policy") -> bytes:
    return page(f"<main><h1>Privacy Policy</h1>{POLICY}{extra}</main>", title=title)


# --- 1. volatile tokens ------------------------------------------------------------------


def test_a_per_fetch_token_in_a_link_path_makes_no_new_version() -> None:
    def fetch() -> bytes:
        token = uuid.uuid4()
        return policy_page(f'<p>Manage your data in <a href="https://example.com/redirect/'
                           f'website.v1.{token}/settings/privacy">your settings</a> at any time, '
                           f'or read <a href="/help?session={token.hex}">our help pages</a>.</p>')

    first, second = extract_policy(fetch(), url=URL), extract_policy(fetch(), url=URL)
    assert first.text != second.text                 # the stored text is exactly what was served
    assert first.identity == second.identity         # ... but it is the same version


@pytest.mark.parametrize("href", [
    "/assets/policy.pdf?1652276083494",              # cache-busting unix time
    "/static/policy.3f2a1b4c5d6e7f8091a2b3c4.pdf",    # hashed asset name
    "/r/AbCdEfGhIjKlMnOpQrStUv12345/privacy",         # base62 session token
])
def test_cache_busters_and_asset_hashes_in_links_are_not_text(href: str) -> None:
    other = href.replace("1652276083494", "1660573871044").replace(
        "3f2a1b4c5d6e7f8091a2b3c4", "9e8d7c6b5a4f3e2d1c0b9a88").replace(
        "AbCdEfGhIjKlMnOpQrStUv12345", "ZyXwVuTsRqPoNmLkJiHgFe98765")
    one = extract_policy(policy_page(f'<p>A copy is in <a href="{href}">this file</a>.</p>'), url=URL)
    two = extract_policy(policy_page(f'<p>A copy is in <a href="{other}">this file</a>.</p>'), url=URL)
    assert one.identity == two.identity


def test_a_real_edit_next_to_a_token_is_still_a_new_version() -> None:
    one = extract_policy(policy_page(f'<p>Visit <a href="/s/{uuid.uuid4()}">settings</a>. '
                                     "We keep logs for 30 days.</p>"), url=URL)
    two = extract_policy(policy_page(f'<p>Visit <a href="/s/{uuid.uuid4()}">settings</a>. '
                                     "We keep logs for 90 days.</p>"), url=URL)
    assert one.identity != two.identity
    # A link that really points elsewhere is a change too.
    three = extract_policy(policy_page('<p>Visit <a href="/account/settings">settings</a>. '
                                       "We keep logs for 90 days.</p>"), url=URL)
    four = extract_policy(policy_page('<p>Visit <a href="/privacy/choices">settings</a>. '
                                      "We keep logs for 90 days.</p>"), url=URL)
    assert three.identity != four.identity


# --- 2. titles ------------------------------------------------------------------------------


def test_a_title_that_flickers_between_fetches_makes_no_new_version() -> None:
    with_site = extract_policy(policy_page(title="Privacy Policy \\ Anthropic"), url=URL)
    without = extract_policy(policy_page(title="Privacy Policy"), url=URL)
    assert with_site.identity == without.identity
    assert with_site.text.split("\n", 1)[1] == without.text.split("\n", 1)[1]


# --- 3. headings made of links ----------------------------------------------------------------


@pytest.mark.parametrize("heading", [
    '<h2><a href="#sharing" aria-hidden="true"><svg viewBox="0 0 16 16"><path d="M1"/></svg></a>'
    '<a href="#sharing">How we share data</a></h2>',
    '<h2 id="sharing"><a href="#sharing">How we share data</a></h2>',
    '<h2><a class="anchor" href="#sharing">#</a> How we share data '
    '<button class="copy">Copy link</button></h2>',
])
def test_a_heading_made_of_links_is_a_heading(heading: str) -> None:
    body = (f"<main><h1>Privacy Policy</h1>{POLICY}{heading}<p>We share your data with payment "
            "processors and hosting providers only to run the service, never to sell it.</p></main>")
    text = extract_policy(page(body), url=URL).text
    assert "## How we share data" in text.replace("## # How", "## How")
    assert "Copy link" not in text


def test_a_definition_term_made_of_a_link_stays() -> None:
    body = (f"<main><h1>Privacy Policy</h1>{POLICY}<dl><dt><a href='#p'>Processor</a> "
            "<a href='#p2'>(GDPR)</a></dt><dd>A company that processes data on our behalf under a "
            "contract with us.</dd></dl></main>")
    assert "Processor" in extract_policy(page(body), url=URL).text


def test_a_table_of_contents_is_still_dropped() -> None:
    toc = "".join(f'<li><a href="#s{n}">Section {n}</a></li>' for n in range(1, 6))
    body = f"<main><h1>Privacy Policy</h1><ul class='toc'>{toc}</ul>{POLICY}</main>"
    text = extract_policy(page(body), url=URL).text
    assert text.count("Section 1") == 1               # the heading, not a TOC line


# --- 4. widget furniture ------------------------------------------------------------------------


def test_disclosure_labels_and_page_tools_are_dropped() -> None:
    sections = "".join(
        f'<section><h2>Part {n}</h2><p>We use your postal address to deliver orders and keep it '
        f'for {n} years for tax reasons.</p><button aria-expanded="false" aria-controls="d{n}">'
        f'See Details</button><div id="d{n}" hidden><p>Details of part {n}: the tax office may '
        f'ask us to show invoices for {n} years.</p></div></section>' for n in range(1, 4))
    tools = ('<a href="#top">Back to top</a> <a href="javascript:window.print()">Print</a> '
             '<span role="button">Expand all</span>')
    toc = ('<details><summary>Table of contents</summary><ul>'
           + "".join(f'<li><a href="#p{n}">Part {n}</a></li>' for n in range(1, 4))
           + "</ul></details>")
    body = f"<main><h1>Privacy Policy</h1>{toc}{tools}{POLICY}{sections}</main>"
    text = extract_policy(page(body), url=URL).text
    for label in ("See Details", "Back to top", "Print", "Expand all", "Table of contents"):
        assert label not in text, label
    assert "Details of part 2" in text                # the hidden panels are the policy's text
    assert text.count("Part 1") == 1


def test_a_widget_label_appearing_in_one_capture_only_makes_no_new_version() -> None:
    plain = extract_policy(policy_page(), url=URL)
    with_widget = extract_policy(policy_page(
        '<button aria-expanded="false">Show more</button>'
        '<summary>Read more</summary>'), url=URL)
    assert plain.identity == with_widget.identity


def test_an_accordion_title_is_kept() -> None:
    body = (f"<main><h1>Privacy Policy</h1>{POLICY}<button aria-expanded='false' "
            "aria-controls='kids'>Children's data</button><div id='kids'><p>We do not knowingly "
            "collect data from children under 13 and delete it when we learn of it.</p></div></main>")
    assert "Children's data" in extract_policy(page(body), url=URL).text


def test_a_consent_preference_centre_is_dropped_whatever_its_size() -> None:
    purposes = "".join(
        f'<div class="cmp-purpose"><button aria-expanded="false">Purpose {n}</button>'
        f'<input type="checkbox" id="p{n}"><p>Les cookies de la catégorie {n} servent à mesurer '
        f'l’audience et à personnaliser les publicités pendant {n * 3} mois.</p></div>'
        for n in range(1, 30))
    centre = (f'<div class="cmp-modal"><span role="heading">Paramètres des cookies</span>'
              f'<button aria-label="Fermer">x</button>{purposes}'
              '<button>Tout refuser</button><button>Accepter</button></div>')
    text = extract_policy(page(f"<main><h1>Privacy Policy</h1>{POLICY}</main>{centre}"), url=URL).text
    assert "Paramètres des cookies" not in text and "catégorie 7" not in text
    assert "Section 5" in text


# --- 5. one document from a page that holds several -----------------------------------------


def legal_page() -> bytes:
    def doc(ident: str, name: str, sentence: str) -> str:
        return (f'<section id="{ident}"><h2>{name}</h2>'
                + "".join(f"<p>{sentence} (clause {n})</p>" for n in range(1, 15)) + "</section>")

    return page("<main><h1>Legal</h1>"
                + doc("terms", "Terms of Service", "You may use the service if you follow these rules.")
                + doc("privacy", "Privacy Policy", "We collect your e-mail address to run the service.")
                + doc("copyright", "Copyright Policy", "Send takedown notices to our legal team.")
                + "</main>", title="Legal")


def test_the_privacy_document_is_picked_from_a_legal_page_and_the_choice_explained() -> None:
    extracted = extract_policy(legal_page(), url="https://example.com/legal")
    assert "We collect your e-mail address" in extracted.text
    assert "follow these rules" not in extracted.text and "takedown" not in extracted.text
    assert "'Privacy Policy'" in extracted.note and "'Terms of Service'" in extracted.note


def test_the_url_fragment_picks_the_document() -> None:
    extracted = extract_policy(legal_page(), url="https://example.com/legal#copyright")
    assert "takedown" in extracted.text and "e-mail address" not in extracted.text
    assert "#copyright" in extracted.note


def test_a_selector_overrides_the_choice() -> None:
    extracted = extract_policy(legal_page(), url="https://example.com/legal", select="#terms")
    assert "follow these rules" in extracted.text and extracted.note == ""


def test_a_policy_whose_sections_mention_terms_and_cookies_is_one_document() -> None:
    sections = "".join(
        f'<section><h2>{n}. {name}</h2>' + f"<p>{name}: we explain how we handle your data here "
        "and why, in enough words to be a section of its own.</p>" * 6 + "</section>"
        for n, name in enumerate(["Privacy at Example", "Cookies", "Changes to these Terms",
                                  "Security"], 1))
    extracted = extract_policy(page(f"<main><h1>Privacy Policy</h1>{sections}</main>"), url=URL)
    assert extracted.note == ""
    assert all(name in extracted.text for name in ("Cookies", "Changes to these Terms", "Security"))


def test_a_page_without_its_privacy_document_is_not_emptied() -> None:
    # Terms and copyright only: nothing says privacy, so nothing is picked or dropped.
    body = page("<main><h1>Legal</h1>" + "".join(
        f'<section><h2>{name}</h2>' + "".join(f"<p>The {name} rule {n} applies to everyone who "
                                              "uses the site.</p>" for n in range(1, 15))
        + "</section>" for name in ("Terms of Service", "Copyright Policy")) + "</main>")
    try:
        extracted = extract_policy(body, url="https://example.com/legal")
    except NotAPolicy:
        pytest.fail("a page with no privacy document must not be emptied")
    assert extracted.note == "" and "Copyright Policy" in extracted.text


# --- sections whose wrapper class sounds like furniture -------------------------------------


def test_section_wrappers_named_like_navigation_are_the_document() -> None:
    """Scroll-spy pages wrap every section in a box named for the navigation that targets
    it; the small last section (contact details, a list) is still the policy's."""
    sections = "".join(f'<div class="navigation-block" id="s{n}"><h2>Part {n}</h2><p>We keep '
                       f'your order history for {n} years to answer questions about it and to '
                       'meet our accounting duties under the law of the country of sale.</p></div>'
                       for n in range(1, 6))
    contact = ('<div class="navigation-block" id="contact"><p>You can reach us by:</p><ul>'
               '<li>Email: <a href="mailto:dpo@example.com">dpo@example.com</a></li>'
               '<li>Mail: 1 Example Street, Cork</li></ul></div>')
    menu = ('<ul class="navigation-menu">' + "".join(
        f'<li class="navigation-item"><a href="/page{n}">Page {n}</a></li>' for n in range(6))
        + "</ul>")
    text = extract_policy(page(f"<main><h1>Privacy Policy</h1>{POLICY}{sections}{contact}"
                               f"{menu}</main>"), url=URL).text
    assert "Mail: 1 Example Street, Cork" in text and "Part 5" in text
    assert "Page 3" not in text
