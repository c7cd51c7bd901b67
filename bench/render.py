"""Cost of rendering a script-built page in headless Chromium, against a plain fetch.

    python bench/render.py [--pages N] [--folder DIR] [--chromium PATH]

Serves, on 127.0.0.1, N copies of the test single-page app (tests/fakes/spa.py: a shell whose
bundle fetches the policy as JSON), or every ``*.html`` page of ``--folder`` (each rendered
as it is: any folder of pages works). Each page is fetched plainly (``LiveFetcher``) and
rendered (``BrowserFetcher``, one browser for the run, the first launch timed apart);
prints pages per second for both, the median time per page, and the peak resident memory
of the browser's processes (psutil, sampled while rendering). Figures, not a pass/fail.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def browser_memory() -> int:
    """Resident bytes of this process's Chromium children (browser, renderers, GPU...)."""
    import psutil
    total = 0
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name().lower():
                total += child.memory_info().rss
        except psutil.Error:
            pass
    return total


async def run(urls: list[str], chromium: str | None) -> None:
    from crawler import AddressPolicy, BrowserFetcher, LiveFetcher

    open_policy = AddressPolicy(allow_private=True)
    plain: list[float] = []
    async with LiveFetcher(user_agent="policywatch-bench/1", addresses=open_policy,
                           respect_robots=False) as fetcher:
        start = time.perf_counter()
        for url in urls:
            t = time.perf_counter()
            await fetcher.fetch(url)
            plain.append(time.perf_counter() - t)
        plain_total = time.perf_counter() - start

    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, browser_memory())
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    rendered: list[float] = []
    async with BrowserFetcher(executable=chromium, user_agent="policywatch-bench/1",
                              addresses=open_policy, concurrency=1) as browser:
        t = time.perf_counter()
        await browser.render(urls[0])   # the browser's launch, timed apart
        first = time.perf_counter() - t
        start = time.perf_counter()
        for url in urls:
            t = time.perf_counter()
            await browser.render(url)
            rendered.append(time.perf_counter() - t)
        render_total = time.perf_counter() - start
    stop.set()
    sampler.join()

    n = len(urls)
    print(f"pages                    {n}")
    print(f"plain fetch              {n / plain_total:8.1f} pages/s   median "
          f"{statistics.median(plain) * 1000:8.1f} ms")
    print(f"rendered (warm browser)  {n / render_total:8.1f} pages/s   median "
          f"{statistics.median(rendered) * 1000:8.1f} ms")
    print(f"first render (launch)    {first * 1000:8.1f} ms")
    print(f"render / plain (median)  {statistics.median(rendered) / statistics.median(plain):8.1f}x")
    print(f"peak browser memory      {peak / 2**20:8.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--folder", type=Path, help="render every *.html page of this folder")
    parser.add_argument("--chromium", default=None, help="Chromium's path (default: on PATH)")
    args = parser.parse_args()
    from tests.fakes.site import FakeSite
    from tests.fakes.spa import serve_app
    with FakeSite() as site:
        if args.folder:
            urls = []
            for page in sorted(args.folder.glob("*.html")):
                site.add_file("/" + page.name, page)
                urls.append(site.url("/" + page.name))
            if not urls:
                raise SystemExit(f"no *.html pages in {args.folder}")
        else:
            urls = [serve_app(site, f"/app{i}/") for i in range(args.pages)]
        asyncio.run(run(urls, args.chromium))


if __name__ == "__main__":
    main()
