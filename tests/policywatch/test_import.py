"""`policywatch import` and `export-list`: every watch-list format, duplicates, bad lines."""

from __future__ import annotations

import json
from pathlib import Path

from policywatch.services.watchlists import parse_watch_list
from tests.databases import sqlite_only
from tests.fakes.site import FakeSite

pytestmark = sqlite_only


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_list_reports_duplicates_and_bad_lines_by_number(cli, tmp_path, site: FakeSite):
    site.add("/", '<html><body><a href="/legal/privacy">Privacy Policy</a></body></html>')
    site.add("/legal/privacy", "<html><body><main><p>Privacy policy.</p></main></body></html>")
    assert cli("add", "https://tracked.example/privacy").code == 0
    path = write(tmp_path, "list.txt", "\n".join([
        "# my watch list",
        "https://one.example/privacy",
        "two.example/legal/privacy-policy",
        "",
        "https://tracked.example/privacy",   # already tracked
        "https://one.example/privacy",       # twice in the file
        "ftp://files.example/privacy.txt",  # not http(s)
        "this is not a url",
        site.base_url,                       # a homepage: its policy link is discovered
    ]) + "\n")
    refused = cli("import", str(path))
    # Invalid lines: nothing is written (one transaction), each is named, exit code 2.
    assert refused.code == 2, refused.err
    assert "invalid line 7:" in refused.err and "ftp" in refused.err
    assert "invalid line 8: expected one URL or domain" in refused.err
    assert "2 invalid line(s)" in refused.err and "nothing imported" in refused.err
    assert [p["url"] for p in cli("list", "--json").json()] == ["https://tracked.example/privacy"]

    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:6] + ["#", "#"] + lines[8:]) + "\n")  # same numbering
    result = cli("import", str(path))
    assert result.code == 0, result.err
    assert "3 added, 2 duplicates skipped, 0 without a policy link" in result.out
    assert "skipped line 5: duplicate URL (https://tracked.example/privacy)" in result.err
    assert "skipped line 6: duplicate URL" in result.err
    urls = {p["url"] for p in cli("list", "--json").json()}
    assert urls == {"https://tracked.example/privacy", "https://one.example/privacy",
                    "https://two.example/legal/privacy-policy", site.url("/legal/privacy")}


