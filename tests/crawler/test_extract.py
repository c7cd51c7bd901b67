"""Extraction on hand-made pages: main content, furniture, overrides, noise, PDF, verdicts."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawler import ExtractionError, NotAPolicy
from crawler.extract import (
    EXTRACTOR_VERSION,
    Extracted,
    compose_document,
    extract_policy,
    render_header,
)
from tests.crawler.pdf_builder import make_pdf

DATA = Path(__file__).parent / "data" / "extract"
URL = "https://acme.example/legal/privacy"


def page(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture(scope="module")
def modern() -> Extracted:
    return extract_policy(page("modern_cms.html"), url=URL)


# --- main content on a modern CMS page ---------------------------------------------------


def test_result_shape(modern: Extracted) -> None:
    assert modern.title == "Privacy Policy | Acme Cloud"
    assert modern.text.startswith("# Privacy Policy | Acme Cloud\n\n")
    assert modern.text.endswith("\n") and not modern.text.endswith("\n\n")
    assert modern.extractor_version == EXTRACTOR_VERSION


def test_keeps_collapsed_accordion_details_and_cookie_sections(modern: Extracted) -> None:
    text = modern.text
    assert "### Providing the service" in text               # accordion toggle kept as heading
    assert "customer support and to send you service announcements" in text  # class hidden
    assert "fix bugs before they affect more customers" in text            # hidden attribute
    assert "Legal bases for processing" in text                             # <details>
    assert "withdraw at any time" in text
    assert "## 3. Cookies" in text                                          # id/class "cookie"
    assert "analytics cookies only with your consent" in text


def test_drops_banner_menus_sidebar_share_footer_and_toc(modern: Extracted) -> None:
    text = modern.text
    for furniture in ("Accept all", "Reject all", "We use cookies to improve your experience",
                      "Storage for teams", "Discover the platform", "Pricing",
                      "Subscribe to our newsletter", "No spam", "Data Processing Addendum",
                      "Share on", "Careers", "All rights reserved", "Skip to content",
                      "Contents", "Cookie settings"):
        assert furniture not in text, furniture


def test_keeps_link_only_subprocessor_list_with_clean_urls(modern: Extracted) -> None:
    assert ("  * [Amazon Web Services](https://aws.amazon.com/privacy/)\n"
            "  * [Stripe](https://stripe.com/privacy)\n"
            "  * [Intercom](https://www.intercom.com/legal/privacy)\n"
            "  * [Sentry](https://sentry.io/privacy/)") in modern.text
    assert "utm_" not in modern.text and "fbclid" not in modern.text and "gclid" not in modern.text


def test_numbered_headings_are_not_escaped(modern: Extracted) -> None:
    assert "## 1. Information we collect" in modern.text
    assert "1\\." not in modern.text


def test_decodes_cloudflare_email_protection(modern: Extracted) -> None:
    assert "(mailto:privacy@acme.example)" in modern.text
    assert "email-protection" not in modern.text


def test_old_table_layout_keeps_text_and_drops_navigation() -> None:
    text = extract_policy(page("table_layout.html"),
                          url="http://widgets.example/privacy.html").text
    assert text.startswith("# Widgets Inc. - Privacy Statement\n\n**Privacy Statement**\n\n")
    assert ("**Information Collection**  \nWe collect the e-mail addresses of those who "
            "communicate with us via e-mail") in text
    assert "never shared with or sold to other organizations" in text
    for furniture in ("Home", "Find a dealer", "Special offer", "last visited", "Copyright 2001"):
        assert furniture not in text, furniture
    assert "|" not in text              # a layout table is not rendered as a pipe table


def test_data_table_becomes_pipe_table() -> None:
    html = ("<html><head><title>Retention</title></head><body><h1>Retention</h1>"
            "<p>" + "We keep personal data only as long as we need it for these purposes. " * 3 +
            "</p><table><tr><th>Data</th><th>Period</th></tr>"
            "<tr><td>Account data</td><td>Life of the account</td></tr>"
            "<tr><td>Logs</td><td>90 days</td></tr></table></body></html>")
    text = extract_policy(html.encode(), url=URL).text
    # html2text's table style, as in the seeds: rows end with two spaces.
    assert "Data| Period  \n---|---  \nAccount data| Life of the account  \nLogs| 90 days" in text


def test_source_blanks_html2text_writes_are_kept_and_make_no_version() -> None:
    """As in the seeds: a blank inside a heading after its marks, between two table cells
    and after a line break in a quote is written; a minified copy is the same version."""
    prose = "We keep personal data only as long as we need it for these purposes. " * 3
    html = ("<html><head><title>Retention</title></head><body><h1>Retention</h1>"
            f"<p>{prose}</p><h2>\n    Who we are\n  </h2><p>{prose}</p>"
            "<table><tr><th>Code</th>\n<th>Meaning</th></tr>\n"
            "<tr><td><tt>CP=</tt></td>\n<td>\nThe compact policy header.</td></tr>\n"
            "<tr><td><tt>IDC</tt></td>\n<td>Access to contact data.</td></tr></table>"
            "<blockquote>Sites covered:<br>\n  <a href='https://one.example/'>"
            "https://one.example/</a><br>\n  <b>Contact<br>\n  </b>Write to us.</blockquote>"
            "</body></html>")
    # html2text writes the blank before a closing marker that follows a break in a quote.
    spaced = extract_policy(html.encode(), url=URL)
    assert "\n##  Who we are\n" in spaced.text
    assert "Code | Meaning  \n---|---  \n`CP=` |  The compact policy header.  \n" \
        "`IDC` | Access to contact data." in spaced.text
    assert "\n>  <https://one.example/>  \n" in spaced.text
    assert "\n>  **Write to us." in spaced.text
    html = html.replace("<b>Contact<br>\n  </b>", "<b>Contact</b><br>\n  ")
    spaced = extract_policy(html.encode(), url=URL)
    minified = extract_policy(re.sub(r">\s+<", "><", html).replace("<h2>\n    ", "<h2>")
                              .replace("<td>\n", "<td>").encode(), url=URL)
    assert "\n## Who we are\n" in minified.text and "`CP=`| The compact" in minified.text
    assert minified.identity == spaced.identity


def test_no_wrapping_and_nbsp_kept() -> None:
    sentence = "word " * 60
    html = (f"<html><head><title>T</title></head><body><p>{sentence}</p>"
            f"<p>Section&nbsp;5 applies to every user of the service described here.</p>"
            f"</body></html>")
    text = extract_policy(html.encode(), url=URL).text
    assert sentence.strip() in text.split("\n")
    assert "Section\u00a05 applies" in text


# --- determinism and volatile noise -------------------------------------------------------


def test_byte_identical_output_and_whitespace_only_changes() -> None:
    body = page("modern_cms.html")
    first = extract_policy(body, url=URL).text
    assert extract_policy(body, url=URL).text == first
    reindented = re.sub(rb">\s+<", b">\n      <", body)
    reindented = re.sub(rb"(?m)^\s+", b"\t\t", reindented).replace(b"\n", b"\r\n")
    assert reindented != body
    assert extract_policy(reindented, url=URL).text == first


def test_volatile_tokens_and_session_ids_do_not_change_text() -> None:
    template = ("<html><head><title>Privacy</title></head><body><main><h1>Privacy</h1>"
                "<p>{p}</p><p>Read our <a href=\"/cookies;jsessionid={sid}?utm_source=x&amp;"
                "_={ts}\">cookie notice</a> and contact <a href=\"/contact?sid={sid}\">us</a>.</p>"
                "<input type=\"hidden\" name=\"csrf\" value=\"{sid}\">"
                "<p>Page generated in 0.{ts} seconds</p></main></body></html>")
    prose = "We process personal data to run the service and for no other purpose. " * 4
    one = template.format(p=prose, sid="a1b2c3d4e5f6a7b8c9d0e1f2a3b4", ts="1700000000")
    two = template.format(p=prose, sid="ffeeddccbbaa99887766554433221100", ts="1800000001")
    text_one = extract_policy(one.encode(), url=URL).text
    assert text_one == extract_policy(two.encode(), url=URL).text
    assert "[cookie notice](https://acme.example/cookies)" in text_one
    assert "[us](https://acme.example/contact)" in text_one
    assert "generated" not in text_one


def test_lettered_items_stay_and_copyright_notices_go() -> None:
    prose = "We process personal data to run the service and for no other purpose. " * 4
    html = (f"<html><head><title>Privacy</title></head><body><main><h1>Privacy</h1><p>{prose}</p>"
            "<p>We rely on:</p><ul><li>(a) your consent;</li><li>(b) a contract;</li>"
            "<li>(c) a legal obligation (Art. 6(1)(c) GDPR);</li>"
            "<li>(c) compliance with Regulation 2016/679.</li></ul>"
            "<h2>Copyright</h2><p>Copyright and trade marks are protected by law.</p>"
            "<p>(c) 2024 Acme Ltd</p><p>Copyright \u00a9 Acme Ltd</p>"
            "<p>Copyright Acme Ltd. All rights reserved.</p></main></body></html>")
    text = extract_policy(html.encode(), url=URL).text
    assert "  * (c) a legal obligation (Art. 6(1)(c) GDPR);" in text
    assert "  * (c) compliance with Regulation 2016/679." in text
    assert "## Copyright" in text and "Copyright and trade marks are protected" in text
    assert "Acme" not in text


def test_entity_obfuscated_mailto_is_stable() -> None:
    prose = "We answer every request about your personal data within one month. " * 6
    def body(href: str) -> bytes:
        return (f"<html><head><title>P</title></head><body><p>{prose}</p>"
                f"<p>Write to <a href=\"{href}\">info@x.example</a>.</p></body></html>").encode()
    a = extract_policy(body("mailto:&amp;#105;&amp;#x6e;fo@x.example"), url=URL).text
    b = extract_policy(body("mailto:&amp;#x69;&amp;#110;fo@x.example"), url=URL).text
    assert a == b and "(mailto:info@x.example)" in a


# --- per-policy selectors -------------------------------------------------------------------


def test_select_and_remove_override_automatic_choice() -> None:
    text = extract_policy(page("modern_cms.html"), url=URL, select=".newsletter, #cookies",
                          remove="form, .cookie-settings").text
    assert "Subscribe to our newsletter" in text and "## 3. Cookies" in text
    assert "Information we collect" not in text and "Cookie settings" not in text
    text = extract_policy(page("modern_cms.html"), url=URL, remove="#cookies, .accordion").text
    assert "## 3. Cookies" not in text and "Providing the service" not in text
    assert "## 4. Sub-processors" in text


def test_bad_or_unmatched_selectors_are_typed_errors() -> None:
    with pytest.raises(ExtractionError) as bad:
        extract_policy(page("modern_cms.html"), url=URL, select="div[[")
    assert bad.value.reason == "bad-selector"
    with pytest.raises(ExtractionError) as none:
        extract_policy(page("modern_cms.html"), url=URL, select="#no-such-element")
    assert none.value.reason == "select-no-match"


# --- not a policy ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, reason", [
    ("not_found.html", "not-found"),
    ("bot_wall.html", "bot-wall"),
    ("server_error.html", "error-page"),
    ("spa_shell.html", "js-required"),
    ("redirect.html", "redirect"),
])
def test_not_a_policy_pages(name: str, reason: str) -> None:
    with pytest.raises(NotAPolicy) as err:
        extract_policy(page(name), url=URL)
    assert err.value.reason == reason
    assert str(err.value) and "\n" not in str(err.value)


def test_empty_and_near_empty_bodies() -> None:
    for body in (b"", b"   \n", b"<html><body><p>Privacy</p></body></html>"):
        with pytest.raises(NotAPolicy) as err:
            extract_policy(body, url=URL)
        assert err.value.reason == "empty"


def test_policy_mentioning_errors_and_captcha_is_accepted() -> None:
    prose = ("We use a captcha to block abuse. If a page returns 404 not found or a server error "
             "occurs we log the request and your IP address for 30 days. ") * 5
    html = f"<html><head><title>Privacy Policy</title></head><body><p>{prose}</p></body></html>"
    assert "captcha" in extract_policy(html.encode(), url=URL).text


def test_binary_body_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError) as err:
        extract_policy(bytes(range(256)) * 20, url=URL)
    assert err.value.reason == "undecodable"


def test_declared_charset_is_used() -> None:
    prose = "Les données personnelles sont traitées conformément au règlement général. " * 6
    html = f"<html><head><title>Confidentialité</title></head><body><p>{prose}</p></body></html>"
    result = extract_policy(html.encode("cp1252"), url=URL, charset="windows-1252")
    assert result.title == "Confidentialité" and "données personnelles" in result.text


# --- PDF --------------------------------------------------------------------------------


def policy_pdf(title: str | None = None) -> bytes:
    return make_pdf([
        [(20, 720, "Example Privacy Notice"),
         (10, 690, "This notice explains how Example Corp processes personal data of"),
         (10, 678, "customers and visitors of example.com and its mobile apps."),
         (14, 640, "1. Data we collect"),
         (10, 615, "We collect contact details, order history and device data when you"),
         (10, 603, "use our services."),
         (10, 580, "- Contact details such as name and email address"),
         (10, 568, "- Order history and payment status")],
        [(14, 720, "2. Your rights"),
         (10, 695, "You may ask for a copy of your data, its correction or its deletion"),
         (10, 683, "at any time by writing to privacy@example.com.")],
    ], title=title)


def test_pdf_headings_paragraphs_and_lists() -> None:
    result = extract_policy(policy_pdf(), url="https://example.com/privacy.pdf",
                            content_type="application/pdf")
    assert result.title == "Example Privacy Notice"
    assert result.text == (
        "# Example Privacy Notice\n\n"
        "This notice explains how Example Corp processes personal data of customers and "
        "visitors of example.com and its mobile apps.\n\n"
        "## 1. Data we collect\n\n"
        "We collect contact details, order history and device data when you use our "
        "services.\n\n"
        "  * Contact details such as name and email address\n"
        "  * Order history and payment status\n\n"
        "## 2. Your rights\n\n"
        "You may ask for a copy of your data, its correction or its deletion at any time by "
        "writing to privacy@example.com.\n")


def test_pdf_detected_by_magic_and_metadata_title() -> None:
    result = extract_policy(policy_pdf(title="Notice 2026"), url="https://example.com/p",
                            content_type="application/octet-stream")
    assert result.title == "Notice 2026"
    assert "## 1. Data we collect" in result.text


def test_broken_pdf_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError) as err:
        extract_policy(b"%PDF-1.4\n1 0 obj garbage", url="https://example.com/p.pdf",
                       content_type="application/pdf")
    assert err.value.reason in ("bad-pdf", "empty")


# --- header ----------------------------------------------------------------------------


def test_live_header_and_document() -> None:
    header = render_header(domain="acme.example", captured_at=datetime(2026, 3, 4, 5, 6,
                                                                       tzinfo=timezone.utc),
                           url=URL, source="live")
    assert header == ("> *The following text is extracted and transformed from the acme.example "
                      "privacy policy that was fetched on 2026-03-04. Please check the "
                      f"[live page]({URL}) for the most accurate reproduction.*")
    doc = compose_document(header, "# Title\n\nBody.\n")
    assert doc == header + "\n\n# Title\n\nBody.\n"


def test_header_rejects_unknown_source() -> None:
    with pytest.raises(ValueError):
        render_header(domain="a.example", captured_at=datetime(2026, 1, 1), url=URL,
                      source="cache")


def test_consent_manager_banner_and_preference_centre_dropped() -> None:
    text = extract_policy(page("consent_manager.html"), url="https://globex.example/privacy").text
    for furniture in ("Accept All Cookies", "Reject All", "Privacy Preference Center",
                      "Strictly Necessary Cookies", "Confirm My Choices", "Allow All"):
        assert furniture not in text, furniture
    assert "## Cookies and similar technologies" in text
    assert "session_id| Keeps you signed in| Session" in text      # the policy's cookie table
    assert text.rstrip().endswith("lodge a complaint with your supervisory authority.")


def test_deeply_nested_markup_is_handled() -> None:
    prose = "We collect and process your personal data for these purposes only. " * 8
    html = "<html><body>" + "<div>" * 1500 + f"<p>{prose}</p>" + "</div>" * 1500 + "</body></html>"
    assert prose.strip() in extract_policy(html.encode(), url=URL).text


def test_policy_split_across_sibling_containers_is_kept_whole() -> None:
    text = extract_policy(page("split_sections.html"), url="https://initech.example/privacy").text
    for heading in ("# Privacy Policy", "## Data we collect", "## Sharing", "## Retention",
                    "## Contact"):
        assert f"\n{heading}\n" in text, heading
    assert "Download now" not in text


def test_short_lines_beside_the_policy_body_are_kept() -> None:
    prose = "<p>" + "We process personal data only to provide the service you asked for. " * 5
    html = ("<html><head><title>Privacy</title></head><body><div id='page'>"
            "<div class='wrap'><h1>Privacy Policy</h1><p>Effective: 1 May 2024</p>"
            f"<div class='body'>{prose}</p>{prose}</p>{prose}</p></div>"
            "<p>Last updated: 2 June 2024</p></div>"
            "<div class='aside-box'>"
            + "<p>Comment: lovely site, thanks a lot for all of it!</p>" * 12
            + "</div></div></body></html>")
    text = extract_policy(html.encode(), url=URL).text
    assert "# Privacy Policy" in text and "Effective: 1 May 2024" in text
    assert text.rstrip().endswith("Last updated: 2 June 2024")


@pytest.mark.parametrize("name, first, last, furniture", [
    ("wordpress.html", "## Who we are",
     "instead of holding them in a moderation queue.",
     ("Making the world", "Home", "Share this", "Twitter", "Was this page helpful", "Edit",
      "Recent Posts", "Nucleus", "About this blog", "Proudly powered", "About →")),
    ("react_hashed.html", "Last modified: January 12, 2026",
     "We respond within thirty days.",
     ("Product", "Careers", "Log in", "Security", "© 2026", "We use cookies to personalise",
      "Decline", "Accept")),
])
def test_cms_and_spa_pages(name: str, first: str, last: str, furniture: tuple[str, ...]) -> None:
    text = extract_policy(page(name), url="https://blog.hooli.example/privacy-policy/").text
    lines = [ln for ln in text.split("\n") if ln.strip()]
    assert lines[1] == "# Privacy Policy"       # the page's own heading, after "# <title>"
    assert first in lines[2]
    assert lines[-1].endswith(last)
    for item in furniture:
        assert item not in "\n".join(lines[1:]), item


def test_data_table_inside_layout_table_stays_a_table() -> None:
    prose = "We keep personal data only as long as we need it for the purposes below. " * 4
    html = ("<html><head><title>Retention</title></head><body><table><tr>"
            "<td><a href='/a'>Home</a><br><a href='/b'>About</a><br><a href='/c'>Help</a></td>"
            f"<td><p>{prose}</p><table><tr><th>Data</th><th>Period</th></tr>"
            "<tr><td>Logs</td><td>90 days</td></tr><tr><td>Invoices</td><td>10 years</td></tr>"
            "</table></td></tr></table></body></html>")
    text = extract_policy(html.encode(), url=URL).text
    assert "Data| Period  \n---|---  \nLogs| 90 days  \nInvoices| 10 years" in text
    assert "Home" not in text


def test_utf8_body_beats_wrong_single_byte_label() -> None:
    prose = "Vos données personnelles sont protégées et traitées de façon loyale. " * 6
    html = (f"<html><head><meta charset='iso-8859-1'><title>Confidentialité</title></head>"
            f"<body><p>{prose}</p></body></html>").encode("utf-8")
    result = extract_policy(html, url=URL, charset="ISO-8859-1")
    assert result.title == "Confidentialité" and "données personnelles" in result.text


def test_plain_text_policy() -> None:
    body = ("Example Privacy Policy\r\n\r\nWe collect your name and email address when you\r\n"
            "register, and we use them only to run your account and to answer your\r\n"
            "questions about the service we provide to you.\r\n\r\n"
            "- We never sell personal data.\r\n- We delete it on request.\r\n").encode()
    result = extract_policy(body, url="https://example.com/privacy.txt",
                            content_type="text/plain; charset=utf-8")
    assert result.text == (
        "# Example Privacy Policy\n\nWe collect your name and email address when you register, "
        "and we use them only to run your account and to answer your questions about the "
        "service we provide to you.\n\n  * We never sell personal data.\n"
        "  * We delete it on request.\n")


def test_charset_from_content_type_parameter() -> None:
    prose = "Les données sont traitées conformément au règlement général sur la protection. " * 6
    body = f"<html><head><title>Données</title></head><body><p>{prose}</p></body></html>"
    result = extract_policy(body.encode("cp1252"), url=URL,
                            content_type="text/html; charset=windows-1252")
    assert result.title == "Données"


def test_seed_formatting() -> None:
    prose = "This paragraph is here so that the page has enough words to count as a policy. " * 3
    html = ("<html><head><title>Format</title></head><body><main>"
            f"<p>{prose}</p>"
            "<ul><li>First <b>bold</b> and <i>italic</i><ul><li>Nested item</li></ul></li>"
            "<li>Second</li></ul>"
            "<p>Then numbered:</p><ol><li>One</li><li>Two</li></ol>"
            "<p>Address line<br>Second line</p><hr><pre>  kept   as is</pre>"
            "<h4>Deep heading</h4><p>End.</p></main></body></html>")
    text = extract_policy(html.encode(), url=URL).text
    assert ("  * First **bold** and _italic_\n    * Nested item\n  * Second\n\n\n\n"
            "Then numbered:\n\n  1. One\n  2. Two\n\n\n\n") in text
    assert "Address line  \nSecond line\n\n* * *\n\n" in text
    assert "    kept   as is" in text
    assert "#### Deep heading\n\nEnd.\n" in text


def test_responsive_duplicate_copy_is_dropped() -> None:
    section = ("<section><h2>Your rights</h2><p>" +
               "You may access, correct and erase your personal data at any time. " * 5 +
               "</p></section>")
    html = ("<html><head><title>Privacy</title></head><body>"
            f"<div class='d-none d-md-block'>{section}</div>"
            f"<div class='d-md-none'>{section}</div></body></html>")
    text = extract_policy(html.encode(), url=URL).text
    assert text.count("## Your rights") == 1


def test_introduction_in_its_own_box_is_kept() -> None:
    para = "<p>" + "We explain here how we collect and use the personal data of our users. " * 4
    sections = "".join(f"<section><h2>Part {i}</h2>{para}</p>{para}</p></section>"
                       for i in range(1, 7))
    html = ("<html><head><title>Privacy</title></head><body><div class='content'>"
            "<div class='intro'><h1>Privacy Policy</h1><p>Introduction: "
            + "this notice applies to all our services and websites. " * 4 + "</p></div>"
            f"<div class='wrapper'><div class='sections'>{sections}</div></div>"
            "</div><div class='widgets'>" + "<p>Nice comment from a reader, thank you!</p>" * 8 +
            "</div></body></html>")
    text = extract_policy(html.encode(), url=URL).text
    assert "# Privacy Policy" in text and "Introduction: this notice applies" in text
    assert "## Part 1" in text and "## Part 6" in text
    assert "Nice comment" not in text


def test_policy_sections_named_like_furniture_are_kept() -> None:
    def section(ident: str, cls: str, title: str) -> str:
        return (f"<section id='{ident}' class='{cls}'><h2>{title}</h2><p>" +
                f"This section of our policy explains {title.lower()} in plain words. " * 3 +
                "</p></section>")
    html = ("<html><head><title>Privacy</title></head><body><main><h1>Privacy Policy</h1>"
            + section("collection", "policy-section", "What we collect")
            + section("sharing", "policy-section", "How we share information")
            + section("ads-and-analytics", "policy-section", "Ads and analytics")
            + section("social", "social-media policy-section", "Social media plugins")
            + section("newsletter", "policy-section", "Our newsletter")
            + "<aside class='summary'><p>In short: "
            + "we never sell your personal data to anyone. " * 5
            + "</p></aside>"
            + "<div class='share-bar'><a href='https://x.example/share'>Share</a> "
              "<a href='https://fb.example/share'>Post</a></div>"
            + "</main></body></html>")
    text = extract_policy(html.encode(), url=URL).text
    for title in ("How we share information", "Ads and analytics", "Social media plugins",
                  "Our newsletter"):
        assert f"## {title}" in text, title
    assert "In short: we never sell" in text
    assert "Share" not in text.replace("How we share", "")


def test_cookie_section_with_preference_links_and_buttons_is_kept() -> None:
    prose = "We use cookies to keep you signed in and, with consent, to measure traffic. " * 3
    html = ("<html><head><title>Privacy</title></head><body><main><h1>Privacy Policy</h1>"
            "<section><h2>Information we collect</h2><p>" + "We collect account data. " * 12 +
            "</p></section><section class='cookies-notice'><h2>Cookies</h2>"
            f"<p>{prose}</p><p><a href='/cookie-settings'>Manage preferences</a> or "
            "<a href='/settings'>Settings</a>.</p>"
            "<p><button>Cookie settings</button> <button>Reject all</button></p></section>"
            "</main></body></html>")
    text = extract_policy(html.encode(), url=URL).text
    assert "## Cookies" in text and "measure traffic" in text
    assert "[Manage preferences](https://acme.example/cookie-settings)" in text


def test_wayback_toolbar_and_rewritten_links() -> None:
    prose = "We collect the personal data you give us and use it only to run the service. " * 4
    html = ("<html><head><title>Privacy</title></head><body>"
            "<div id='wm-ipp-base'><div id='wm-ipp'>The Wayback Machine - "
            "<a href='/web/2010/http://x.example/'>captures</a> 12 captures 1999 - 2010</div></div>"
            f"<p>{prose}</p><p>See our <a href='/web/20100101000000/http://x.example/terms?"
            "utm_source=a'>terms</a> and <a href='https://web.archive.org/web/20100101000000im_/"
            f"http://x.example/faq'>FAQ</a>.</p><p>{prose}</p></body></html>")
    text = extract_policy(html.encode(), url="http://x.example/privacy").text
    assert "Wayback" not in text and "captures" not in text
    assert "[terms](http://x.example/terms)" in text
    assert "[FAQ](http://x.example/faq)" in text


def test_space_swapped_for_nbsp_next_to_a_link_is_not_a_change() -> None:
    """The text keeps U+00A0 as the seeds do; the version identity folds it."""
    prose = "We operate several websites and respect the privacy of every visitor to them. " * 4
    def body(sep: str) -> bytes:
        return (f"<html><head><title>P</title></head><body><p>{prose}</p><p>Sites: "
                f"including{sep}<a href='https://a.example/'>a.example</a>,{sep}and{sep}"
                f"<b>Sentry:</b>{sep}for errors.</p></body></html>").encode()
    spaced, nbsp = extract_policy(body(" "), url=URL), extract_policy(body("&nbsp;"), url=URL)
    assert spaced.identity == nbsp.identity
    assert "**Sentry:**" in nbsp.text                  # never inside the bold markers


def test_pdf_bold_lines_are_headings() -> None:
    pdf = make_pdf([[(18, 720, "Acme Privacy Notice"),
                     (10, 690, "Retention"),
                     (10, 675, "We keep account data while your account is open and for"),
                     (10, 663, "thirty days after you close it, then we delete it."),
                     (10, 640, "Security"),
                     (10, 625, "We encrypt personal data in transit and at rest, limit access"),
                     (10, 613, "to trained staff, and review our safeguards every year.")]],
                   bold=frozenset({"Retention", "Security"}))
    text = extract_policy(pdf, url="https://acme.example/p.pdf").text
    assert text == ("# Acme Privacy Notice\n\n## Retention\n\nWe keep account data while your "
                    "account is open and for thirty days after you close it, then we delete "
                    "it.\n\n## Security\n\nWe encrypt personal data in transit and at rest, "
                    "limit access to trained staff, and review our safeguards every year.\n")


def test_tab_labels_name_their_panels() -> None:
    def pane(ident: str, who: str, hidden: str) -> str:
        return (f"<div class='tab-pane {hidden}' id='{ident}' role='tabpanel'><p>"
                + f"Residents of {who} have the rights described in this part of the notice. " * 3
                + "</p></div>")
    html = ("<html><head><title>Privacy</title></head><body><main><h1>Privacy Notice</h1>"
            "<p>" + "This notice explains how we handle personal data for every user. " * 3 +
            "</p><ul class='nav nav-tabs' role='tablist'>"
            "<li><a href='#eu' role='tab' data-toggle='tab'>EU residents</a></li>"
            "<li><button role='tab' aria-controls='us'>US residents</button></li></ul>"
            "<div class='tab-content'>" + pane("eu", "the EU", "active")
            + pane("us", "the US", "fade") + "</div></main></body></html>")
    text = extract_policy(html.encode(), url=URL).text
    assert "**EU residents**\n\nResidents of the EU" in text
    assert "**US residents**\n\nResidents of the US" in text


def test_copyright_line_is_dropped() -> None:
    prose = "We collect the personal data you give us and use it only to run the service. " * 4
    def body(year: int) -> bytes:
        return (f"<html><head><title>P</title></head><body><p>{prose}</p>"
                f"<p>© {year} Acme Ltd. All rights reserved.</p></body></html>").encode()
    text = extract_policy(body(2025), url=URL).text
    assert text == extract_policy(body(2026), url=URL).text and "©" not in text


def test_wayback_replay_url_as_base() -> None:
    prose = "We collect the personal data you give us and use it only to run the service. " * 4
    html = (f"<html><head><title>P</title></head><body><p>{prose}</p>"
            "<p>Read the <a href='/terms.html'>terms</a>.</p></body></html>")
    text = extract_policy(html.encode(),
                          url="https://web.archive.org/web/20100101000000id_/http://x.example/p").text
    assert "[terms](http://x.example/terms.html)" in text


def test_source_whitespace_collapses_as_the_plain_rule() -> None:
    """``_spaces`` (str.replace) gives what ``WS.sub(" ", text)`` gives; U+00A0 stays."""
    import random

    from crawler.extract.markdown import WS, _spaces

    rng = random.Random(14)
    texts = ["a \t\n b", "\n\n\n", "x\xa0 \xa0y", "\u2003 z \f\v\r"] + [
        "".join(rng.choice(" \t\n\r\f\v\xa0\u2003ab") for _ in range(rng.randint(0, 40)))
        for _ in range(5000)]
    for text in texts:
        assert _spaces(text) == WS.sub(" ", text), repr(text)


def test_document_text_sizes_match_text_content() -> None:
    """Sizes summed in one pass equal each element's own whitespace-free text length."""
    import lxml.html

    from crawler.extract.documents import _text_sizes

    root = lxml.html.fromstring(
        "<div> a <p>Privacy \u2003 policy <b>text</b> tail </p>\n<!-- note --> after"
        "<section><h2>Terms</h2><ul><li>one</li> <li>two\xa0words</li></ul></section></div>")
    sizes = _text_sizes(root)
    for el in root.iter():
        if isinstance(el.tag, str):
            assert sizes[el] == len("".join(el.text_content().split())), el.tag


