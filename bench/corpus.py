"""Corpus-building benchmark: synthetic domains on the fake Wayback Machine, and a projection.

Builds a corpus (``policywatch.checking.corpus.build_corpus``, what ``policywatch corpus`` runs) for
``--domains`` synthetic sites served by tests/fakes/wayback.py: each has a homepage
captured every month from ``--from`` to ``--to`` whose privacy link moves once, from
``/privacy.htm`` to ``/legal/privacy`` (a tenth never link a policy), policy captures every
quarter with a text change every few years, and 301 captures of the old URL after the
move. Rate limits are raised for the measurement; the fake answers at once.

It prints captures/s, CDX and replay requests per domain and CPU seconds per domain, then
projects the wall time of a ``--project``-domain build (default 130,000, 20 years at 6
months) at the deployment-wide Wayback limits (``cdx_per_second``, ``replay_per_second``
of the settings: shared by every worker) with N workers, and says which limit binds:

    wall(N) = max(D * cdx/domain / cdx_rate, D * replays/domain / replay_rate, D * cpu/domain / N)

    .venv/bin/python bench/corpus.py [--domains 1000] [--workers 1,4,16,64]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from policywatch.checking.corpus import build_corpus  # noqa: E402
from policywatch.settings import Settings  # noqa: E402
from policywatch.checking.wayback_client import make_wayback_client  # noqa: E402
from storage import Archive  # noqa: E402
from tests.fakes.wayback import FakeWayback  # noqa: E402

BATCH = 20  # domains per fake server

CLAUSES = [
    "We collect the information you give us when you create an account, such as your name "
    "and e-mail address.",
    "We use cookies and similar technologies to remember your preferences and measure use.",
    "We share personal data with service providers who process it on our behalf.",
    "You may ask us to access, correct or delete the personal data we hold about you.",
    "We keep personal data for as long as your account is open and {n} days after.",
    "We protect personal data with encryption in transit and at rest.",
    "Children under 13 may not use the service.",
    "We will tell you of material changes to this policy by e-mail.",
]


def policy_page(domain: str, era: int) -> bytes:
    """A small policy page; ``era`` changes the text (a retention period and a clause)."""
    clauses = [c.format(n=30 * (era + 1)) for c in CLAUSES]
    if era % 2:
        clauses.append("We may transfer data outside your country under standard clauses.")
    body = "".join(f"<p>{c}</p>" for c in clauses * 3)
    return (f"<html><head><title>Privacy Policy - {domain}</title></head><body><main>"
            f"<h1>Privacy Policy</h1>{body}</main></body></html>").encode()


def add_site(fake: FakeWayback, domain: str, rng: random.Random, start: int, stop: int) -> None:
    home = f"https://{domain}/"
    old, new = f"https://{domain}/privacy.htm", f"https://{domain}/legal/privacy"
    linked = rng.random() > 0.1
    move = rng.randint(start + 2, stop - 2)
    for year in range(start, stop + 1):
        for month in range(1, 13):
            href = (None if not linked else "/privacy.htm" if year < move else "/legal/privacy")
            fake.add_homepage(home, f"{year}{month:02d}15000000", href)
    if not linked:
        return
    for year in range(start, stop + 1):
        era = (year - start) // 4
        for month in (2, 5, 8, 11):
            ts = f"{year}{month:02d}20000000"
            if year < move:
                fake.add_capture(old, ts, policy_page(domain, era))
            else:
                fake.add_capture(new, ts, policy_page(domain, era))
                if month == 2:
                    fake.add_archived_redirect(old, ts[:-6] + "210000", new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--domains", type=int, default=1000)
    parser.add_argument("--from", dest="start", type=int, default=2000)
    parser.add_argument("--to", dest="stop", type=int, default=2019)
    parser.add_argument("--every", default="6mo")
    parser.add_argument("--project", type=int, default=130_000)
    parser.add_argument("--workers", default="1,4,16,64")
    args = parser.parse_args()
    rng = random.Random(16)
    domains = [f"site{i:05d}.example" for i in range(args.domains)]
    defaults = Settings(database_url="sqlite://")
    cdx = replays = 0
    wall = cpu = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{tmp}/bench.db"
        archive = Archive.open(database)
        # The fake scans every capture it holds on each request: a fresh one per batch of
        # domains keeps its cost from growing with the whole list.
        for first in range(0, len(domains), BATCH):
            batch = domains[first:first + BATCH]
            with FakeWayback(page_size=5000) as fake:
                for domain in batch:
                    add_site(fake, domain, rng, args.start, args.stop)
                settings = Settings(database_url=database, wayback_url=fake.base_url,
                                    cdx_per_second=10_000, replay_per_second=10_000,
                                    allow_private_addresses=True)
                before = resource.getrusage(resource.RUSAGE_SELF)
                began = time.perf_counter()

                async def run() -> None:
                    async with make_wayback_client(settings) as client:
                        await build_corpus(archive, client, batch, Path(tmp) / "corpus",
                                           from_=str(args.start), to=str(args.stop),
                                           every=args.every)
                asyncio.run(run())
                wall += time.perf_counter() - began
                after = resource.getrusage(resource.RUSAGE_SELF)
                cpu += (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
                cdx += len(fake.requests_to("cdx"))
                replays += len(fake.requests_to("replay"))
        archive.close()
    # The fake server runs in this process: its CPU is counted too (a real build's is not).
    n = len(domains)
    print(f"{n} domains, {args.start}-{args.stop} every {args.every}: {wall:.1f} s wall, "
          f"{replays / wall:.1f} captures/s, {cdx / n:.2f} CDX and {replays / n:.2f} replay "
          f"requests per domain, {cpu / n * 1000:.0f} ms CPU per domain (fake server included)")
    per_cdx, per_replay, per_cpu = cdx / n, replays / n, cpu / n
    d = args.project
    cdx_days = d * per_cdx / defaults.cdx_per_second / 86400
    replay_days = d * per_replay / defaults.replay_per_second / 86400
    print(f"\nprojection: {d:,} domains at {defaults.cdx_per_second} CDX/s and "
          f"{defaults.replay_per_second} replays/s (the settings' defaults, deployment-wide)")
    print(f"  CDX alone {cdx_days:.1f} days, replay alone {replay_days:.1f} days")
    for workers in (int(w) for w in args.workers.split(",")):
        cpu_days = d * per_cpu / workers / 86400
        bound = max(("CDX", cdx_days), ("replay", replay_days), ("CPU", cpu_days),
                    key=lambda item: item[1])
        print(f"  {workers:>3} workers: {bound[1]:.1f} days (bound by {bound[0]}; "
              f"CPU {cpu_days:.1f} days)")


if __name__ == "__main__":
    main()
