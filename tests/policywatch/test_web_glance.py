"""The web UI at a glance (issue 17): headline clauses with word marks in lists and feeds,
change filters, full-text search, small faults and accessibility basics (FastAPI test client)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from policywatch.settings import Settings
from policywatch.web import create_app
from storage import Archive
from tests.databases import sqlite_only
from tests.policywatch.history_loader import record_text

pytestmark = sqlite_only

T0 = datetime(2024, 3, 1, tzinfo=UTC)
SELL_V1 = ("# Privacy\n\n## Sharing\n\nWe do not sell your personal data to third parties.\n\n"
           "## Retention\n\nWe keep logs for 30 days.\n")
SELL_V2 = ("# Privacy\n\n## Sharing\n\nWe may sell your personal data to third parties.\n\n"
           "## Retention\n\nWe keep logs for 30 days.\n")
SELL_V3 = SELL_V2.replace("30 days", "90 days") + "\nWe collect biometric identifiers from photos.\n"


@pytest.fixture
def archive(db_url: str):
    arch = Archive.open(db_url)
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
    yield arch
    arch.close()


@pytest.fixture
def client(archive: Archive, db_url: str) -> TestClient:
    app = create_app(Settings(database_url=db_url, public_url="http://testserver"), archive)
    return TestClient(app, raise_server_exceptions=False)


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
