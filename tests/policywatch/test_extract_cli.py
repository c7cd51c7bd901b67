"""`extract` previews and converts saved pages; `reextract` rebuilds stored history."""

from __future__ import annotations

import json
from pathlib import Path


from storage import Archive
from tests.corpus_pages import ota_stream
from tests.databases import sqlite_only

pytestmark = sqlite_only


def princeton(corpus: Path) -> list[dict]:
    return [json.loads(x) for x in (corpus / "princeton" / "index.jsonl").read_text().splitlines()]


def test_extract_gives_the_seed_header_and_text(cli, corpus) -> None:
    entry = next(e for e in princeton(corpus) if e["domain"] == "x-cart.com")
    page = corpus / "princeton" / entry["html"]
    seed = (corpus / "princeton" / entry["md"]).read_text()
    result = cli("extract", str(page), "--url", entry["wayback_url"])
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == seed.splitlines()[0]
    seed_lines = {line.strip() for line in seed.splitlines()[1:] if line.strip()}
    ours = {line.strip() for line in result.out.splitlines()[1:] if line.strip()}
    assert len(seed_lines & ours) / len(seed_lines) > 0.8


def test_extract_folder_writes_one_file_per_input(cli, corpus, tmp_path) -> None:
    entries = princeton(corpus)[:4]
    pages = [str(corpus / "princeton" / e["html"]) for e in entries]
    with_base = tmp_path / "saved.html"
    paragraphs = "".join(
        f"<h2>Section {n}</h2><p>We collect your e-mail address to send you receipts and we keep "
        f"it for {n * 30} days after your last order, unless the law asks us to keep it longer. "
        "You can ask us to delete it at any time by writing to our privacy team.</p>"
        for n in range(1, 5))
    with_base.write_text('<html><head><base href="https://shop.example/legal/"><title>Privacy</title>'
                         f'</head><body><h1>Privacy</h1>{paragraphs}<p>See <a href="cookies">our '
                         'cookie notice</a>.</p></body></html>')
    out = tmp_path / "out"
    result = cli("extract", *pages, str(with_base), "-o", str(out), "--wayback",
                 "--captured-at", "2020-01-02")
    assert result.code == 0, result.err
    written = sorted(p.name for p in out.glob("*.md"))
    assert written == sorted([Path(p).stem + ".md" for p in pages] + ["saved.md"])
    saved = (out / "saved.md").read_text()
    assert saved.startswith("> *The following text is extracted and transformed from the shop.example "
                            "privacy policy that was archived on 2020-01-02.")
    assert "[our cookie notice](https://shop.example/legal/cookies)" in saved


def test_extract_without_a_url_says_how_to_give_one(cli, tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><p>Privacy text long enough to be a policy page.</p></body></html>")
    result = cli("extract", str(page))
    assert result.code == 2 and "--url" in result.err and result.err.count("\n") == 1
    assert cli("extract", str(tmp_path / "missing.html"), "--url", "https://x.example/").code == 2


def test_reextract_rebuilds_history_without_duplicates(cli, site, corpus, db_url) -> None:
    stream = ota_stream(corpus, "le-chat-privacy-policy")
    versions = [p for p in stream if p.kind in ("first", "change")]
    site.add("/privacy", versions[1].body)
    slug = cli("add", site.url("/privacy")).out.strip()
    cli("check", slug)
    site.set_body("/privacy", versions[2].body)
    cli("check", slug)
    before = cli("history", slug, "--json").json()
    result = cli("reextract", slug)
    assert result.code == 0, result.err
    assert "0 versions created, 0 removed, 2 versions now" in result.out
    assert cli("history", slug, "--json").json() == before

    # A user rule that matches nothing leaves no version; removing it restores the history.
    archive = Archive.open(db_url)
    try:
        archive.update_policy(slug, select="#no-such-element")
        assert "0 versions now" in cli("reextract", "--all").out
        assert len(archive.snapshots(archive.policy(slug).id)) == 2  # raw bodies are kept
        archive.update_policy(slug, select=None)
    finally:
        archive.close()
    restored = cli("reextract", slug)
    assert "2 versions created, 0 removed, 2 versions now" in restored.out
    history = cli("history", slug, "--json").json()
    assert [v["sha256"] for v in history] == [v["sha256"] for v in before]
    assert all(v["extractor_version"] for v in history)
