"""BrowserFetcher against local pages: the address guard, a crash, user agent and limits.

Drives the system Chromium (Debian's /usr/bin/chromium); marked slow.
"""

from __future__ import annotations

import asyncio
import ipaddress
import signal
from pathlib import Path

import psutil
import pytest

from crawler import AddressPolicy, BlockedAddress, BrowserFetcher, BrowserUnavailable, RenderError
from tests.fakes.site import FakeSite, RecordedRequest, Response
from tests.fakes.spa import serve_app

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]
OPEN = AddressPolicy(allow_private=True)


def fetcher(**options: object) -> BrowserFetcher:
    settings: dict[str, object] = {"executable": CHROMIUM, "user_agent": "policywatch-test/1",
                                   "addresses": OPEN, "page_timeout": 60}
    settings.update(options)
    return BrowserFetcher(**settings)  # type: ignore[arg-type]


def test_requests_of_the_page_go_through_the_address_policy() -> None:
    with FakeSite() as site, FakeSite(host="127.0.0.2") as other:
        other.add("/data.json", '{"text": "secret internal data"}',
                  content_type="application/json", headers={"Access-Control-Allow-Origin": "*"})
        site.add("/page", f"""<html><body><div id="root">waiting</div><script>
            fetch("{other.url('/data.json')}").then(r => r.json())
              .then(d => {{ document.getElementById('root').textContent = d.text; }})
              .catch(() => {{ document.getElementById('root').textContent = 'refused'; }});
            </script></body></html>""")
        only_first = AddressPolicy(allowed_networks=(ipaddress.ip_network("127.0.0.1/32"),))

        async def run() -> tuple[str, int]:
            async with fetcher(addresses=only_first) as browser:
                page = await browser.render(site.url("/page"))
                return page.html, page.blocked
        html, blocked = asyncio.run(run())
        assert "refused" in html and "secret internal data" not in html
        assert blocked >= 1 and other.requests == []
        assert site.requests_to("/page")[0].headers["user-agent"] == "policywatch-test/1"

        async def refused_page() -> None:
            async with fetcher(addresses=only_first) as browser:
                await browser.render(other.url("/data.json"))
        with pytest.raises((BlockedAddress, RenderError)):
            asyncio.run(refused_page())
        assert other.requests == []


def test_a_browser_crash_fails_that_render_and_the_next_one_starts_a_new_browser() -> None:
    def crash(request: RecordedRequest) -> Response:
        for child in psutil.Process().children(recursive=True):
            try:
                if "chrom" in child.name().lower() and not any(
                        a.startswith("--type=") for a in child.cmdline()):
                    child.send_signal(signal.SIGKILL)   # the browser process itself
            except psutil.Error:
                pass
        return Response("{}", content_type="application/json")

    with FakeSite() as site:
        site.add("/crash/", '<html><body><div id="root"></div><script>fetch("boom.json")'
                            '</script></body></html>')
        site.handler("/crash/boom.json", crash)
        good = serve_app(site)

        async def run() -> tuple[str, int]:
            async with fetcher() as browser:
                with pytest.raises(RenderError) as failed:
                    await browser.render(site.url("/crash/"))
                assert "crashed" in str(failed.value) or "failed" in str(failed.value)
                page = await browser.render(good)
                return page.html, browser.launches
        html, launches = asyncio.run(run())
        assert "Example App Privacy Policy" in html and launches == 2


def test_a_missing_chromium_is_reported_as_needing_a_browser(tmp_path: Path) -> None:
    async def run() -> None:
        async with fetcher(executable=str(tmp_path / "chromium")) as browser:
            await browser.render("http://127.0.0.1:9/")
    with pytest.raises(BrowserUnavailable, match="needs a browser: install"):
        asyncio.run(run())


def test_pages_share_the_per_host_limit() -> None:
    from crawler.hostlimit import HostLimiter
    with FakeSite() as site:
        urls = [serve_app(site, f"/a{i}/") for i in range(3)]
        limiter = HostLimiter(1)

        async def run() -> None:
            async with fetcher(concurrency=3) as browser:
                await asyncio.gather(*(browser.render(u, limiter=limiter) for u in urls))
        asyncio.run(run())
        assert site.max_in_flight == 1
