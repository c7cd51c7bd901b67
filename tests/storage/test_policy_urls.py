"""Where a policy lived: policy_url rows, and a move that keeps one timeline (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import Archive, Capture, Extraction, PolicyRecord, Transaction

T0 = datetime(2020, 1, 1, tzinfo=UTC)
OLD = "https://example.com/privacy"
NEW = "https://example.com/legal/privacy"


@pytest.fixture
def policy(archive: Archive) -> PolicyRecord:
    return archive.add_policy(name="Example", url=OLD, domain="example.com")


def capture(day: int, url: str) -> Capture:
    at = T0 + timedelta(days=day)
    return Capture(source="live", captured_at=at, fetched_at=at, requested_url=url,
                   final_url=url, status=200, content_type="text/html")


TEXT = Extraction(text="# Privacy\n\nWe keep data for 30 days.\n", extractor_version="t1")


def test_the_first_finding_of_a_url_is_kept(archive: Archive, policy: PolicyRecord) -> None:
    assert archive.note_url(policy.id, NEW, source="homepage", found_at=T0,
                            homepage_capture="https://web.archive.org/web/2020id_/x", reason="r")
    assert not archive.note_url(policy.id, NEW, source="redirect", found_at=T0 + timedelta(1))
    [row] = archive.policy_urls(policy.id)
    assert (row.url, row.source, row.homepage_capture, row.reason) == (
        NEW, "homepage", "https://web.archive.org/web/2020id_/x", "r")


def test_a_move_points_the_policy_elsewhere_and_keeps_one_timeline(
        archive: Archive, policy: PolicyRecord) -> None:
    archive.record_fetch(policy.id, capture(0, OLD), b"<html>A</html>", TEXT, started_at=T0)
    seen: list[tuple[str, str]] = []

    def hook(tx: Transaction, moved: PolicyRecord, old_url: str) -> None:
        seen.append((old_url, moved.url))

    now = datetime.now(UTC)
    moved = archive.move_policy(policy.id, NEW, source="homepage", found_at=now, on_moved=hook)
    assert moved is not None and moved.url == NEW and moved.slug == policy.slug
    assert seen == [(OLD, NEW)]
    assert archive.move_policy(policy.id, NEW, source="homepage", found_at=T0) is None
    assert [(u.url, u.source) for u in archive.policy_urls(policy.id)] == [
        (OLD, "given"), (NEW, "homepage")]
    # The same text at the new URL is no new version.
    archive.record_fetch(policy.id, capture(1, NEW), b"<html>A, moved</html>", TEXT,
                         started_at=T0)
    assert [v.url for v in archive.versions(policy.id)] == [OLD]


def test_a_hook_that_raises_rolls_the_move_back(archive: Archive, policy: PolicyRecord) -> None:
    def hook(tx: Transaction, moved: PolicyRecord, old_url: str) -> None:
        raise RuntimeError("alert writing failed")

    with pytest.raises(RuntimeError):
        archive.move_policy(policy.id, NEW, source="redirect", found_at=T0, on_moved=hook)
    assert archive.policy(policy.slug).url == OLD
    assert archive.policy_urls(policy.id) == []


def test_every_way_of_adding_keeps_the_homepage_a_link_was_found_on(archive: Archive) -> None:
    from storage import NewPolicy

    one = archive.add_policy(name="One", url="https://one.example/privacy", domain="one.example",
                             homepage="https://one.example/", homepage_reason="footer link")
    added, _ = archive.add_policies([
        NewPolicy(url="https://two.example/privacy", domain="two.example",
                  homepage="https://two.example/", homepage_reason="r2"),
        NewPolicy(url="https://plain.example/privacy", domain="plain.example")])
    slugs: list[str] = []
    archive.import_policies(
        [(1, NewPolicy(url="https://three.example/p", domain="three.example",
                       homepage="https://three.example/", homepage_reason="r3")),
         (2, NewPolicy(url="https://three.example/p", domain="three.example",  # a duplicate
                       homepage="https://three.example/", homepage_reason="again"))],
        on_added=lambda _, slug: slugs.append(slug))
    three = archive.policy(slugs[0])
    found = {p.url: [(u.url, u.source, u.homepage_capture, u.reason)
                     for u in archive.policy_urls(p.id)]
             for p in (one, *added, three)}
    assert found == {
        one.url: [(one.url, "given", "https://one.example/", "footer link")],
        "https://two.example/privacy": [("https://two.example/privacy", "given",
                                         "https://two.example/", "r2")],
        "https://plain.example/privacy": [],
        three.url: [(three.url, "given", "https://three.example/", "r3")]}


def test_a_move_can_set_the_domain(archive: Archive, policy: PolicyRecord) -> None:
    moved = archive.move_policy(policy.id, "https://other.example/privacy", source="redirect",
                                found_at=T0, domain="other.example")
    assert moved is not None and moved.domain == "other.example"
    kept = archive.move_policy(policy.id, "https://legal.other.example/privacy",
                               source="redirect", found_at=T0)
    assert kept is not None and kept.domain == "other.example"
