"""Startup cost of the CLI: CPU time of whole processes against a bare `python -c pass`.

    python bench/startup.py [--runs N]

Each command runs N times (default 7) as a fresh process; its CPU time (user + system,
from ``resource.getrusage(RUSAGE_CHILDREN)``) is compared, as a median, with the median of
``python -c pass`` in the same venv. ``list --json`` and ``show`` (newest, ``-n 1``, ``--at``)
read an existing SQLite archive (three versions of a corpus history, recorded before timing
starts), through storage.quickread. Target: at most 6x (issue 12); the exit code is 1 when a
command misses it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGET = 6.0


def cpu_seconds(args: list[str], env: dict[str, str], runs: int) -> float:
    """Median CPU time (user + system) of ``runs`` fresh processes running ``args``."""
    times = []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(args, env=env, capture_output=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(f"startup: {' '.join(args)} failed: {done.stderr.decode()[-500:]}")
        times.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(times)


def filled_database(folder: Path) -> tuple[str, str]:
    """A SQLite archive holding three versions of one policy; returns its URL and the slug."""
    from storage import Archive
    from tests.policywatch.history_loader import load_history

    url = f"sqlite:///{folder / 'policywatch.db'}"
    archive = Archive.open(url)
    try:
        policy = load_history(archive, REPO / "tests" / "data" / "corpus", "criteo-privacy-policy",
                              limit=3)
    finally:
        archive.close()
    return url, policy.slug


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    script = Path(sys.executable).with_name("policywatch")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "policywatch.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        url, slug = filled_database(Path(tmp))
        env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYWATCH_")}
        env["POLICYWATCH_DATABASE_URL"] = url
        cpu_seconds(cli + ["list", "--json"], env, 1)      # warm the page cache and .pyc files
        base = cpu_seconds([sys.executable, "-c", "pass"], env, args.runs)
        print(f"{'command':<30} {'CPU ms':>8} {'x pass':>7}  target <= {TARGET:g}x")
        print(f"{'python -c pass':<30} {base * 1000:8.1f} {1:7.1f}")
        missed = []
        for label, command in [("policywatch --help", ["--help"]),
                               ("policywatch list --json", ["list", "--json"]),
                               ("policywatch show SLUG", ["show", slug]),
                               ("policywatch show SLUG -n 1", ["show", slug, "-n", "1"]),
                               ("policywatch show SLUG --at", ["show", slug, "--at", "2022-11-02"])]:
            spent = cpu_seconds(cli + command, env, args.runs)
            ratio = spent / base
            print(f"{label:<30} {spent * 1000:8.1f} {ratio:7.1f}  {'ok' if ratio <= TARGET else 'MISSED'}")
            if ratio > TARGET:
                missed.append(label)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
