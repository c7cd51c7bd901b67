"""``policywatch search QUERY``: every version that says it, with policy, version, date, clause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import Archive
from tests.databases import sqlite_only
from tests.policywatch.history_loader import record_text

pytestmark = sqlite_only
T0 = datetime(2024, 3, 1, tzinfo=UTC)


def _fill(db_url: str) -> None:
    archive = Archive.open(db_url)
    try:
        p = archive.add_policy(name="Seller", url="https://seller.example/p", domain="seller.example")
        record_text(archive, p, T0, "# P\n\nWe do not sell data.\n", source="wayback")
        record_text(archive, p, T0 + timedelta(days=9), "# P\n\nWe may sell data.\n\n## Faces\n\n"
                    "We scan biometric data.\n", source="live")
    finally:
        archive.close()


def test_search_prints_each_version_with_its_clause(cli, db_url: str) -> None:
    _fill(db_url)
    result = cli("search", "sell", "--oldest")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("seller.example v1  2024-03-01  wayback")
    assert lines[1].strip() == "We do not sell data."
    assert lines[-1] == "2 versions"
    data = cli("search", "biometric", "--json").json()
    assert data["total"] == 1 and data["results"][0]["section"] == "Faces"
    assert cli("search", "nothing-here").out.strip() == "no version says 'nothing-here'"


def test_search_refuses_bad_input_in_one_line(cli, db_url: str) -> None:
    _fill(db_url)
    empty = cli("search", "***")
    assert empty.code == 2 and len(empty.err.strip().splitlines()) == 1
    assert cli("search", "sell", "--policy", "nope.example").code != 0
