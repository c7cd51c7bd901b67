"""A policy's history grows only when its text changes: checked end to end through the CLI."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from storage import Archive, Capture, Extraction
from tests.databases import sqlite_only

pytestmark = sqlite_only

POLICY = "".join(
    f"<h2>Part {n}</h2><p>We collect your e-mail address and the pages you visit to run the "
    f"service, and we keep this data for {n * 30} days unless the law asks for longer. You may "
    "ask us for a copy or for deletion at any time by writing to our privacy team.</p>"
    for n in range(1, 6))


def served(*, title: str, days: int = 30) -> str:
    """The policy as one fetch serves it: a fresh token in a link, the title of the moment."""
    token = uuid.uuid4()
    return (f"<html><head><title>{title}</title></head><body><main><h1>Privacy Policy</h1>"
            f"{POLICY}<p>Manage your data in <a href='/redirect/website.v1.{token}/settings'>"
            f"your settings</a>. Logs are kept for {days} days.</p></main></body></html>")


def test_tokens_and_a_flickering_title_make_one_version_and_an_edit_makes_two(cli, site) -> None:
    site.add("/privacy", served(title="Privacy Policy | Example"))
    slug = cli("add", site.url("/privacy")).out.strip()
    assert "new-version" in cli("check", slug).out
    for title in ("Privacy Policy", "Privacy Policy | Example", "Privacy Policy"):
        site.set_body("/privacy", served(title=title))
        result = cli("check", slug)
        assert "unchanged" in result.out and "body changed, same text" in result.out
    site.set_body("/privacy", served(title="Privacy Policy", days=90))
    assert "new-version" in cli("check", slug).out
    history = cli("history", slug, "--json").json()
    assert [v["version"] for v in history] == [1, 2]
    # Every version shows the exact text of the capture that started it.
    first = cli("show", slug, "--version", "1").out
    assert "# Privacy Policy | Example" in first and "/redirect/website.v1." in first
    assert "Logs are kept for 90 days" in cli("show", slug).out


def test_reextract_brings_an_old_noisy_history_down_without_losing_a_capture(cli, site, db_url) -> None:
    """A database recorded before version identities existed: each token flip was a version."""
    site.add("/privacy", served(title="Privacy Policy"))
    slug = cli("add", site.url("/privacy")).out.strip()
    archive = Archive.open(db_url)
    try:
        policy = archive.policy(slug)
        start = datetime(2025, 1, 1, tzinfo=UTC)
        for day in range(4):
            body = served(title="Privacy Policy").encode()
            when = start + timedelta(days=day)
            capture = Capture(source="wayback", captured_at=when, fetched_at=when,
                              requested_url=policy.url, final_url=policy.url, status=200,
                              content_type="text/html", archive_timestamp=when.strftime("%Y%m%d%H%M%S"))
            old = f"# Privacy Policy\n\nManage your data [here](/s/{uuid.uuid4()}).\n"
            archive.record_fetch(policy.id, capture, body,
                                 Extraction(text=old, extractor_version="2026.11.1"),
                                 started_at=when)
        assert archive.version_count(policy.id) == 4
        snapshots_before = len(archive.snapshots(policy.id))
    finally:
        archive.close()
    subscription = cli("alerts", "add", "https://hooks.example/pw")
    assert subscription.code == 0, subscription.err

    result = cli("reextract", "--all")
    assert result.code == 0, result.err
    assert "1 versions now" in result.out
    archive = Archive.open(db_url)
    try:
        policy = archive.policy(slug)
        assert archive.version_count(policy.id) == 1
        assert len(archive.snapshots(policy.id)) == snapshots_before
        with archive.engine.connect() as connection:         # re-extraction alerts no one
            assert connection.execute(text("SELECT COUNT(*) FROM alert")).scalar() == 0
    finally:
        archive.close()


def test_check_on_a_legal_page_says_which_document_it_kept(cli, site) -> None:
    def doc(ident: str, name: str, sentence: str) -> str:
        return (f'<section id="{ident}"><h2>{name}</h2>'
                + "".join(f"<p>{sentence} (clause {n})</p>" for n in range(1, 15)) + "</section>")

    site.add("/legal", "<html><head><title>Legal</title></head><body><main><h1>Legal</h1>"
             + doc("terms", "Terms of Service", "You may use the service if you follow these rules.")
             + doc("privacy", "Privacy Policy", "We collect your e-mail address to run the service.")
             + "</main></body></html>")
    slug = cli("add", site.url("/legal")).out.strip()
    result = cli("check", slug)
    assert "new-version" in result.out
    assert "kept 'Privacy Policy'" in result.out and "'Terms of Service'" in result.out
    text = cli("show", slug).out
    assert "e-mail address" in text and "follow these rules" not in text


FRENCH = "".join(
    f"<h2>Article {n}</h2><p>Nous collectons votre adresse e-mail et les pages que vous visitez "
    f"pour faire fonctionner le service, et nous conservons ces données pendant {n * 30} jours, "
    "sauf si la loi exige une durée plus longue. Vous pouvez demander une copie ou la "
    "suppression de vos données à tout moment.</p>" for n in range(1, 6))


def test_each_version_carries_its_language_and_a_switch_is_one_flag(cli, site) -> None:
    site.add("/privacy", served(title="Privacy Policy"))
    slug = cli("add", site.url("/privacy")).out.strip()
    cli("check", slug)
    site.set_body("/privacy", "<html><head><title>Confidentialité</title></head><body><main>"
                  f"<h1>Politique de confidentialité</h1>{FRENCH}</main></body></html>")
    assert "new-version" in cli("check", slug).out
    history = cli("history", slug, "--json").json()
    assert [v["language"] for v in history] == ["en", "fr"]
    diff = cli("diff", slug, "--format", "json").json()
    assert diff["language_changed"] is True
