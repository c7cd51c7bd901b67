"""CDX answers with the real server's quirks: parsing, cleaning, deduplication, URL variants."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from crawler import CdxRecord, InvalidURL, WaybackError, public_snapshot_url, url_variants
from crawler.wayback import cdx, parse_timestamp, split_wayback_url

DATA = Path(__file__).parent / "data" / "wayback"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0,
        second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


def record(timestamp: str, digest: str, status: int | None = 200,
           mimetype: str = "text/html") -> CdxRecord:
    return CdxRecord("com,example)/privacy", timestamp, "https://example.com/privacy",
                     mimetype, status, digest, 100)


def test_quirky_page_is_cleaned_to_distinct_replayable_captures() -> None:
    rows, resume_key = cdx.parse_page((DATA / "cdx_quirks_page1.json").read_text())
    assert resume_key == "com%2Cexample%29%2Fprivacy+20200202020202"
    assert len(rows) == 10  # header, empty row and key are not rows
    records = [r for r in (cdx.clean_row(row) for row in rows) if r is not None]
    # mailto:, the non-numeric timestamp and the 404 are gone; "-" reads as None
    assert "mailto:privacy@example.com" not in {r.original for r in records}
    revisit = next(r for r in records if r.mimetype == "warc/revisit")
    assert revisit.statuscode is None and revisit.length is None and revisit.is_revisit
    cleaned = cdx.clean_result(records)
    assert [(r.timestamp, r.digest[0]) for r in cleaned] == [
        ("20150301120000", "A"), ("20150800000000", "B"), ("20160015", "C")]
    assert [r.captured_at for r in cleaned] == [utc(2015, 3, 1, 12), utc(2015, 8, 1),
                                                 utc(2016, 1, 15)]
    # The 301 of 2019 lies between captures of the page (B reappears in 2020): dropped.
    assert not any(r.is_redirect for r in cleaned)


def test_empty_results_in_both_forms() -> None:
    assert cdx.parse_page((DATA / "cdx_empty.json").read_text()) == ([], None)
    assert cdx.parse_page((DATA / "cdx_empty_body.txt").read_text()) == ([], None)


def test_page_without_rows_can_still_carry_a_resume_key() -> None:
    rows, key = cdx.parse_page('[["urlkey","timestamp","original"],[],["next"]]')
    assert rows == [] and key == "next"


@pytest.mark.parametrize("text", ["<html>Error</html>", '{"error": 1}', '[["a","b"],["1","2"]]'])
def test_garbage_answers_raise_a_wayback_error(text: str) -> None:
    with pytest.raises(WaybackError):
        cdx.parse_page(text)


def test_dedupe_keeps_the_earliest_capture_of_each_digest_across_non_adjacent_rows() -> None:
    a1, b, a2 = record("20200101000000", "A" * 32), record("20200201000000", "B" * 32), \
        record("20200301000000", "A" * 32)
    assert cdx.dedupe([a2, b, a1, a1]) == [a1, b]


def test_redirects_are_kept_where_the_page_was_not_captured_at_this_address() -> None:
    before = record("20100101000000", "R" * 32, status=302)
    page = record("20120101000000", "P" * 32)
    hop = record("20130101000000", "S" * 32, status=301)
    page2 = record("20140101000000", "Q" * 32)
    moved = record("20160101000000", "M" * 32, status=301)
    assert cdx.clean_result([moved, page2, hop, page, before]) == [before, page, page2, moved]
    only_redirects = [record("20160101000000", "M" * 32, status=301)]
    assert cdx.clean_result(only_redirects) == only_redirects


def test_query_asks_for_pages_and_redirects_with_resume_keys() -> None:
    params = cdx.query_params("https://example.com/p", from_="20190101000000", to=None,
                              limit=50, resume_key="k")
    assert ("filter", "statuscode:([23]..|-)") in params
    assert ("collapse", "digest") in params and ("showResumeKey", "true") in params
    assert ("resumeKey", "k") in params and ("limit", "50") in params
    assert dict(params)["fl"] == "urlkey,timestamp,original,mimetype,statuscode,digest,length"
    mimetype_filter = [v for k, v in params if k == "filter" and v.startswith("mimetype:")][0]
    assert r"application/xhtml\+xml" in mimetype_filter and "application/pdf" in mimetype_filter


def test_url_variants_cover_scheme_and_www() -> None:
    assert url_variants("https://uptimerobot.com/privacy/") == [
        "https://uptimerobot.com/privacy/", "http://uptimerobot.com/privacy/",
        "https://www.uptimerobot.com/privacy/", "http://www.uptimerobot.com/privacy/"]
    assert set(url_variants("http://www.brevo.com/legal?x=1")) == {
        "http://www.brevo.com/legal?x=1", "https://www.brevo.com/legal?x=1",
        "http://brevo.com/legal?x=1", "https://brevo.com/legal?x=1"}
    assert url_variants("example.org")[0] == "https://example.org/"
    assert url_variants("http://127.0.0.1:8080/p") == ["http://127.0.0.1:8080/p",
                                                       "https://127.0.0.1:8080/p"]
    assert len({cdx.search_key(v) for v in url_variants("https://www.x.com/a")}) == 1


@pytest.mark.parametrize("bad", ["mailto:someone@example.com", "ftp://example.com/", "https://"])
def test_url_variants_reject_non_http_urls(bad: str) -> None:
    with pytest.raises(InvalidURL):
        url_variants(bad)


@pytest.mark.parametrize(("raw", "expected"), [
    ("20190615123456", utc(2019, 6, 15, 12, 34, 56)),
    ("20190015000000", utc(2019, 1, 15)),  # month 00
    ("20190600000000", utc(2019, 6, 1)),  # day 00
    ("20190631000000", utc(2019, 6, 30)),  # day past the month's end
    ("20190615246060", utc(2019, 6, 15, 23, 59, 59)),
    ("2019061512", utc(2019, 6, 15, 12)),  # short
    ("2019", utc(2019, 1, 1)),
])
def test_malformed_timestamps_are_repaired(raw: str, expected: datetime) -> None:
    assert parse_timestamp(raw) == expected


@pytest.mark.parametrize("raw", ["", "201", "2019-06-15", "2019061512345678"])
def test_unreadable_timestamps_raise_value_error(raw: str) -> None:
    with pytest.raises(ValueError, match="Wayback timestamp"):
        parse_timestamp(raw)


def test_public_snapshot_and_wayback_urls() -> None:
    assert public_snapshot_url("20200101000000", "https://x.com/p?q=1") == \
        "https://web.archive.org/web/20200101000000id_/https://x.com/p?q=1"
    assert split_wayback_url("http://127.0.0.1:9/web/20200101000000id_/https://x.com/p?q=1") == \
        ("20200101000000", "https://x.com/p?q=1")
    assert split_wayback_url("https://web.archive.org/web/2020/https:/x.com/") == \
        ("2020", "https://x.com/")
    assert split_wayback_url("https://x.com/web/page") is None