def test_page_size_counted_up_to_a_limit_is_exact_below_it() -> None:
    import random

    import lxml.html

    from crawler.extract.html import TextSize

    rng = random.Random(5)
    for _ in range(50):
        words = [rng.choice(["a", "bb", " ", "\n\t", "\u2003", "\xa0", "ü" * 7, " " * 9000,
                             "x" * 9000]) for _ in range(rng.randint(0, 40))]
        body = lxml.html.fromstring(f"<div><p>{''.join(words[:20])}</p>{''.join(words[20:])}</div>")
        size = len("".join(body.text_content().split()))
        page = TextSize(body.text_content)
        for limit in [rng.randint(0, 2 * size + 10) for _ in range(6)]:
            assert page.upto(limit) == min(size, limit)


def test_extraction_leaves_the_cycle_collector_as_it_found_it() -> None:
    import gc

    html = b"<html><body><h1>Privacy</h1><p>" + b"We process data. " * 60 + b"</p></body></html>"
    assert gc.isenabled()
    extract_policy(html, url=URL)
    assert gc.isenabled()
    gc.disable()
    try:
        extract_policy(html, url=URL)
        assert not gc.isenabled()
        with pytest.raises(ExtractionError):
            extract_policy(b"<html><body></body></html>", url=URL)
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ExtractionError):
        extract_policy(b"<html><body></body></html>", url=URL)
    assert gc.isenabled()
