"""Reading large diffs (test client): rendered markdown with word marks, one heading per run of
changes in a section, a table of contents, collapsible sections, kind/topic filters, context
clauses, the whole-document view, number edits as one modification, labels and plurals."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from storage import Archive
from tests.databases import sqlite_only
from tests.policywatch.history_loader import record_text
from tests.policywatch.web_client import web_client

pytestmark = sqlite_only

T0 = datetime(2024, 1, 1, tzinfo=UTC)
BEFORE = """# Privacy Policy

Last updated: March 3, 2020

## Collection

We collect your **email address** when you register.

We collect your device model.

## Sharing

We **never** sell your data to [partners](https://partners.example/list).

We share data with payment processors.

## Retention

We keep logs for 30 days.

We delete accounts on request.

We keep backups encrypted.
"""
AFTER = """# Privacy Policy

Last updated: May 1, 2021

## Collection

We collect your **email address** when you register.

We collect your device model.

- We collect your precise location.

## Sharing

We **may** sell your data to [partners](https://partners.example/list).

## Retention

We keep logs for 90 days.

We delete accounts on request.

We keep backups encrypted.

We share data with payment processors.
"""
ONE_CHANGE = ("# P\n\nWe keep logs for 30 days.\n", "# P\n\nWe keep logs for 30 days.\n\nWe sell nothing.\n")


@pytest.fixture
def client(db_url: str) -> TestClient:
    archive = Archive.open(db_url)
    policy = archive.add_policy(name="Shop", url="https://shop.example/privacy", domain="shop.example")
    record_text(archive, policy, T0, BEFORE, source="live")
    record_text(archive, policy, T0 + timedelta(days=30), AFTER, source="live")
    single = archive.add_policy(name="Single", url="https://single.example/p", domain="single.example")
    record_text(archive, single, T0, ONE_CHANGE[0], source="live")
    record_text(archive, single, T0 + timedelta(days=1), ONE_CHANGE[1], source="live")
    yield web_client(archive, db_url)
    archive.close()


def changes_of(html: str) -> list[str]:
    return re.findall(r'<div class="change change-(\w+)[^"]*" id="change-(\d+)"', html)  # type: ignore[return-value]


def test_markdown_is_rendered_with_marks_inside(client: TestClient) -> None:
    html = client.get("/policies/shop.example/diff").text
    assert "**" not in html and "](" not in html
    assert re.search(r"<strong><del><span class=\"sr-only\">\[removed: </span>never", html)
    assert re.search(r"<strong><ins><span class=\"sr-only\">\[added: </span>may", html)
    assert '<a href="https://partners.example/list" rel="noopener noreferrer nofollow">partners</a>' in html
    assert '<span class="clause clause-list-item">' in html


def test_number_edit_is_one_modified_clause(client: TestClient) -> None:
    html = client.get("/policies/shop.example/diff").text
    assert '<span class="number-change">March 3, 2020 → May 1, 2021</span>' in html
    assert '<span class="number-change">30 days → 90 days</span>' in html
    blocks = html.split('id="diff"', 1)[1].split('<div class="change ')[1:]
    dated = [b.split('"', 1)[0] for b in blocks if "Last updated" in b]
    assert dated == ["change-modified"]


def test_one_heading_per_section_run_and_collapsible(client: TestClient) -> None:
    html = client.get("/policies/shop.example/diff").text
    titles = re.findall(r'<h2 class="section-title">([^<]*)</h2>', html)
    assert titles == ["Privacy Policy", "Privacy Policy › Collection", "Privacy Policy › Sharing",
                      "Privacy Policy › Retention"]
    assert html.count('<details class="diff-section" open>') == 4
    collapsed = client.get("/policies/shop.example/diff?collapsed=1").text
    assert '<details class="diff-section">' in collapsed and 'class="diff-section" open' not in collapsed


def test_table_of_contents_links_every_change(client: TestClient) -> None:
    html = client.get("/policies/shop.example/diff").text
    toc = html.split('<ol class="toc-list">', 1)[1].split("</ol>", 1)[0]
    anchors = re.findall(r'href="[^"]*#change-(\d+)"', toc)
    assert anchors == [n for _, n in changes_of(html)] and len(anchors) == 5
    assert "We collect your precise location." in toc


def test_filter_by_kind_and_topic_keeps_numbers(client: TestClient) -> None:
    every = changes_of(client.get("/policies/shop.example/diff").text)
    assert sorted(kind for kind, _ in every) == ["added", "modified", "modified", "modified", "moved"]
    added = changes_of(client.get("/policies/shop.example/diff?kind=added").text)
    assert added == [(k, n) for k, n in every if k == "added"]
    both = changes_of(client.get("/policies/shop.example/diff?kind=added&kind=moved").text)
    assert sorted(k for k, _ in both) == ["added", "moved"]
    sharing = client.get("/policies/shop.example/diff?topic=sharing").text
    assert changes_of(sharing) and all(k != "added" or "location" not in sharing for k, _ in changes_of(sharing))
    assert 'aria-current="true">sharing' in sharing
    assert client.get("/policies/shop.example/diff?kind=bogus").status_code == 422
    assert client.get("/policies/shop.example/diff?topic=bogus").status_code == 422
    none = client.get("/policies/single.example/diff?kind=removed").text
    assert "No change matches this filter" in none


def test_context_clauses_around_changes(client: TestClient) -> None:
    plain = client.get("/policies/shop.example/diff").text
    assert 'class="context' not in plain
    html = client.get("/policies/shop.example/diff?context=1").text
    contexts = re.findall(r'<div class="context context-(before|after)"><span class="clause clause-\w+">(.*?)</span></div>', html)
    texts = [t for _, t in contexts]
    assert "We collect your device model." in texts and "We delete accounts on request." in texts
    assert len(texts) == len(set(texts))  # a clause between two changes is shown once
    assert client.get("/policies/shop.example/diff?context=99").status_code == 422
    assert client.get("/policies/shop.example/diff?context=x").status_code == 422


def test_whole_document_view(client: TestClient) -> None:
    html = client.get("/policies/shop.example/diff?view=document").text
    body = html.split('id="diff"', 1)[1]
    for unchanged in ("We collect your <strong>email address</strong> when you register.",
                      "We delete accounts on request.", "We keep backups encrypted."):
        assert unchanged in body
    assert '<h3 class="doc-heading"><span class="clause clause-heading">Sharing</span></h3>' in body
    assert body.index("Collection") < body.index("precise location") < body.index("Sharing")
    assert len(changes_of(body)) == 5
    only_added = client.get("/policies/shop.example/diff?view=document&kind=added").text
    assert len(changes_of(only_added)) == 1 and "We keep logs for 90 days." in only_added


def test_labels_and_plurals(client: TestClient) -> None:
    html = client.get("/policies/shop.example/diff").text
    assert not re.search(r"moved\s*(<[^>]+>\s*)*moved", html, flags=re.I)
    assert 'kind-moved">moved from “Privacy Policy › Sharing”</span>' in html
    single = client.get("/policies/single.example/diff").text
    assert "1 change<" in single and "1 changes" not in single

