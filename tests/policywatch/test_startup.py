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
# `list` and `show` on a current SQLite archive read it with the stdlib (storage.quickread):
# no ORM, no migrations, no settings validation, no Typer coercion through pydantic, no Rich.
NEVER_FOR_READS = {"sqlalchemy", "sqlmodel", "alembic", "pydantic", "pydantic_settings",
                   "fastapi", "starlette", "uvicorn", "procrastinate", "apprise", "pypdf",
                   "httpx", "bs4", "lxml", "html2text", "rich", "diffing"}


def loaded_packages(*args: str, cwd: Path) -> set[str]:
    """Top-level packages imported by ``policywatch ARGS`` in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYWATCH_")}
    env["POLICYWATCH_DATABASE_URL"] = f"sqlite:///{cwd / 'policywatch.db'}"
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120, check=False)
    assert "Traceback" not in done.stderr, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return {name.split(".")[0] for name in line.split()[1:]}


@pytest.fixture
def archived(tmp_path: Path) -> str:
    """tmp_path/policywatch.db, current, holding a policy with three versions; its slug."""
    from storage import Archive
    from tests.policywatch.history_loader import load_history

    archive = Archive.open(f"sqlite:///{tmp_path / 'policywatch.db'}")
    try:
        return load_history(archive, REPO / "tests" / "data" / "corpus", "criteo-privacy-policy",
                            limit=3).slug
    finally:
        archive.close()


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--help"], ["token", "--help"], ["--version"]])
def test_help_loads_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    loaded = loaded_packages(*args, cwd=tmp_path)
    assert "typer" in loaded                  # the probe did run the CLI
    assert not loaded & NEVER_FOR_HELP, sorted(loaded & NEVER_FOR_HELP)


@pytest.mark.parametrize("args", [["list", "--json"], ["show", "{slug}"],
                                  ["show", "{slug}", "--version", "1"],
                                  ["show", "{slug}", "-n", "-2"],
                                  ["show", "{slug}", "--at", "2022-11-02"]])
@pytest.mark.slow
def test_reads_of_a_current_sqlite_archive_load_no_orm_settings_or_extractor(
        args: list[str], archived: str, tmp_path: Path) -> None:
    loaded = loaded_packages(*(a.format(slug=archived) for a in args), cwd=tmp_path)
    assert "storage" in loaded
    assert not loaded & NEVER_FOR_READS, sorted(loaded & NEVER_FOR_READS)


@pytest.mark.slow
def test_an_older_schema_is_read_through_the_archive_which_upgrades_it(tmp_path: Path) -> None:
    from alembic import command

    from storage.db import _alembic_config, make_engine, schema_is_current

    engine = make_engine(f"sqlite:///{tmp_path / 'policywatch.db'}")
    command.upgrade(_alembic_config(engine), "0003_text_identity")
    loaded = loaded_packages("list", "--json", cwd=tmp_path)
    assert {"sqlalchemy", "alembic"} <= loaded
    assert schema_is_current(engine)
    engine.dispose()


@pytest.mark.slow
def test_a_check_of_a_current_archive_loads_no_migrations(archived: str, tmp_path: Path) -> None:
    loaded = loaded_packages("checks", archived, "--json", cwd=tmp_path)
    assert "sqlalchemy" in loaded             # the Archive opened the database
    assert "alembic" not in loaded


@pytest.mark.slow
def test_every_command_is_still_registered() -> None:
    done = subprocess.run([sys.executable, "-m", "policywatch.cli", "--help"], capture_output=True,
                          text=True, cwd=REPO, timeout=60, check=True)
    for command in ("add", "list", "check", "history", "show", "diff", "backfill", "export",
                    "extract", "reextract", "run", "alerts", "serve", "token", "feed", "import",
                    "export-list", "worker", "queue", "db"):
        assert f"\n  {command} " in done.stdout, command
