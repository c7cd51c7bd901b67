"""The archive repository on SQLite and PostgreSQL: timeline rules, idempotence, blobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import (
    Archive,
    Capture,
    Conflict,
    ErrorKind,
    Extraction,
    NewPolicy,
    NotFound,
    Outcome,
    PolicyChanges,
    PolicyRecord,
    Transaction,
)
from storage.db import make_engine, schema_is_current, upgrade
from storage.records import read_rejection, rejection_note

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def live(day: int, url: str = "https://example.com/privacy") -> Capture:
    at = T0 + timedelta(days=day)
    return Capture(source="live", captured_at=at, fetched_at=at, requested_url=url,
                   final_url=url, status=200, content_type="text/html", etag=f'"e{day}"')


def wayback(day: int, url: str = "https://example.com/privacy") -> Capture:
    at = T0 + timedelta(days=day)
    return Capture(source="wayback", captured_at=at, fetched_at=T0 + timedelta(days=900),
                   requested_url=url, final_url=url, status=200, content_type="text/html",
                   archive_timestamp=at.strftime("%Y%m%d%H%M%S"))


def text(n: str) -> Extraction:
    return Extraction(text=f"# Privacy\n\nWe keep data for {n} days.\n", extractor_version="t1")


@pytest.fixture
def policy(archive: Archive):
    return archive.add_policy(name="Example", url="https://example.com/privacy",
                              domain="example.com")


def test_schema_upgrade_is_idempotent(empty_db_url: str) -> None:
    engine = make_engine(empty_db_url)
    assert not schema_is_current(engine)
    upgrade(engine)
    assert schema_is_current(engine)
    upgrade(engine)
    assert schema_is_current(engine)
    engine.dispose()


def test_iterating_policies_a_page_at_a_time_gives_the_listing(archive: Archive) -> None:
    for i in range(7):
        archive.add_policy(name=f"Site {i}", url=f"https://site{i}.example/privacy",
                           domain=f"site{i}.example")
    archive.update_policy("site3.example", active=False)
    for active in (None, True, False):
        listed = [p.slug for p in archive.policies(active=active)]
        assert [p.slug for p in archive.iter_policies(active=active, page=2)] == listed
        assert [p.slug for p in archive.iter_policies(active=active, page=3)] == listed
    assert len(list(archive.iter_policies(page=7))) == 7


def test_slugs_are_unique_and_urls_not_tracked_twice(archive: Archive, policy) -> None:
    assert policy.slug == "example.com"
    other = archive.add_policy(name="Example cookies", url="https://example.com/cookies",
                               domain="www.example.com")
    assert other.slug == "example.com-2"
    with pytest.raises(Conflict):
        archive.add_policy(name="again", url="https://example.com/privacy", domain="example.com")
    with pytest.raises(NotFound):
        archive.policy("nope")



def test_policies_are_added_and_edited_with_typed_values(archive: Archive, policy) -> None:
    added, skipped = archive.add_policies([
        NewPolicy(url="https://shop.example/p", domain="www.shop.example", tags=("retail",)),
        NewPolicy(url="https://example.com/privacy", domain="example.com"),  # tracked
        NewPolicy(url="https://other.example/p", domain="other.example", slug="example.com"),
    ])
    assert [(p.slug, p.name, p.tags) for p in added] == [
        ("shop.example", "www.shop.example", ("retail",)), ("example.com-2", "other.example", ())]
    assert skipped == [(NewPolicy(url="https://example.com/privacy", domain="example.com"),
                        "duplicate URL")]
    # an import's dicts are still taken, and handed back as given when skipped
    _, skipped_rows = archive.add_policies([{"line": 3, "url": policy.url, "domain": "x"}])
    assert skipped_rows == [({"line": 3, "url": policy.url, "domain": "x"}, "duplicate URL")]

    edited = archive.update_policy(policy.slug, PolicyChanges(schedule="6h", select="main"))
    assert (edited.schedule, edited.select, edited.name) == ("6h", "main", "Example")
    edited = archive.update_policy(policy.slug, select=None, active=False, tags=("a", "b"))
    assert (edited.schedule, edited.select, edited.active) == ("6h", None, False)
    assert edited.tags == ("a", "b")
    with pytest.raises(NotFound):
        archive.update_policy("nope", name="x")


def test_the_archive_is_the_one_face(archive: Archive, policy) -> None:
    record, plaintext = archive.tokens.create(name="ci")
    assert archive.tokens.verify(plaintext) is not None and archive.tokens.all()[0].id == record.id
    sub = archive.outbox.add_subscription(target="json://127.0.0.1/x", channel="apprise")

    def hook(tx: Transaction, _policy: PolicyRecord) -> None:
        assert [s.id for s in tx.alerts.subscriptions()] == [sub.id]

    archive.in_transaction(policy.id, hook)
    assert archive.leases.current("scheduler") is None and sub.active
    archive.record_fetch(policy.id, live(0), b"<html>A</html>", text("30"), started_at=T0)
    assert [r.versions for r in archive.dashboard()] == [1]
    assert [e.number for e in archive.timeline(policy.id)] == [1]
    assert archive.recent_changes().total == 0

def test_versioning_rules(archive: Archive, policy) -> None:
    first = archive.record_fetch(policy.id, live(0), b"<html>A</html>", text("30"), started_at=T0)
    assert first.outcome == "new-version"
    assert [v.number for v in first.new_versions] == [1]

    same_body = archive.record_fetch(policy.id, live(1), b"<html>A</html>", None, started_at=T0)
    assert same_body.outcome == "unchanged" and same_body.snapshot is None

    same_text = archive.record_fetch(policy.id, live(2), b"<html> A </html>", text("30"),
                                     started_at=T0)
    assert same_text.outcome == "unchanged" and same_text.snapshot is not None
    assert same_text.new_versions == ()

    change = archive.record_fetch(policy.id, live(3), b"<html>B</html>", text("90"), started_at=T0)
    assert change.outcome == "new-version"

    archive.record_not_modified(policy.id, started_at=T0, url=policy.url)
    history = archive.versions(policy.id)
    assert [v.number for v in history] == [1, 2]
    assert "90 days" in history[-1].text
    listing = archive.versions(policy.id, with_text=False)
    assert [v.size for v in listing] == [len(v.text.encode("utf-8")) for v in history]
    assert [v.text for v in listing] == ["", ""] and listing[1].text_sha256 == history[1].text_sha256
    assert len(archive.snapshots(policy.id)) == 3
    outcomes = [c.outcome for c in archive.checks(policy.id)]
    assert outcomes == ["not-modified", "new-version", "unchanged", "unchanged", "new-version"]
    assert archive.policy(policy.slug).last_outcome == "not-modified"


def test_flapping_text_gives_a_version_per_change(archive: Archive, policy) -> None:
    for day, (body, n) in enumerate([(b"A", "30"), (b"B", "90"), (b"A", "30")]):
        archive.record_fetch(policy.id, live(day), body + bytes([day]), text(n), started_at=T0)
    assert [("30" in v.text) for v in archive.versions(policy.id)] == [True, False, True]


def test_not_a_policy_capture_is_kept_but_makes_no_version(archive: Archive, policy) -> None:
    archive.record_fetch(policy.id, live(0), b"A", text("30"), started_at=T0)
    wall = archive.record_fetch(policy.id, live(1), b"captcha", Extraction.rejected(
        ErrorKind.BOT_WALL, "page is a bot check", extractor_version="t1"), started_at=T0)
    assert wall.outcome is Outcome.ERROR and wall.check.error_kind is ErrorKind.BOT_WALL
    assert wall.check.error_message == "page is a bot check"
    assert wall.snapshot is not None and wall.snapshot.rejection is ErrorKind.BOT_WALL
    assert archive.version_count(policy.id) == 1
    assert archive.policy(policy.slug).consecutive_failures == 1
    # The same bot wall again is still a failure, with the same reason, not a success.
    again = archive.record_fetch(policy.id, live(2), b"captcha", None, started_at=T0)
    assert again.outcome is Outcome.ERROR and again.check.error_kind is ErrorKind.BOT_WALL
    assert again.check.error_message == "page is a bot check"
    assert archive.policy(policy.slug).consecutive_failures == 2
    # A 304 for that capture says why it has no text, though the fetch itself went well.
    unmodified = archive.record_not_modified(policy.id, started_at=T0, url=policy.url)
    assert unmodified.outcome is Outcome.NOT_MODIFIED
    assert unmodified.error_kind is ErrorKind.BOT_WALL


def test_an_extraction_is_a_text_or_a_rejection() -> None:
    with pytest.raises(TypeError):
        Extraction(text=None, extractor_version="t1", note="why?")
    with pytest.raises(TypeError):
        Extraction(text="# P\n", extractor_version="t1", rejection=ErrorKind.EMPTY)
    with pytest.raises(ValueError):  # a fetch failure is no reason for a capture without text
        Extraction.rejected(ErrorKind.TIMEOUT, "slow", extractor_version="t1")


@pytest.mark.parametrize(("note", "kind", "message"), [
    ("select-no-match: selector '#x' matches nothing", ErrorKind.SELECT_NO_MATCH,
     "selector '#x' matches nothing"),
    ("empty", ErrorKind.EMPTY, None),
    # Rows written before the reason had its own place.
    ("not a policy (bot-wall): page is a bot check", ErrorKind.BOT_WALL, "page is a bot check"),
    ("extraction failed (select-no-match): selector '#x' matches nothing",
     ErrorKind.SELECT_NO_MATCH, "selector '#x' matches nothing"),
    ("not a policy: bot wall", ErrorKind.NOT_A_POLICY, "not a policy: bot wall"),
    ("timeout: slow", ErrorKind.NOT_A_POLICY, "timeout: slow"),
    (None, ErrorKind.NOT_A_POLICY, None),
])
def test_why_a_snapshot_has_no_text_reads_back(note: str | None, kind: ErrorKind,
                                               message: str | None) -> None:
    assert read_rejection(note) == (kind, message)
    if kind is not ErrorKind.NOT_A_POLICY:
        assert read_rejection(rejection_note(kind, message)) == (kind, message)


def test_wayback_captures_interleave_with_live_ones(archive: Archive, policy) -> None:
    archive.record_fetch(policy.id, live(100), b"L", text("90"), started_at=T0)
    # Backfill, oldest first, in the past of the live version.
    archive.record_fetch(policy.id, wayback(10), b"W1", text("30"), started_at=T0)
    archive.record_fetch(policy.id, wayback(20), b"W2", text("30"), started_at=T0)
    archive.record_fetch(policy.id, wayback(50), b"W3", text("60"), started_at=T0)
    # A capture equal to the live text just before it moves that version earlier.
    archive.record_fetch(policy.id, wayback(80), b"W4", text("90"), started_at=T0)
    history = archive.versions(policy.id)
    assert [(v.source, v.captured_at.date().isoformat()) for v in history] == [
        ("wayback", "2024-01-11"), ("wayback", "2024-02-20"), ("wayback", "2024-03-21")]
    assert ["30" in history[0].text, "60" in history[1].text, "90" in history[2].text] == [True] * 3
    assert archive.version_at(policy.id, T0 + timedelta(days=60)).number == 2
    with pytest.raises(NotFound):
        archive.version_at(policy.id, T0)
    # Re-recording the same capture is a no-op.
    again = archive.record_fetch(policy.id, wayback(20), b"W2", text("30"), started_at=T0)
    assert again.outcome == "unchanged" and again.new_versions == ()
    assert archive.archived_timestamps(policy.id) == {
        (T0 + timedelta(days=d)).strftime("%Y%m%d%H%M%S") for d in (10, 20, 50, 80)}


def test_only_live_changes_fire_the_hook(archive: Archive, policy) -> None:
    events = []
    hook = lambda tx, event: events.append((event.version.number, event.previous))  # noqa: E731
    archive.record_fetch(policy.id, wayback(1), b"W", text("30"), started_at=T0, on_new_version=hook)
    archive.record_fetch(policy.id, live(5), b"L", text("90"), started_at=T0, on_new_version=hook)
    assert len(events) == 1
    number, previous = events[0]
    assert number == 2 and previous is not None and "30 days" in previous.text


def test_reextraction_that_changes_nothing_creates_nothing(archive: Archive, policy) -> None:
    archive.record_fetch(policy.id, live(0), b"A", text("30"), started_at=T0)
    archive.record_fetch(policy.id, live(1), b"B", text("90"), started_at=T0)
    before = [(v.id, v.text_sha256) for v in archive.versions(policy.id)]
    snaps = archive.snapshots(policy.id)
    same = {s.id: text("30" if i == 0 else "90") for i, s in enumerate(snaps)}
    assert archive.update_extractions(policy.id, same) == ()
    assert [(v.id, v.text_sha256) for v in archive.versions(policy.id)] == before
    # An improved extractor that no longer sees a difference merges the two versions.
    merged = {s.id: text("30") for s in snaps}
    archive.update_extractions(policy.id, merged)
    assert archive.version_count(policy.id) == 1


def test_stored_extractions_rebuild_history_like_the_texts_themselves(archive: Archive,
                                                                      policy) -> None:
    archive.record_fetch(policy.id, live(0), b"A", text("30"), started_at=T0)
    archive.record_fetch(policy.id, live(1), b"B", text("30"), started_at=T0)
    archive.record_fetch(policy.id, live(2), b"C", text("30"), started_at=T0)
    snaps = archive.snapshots(policy.id)
    wall = Extraction.rejected(ErrorKind.BOT_WALL, "a challenge page", extractor_version="t2")
    # Stored in two chunks: nothing changes in the history until update_extractions.
    stored = archive.store_extractions({snaps[0].id: text("30"), snaps[1].id: text("90")})
    stored |= archive.store_extractions({snaps[2].id: wall})
    assert stored[snaps[1].id].text_sha256 != stored[snaps[0].id].text_sha256
    assert stored[snaps[2].id].text_sha256 is None
    assert archive.version_count(policy.id) == 1
    created = archive.update_extractions(policy.id, stored)
    assert [v.number for v in created] == [2]
    assert [v.text for v in archive.versions(policy.id)] == [text("30").text, text("90").text]
    last = archive.snapshot(snaps[2].id)
    assert last.text_sha256 is None and read_rejection(last.extract_note)[0] == ErrorKind.BOT_WALL


def test_bodies_are_stored_once_compressed(archive: Archive, policy) -> None:
    body = b"<html>" + b"privacy " * 5000 + b"</html>"
    other = archive.add_policy(name="Mirror", url="https://mirror.example/privacy",
                               domain="mirror.example")
    archive.record_fetch(policy.id, live(0), body, text("30"), started_at=T0)
    archive.record_fetch(other.id, live(0), body, text("30"), started_at=T0)
    snap = archive.last_snapshot(policy.id)
    assert snap is not None and archive.body(snap.body_sha256) == body
    from sqlmodel import Session, select

    from storage import tables
    with Session(archive.engine) as session:
        rows = session.exec(select(tables.Blob).where(tables.Blob.sha256 == snap.body_sha256)).all()
    assert len(rows) == 1 and len(rows[0].data) < len(body) / 10


def test_bodies_stored_by_an_earlier_release_read_back(archive: Archive) -> None:
    """Archives from before zstd hold zlib blobs (and maybe uncompressed ones)."""
    import hashlib
    import zlib

    from sqlmodel import Session

    from storage import tables
    old = b"<html>" + "politique de confidentialit\u00e9 ".encode() * 300 + b"</html>"
    plain = b"<p>short</p>"
    with Session(archive.engine) as session:
        for data, stored, compression in ((old, zlib.compress(old, 6), "zlib"),
                                          (plain, plain, "none")):
            session.add(tables.Blob(sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                                    compression=compression, data=stored))
        session.commit()
    assert archive.body(hashlib.sha256(old).hexdigest()) == old
    assert archive.body(hashlib.sha256(plain).hexdigest()) == plain


def test_summaries_go_stale_when_the_timeline_changes(archive: Archive, policy) -> None:
    archive.record_fetch(policy.id, live(10), b"A", text("30"), started_at=T0)
    archive.record_fetch(policy.id, live(20), b"B", text("90"), started_at=T0)
    stale = archive.stale_summaries(policy.id)
    assert [(prev is None) for _, prev, _ in stale] == [True, False]
    versions = archive.versions(policy.id)
    archive.set_summaries({versions[0].id: (None, {"first": True}),
                           versions[1].id: (versions[0].text_sha256, {"added": 1})})
    assert archive.stale_summaries(policy.id) == []
    archive.record_fetch(policy.id, wayback(15), b"W", text("60"), started_at=T0)
    stale_ids = [vid for vid, _, _ in archive.stale_summaries(policy.id)]
    assert versions[1].id in stale_ids and versions[0].id not in stale_ids
