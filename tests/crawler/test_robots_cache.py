"""The robots.txt cache is bounded: the least recently used sites are dropped and refetched."""

from __future__ import annotations

import asyncio

import httpx

from crawler.robots import RobotsCache


def test_cache_keeps_the_most_recently_used_sites() -> None:
    fetched: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        fetched.append(request.url.host)
        return httpx.Response(200, text="User-agent: *\nDisallow: /private/\n")

    async def main() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
            robots = RobotsCache(client, user_agent="policywatch", max_sites=2)
            assert await robots.allowed("https://a.example/privacy")
            assert not await robots.allowed("https://b.example/private/x")
            assert await robots.allowed("https://a.example/terms")  # a: most recent now
            assert await robots.allowed("https://c.example/privacy")  # drops b
            assert fetched == ["a.example", "b.example", "c.example"]
            assert await robots.allowed("https://a.example/privacy")  # still cached
            assert not await robots.allowed("https://b.example/private/y")  # fetched again
            assert fetched == ["a.example", "b.example", "c.example", "b.example"]
            assert len(robots._rules) == 2 and len(robots._locks) <= 3

    asyncio.run(main())
