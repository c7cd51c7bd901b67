"""The web UI at a glance (issue 17): headline clauses with word marks in lists and feeds,
change filters, full-text search, small faults and accessibility basics (FastAPI test client)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from storage import Archive
from tests.databases import fill_once, sqlite_only
from tests.policywatch.history_loader import record_text
from tests.policywatch.web_client import web_client

pytestmark = sqlite_only

T0 = datetime(2024, 3, 1, tzinfo=UTC)
SELL_V1 = ("# Privacy\n\n## Sharing\n\nWe do not sell your personal data to third parties.\n\n"
           "## Retention\n\nWe keep logs for 30 days.\n")
SELL_V2 = ("# Privacy\n\n## Sharing\n\nWe may sell your personal data to third parties.\n\n"
           "## Retention\n\nWe keep logs for 30 days.\n")
SELL_V3 = SELL_V2.replace("30 days", "90 days") + "\nWe collect biometric identifiers from photos.\n"


def _fill(url: str) -> None:
    arch = Archive.open(url)
    seller = arch.add_policy(name="Seller", url="https://seller.example/privacy",
                             domain="seller.example")
    record_text(arch, seller, T0, SELL_V1, source="wayback")
    record_text(arch, seller, T0 + timedelta(days=30), SELL_V2, source="live")
    record_text(arch, seller, T0 + timedelta(days=60), SELL_V3, source="live")
    fmt = arch.add_policy(name="Layout Only", url="https://layout.example/p", domain="layout.example")
    record_text(arch, fmt, T0, "# Privacy\n\nWe keep logs for 30 days.\n", source="live")
    record_text(arch, fmt, T0 + timedelta(days=2), "# Privacy\n\nWe keep   logs for *30* days.\n",
                source="live")
    arch.add_policy(name="Fresh", url="https://fresh.example/p", domain="fresh.example")
    arch.close()


@pytest.fixture
def archive(db_url: str):
    fill_once(db_url, "web-glance", _fill)
    arch = Archive.open(db_url)
    yield arch
    arch.close()


@pytest.fixture
def client(archive: Archive, db_url: str) -> TestClient:
    return web_client(archive, db_url)


def test_changes_list_shows_the_headline_clause_with_word_marks(client: TestClient) -> None:
    html = client.get("/changes").text
    assert re.search(r'<p class="headline">We <del><span class="sr-only">removed: </span>do not'
                     r'</del><ins><span class="sr-only">added: </span>may</ins> sell', html)


def test_formatting_only_changes_are_hidden_unless_asked(client: TestClient) -> None:
    html = client.get("/changes").text
    assert "layout.example/diff" not in html and "formatting-only hidden" in html
    shown = client.get("/changes?formatting=1").text
    assert "/policies/layout.example/diff?from=1&amp;to=2" in shown
    assert 'name="formatting" value="1" checked' in shown


def test_dashboard_has_a_latest_change_column_with_the_headline(client: TestClient) -> None:
    html = client.get("/").text
    assert "<th>Latest change</th>" in html
    row = html.split('href="/policies/seller.example"')[1].split("</tr>")[0]
    assert 'href="/policies/seller.example/diff?from=2&amp;to=3"' in row
    assert 'class="headline small"' in row and ("biometric" in row or "90" in row)
    layout = html.split('href="/policies/layout.example"')[1].split("</tr>")[0]
    assert "formatting only" in layout


def test_feed_entries_carry_the_headline(client: TestClient) -> None:
    xml = client.get("/feeds/seller.example.atom").text
    assert "We ~~do not~~ **may** sell" in xml
    assert "&lt;del&gt;" in xml  # the HTML content carries word marks, escaped in the XML


def test_summaries_stored_before_headlines_get_one(client: TestClient, archive: Archive) -> None:
    seller = archive.policy("seller.example")
    versions = archive.versions(seller.id)
    archive.set_summaries({versions[1].id: (versions[0].text_sha256, {"added": 0, "modified": 1,
                                                                       "line": "~1"})})
    assert "headline" not in archive.versions(seller.id)[1].summary
    assert "<del><span class=\"sr-only\">removed: </span>do not</del>" in client.get("/changes").text
    assert archive.versions(seller.id)[1].summary["headline"]["kind"] == "modified"


# --- item 2: filters and search ---------------------------------------------------------------


def _diff_links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'class="diff-link" href="/policies/([^/]+)/diff\?from=\d+&amp;to=(\d+)"', html)


def test_changes_filters_apply(client: TestClient) -> None:
    assert _diff_links(client.get("/changes").text) == [("seller.example", "3"), ("seller.example", "2")]
    assert _diff_links(client.get("/changes?topic=collection").text) == [("seller.example", "3")]
    assert _diff_links(client.get("/changes?kind=added").text) == [("seller.example", "3")]
    assert _diff_links(client.get("/changes?since=2024-04-15").text) == [("seller.example", "3")]
    assert _diff_links(client.get("/changes?until=2024-04-15").text) == [("seller.example", "2")]
    assert _diff_links(client.get("/changes?policy=layout.example&formatting=1").text) == [
        ("layout.example", "2")]
    assert "No change matches these filters" in client.get("/changes?policy=layout.example").text
    assert client.get("/changes?policy=nope.example").status_code == 404
    assert client.get("/changes?kind=weird").status_code == 422
    assert client.get("/changes?topic=weird").status_code == 422
    assert client.get("/changes?since=yesterday").status_code == 422


def test_topic_tags_are_filter_links_that_keep_the_other_filters(client: TestClient) -> None:
    html = client.get("/changes?policy=seller.example").text
    assert 'href="/changes?policy=seller.example&amp;topic=sharing"' in html


def test_search_page_shows_clause_policy_version_and_date(client: TestClient) -> None:
    html = client.get("/search?q=biometric").text
    assert "1 version says “biometric”" in html
    assert 'href="/policies/seller.example/versions/3"' in html and "2024-04-30" in html
    assert "We collect <mark>biometric</mark> identifiers from photos." in html
    oldest = client.get("/search?q=sell&order=oldest").text
    assert oldest.index("/versions/1") < oldest.index("/versions/3")
    assert client.get('/search?q="***"').status_code == 422
    assert "<mark>&lt;b&gt;" not in client.get("/search?q=<b>sell").text
    assert client.get("/search").status_code == 200


def test_search_api(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": '"may sell"'}).json()
    assert body["total"] == 2
    first = body["results"][0]
    assert (first["policy"], first["version"], first["section"]) == ("seller.example", 3, "Sharing")
    assert first["clause"] == "We may sell your personal data to third parties."
    assert first["captured_at"].startswith("2024-04-30")
    assert first["url"] == "http://testserver/policies/seller.example/versions/3"
    assert client.get("/api/v1/search", params={"q": "sell", "policy": "nope"}).status_code == 404
    assert client.get("/api/v1/search", params={"q": "!!"}).status_code == 422
    assert client.get("/api/v1/search").status_code == 422


# --- item 3: small faults ---------------------------------------------------------------------


def test_never_checked_policies_say_so(client: TestClient) -> None:
    html = client.get("/").text
    fresh = html.split('href="/policies/fresh.example"')[1].split("</tr>")[0]
    assert '<span class="status status-never-checked">never checked</span>' in fresh
    # backfilled versions only: still never checked live
    seller = html.split('href="/policies/seller.example"')[1].split("</tr>")[0]
    assert "status-ok" in seller  # its last capture was live
    assert "never checked" in client.get("/policies/fresh.example").text
    assert "never-checked" in client.get("/?status=never-checked").text


def test_backfilled_checks_show_the_capture_date_and_link(client: TestClient, archive: Archive) -> None:
    html = client.get("/policies/seller.example").text
    checks = html.split("Recent checks")[1]
    assert 'href="https://web.archive.org/web/20240301000000id_/https://seller.example/privacy"' in checks
    assert 'captured <time datetime="2024-03-01T00:00:00Z">2024-03-01 00:00</time>' in checks


def test_not_found_page_says_it_once_without_cli_advice(client: TestClient) -> None:
    r = client.get("/no/such/page")
    assert r.status_code == 404
    assert r.text.count("<h1>Not found</h1>") == 1 and "Not Found" not in r.text
    assert "There is no page at this address." in r.text
    missing = client.get("/policies/nope.example").text
    assert "no policy &#39;nope.example&#39;" in missing and "`" not in missing
    assert "policywatch list" not in missing


def test_favicon(client: TestClient) -> None:
    assert re.search(r"<link rel=\"icon\" href=\"/static/favicon.svg\?v=[0-9a-f]{12}\"", client.get("/").text)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


# --- item 4: accessibility basics -------------------------------------------------------------

PAGES = ("/", "/changes", "/search?q=sell", "/policies/seller.example",
         "/policies/seller.example/versions/3", "/policies/seller.example/diff", "/login",
         "/no/such/page")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(fg: str, bg: str) -> float:
    high, low = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("path", PAGES)
def test_one_h1_a_skip_link_and_the_current_page_marked(client: TestClient, path: str) -> None:
    html = client.get(path).text
    assert len(re.findall(r"<h1\b", html)) == 1, path
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', html)
    expected = {"/": ["/"], "/changes": ["/changes"], "/search?q=sell": ["/search"],
                "/login": ["/login"]}.get(path, ["/"] if path.startswith("/policies/") else [])
    assert current == expected, path


def test_the_policy_text_keeps_its_headings_below_the_page_h1(client: TestClient) -> None:
    html = client.get("/policies/seller.example/versions/1").text
    assert "<h2>Privacy</h2>" in html and "<h3>Sharing</h3>" in html


def test_word_marks_are_spoken_and_insertions_underlined(client: TestClient) -> None:
    html = client.get("/policies/seller.example/diff?from=1&to=2").text
    assert '<del><span class="sr-only">[removed: </span>do not<span class="sr-only">]</span></del>' in html
    assert '<ins><span class="sr-only">[added: </span>may<span class="sr-only">]</span></ins>' in html
    css = client.get("/static/style.css").text
    ins_rule = re.search(r"^ins \{([^}]*)\}", css, flags=re.MULTILINE)
    assert ins_rule and "text-decoration: underline" in ins_rule.group(1)
    assert ".sr-only" in css and ":focus-visible" in css


def test_text_colours_reach_4_5_to_1(client: TestClient) -> None:
    css = client.get("/static/style.css").text
    warn = re.search(r"--warn: (#[0-9a-f]{6})", css).group(1)
    for background in ("#ffffff", "#fff1d6"):  # the page, the notice / failing status
        assert contrast(warn, background) >= 4.5, (warn, background)
    muted = re.search(r"--muted: (#[0-9a-f]{6})", css).group(1)
    assert contrast(muted, "#f5f7f9") >= 4.5
    chart = client.get("/policies/seller.example").text
    assert "#b36b00" not in chart


# --- item 5: as of a date, comparing dates, labels, phone layout ------------------------------


def test_policy_as_of_a_date(client: TestClient) -> None:
    html = client.get("/policies/seller.example/at?date=2024-04-15").text
    assert "<h1>Seller as of 2024-04-15</h1>" in html
    assert 'read as <a href="/policies/seller.example/versions/2">version 2</a>' in html
    assert "We may sell your personal data" in html
    assert client.get("/policies/seller.example/at?date=2024-03-01").text.count("version 1</a>") == 1
    assert client.get("/policies/seller.example/at?date=2020-01-01").status_code == 404
    assert client.get("/policies/seller.example/at?date=soon").status_code == 422
    assert client.get("/policies/seller.example/at").status_code == 422
    assert 'action="/policies/seller.example/at"' in client.get("/policies/seller.example").text


def test_compare_two_dates_and_pickers_show_dates(client: TestClient) -> None:
    html = client.get("/policies/seller.example/diff?from_date=2024-03-05&to_date=2024-05-01").text
    assert "<h1>Seller: version 1 → 3</h1>" in html
    assert '<option value="1" selected>version 1 · 2024-03-01</option>' in html
    assert 'name="from_date" value="2024-03-01"' in html
    assert client.get("/policies/seller.example/diff?from_date=x").status_code == 422
    before = client.get("/policies/seller.example/diff?from_date=2001-01-01&to_date=2024-04-01").text
    assert "<h1>Seller: version 1 → 2</h1>" in before  # before the first capture: from the first


def test_moved_label_once_and_change_count_in_words(client: TestClient, archive: Archive) -> None:
    html = client.get("/policies/seller.example/diff?from=1&to=2").text
    assert ">1 change</span>" in html
    mover = archive.add_policy(name="Mover", url="https://mover.example/p", domain="mover.example")
    record_text(archive, mover, T0, "# P\n\n## A\n\nWe sell data to brokers.\n\n## B\n\nWe keep logs.\n",
                source="live")
    record_text(archive, mover, T0 + timedelta(days=1),
                "# P\n\n## A\n\nNothing here.\n\n## B\n\nWe keep logs.\n\nWe sell data to brokers.\n",
                source="live")
    moved = client.get("/policies/mover.example/diff").text
    heads = re.findall(r'<div class="change-head">(.*?)</div>', moved, flags=re.DOTALL)
    assert heads
    for head in heads:  # "MOVED MOVED FROM" was two labels saying moved
        words = " ".join(re.findall(r'<span class="kind kind-[a-z]+">([^<]*)</span>', head))
        assert words.count("moved") <= 1, words


def test_dashboard_cells_carry_labels_for_the_phone_layout(client: TestClient) -> None:
    html = client.get("/").text
    assert 'data-label="Latest change"' in html and 'data-label="Status"' in html
    assert "@media (max-width: 640px)" in client.get("/static/style.css").text
