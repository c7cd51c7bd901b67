"""Issue 15, finding 6: odd input is one line and exit code 2 (or a 422), never a traceback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from policywatch.settings import Settings
from policywatch.web import create_app
from storage import Archive, create_token
from tests.databases import sqlite_only

pytestmark = sqlite_only


def one_line_error(result, *expected: str) -> None:  # noqa: ANN001
    assert result.code == 2, (result.code, result.err)
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    for text in expected:
        assert text in result.err, result.err


@pytest.mark.parametrize("args, expected", [
    (("add", "https://a.example/p", "--every", "99999999999999999999d"), ["longer than a year"]),
    (("add", "https://a.example/p", "--select", "div["), ["invalid CSS select"]),
    (("add", "https://a.example/p", "--remove", "nav >"), ["invalid CSS remove"]),
    (("add", "https://a.example/p", "--every", "0 0 31 2 *"), ["never fires"]),
    (("add", "http://" + "a" * 64 + ".example/p"), ["longer than 63 characters"]),
    (("add", "http://xn--zz.example/p"), ["not valid punycode"]),
    (("add", "https://a.example:99999/p"), ["port 99999"]),
])
def test_add_refuses_with_one_line(cli, args: tuple[str, ...], expected: list[str]) -> None:
    one_line_error(cli(*args), *expected)
    assert "example" not in cli("list").out  # nothing was added


def test_a_huge_url_is_not_echoed_in_full(cli) -> None:
    result = cli("add", "https://a.example/" + "x" * 100_000)
    one_line_error(result)
    assert len(result.err) < 1000


def test_idn_hosts_are_stored_as_punycode(cli) -> None:
    assert cli("add", "https://bücher.example/datenschutz").out.strip() == "xn--bcher-kva.example"


def test_backfill_with_an_inverted_range_is_a_usage_error(cli) -> None:
    cli("add", "https://a.example/privacy")
    one_line_error(cli("backfill", "a.example", "--from", "2022", "--to", "2020"), "after")


def test_the_api_answers_422_to_odd_schedules_and_selectors(archive: Archive, db_url: str) -> None:
    client = TestClient(create_app(Settings(database_url=db_url, public_url="http://testserver"),
                                   archive), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {create_token(archive, name='t')[1]}"}
    for body in ({"url": "https://a.example/p", "every": "99999999999999999999d"},
                 {"url": "https://a.example/p", "every": "9" * 400 + "d"},
                 {"url": "https://a.example/p", "every": "1s"},
                 {"url": "https://a.example/p", "select": "div["},
                 {"url": "https://a.example/p", "every": "0 0 31 2 *"}):
        r = client.post("/api/v1/policies", json=body, headers=headers)
        assert r.status_code == 422, (body, r.status_code, r.text)
    assert client.post("/api/v1/policies", json={"url": "https://a.example/p"},
                       headers=headers).status_code == 201
    for change in ({"schedule": "99999999999999999999d"}, {"select": "p:nth-child("},
                   {"schedule": "* * * * *"}):
        r = client.patch("/api/v1/policies/a.example", json=change, headers=headers)
        assert r.status_code == 422, (change, r.status_code, r.text)
