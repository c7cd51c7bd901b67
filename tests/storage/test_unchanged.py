"""The unchanged path of a round: last live states read together, unchanged checks written
together, and only while each policy still stands where its check found it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text as sql

from storage import Archive, Capture, ErrorKind, Extraction, Outcome, UnchangedCheck

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def live(day: int, url: str) -> Capture:
    at = T0 + timedelta(days=day)
    return Capture(source="live", captured_at=at, fetched_at=at, requested_url=url,
                   final_url=url, status=200, content_type="text/html", etag=f'"e{day}"')


def page_text(n: int) -> Extraction:
    return Extraction(text=f"# Privacy\n\nWe keep data for {n} days.\n", extractor_version="t1")


def tracked(archive: Archive, n: int) -> list:
    added, _ = archive.add_policies([{"url": f"https://site{i}.example/privacy",
                                      "domain": f"site{i}.example", "name": f"Site {i}"}
                                     for i in range(n)])
    return added


def test_live_states_are_each_policys_newest_live_capture(archive: Archive) -> None:
    first, second, never = tracked(archive, 3)
    archive.record_fetch(first.id, live(1, first.url), b"one", page_text(1), started_at=T0)
    archive.record_fetch(first.id, live(3, first.url), b"three", page_text(3), started_at=T0)
    archive.record_fetch(first.id, live(2, first.url), b"two", page_text(2), started_at=T0)
    archive.record_fetch(second.id, live(1, second.url), b"bot wall",
                         Extraction.rejected(ErrorKind.BOT_WALL, "a challenge page",
                                             extractor_version="t1"), started_at=T0)
    states = archive.live_states([first.id, second.id, never.id])
    assert set(states) == {first.id, second.id}
    newest = archive.last_snapshot(first.id, source="live")
    assert newest is not None and newest.etag == '"e3"'
    assert states[first.id].snapshot_id == newest.id
    assert states[first.id].body_sha256 == newest.body_sha256
    assert states[first.id].has_text
    assert not states[second.id].has_text


def test_live_states_read_any_number_of_policies(archive: Archive) -> None:
    policies = tracked(archive, 1203)  # more than one chunk of ids
    for p in policies[::100]:
        archive.record_fetch(p.id, live(1, p.url), p.url.encode(), page_text(1), started_at=T0)
    states = archive.live_states([p.id for p in policies])
    assert sorted(states) == sorted(p.id for p in policies[::100])


def test_a_batch_records_a_check_and_the_status_of_each_policy(archive: Archive) -> None:
    policies = tracked(archive, 3)
    for p in policies:
        archive.record_fetch(p.id, live(1, p.url), p.url.encode(), page_text(1), started_at=T0)
    states = archive.live_states([p.id for p in policies])
    outcomes = [Outcome.NOT_MODIFIED, Outcome.UNCHANGED, Outcome.NOT_MODIFIED]
    started = T0 + timedelta(days=5)
    recorded = archive.record_unchanged([
        UnchangedCheck(p.id, states[p.id].snapshot_id, o, started, p.url)
        for p, o in zip(policies, outcomes, strict=True)])
    assert recorded == {p.id for p in policies}
    for p, outcome in zip(policies, outcomes, strict=True):
        check = archive.checks(p.id, limit=1)[0]
        assert (check.outcome, check.snapshot_id, check.url, check.error_kind) == (
            outcome, states[p.id].snapshot_id, p.url, None)
        row = archive.policy_by_id(p.id)
        assert row.last_outcome == outcome and row.consecutive_failures == 0
        assert len(archive.checks(p.id)) == 2
    assert archive.version_count(policies[0].id) == 1


def test_a_policy_that_moved_on_is_left_to_the_caller(archive: Archive) -> None:
    moved, steady, broken, rejected = tracked(archive, 4)
    for p in (moved, steady, broken):
        archive.record_fetch(p.id, live(1, p.url), p.url.encode(), page_text(1), started_at=T0)
    archive.record_fetch(rejected.id, live(1, rejected.url), b"wall",
                         Extraction.rejected(ErrorKind.BOT_WALL, "a challenge page",
                                             extractor_version="t1"), started_at=T0)
    states = archive.live_states([moved.id, steady.id, broken.id, rejected.id])
    # After the round read its states: another process records a new capture of one
    # policy, and another is marked broken.
    archive.record_fetch(moved.id, live(2, moved.url), b"new body", page_text(2), started_at=T0)
    with archive.session() as session:
        session.execute(sql("UPDATE policy SET broken_since = :at WHERE id = :id"),
                        {"at": T0, "id": broken.id})
    checks_before = {p.id: len(archive.checks(p.id)) for p in (moved, broken, rejected)}
    started = T0 + timedelta(days=5)
    recorded = archive.record_unchanged([
        UnchangedCheck(p.id, states[p.id].snapshot_id, Outcome.NOT_MODIFIED, started, p.url)
        for p in (moved, steady, broken, rejected)])
    assert recorded == {steady.id}
    assert {p.id: len(archive.checks(p.id)) for p in (moved, broken, rejected)} == checks_before


def test_the_same_policy_twice_in_a_batch_is_recorded_once(archive: Archive) -> None:
    (p,) = tracked(archive, 1)
    archive.record_fetch(p.id, live(1, p.url), b"body", page_text(1), started_at=T0)
    state = archive.live_states([p.id])[p.id]
    check = UnchangedCheck(p.id, state.snapshot_id, Outcome.UNCHANGED, T0, p.url)
    assert archive.record_unchanged([check, check]) == {p.id}
    assert len(archive.checks(p.id)) == 2
    assert archive.record_unchanged([]) == set()
