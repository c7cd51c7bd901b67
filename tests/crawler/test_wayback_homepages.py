"""Every day's capture of a page (``search(distinct=False)``), for walking archived homepages."""

from __future__ import annotations

import asyncio

from crawler import WaybackClient
from tests.fakes.wayback import FakeWayback


def test_distinct_false_keeps_repeated_bodies_at_their_times() -> None:
    with FakeWayback() as fake:
        for ts in ("20100101000000", "20100601000000", "20110101000000", "20110101120000"):
            fake.add_homepage("https://shop.example/", ts, "/privacy")
        fake.add_homepage("https://shop.example/", "20120101000000", "/legal/privacy")
        client = WaybackClient(base_url=fake.base_url, cdx_per_second=200,
                               replay_per_second=500, retries=0, backoff=0.01)

        async def both() -> tuple[list[str], list[str]]:
            async with client:
                distinct = await client.search("https://shop.example/")
                every = await client.search("https://shop.example/", distinct=False)
            return [r.timestamp for r in distinct], [r.timestamp for r in every]

        distinct, every = asyncio.run(both())
        assert distinct == ["20100101000000", "20120101000000"]  # one per body
        # One per day: the second capture of 2011-01-01 collapses into the first.
        assert every == ["20100101000000", "20100601000000", "20110101000000", "20120101000000"]
        params = [r.params for r in fake.requests_to("cdx")]
        assert [p["collapse"] for p in params] == [["digest"], ["timestamp:8"]]
