"""`make demo`: policywatch end to end on SQLite, offline.

Starts a local website serving a real privacy policy (Open Terms Archive data, ODC-By 1.0,
from the fixture corpus in tests/data/corpus; POLICYWATCH_CORPUS points at another copy)
and a local Wayback Machine holding that page's past captures, then runs the CLI as a user
would: add, backfill, check, history, diff, show; then the site changes its policy and a
second check records the change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.corpus_pages import ota_stream  # noqa: E402
from tests.fakes.site import FakeSite  # noqa: E402
from tests.fakes.wayback import FakeWayback  # noqa: E402

CORPUS = Path(os.environ.get("POLICYWATCH_CORPUS") or REPO / "tests" / "data" / "corpus")
DOC = "uptimerobot-privacy-policy"
DATA = REPO / "demo-data"


def run(*args: str, env: dict[str, str]) -> None:
    print(f"\n$ policywatch {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "-m", "policywatch.cli", *args], env=env, check=False)


def main() -> None:
    if not (CORPUS / "ota" / DOC).is_dir():
        sys.exit(f"demo: corpus not found at {CORPUS} (set POLICYWATCH_CORPUS)")
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir()
    pages = ota_stream(CORPUS, DOC)
    changes = [i for i, p in enumerate(pages) if p.kind in ("first", "change")]
    past, current = pages[: changes[-1]], pages[changes[-1]]
    with FakeSite() as site, FakeWayback() as wayback:
        url = site.url("/terms/privacy-policy")
        site.add("/terms/privacy-policy", current.body, etag='"current"')
        for page in past:
            wayback.add_capture(url, page.timestamp, page.body)
        env = {
            **os.environ,
            "POLICYWATCH_DATABASE_URL": f"sqlite:///{DATA / 'policywatch.db'}",
            "POLICYWATCH_WAYBACK_URL": wayback.base_url,
            "POLICYWATCH_CDX_PER_SECOND": "5",
            "POLICYWATCH_REPLAY_PER_SECOND": "50",
            "POLICYWATCH_RESPECT_ROBOTS": "false",
            # The demo site listens on loopback, which a default setup refuses.
            "POLICYWATCH_ALLOW_PRIVATE_ADDRESSES": "true",
        }
        print(f"Demo site: {url}\nDemo Wayback Machine: {wayback.base_url} ({len(past)} captures)")
        run("add", url, "--name", "UptimeRobot (demo)", "--every", "1d", env=env)
        slug = "127.0.0.1"
        run("backfill", slug, env=env)
        run("check", slug, env=env)
        run("history", slug, env=env)
        run("diff", slug, env=env)
        # The site edits its policy: the no-sale promise turns into its opposite.
        edited = current.body.replace(b"We do not sell our users", b"We may sell our users", 1)
        if edited == current.body:
            sys.exit("demo: the page no longer holds the sentence the demo edits")
        site.set_body("/terms/privacy-policy", edited, etag='"edited"')
        run("check", slug, env=env)
        run("diff", slug, env=env)
        run("export", str(DATA / "export"), env=env)
        print(f"\nDone. Database: {DATA / 'policywatch.db'}; exported seed files under {DATA / 'export'}.")
        print(f"Browse it: .venv/bin/policywatch --db sqlite:///{DATA / 'policywatch.db'} serve")


if __name__ == "__main__":
    main()
