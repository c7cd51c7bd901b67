"""render.py writes what html2text (the seed format's converter) writes, construct by construct."""

from __future__ import annotations

import html2text
import lxml.html
import pytest

from crawler.extract.render import escape_md_section, render_markdown, served_href

URL = "https://acme.example/legal/privacy"


def reference(source: str) -> str:
    """html2text with the seed options, fed the tree's serialisation as before render.py."""
    conv = html2text.HTML2Text(baseurl=URL, bodywidth=0)
    conv.unicode_snob = True
    conv.ignore_images = True
    conv.protect_links = False
    conv.wrap_links = False
    conv.wrap_list_items = False
    conv.wrap_tables = False
    conv.skip_internal_links = True
    conv.inline_links = True
    conv.single_line_break = False
    conv.mark_code = False
    conv.pad_tables = False
    conv.use_automatic_links = True
    return conv.handle(source)


CASES = {
    "headings": "<div><h1>Privacy</h1><h2>1. Scope</h2><p>Text.</p><h3><a href='/x'>Linked</a></h3></div>",
    "paragraphs": "<div><p>One   two</p><p>three</p>tail<div>block</div></div>",
    "bullets": "<div><p>Intro</p><ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul><p>after</p></div>",
    "numbered": "<div><ol><li>first</li><li>second<ul><li>inner</li></ul></li></ol><ol start='7'><li>seven</li></ol></div>",
    "bad start": "<div><ol start='x'><li>a</li></ol></div>",
    "emphasis": "<div><p>a<b>bold</b>b <strong> spaced </strong>. x<em>it</em>y <i>i</i>, <u>u</u>!</p></div>",
    "stars": "<div><p>**<b>b</b> <s>s</s>~<del>d</del></p></div>",
    "links": "<div><p>See <a href='/a'>our page</a>, <a href='https://x.example/'>https://x.example/</a>,"
             " <a href='#s'>in page</a>, <a>no target</a>, <a href='/e'></a>.</p></div>",
    "link with block": "<div><a href='/a'><span>one</span> two</a><a href='/b'><p>para</p></a></div>",
    "link escaping": "<div><a href='/a(b)[c]'>t</a> <a href='/sp ace/é'>u</a> <a href=' /lead'>v</a>"
                     " <a href='/q?a=1&amp;b=&quot;2&quot;'>w</a></div>",
    "mailto": "<div><p>Write to <a href='mailto:privacy@acme.example'>privacy@acme.example</a></p></div>",
    "breaks": "<div><p>line one<br>line two<br></p><blockquote>q1<br>q2</blockquote></div>",
    "hr": "<div><p>a</p><hr><p>b</p></div>",
    "pre": "<div><pre>code\n  indented\n</pre><ul><li>x<pre>in list\nmore</pre></li></ul></div>",
    "blockquote": "<div><blockquote><p>quoted</p><p>twice</p></blockquote><p>after</p></div>",
    "table": "<div><table><tr><th>Data</th><th>Kept</th></tr><tr><td>Email</td><td>90 days</td></tr>"
             "<tr><td>IP | addr</td><td><b>1</b> year</td></tr></table></div>",
    "definition list": "<div><dl><dt>Term</dt><dd>Definition</dd></dl></div>",
    "code": "<div><p>Use <code>a_b*c</code> and <kbd>k</kbd> or <tt>t</tt>.</p></div>",
    "quote and abbr": "<div><p><q>hi</q> <abbr title='General Data Protection Regulation'>GDPR</abbr></p></div>",
    "escaping": "<div><p>1. not a list</p><p>+ plus</p><p>- dash</p><p>back\\slash \\* x</p>"
                "<p>a &amp; b &lt; c &gt; d</p><p>2024. Year</p><p>&amp;- after entity</p></div>",
    "nbsp": "<div><p>a\xa0b <b>\xa0x\xa0</b> \xa0</p><h2>\xa0Title</h2></div>",
    "unknown tags": "<div><section><p>s</p></section><custom-el>c</custom-el><o:p>w</o:p></div>",
    "empty elements": "<div><p></p><b></b><h2></h2><ul></ul><p>x</p></div>",
    "heading in link": "<div><a href='/x'><h2>Title</h2></a><p>after</p></div>",
    "nested lists in ol": "<div><ol><li>a<ol><li>b</li></ol></li><li>c</li></ol><ul><li>d</li></ul></div>",
    "sup sub": "<div><p>x<sup>2</sup> H<sub>2</sub>O</p></div>",
    "comment": "<div><p>a<!-- c -->- b</p></div>",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_renderer_matches_html2text(name: str) -> None:
    parser = lxml.html.HTMLParser(remove_comments=False)
    root = lxml.html.fragment_fromstring(CASES[name], parser=parser)
    source = lxml.html.tostring(root, encoding="unicode", method="html").replace("\xa0", "&nbsp;")
    assert render_markdown(root, url=URL) == reference(source)


def test_served_href_reads_back_libxml2_escaping() -> None:
    assert served_href("/plain?a=1&b=2#frag") == "/plain?a=1&b=2#frag"
    assert served_href(" /x y/é") == "/x%20y/%C3%A9"
    assert served_href('/q"x') == served_href('/q"x')      # falls back to a real round trip


def test_escape_md_section_matches_html2text() -> None:
    from html2text.utils import escape_md_section as original

    for text in ("1. a", " 12. b", "+ c", "- d", "--", "a\\*b", "a.b", "x - y", "\\", "2.5"):
        assert escape_md_section(text) == original(text)


def test_escape_md_section_one_line_shortcut_matches_html2text() -> None:
    """One-line texts try only the pattern their first character allows: same result."""
    import random

    from html2text.utils import escape_md_section as original

    rng = random.Random(14)
    alphabet = " \t\xa0\u2003\\`*_{}[]()#+-.!0123456789\u0661\u00b2ab\n"
    texts = ["\u2003 3. x", "\xa0- y", " + z", "\u0661. a", "\u00b2. b", "\\- c", ""] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(20000)]
    for text in texts:
        assert escape_md_section(text) == original(text), repr(text)


def test_void_elements_give_no_end_tag() -> None:
    """``<col>`` and ``<br>`` have no end tag in the serialisation: no end event either."""
    source = "<div><ul><li>a</li></ul><table><col><tr><td>x</td><td>y</td></tr></table>" \
             "<ol><li>b</li></ol><p>c<br></p><ul><li>d</li></ul><area><ul><li>e</li></ul></div>"
    root = lxml.html.fragment_fromstring(source)
    serialised = lxml.html.tostring(root, encoding="unicode", method="html")
    assert render_markdown(root, url=URL) == reference(serialised)
