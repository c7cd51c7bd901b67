"""Property tests of what users type: URLs, watch-list CSV, schedules and CSS selectors
are either accepted in a normal form or refused with one line, never a traceback."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler import CrawlerError, normalize_url
from policywatch.errors import AppError
from policywatch.services.watchlists import Rejected, WatchEntry, parse_watch_list, validate_selector
from policywatch.scheduling.schedules import validate_schedule

HOSTISH = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
                  max_size=80)


def one_line(error: Exception) -> None:
    text = str(error)
    assert text and "\n" not in text and len(text) < 1000


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    HOSTISH,
    st.builds(lambda h, p, path: f"http://{h}:{p}/{path}", HOSTISH,
              st.integers(-10, 10**12), HOSTISH),
    st.builds(lambda labels: "https://" + ".".join(labels) + "/",
              st.lists(st.text("abcxn-9", min_size=0, max_size=70), min_size=1, max_size=6)),
))
def test_urls_normalize_or_fail_in_one_line(typed: str) -> None:
    try:
        url = normalize_url(typed)
    except CrawlerError as error:
        one_line(error)
        return
    assert normalize_url(url) == url
    port = url.split("://", 1)[1].split("/", 1)[0].rpartition(":")[2]
    assert not port.isdigit() or 1 <= int(port) <= 65535


FIELDS = st.text(max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(FIELDS, min_size=1, max_size=7), max_size=12))
def test_csv_watch_lists_give_entries_or_numbered_rejections(rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["url", "name", "every", "select", "remove"])
    writer.writerows(rows)
    try:
        watch = parse_watch_list(buffer.getvalue())
    except AppError as error:
        one_line(error)
        return
    for row in [*watch.entries, *watch.rejected]:
        assert isinstance(row, WatchEntry | Rejected) and row.line >= 2
    for rejected in watch.rejected:
        one_line(Exception(rejected.reason))


CRON_FIELD = st.one_of(st.just("*"), st.integers(-2, 70).map(str),
                       st.builds(lambda a, b: f"{a}-{b}", st.integers(0, 60), st.integers(0, 60)),
                       st.builds(lambda s: f"*/{s}", st.integers(0, 70)),
                       st.sampled_from(["mon", "jan", "L", "?", "31", "0,30", "1-5/2"]))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(CRON_FIELD, min_size=4, max_size=6).map(" ".join),
                 st.builds(lambda n, u: f"{n}{u}", st.integers(0, 10**25),
                           st.sampled_from("smhdwy"))))
def test_schedules_validate_or_fail_in_one_line(schedule: str) -> None:
    try:
        normal = validate_schedule(schedule, min_interval="5m")
    except AppError as error:
        one_line(error)
        return
    assert validate_schedule(normal, min_interval="5m") == normal


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="div.#>+~:()[]=\"' ,*-_anth1", max_size=30))
def test_selectors_compile_or_fail_in_one_line(selector: str) -> None:
    try:
        validate_selector(selector)
    except AppError as error:
        one_line(error)
