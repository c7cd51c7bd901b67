"""A round of checks (``check_many``): unchanged checks written together, each one recorded
with its outcome, and the ones that are not that simple recorded as before."""

from __future__ import annotations

import asyncio

from policywatch.checking.pipeline import Pipeline
from policywatch.settings import Settings
from storage import Archive, Outcome
from tests.fakes.site import FakeSite, policy_page


def run_round(pipeline: Pipeline, archive: Archive) -> dict[str, Outcome]:
    results = asyncio.run(pipeline.check_many(archive.policies(active=True)))
    return {r.policy.slug: r.outcome for r in results}  # type: ignore[misc]


def test_unchanged_checks_are_recorded_each_and_changes_go_the_full_way(
        archive: Archive, db_url: str) -> None:
    settings = Settings(database_url=db_url, allow_private_addresses=True, respect_robots=False,
                        retries=0, per_host=4)  # type: ignore[call-arg]
    pipeline = Pipeline(settings, archive)
    with FakeSite() as site:
        for n in range(6):  # even pages answer 304 to their ETag, odd ones send the same bytes
            site.add(f"/p{n}", policy_page(n, 30), etag=n % 2 == 0)
        added, _ = archive.add_policies([{"url": site.url(f"/p{n}"), "name": f"P{n}",
                                          "domain": f"p{n}.example"} for n in range(6)])
        slug = {n: p.slug for n, p in enumerate(added)}
        assert set(run_round(pipeline, archive).values()) == {Outcome.NEW_VERSION}

        site.set_body("/p4", policy_page(4, 90))  # changed
        site.set_body("/p5", policy_page(5, 90))
        second = run_round(pipeline, archive)
        assert second == {slug[0]: Outcome.NOT_MODIFIED, slug[1]: Outcome.UNCHANGED,
                          slug[2]: Outcome.NOT_MODIFIED, slug[3]: Outcome.UNCHANGED,
                          slug[4]: Outcome.NEW_VERSION, slug[5]: Outcome.NEW_VERSION}
        third = run_round(pipeline, archive)
        assert set(third.values()) <= {Outcome.NOT_MODIFIED, Outcome.UNCHANGED}

    for n, policy in enumerate(added):
        checks = archive.checks(policy.id)
        assert [c.outcome for c in checks] == [third[slug[n]], second[slug[n]], Outcome.NEW_VERSION]
        latest = archive.last_snapshot(policy.id, source="live")
        assert latest is not None and checks[0].snapshot_id == latest.id
        state = archive.policy_by_id(policy.id)
        assert state.last_outcome == third[slug[n]] and state.consecutive_failures == 0
        assert archive.version_count(policy.id) == (2 if n >= 4 else 1)


def test_a_broken_policy_found_again_goes_the_full_way(archive: Archive, db_url: str) -> None:
    """A healthy check of a policy marked broken clears the mark (the tracking hooks run)."""
    from sqlalchemy import text

    from policywatch.alerts.hooks import alert_hooks

    settings = Settings(database_url=db_url, allow_private_addresses=True, respect_robots=False,
                        retries=0)  # type: ignore[call-arg]
    pipeline = Pipeline(settings, archive, hooks=alert_hooks(settings, archive))
    with FakeSite() as site:
        site.add("/p", policy_page(1, 30), etag=True)
        policy = archive.add_policy(name="P", url=site.url("/p"), domain="p.example")
        run_round(pipeline, archive)
        with archive.session() as session:
            session.execute(text("UPDATE policy SET broken_since = last_check_at, "
                                 "consecutive_failures = 3 WHERE id = :id"), {"id": policy.id})
        assert run_round(pipeline, archive) == {policy.slug: Outcome.NOT_MODIFIED}
    healed = archive.policy_by_id(policy.id)
    assert healed.broken_since is None and healed.consecutive_failures == 0
