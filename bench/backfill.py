"""Backfill benchmark: corpus snapshot streams served by the fake Wayback Machine.

For each Open Terms Archive document in ../shared/corpus/ota (ODC-By 1.0, attribution:
Open Terms Archive), backfill its whole stream into a fresh SQLite database and print the
requests spent per distinct version and the throughput. Rate limits are raised for the
measurement (``--cdx-rate``/``--replay-rate``); at the real defaults (0.4 CDX/s, 8 replays/s)
replay time is bounded below by captures / 8 s, which the last column shows.

    .venv/bin/python bench/backfill.py [--docs slug,...] [--replay-rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from policywatch.checking.backfill import backfill_policy  # noqa: E402
from policywatch.settings import Settings  # noqa: E402
from policywatch.checking.wayback_client import make_wayback_client  # noqa: E402
from storage import Archive  # noqa: E402
from tests.fakes.wayback import FakeWayback  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


async def run_one(ota: Path, slug: str, cdx_rate: float, replay_rate: float) -> dict[str, float]:
    with FakeWayback.from_corpus(ota, slugs=[slug], page_size=100) as fake, \
            tempfile.TemporaryDirectory() as tmp:
        # A document can have moved (le-chat): backfill the address with the most captures.
        urls = [c.url for c in fake.captures]
        url = max(set(urls), key=urls.count)
        settings = Settings(database_url=f"sqlite:///{tmp}/bench.db", wayback_url=fake.base_url,
                            cdx_per_second=cdx_rate, replay_per_second=replay_rate)
        archive = Archive.open(settings.database_url)
        policy = archive.add_policy(name=slug, url=url, domain=url.split("/")[2])
        started = time.perf_counter()
        async with make_wayback_client(settings) as client:
            progress = await backfill_policy(archive, client, policy, concurrency=8)
        elapsed = time.perf_counter() - started
        versions = archive.version_count(policy.id)
        archive.close()
        requests = len(fake.requests)
        return {"captures": progress.found, "fetched": progress.fetched, "versions": versions,
                "requests": requests, "seconds": elapsed,
                "floor": progress.found / 8.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", help="comma-separated OTA slugs (default: all)")
    parser.add_argument("--cdx-rate", type=float, default=50.0)
    parser.add_argument("--replay-rate", type=float, default=200.0)
    args = parser.parse_args()
    ota = CORPUS / "ota"
    slugs = args.docs.split(",") if args.docs else sorted(p.name for p in ota.iterdir() if p.is_dir())
    print(f"{'document':36} {'captures':>8} {'versions':>8} {'requests':>8} {'req/version':>11} "
          f"{'versions/s':>10} {'captures/s':>10} {'s at 8/s':>9}")
    for slug in slugs:
        r = asyncio.run(run_one(ota, slug, args.cdx_rate, args.replay_rate))
        print(f"{slug:36} {r['captures']:8.0f} {r['versions']:8.0f} {r['requests']:8.0f} "
              f"{r['requests'] / max(r['versions'], 1):11.1f} {r['versions'] / r['seconds']:10.1f} "
              f"{r['fetched'] / r['seconds']:10.1f} {r['floor']:9.1f}")


if __name__ == "__main__":
    main()
