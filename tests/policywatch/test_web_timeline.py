"""The policy timeline (issue 17): the chart on a real time axis with linked bars and a table
alternative, the capture calendar (captures that changed nothing too), picking two versions
to compare, "new since your last visit", gzip and hashed static URLs (FastAPI test client)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from policywatch.web.captures_calendar import capture_calendar
from policywatch.web.chart import WIDE, ChartPoint, date_ticks, render_chart
from storage import Archive
from tests.databases import sqlite_only
from tests.policywatch.history_loader import record_text
from tests.policywatch.web_client import web_client

T0 = datetime(2024, 1, 10, tzinfo=UTC)
V1 = "# Privacy\n\nWe do not sell your data.\n\nWe keep logs for 30 days.\n"
V2 = "# Privacy\n\nWe may sell your data.\n\nWe keep logs for 30 days.\n"
V3 = "# Privacy\n\nWe may sell your data.\n\nWe keep logs for 90 days.\n"
V4 = V3 + "\nWe collect biometric identifiers.\n"


@pytest.fixture
def archive(db_url: str):
    """Calm for months, then three days of churn; a capture that changed nothing."""
    arch = Archive.open(db_url)
    p = arch.add_policy(name="Churn", url="https://churn.example/p", domain="churn.example")
    record_text(arch, p, T0, V1, source="wayback")
    record_text(arch, p, T0 + timedelta(days=20), V1, source="wayback")  # no change
    record_text(arch, p, T0 + timedelta(days=200), V2, source="live")
    record_text(arch, p, T0 + timedelta(days=201), V3, source="live")
    record_text(arch, p, T0 + timedelta(days=202), V4, source="live")
    yield arch
    arch.close()


@pytest.fixture
def client(archive: Archive, db_url: str) -> TestClient:
    return web_client(archive, db_url)


def _bars(svg: str) -> list[tuple[str, float]]:
    """(link, x) of each bar of one rendered chart."""
    return [(href, float(x)) for href, x in re.findall(
        r'<a class="chart-link" href="([^"]+)"[^>]*><title>[^<]*</title><rect class="chart-bar" x="([\d.]+)"',
        svg)]


def test_bars_are_placed_by_date_not_by_number() -> None:
    days = (0, 200, 201, 202)
    points = [ChartPoint(i + 1, T0 + timedelta(days=d), 100 + i, 0 if i == 0 else 2)
              for i, d in enumerate(days)]
    bars = _bars(str(render_chart(points, lambda p: f"/v/{p.number}", size=WIDE)))
    assert [href for href, _ in bars] == ["/v/1", "/v/2", "/v/3", "/v/4"]
    xs = [x for _, x in bars]
    calm, churn = xs[1] - xs[0], xs[3] - xs[1]
    assert calm > 40 * churn  # 200 days of calm are wide, 2 days of churn are narrow
    assert xs == sorted(xs)


def test_axis_ticks_are_years_months_or_days_by_span() -> None:
    assert [t for _, t in date_ticks(datetime(2012, 3, 4, tzinfo=UTC), datetime(2016, 2, 1, tzinfo=UTC), 9)] \
        == ["2013", "2014", "2015", "2016"]
    months = [t for _, t in date_ticks(T0, T0 + timedelta(days=200), 4)]
    assert months[0] == "Feb 2024" and len(months) <= 4
    days = [t for _, t in date_ticks(T0, T0 + timedelta(days=3), 9)]
    assert days == ["10 Jan", "11 Jan", "12 Jan", "13 Jan"]


@sqlite_only
def test_policy_page_chart_links_each_version_and_has_a_table(client: TestClient) -> None:
    html = client.get("/policies/churn.example").text
    for kind in ("wide", "narrow"):
        svg = html[html.index(f'<svg class="chart chart-{kind}"'):]
        svg = svg[:svg.index("</svg>")]
        assert [href for href, _ in _bars(svg)] == [
            "/policies/churn.example/versions/1", "/policies/churn.example/diff?from=1&amp;to=2",
            "/policies/churn.example/diff?from=2&amp;to=3", "/policies/churn.example/diff?from=3&amp;to=4"]
        assert 'aria-label="Version 2, 2024-07-28: 1 changed clause, 12 words"' in svg
    table = html[html.index('<details class="chart-table">'):html.index("</details>")]
    rows = re.findall(r"<tr><td><a [^>]+>(\d+)</a></td><td><time [^>]+>([\d-]+)</time></td>", table)
    assert rows == [("1", "2024-01-10"), ("2", "2024-07-28"), ("3", "2024-07-29"), ("4", "2024-07-30")]


def test_calendar_shows_captures_that_changed_nothing() -> None:
    captures = [T0, T0 + timedelta(days=20), T0 + timedelta(days=201), T0 + timedelta(days=201, hours=5)]
    cal = capture_calendar(captures, [(1, T0), (2, T0 + timedelta(days=201))])
    assert [(y.year, y.captures, y.changes) for y in cal.years] == [(2024, 4, 2)]
    days = {d.day: d for m in cal.months for w in m.weeks for d in w if d is not None and d.captures}
    assert days[T0.date()].versions == (1,)
    quiet = days[(T0 + timedelta(days=20)).date()]
    assert quiet.captures == 1 and quiet.versions == ()
    assert days[(T0 + timedelta(days=201)).date()].captures == 2
    assert len(cal.months) == 12 and cal.months[0].weeks[0][0] is not None  # 2024-01-01: a Monday
    assert cal.months[1].weeks[0][:3] == (None, None, None)  # February starts on a Thursday
    assert capture_calendar([], []).year is None


def test_calendar_on_the_policy_page(client: TestClient) -> None:
    html = client.get("/policies/churn.example").text
    cal = html[html.index('<section id="calendar"'):]
    cal = cal[:cal.index("</section>")]
    assert 'href="/policies/churn.example/at?date=2024-01-30"' in cal  # a capture, no change
    assert re.search(r'<a class="day day-changed" href="/policies/churn.example/diff\?from=1&amp;to=2">28<', cal)
    assert "5 captures, 4 changes" in cal
    assert "2 captures, no change" not in cal and "1 capture, no change" in cal
    other = client.get("/policies/churn.example?year=2023").text
    assert "January 2023" in other and "a class=\"day day-" not in other
    assert client.get("/policies/churn.example?year=x").status_code == 422
    assert client.get("/policies/churn.example?year=12345").status_code == 404


@sqlite_only
def test_timeline_picks_two_versions_to_compare(client: TestClient) -> None:
    html = client.get("/policies/churn.example").text
    form = html[html.index('<form method="get" action="/policies/churn.example/diff" class="timeline-compare">'):]
    form = form[:form.index("</form>")]
    assert re.findall(r'name="from" value="(\d+)"( checked)?', form)[1] == ("3", " checked")
    assert re.findall(r'name="to" value="(\d+)"( checked)?', form)[0] == ("4", " checked")
    assert "compare from version 1" in form and "compare to version 1" in form
    assert "<h1>Churn: version 1 → 4</h1>" in client.get("/policies/churn.example/diff?from=1&to=4").text


@sqlite_only
def test_new_since_last_visit_uses_a_cookie(client: TestClient) -> None:
    first = client.get("/")
    assert "since your last visit" not in first.text  # a first visit marks nothing
    stamp = first.cookies.get("policywatch_last_visit")
    assert stamp and datetime.fromisoformat(stamp) > datetime.now(UTC) - timedelta(minutes=5)
    client.cookies.set("policywatch_last_visit", "2024-07-29T12:00:00+00:00")
    html = client.get("/").text
    assert "1 policy changed since your last visit (2024-07-29 12:00 UTC)" in html
    assert html.count('<span class="tag new-since">new<span class="sr-only"> since your last visit') == 1
    client.cookies.set("policywatch_last_visit", "2030-01-01T00:00:00+00:00")
    assert "Nothing changed since your last visit" in client.get("/").text
    client.cookies.set("policywatch_last_visit", "junk")
    assert client.get("/").status_code == 200


@sqlite_only
def test_responses_are_gzipped(client: TestClient) -> None:
    r = client.get("/policies/churn.example", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.num_bytes_downloaded < len(r.content) / 3  # on the wire vs decoded
    raw = client.get("/policies/churn.example", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    css = client.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["content-encoding"] == "gzip"
    assert css.num_bytes_downloaded < len(css.content) / 2
    assert ":focus-visible" in css.text


@sqlite_only
def test_static_urls_carry_a_content_hash_and_live_a_year(client: TestClient) -> None:
    html = client.get("/").text
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert {re.sub(r"\?v=[0-9a-f]{12}$", "", u) for u in links} == {
        "/static/style.css", "/static/favicon.svg", "/static/app.js"}
    for url in links:
        r = client.get(url)
        assert r.status_code == 200 and r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/style.css?v=000000000000").headers["cache-control"] == "no-cache"
    assert client.get("/static/style.css").headers["cache-control"] == "no-cache"
    assert client.get("/").headers["cache-control"] == "no-store"
    docs = client.get("/docs").text
    swagger = re.findall(r'(?:href|src)="(/static/swagger-ui/[^"]+)"', docs)
    assert len(swagger) == 2 and all("?v=" in u for u in swagger)
    assert client.get(swagger[0]).headers["cache-control"].endswith("immutable")