def test_csv_with_schedules_and_selectors(cli, tmp_path):
    path = write(tmp_path, "list.csv", (
        "url,name,every,select,remove\n"
        "https://a.example/privacy,Alpha,6h,main,\"nav, .cookie-banner\"\n"
        "https://b.example/privacy,Beta,every tuesday,,\n"
        "https://c.example/privacy,,0 6 * * 1,article,\n"
        "https://a.example/privacy,Alpha again,,,\n"
        ",No URL,,,\n"
        "https://d.example/privacy,Delta,1d,main,nav,extra\n"))
    refused = cli("import", str(path), "--json")
    assert refused.code == 2
    report = refused.json()
    assert report["format"] == "csv" and report["added"] == []
    assert [r["line"] for r in report["invalid"]] == [3, 6, 7]
    assert "invalid schedule 'every tuesday'" in report["invalid"][0]["reason"]
    assert cli("list", "--json").json() == []

    rows = path.read_text().splitlines()
    path.write_text("\n".join([rows[0], rows[1], "#", rows[3], rows[4]]) + "\n")
    result = cli("import", str(path), "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert len(report["added"]) == 2
    assert [(d["line"], d["url"]) for d in report["duplicates"]] == [(5, "https://a.example/privacy")]
    policies = {p["url"]: p for p in cli("list", "--json").json()}
    alpha = policies["https://a.example/privacy"]
    assert (alpha["name"], alpha["schedule"]) == ("Alpha", "6h")
    assert policies["https://c.example/privacy"]["schedule"] == "0 6 * * 1"


def test_open_terms_archive_declarations(cli, tmp_path, corpus: Path):
    declaration = {
        "name": "Example Service",
        "documents": {
            "Privacy Policy": {"fetch": "https://example.com/privacy",
                               "select": ["main", ".policy"], "remove": [".banner"]},
            "Terms of Service": {"fetch": "https://example.com/terms", "select": "article"},
            "Cookies": {"fetch": "https://example.com/cookies",
                        "select": [{"startBefore": "#a", "endBefore": "#b"}]},
        },
    }
    path = write(tmp_path, "Example.json", json.dumps(declaration, indent=2))
    refused = cli("import", str(path))
    assert refused.code == 2
    assert "'Cookies'" in refused.err and "range selectors" in refused.err
    del declaration["documents"]["Cookies"]
    path = write(tmp_path, "Example.json", json.dumps(declaration, indent=2))
    result = cli("import", str(path))
    assert result.code == 0, result.err
    assert "2 added, 0 duplicates skipped, 0 without a policy link (ota format)" in result.out
    policies = {p["url"]: p for p in cli("list", "--json").json()}
    assert policies["https://example.com/privacy"]["name"] == "Example Service Privacy Policy"

    # The document declarations stored with the corpus, as a list.
    metas = sorted((corpus / "ota").glob("*/meta.json"))
    documents = [json.loads(m.read_text())["declaration"] for m in metas]
    documents = [d for d in documents if d]
    path = write(tmp_path, "corpus.json", json.dumps(documents))
    report = cli("import", str(path), "--json").json()
    assert len(report["added"]) == len(documents)
    assert not report["invalid"]


def test_export_list_round_trip(cli, tmp_path, db_url):
    source = write(tmp_path, "list.csv", (
        "url,name,every,select,remove\n"
        "https://a.example/privacy,\"Alpha, Inc.\",6h,main,\"nav, .x\"\n"
        "https://b.example/privacy,Beta,,,\n"))
    assert cli("import", str(source)).code == 0
    exported = tmp_path / "out" / "watch.csv"
    assert cli("export-list", "-o", str(exported)).code == 0
    text = exported.read_text()
    assert text.splitlines()[0] == "url,name,every,select,remove,render"
    assert parse_watch_list(text).entries == parse_watch_list(source.read_text()).entries
    # Importing the export into the same archive adds nothing.
    again = cli("import", str(exported), "--json").json()
    assert again["added"] == [] and len(again["duplicates"]) == 2
    assert cli("export-list").out == text


def test_render_mode_is_read_from_csv_and_ota_declarations_and_exported(cli, tmp_path):
    csv_list = write(tmp_path, "list.csv", (
        "url,name,render\n"
        "https://a.example/privacy,Alpha,always\n"
        "https://b.example/privacy,Beta,\n"
        "https://c.example/privacy,Gamma,sometimes\n"))
    refused = cli("import", str(csv_list))
    assert refused.code == 2 and "invalid line 4: render must be one of auto, never, always" \
        in refused.err, refused.err
    csv_list.write_text("\n".join(csv_list.read_text().splitlines()[:3]) + "\n")
    assert cli("import", str(csv_list)).code == 0
    declaration = write(tmp_path, "spa.json", json.dumps({"name": "Spa", "documents": {
        "Privacy Policy": {"fetch": "https://spa.example/privacy", "select": "main",
                           "executeClientScripts": True}}}))
    assert cli("import", str(declaration)).code == 0
    modes = {p["url"]: p["render"] for p in cli("list", "--json").json()}
    assert modes == {"https://a.example/privacy": "always", "https://b.example/privacy": "auto",
                     "https://spa.example/privacy": "always"}
    exported = cli("export-list").out.splitlines()
    assert "https://a.example/privacy,Alpha,,,,always" in exported
    assert "https://b.example/privacy,Beta,,,,auto" in exported


def test_a_large_list_is_added_in_one_go(cli, tmp_path):
    lines = [f"https://site{i}.example/privacy" for i in range(3000)]
    path = write(tmp_path, "big.txt", "\n".join(lines + lines[:10]) + "\n")
    result = cli("import", str(path), "--json")
    report = result.json()
    assert len(report["added"]) == 3000
    assert [d["line"] for d in report["duplicates"]] == list(range(3001, 3011))
    assert len(cli("list", "--json").json()) == 3000


def test_unreadable_files_are_one_line_errors(cli, tmp_path):
    missing = cli("import", str(tmp_path / "nope.txt"))
    assert missing.code == 2 and "no such file" in missing.err
    broken = write(tmp_path, "broken.json", '{"name": "X", "documents": {')
    result = cli("import", str(broken))
    assert result.code == 2 and "invalid JSON" in result.err
    assert len(result.err.strip().splitlines()) == 1
    columns = write(tmp_path, "cols.csv", "url,colour\nhttps://a.example/p,red\n")
    result = cli("import", str(columns))
    assert result.code == 2 and "unknown CSV column(s) colour" in result.err


def test_an_imported_homepage_is_kept_as_add_keeps_it(cli, tmp_path, site: FakeSite):
    """The homepage a policy link was discovered on is where moves are looked for later
    (``backfill --follow-moves``, live moves): ``import`` stores it as ``add DOMAIN`` does."""
    site.add("/", '<html><body><a href="/legal/privacy">Privacy Policy</a></body></html>')
    site.add("/legal/privacy", "<html><body><main><p>Privacy policy.</p></main></body></html>")
    path = write(tmp_path, "list.txt", f"{site.base_url}\nhttps://given.example/privacy\n")
    result = cli("import", str(path))
    assert result.code == 0, result.err
    by_url = {p["url"]: p["slug"] for p in cli("list", "--json").json()}
    imported = cli("urls", by_url[site.url("/legal/privacy")], "--json").json()
    assert [(u["source"], u["homepage_capture"]) for u in imported] == [("given", site.url("/"))]
    assert "privacy" in imported[0]["reason"].lower()
    # A URL given as such has no homepage.
    assert cli("urls", by_url["https://given.example/privacy"], "--json").json()[0][
        "homepage_capture"] is None

    added = cli("add", site.base_url, "--yes", "--name", "again")
    assert added.code != 0  # the same URL: add and import agree on what they discover
    assert "already tracked" in added.err
