"""Where a check's extraction runs: worker processes for a round of many checks.

A round of 20 or more checks extracts new pages in ``extract_processes`` worker
processes; the versions stored are the same as from in-process extraction, labelled with
their language and word count. A worker that dies is replaced: the page is tried once
more, and a page that kills the worker twice fails its own check only.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from functools import partial
from types import SimpleNamespace

import pytest

import policywatch.checking.pipeline as pipeline_module
from crawler import FetchResult
from policywatch.checking.extraction import (
    POOL_MIN_CHECKS,
    Extractors,
    ExtractorDied,
    extract_body,
    pool_size,
)
from policywatch.checking.pipeline import Pipeline
from policywatch.settings import Settings
from storage import Archive, ErrorKind, Outcome, count_words
from tests.fakes.site import FakeSite, policy_page
from tests.policywatch import extraction_work

POLICY = SimpleNamespace(slug="p", select=None, remove=None)


def fetched(body: str) -> FetchResult:
    return FetchResult(requested_url="https://a.example/p", final_url="https://a.example/p",
                       status=200, content_type="text/html", body=body.encode(),
                       fetched_at=datetime.now(UTC), charset="utf-8")


def settings_for(db_url: str, processes: int) -> Settings:
    return Settings(database_url=db_url, allow_private_addresses=True, respect_robots=False,
                    retries=0, per_host=8, extract_processes=processes)  # type: ignore[call-arg]


def test_pool_size_rule() -> None:
    assert pool_size(3, POOL_MIN_CHECKS - 1) == 0       # a small round: threads
    assert pool_size(3, POOL_MIN_CHECKS) == 3
    assert pool_size(0, 1000) == 0
    assert pool_size(None, 1000) == (os.cpu_count() or 1) - 1


def test_a_big_round_stores_from_worker_processes_what_one_process_would(
        archive: Archive, db_url: str) -> None:
    n = POOL_MIN_CHECKS + 2
    with FakeSite() as site:
        for i in range(n):
            site.add(f"/p{i}", policy_page(i, 30))
        added, _ = archive.add_policies([{"url": site.url(f"/p{i}"), "name": f"P{i}",
                                          "domain": f"p{i}.example"} for i in range(n)])
        results = asyncio.run(Pipeline(settings_for(db_url, 2), archive).check_many(added))
        assert {r.outcome for r in results} == {Outcome.NEW_VERSION}
        for i, policy in enumerate(added):
            [version] = archive.versions(policy.id)
            body = policy_page(i, 30).encode()
            alone = extract_body(body, url=site.url(f"/p{i}"), content_type="text/html",
                                 charset="utf-8", select=None, remove=None)
            assert version.text == alone.text
            assert version.words == count_words(version.text) > 50
            assert version.language == "en"
            assert version.summary is not None and version.summary["line"] == "first version"


def test_extractions_run_in_other_processes_and_stop_with_the_round() -> None:
    extractors = Extractors(2, work=extraction_work.where)

    async def round_() -> list[str]:
        return [e.text or "" for e in await asyncio.gather(
            *(extractors.extract(POLICY, fetched("<p>x</p>")) for _ in range(6)))]

    try:
        texts = asyncio.run(round_())
    finally:
        extractors.close()
    pids = {int(t.split()[-1]) for t in texts}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    for pid in pids:  # the workers are gone once the round is over
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_worker_that_dies_is_replaced_and_the_page_tried_again(tmp_path) -> None:
    extractors = Extractors(1, work=extraction_work.dies_on_marker)
    page = "<html><body><main><h1>Privacy</h1>" + "<p>We keep your e-mail address.</p>" * 30

    async def round_():
        return await asyncio.gather(
            extractors.extract(POLICY, fetched(page + f"<p>die once {tmp_path / 'flag'}</p>")),
            extractors.extract(POLICY, fetched(page + "</main></body></html>")),
            return_exceptions=True)

    try:
        once, other = asyncio.run(round_())
    finally:
        extractors.close()
    assert (tmp_path / "flag").exists()     # it did die
    assert not isinstance(once, BaseException) and once.text is not None
    assert not isinstance(other, BaseException) and "e-mail address" in (other.text or "")

    extractors = Extractors(1, work=extraction_work.dies_on_marker)
    try:
        with pytest.raises(ExtractorDied):
            asyncio.run(extractors.extract(POLICY, fetched(page + "<p>die always</p>")))
    finally:
        extractors.close()


def test_a_page_that_kills_its_worker_fails_its_own_check_only(
        archive: Archive, db_url: str, monkeypatch) -> None:
    monkeypatch.setattr(pipeline_module, "Extractors",
                        partial(Extractors, work=extraction_work.dies_on_marker))
    n = POOL_MIN_CHECKS
    with FakeSite() as site:
        for i in range(n):
            page = policy_page(i, 30)
            site.add(f"/p{i}", page.replace("</main>", "<p>die always</p></main>") if i == 3
                     else page)
        added, _ = archive.add_policies([{"url": site.url(f"/p{i}"), "name": f"P{i}",
                                          "domain": f"p{i}.example"} for i in range(n)])
        results = asyncio.run(Pipeline(settings_for(db_url, 1), archive).check_many(added))
    outcome = {r.policy.slug: r for r in results}
    killer = outcome.pop(added[3].slug)
    assert killer.outcome == Outcome.ERROR and killer.error_kind == ErrorKind.INTERNAL
    assert "extractor's process died on this page" in killer.message
    assert {r.outcome for r in outcome.values()} == {Outcome.NEW_VERSION}
    assert archive.version_count(added[3].id) == 0


def test_a_round_with_nothing_new_starts_no_worker(archive: Archive, db_url: str,
                                                   monkeypatch) -> None:
    import policywatch.checking.extraction as extraction_module

    started: list[int] = []

    class Counted(extraction_module.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs) -> None:
            started.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(extraction_module, "ProcessPoolExecutor", Counted)
    n = POOL_MIN_CHECKS
    with FakeSite() as site:
        for i in range(n):
            site.add(f"/p{i}", policy_page(i, 30), etag=i % 2 == 0)
        added, _ = archive.add_policies([{"url": site.url(f"/p{i}"), "name": f"P{i}",
                                          "domain": f"p{i}.example"} for i in range(n)])
        pipeline = Pipeline(settings_for(db_url, 1), archive)
        first = asyncio.run(pipeline.check_many(added))
        assert {r.outcome for r in first} == {Outcome.NEW_VERSION} and len(started) == 1
        again = asyncio.run(pipeline.check_many(archive.policies(active=True)))
    assert {r.outcome for r in again} <= {Outcome.NOT_MODIFIED, Outcome.UNCHANGED}
    assert len(started) == 1        # nothing to extract: no worker process
