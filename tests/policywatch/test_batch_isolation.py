"""Issue 15, finding 4: one bad policy never stops a batch.

A policy whose URL cannot be fetched at all (port 99999, stored before add validated
ports) or whose check meets a bug is recorded with its own error; every other policy of
``check --all``, ``backfill --all`` and ``reextract --all`` is still done.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import crawler
import policywatch.checking.backfill
import policywatch.checking.reextract
from storage import Archive
from tests.corpus_pages import ota_stream
from tests.databases import sqlite_only
from tests.fakes.site import FakeSite
from tests.fakes.wayback import FakeWayback

pytestmark = sqlite_only
PAGE = ("<html><body><main><h1>Privacy policy</h1>" + "<p>We keep your data safe and explain "
        "what we collect, why, and for how long we keep it.</p>" * 20 + "</main></body></html>")


def boom_on(marker: str, real):  # noqa: ANN001, ANN201
    def extract(body: bytes, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if marker.encode() in body:
            raise RuntimeError("extractor bug at /srv/internal/path")
        return real(body, *args, **kwargs)
    return extract


def test_check_all_records_each_bad_policy_and_checks_the_others(
        cli, site: FakeSite, archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    site.add("/good", PAGE)
    site.add("/buggy", PAGE.replace("Privacy policy", "Privacy policy BOOM"))
    good = cli("add", site.url("/good"), "--name", "Good").out.strip()
    buggy = cli("add", site.url("/buggy"), "--name", "Buggy").out.strip()
    # Stored before add validated ports: the socket layer would raise OverflowError.
    archive.add_policy(name="Port", url="http://127.0.0.1:99999/p", domain="127.0.0.1",
                       slug="bad-port")
    # The pipeline loads the extractor on first use, from the crawler's face.
    monkeypatch.setattr(crawler, "extract_policy", boom_on("BOOM", crawler.extract_policy))

    result = cli("check", "--all")

    assert "Traceback" not in result.err
    lines = {line.split()[0]: line for line in result.out.splitlines() if line.strip()}
    assert "new-version" in lines[good]
    assert "[internal]" in lines[buggy] and "RuntimeError" in lines[buggy]
    assert "/srv/internal" not in result.out  # details stay in the log
    assert "[invalid-url]" in lines["bad-port"]
    checks = cli("checks", buggy, "--json")
    assert checks.code == 0 and checks.json()[0]["error_kind"] == "internal"


def test_backfill_all_and_reextract_all_go_on_past_a_bug(
        cli, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stream = ota_stream(corpus, "le-chat-privacy-policy")[:3]
    with FakeWayback(page_size=25) as fake:
        monkeypatch.setenv("POLICYWATCH_WAYBACK_URL", fake.base_url)
        monkeypatch.setenv("POLICYWATCH_CDX_PER_SECOND", "50")
        monkeypatch.setenv("POLICYWATCH_REPLAY_PER_SECOND", "200")
        for n, url in enumerate(("https://a.example/privacy", "https://b.example/privacy")):
            for page in stream:
                body = page.body if n == 0 else page.body.replace(b"<body", b"<body data-x=BOOM", 1)
                fake.add_capture(url, page.timestamp, body)
            cli("add", url)
        monkeypatch.setattr(policywatch.checking.backfill, "extract_body",
                            boom_on("BOOM", policywatch.checking.backfill.extract_body))
        result = cli("backfill", "--all")
    assert result.code == 0 and "Traceback" not in result.err, result.err
    assert len(cli("history", "a.example", "--json").json()) >= 1
    checks = cli("checks", "b.example", "--json").json()
    assert checks and {c["error_kind"] for c in checks} == {"internal"}

    monkeypatch.setattr(policywatch.checking.reextract, "extract_body",
                        boom_on("Mistral", policywatch.checking.reextract.extract_body))
    again = cli("reextract", "--all")
    assert again.code == 0 and "Traceback" not in again.err
    assert "not re-extracted" in again.out
