"""Full-text search over every version (SQLite FTS5, PostgreSQL full-text): words and
phrases, every version numbered and dated, any user text a valid query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import Archive, Capture, Extraction
from storage.search import matching_clause, parse_query

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def live(day: int, url: str) -> Capture:
    at = T0 + timedelta(days=day)
    return Capture(source="live", captured_at=at, fetched_at=at, requested_url=url,
                   final_url=url, status=200, content_type="text/html", etag=f'"e{day}"')


def record(archive: Archive, policy_id: int, url: str, day: int, body: str) -> None:
    archive.record_fetch(policy_id, live(day, url), body.encode(),
                         Extraction(text=body, extractor_version="t1"), started_at=T0)


V1 = "# Privacy\n\n## Sharing\n\nWe do not sell your personal data.\n\n## Retention\n\nWe keep logs for 30 days.\n"
V2 = V1.replace("do not sell", "may sell")
V3 = V2 + "\n## Biometrics\n\nWe collect biometric identifiers from photos you upload.\n"


@pytest.fixture
def filled(archive: Archive) -> Archive:
    a = archive.add_policy(name="Alpha", url="https://alpha.example/p", domain="alpha.example")
    for day, body in ((0, V1), (10, V2), (20, V3)):
        record(archive, a.id, a.url, day, body)
    b = archive.add_policy(name="Beta", url="https://beta.example/p", domain="beta.example")
    record(archive, b.id, b.url, 5, "# Beta privacy\n\nWe never share anything. Données protégées.\n")
    return archive


def test_a_word_finds_every_version_with_number_date_and_clause(filled: Archive) -> None:
    hits, total = filled.search("sell")
    assert total == 3
    assert [(h.slug, h.number) for h in hits] == [("alpha.example", 3), ("alpha.example", 2),
                                                  ("alpha.example", 1)]
    assert hits[-1].clause == "We do not sell your personal data."
    assert hits[-1].section == "Sharing"
    assert hits[-1].captured_at == T0


def test_first_mention_oldest_first_and_one_policy(filled: Archive) -> None:
    hits, total = filled.search("biometric", oldest_first=True)
    assert total == 1 and (hits[0].number, hits[0].captured_at) == (3, T0 + timedelta(days=20))
    assert "biometric identifiers" in hits[0].clause
    assert filled.search("we", slug="beta.example")[1] == 1
    assert filled.search("sell", slug="beta.example") == ([], 0)


def test_every_term_must_occur_and_phrases_keep_their_order(filled: Archive) -> None:
    assert filled.search("sell logs")[1] == 3
    assert filled.search("sell biometric")[1] == 1
    assert filled.search('"may sell"')[1] == 2
    assert filled.search('"sell may"')[1] == 0
    assert filled.search("SELL")[1] == 3  # case does not matter


def test_accents_case_and_punctuation(filled: Archive) -> None:
    assert filled.search("donnees")[1] == 1 or filled.search("données")[1] == 1
    assert filled.search("données")[1] == 1


@pytest.mark.parametrize("query", ['NEAR(sell logs)', 'sell*', '"unclosed', "-sell", "sell OR nothing",
                                   "a:b", "'; DROP TABLE version; --", "sell)"])
def test_any_user_text_is_a_valid_query(filled: Archive, query: str) -> None:
    hits, total = filled.search(query)
    assert total == len(hits)


def test_a_query_without_words_is_refused(filled: Archive) -> None:
    with pytest.raises(ValueError, match="no words"):
        filled.search(' "" *** ')


def test_paging(filled: Archive) -> None:
    first, total = filled.search("sell", limit=2)
    rest, _ = filled.search("sell", limit=2, offset=2)
    assert total == 3 and [h.number for h in first + rest] == [3, 2, 1]


def test_parse_and_clause_helpers() -> None:
    assert parse_query('sell "personal  data!" sell') == ("sell", "personal data")
    clause, section = matching_clause("# T\n\n## A\n\nno match\n\n## B\n\nWe sell data.\n", ("sell",))
    assert (clause, section) == ("We sell data.", "B")
    long = "word " * 200 + "sell " + "word " * 200
    clause, _ = matching_clause(long, ("sell",))
    assert "sell" in clause and clause.startswith("…") and len(clause) < 420


def test_upgrading_an_archive_indexes_the_versions_it_already_holds(filled: Archive,
                                                                     db_url: str) -> None:
    from alembic import command

    from storage.db import _alembic_config, make_engine

    engine = make_engine(db_url)
    try:
        command.downgrade(_alembic_config(engine), "0006_policy_url")  # as before search existed
        command.upgrade(_alembic_config(engine), "head")  # indexes the versions already stored
    finally:
        engine.dispose()
    assert filled.search("sell")[1] == 3 and filled.search("biometric")[1] == 1
