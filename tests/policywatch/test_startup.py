"""The CLI starts light: heavy libraries load only inside the commands that use them.

bench/startup.py measures the CPU cost; this guards the import graph, which is what
keeps `policywatch --help` fast.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from policywatch.cli import main
sys.argv = ["policywatch", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("MODULES", " ".join(sorted(sys.modules)), file=sys.stderr)
"""

# (pydantic itself may load: Typer converts a sub-command's parameters with it.)
NEVER_FOR_HELP = {"fastapi", "starlette", "uvicorn", "alembic", "sqlalchemy", "sqlmodel",
                  "procrastinate", "psycopg", "apprise", "pypdf", "httpx", "pydantic_settings",
                  "rich", "bs4", "lxml", "crawler", "storage", "diffing"}
NEVER_FOR_LIST = {"fastapi", "starlette", "uvicorn", "procrastinate", "apprise", "pypdf",
                  "httpx", "bs4", "lxml", "crawler", "diffing"}


def loaded_packages(*args: str, cwd: Path) -> set[str]:
    """Top-level packages imported by ``policywatch ARGS`` in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYWATCH_")}
    env["POLICYWATCH_DATABASE_URL"] = f"sqlite:///{cwd / 'policywatch.db'}"
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120, check=False)
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return {name.split(".")[0] for name in line.split()[1:]}


@pytest.mark.parametrize("args", [["--help"], ["token", "--help"], ["--version"]])
def test_help_loads_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    loaded = loaded_packages(*args, cwd=tmp_path)
    assert "typer" in loaded                  # the probe did run the CLI
    assert not loaded & NEVER_FOR_HELP, sorted(loaded & NEVER_FOR_HELP)


def test_list_loads_the_archive_but_not_the_web_queue_or_extractor(tmp_path: Path) -> None:
    loaded = loaded_packages("list", "--json", cwd=tmp_path)
    assert "storage" in loaded
    assert not loaded & NEVER_FOR_LIST, sorted(loaded & NEVER_FOR_LIST)


def test_every_command_is_still_registered() -> None:
    done = subprocess.run([sys.executable, "-m", "policywatch.cli", "--help"], capture_output=True,
                          text=True, cwd=REPO, timeout=60, check=True)
    for command in ("add", "list", "check", "history", "show", "diff", "backfill", "export",
                    "extract", "reextract", "run", "alerts", "serve", "token", "feed", "import",
                    "export-list", "worker", "queue", "db"):
        assert f"\n  {command} " in done.stdout, command
