"""Issue 15, finding 5: imports stream, run in linear time and bounded memory; schedules
have a minimum interval."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from policywatch.services.watchlists import Rejected, WatchEntry, read_watch_list
from tests.databases import sqlite_only

def test_the_reader_yields_rows_before_the_file_ends() -> None:
    def lines() -> Iterator[str]:
        yield "url,name\n"
        for n in range(3):
            yield f"https://site{n}.example/privacy,Site {n}\n"
        raise AssertionError("read past what was needed: the file is not streamed")

    rows = read_watch_list(lines()).rows
    first = [next(rows) for _ in range(3)]
    assert all(isinstance(r, WatchEntry) for r in first)


@pytest.mark.slow  # 20,000 rows; no wall-clock limit (flaky on a shared machine)
@sqlite_only
def test_many_rows_of_one_host_import(cli, tmp_path: Path) -> None:
    # Before: each slug tried every taken suffix of the host (quadratic; ~minutes here).
    count = 20_000
    path = tmp_path / "one-host.txt"
    path.write_text("".join(f"https://big.example/p{n}\n" for n in range(count)))
    result = cli("import", str(path))
    assert result.code == 0, result.err
    assert f"{count} added" in result.out
    slugs = {p["slug"] for p in cli("list", "--json").json()}
    assert len(slugs) == count and "big.example" in slugs and f"big.example-{count}" in slugs
    again = tmp_path / "more.txt"
    again.write_text("https://big.example/other\nhttps://big.example/p0\n")
    report = cli("import", str(again), "--json").json()
    assert report["added"] == [f"big.example-{count + 1}"] and len(report["duplicates"]) == 1


@sqlite_only
def test_invalid_rows_anywhere_write_nothing(cli, tmp_path: Path) -> None:
    path = tmp_path / "late-error.txt"
    rows = [f"https://s{n}.example/privacy" for n in range(2500)]  # past the first chunk
    path.write_text("\n".join([*rows, "ftp://nope.example/x"]) + "\n")
    result = cli("import", str(path))
    assert result.code == 2 and "invalid line 2501" in result.err
    assert len(result.err.strip().splitlines()) == 2  # the line, then the summary
    assert cli("list", "--json").json() == []


@sqlite_only
def test_import_refuses_address_literals_and_too_short_schedules(cli, tmp_path: Path,
                                                                 monkeypatch) -> None:
    monkeypatch.setenv("POLICYWATCH_ALLOW_PRIVATE_ADDRESSES", "false")
    monkeypatch.delenv("POLICYWATCH_MIN_INTERVAL", raising=False)
    path = tmp_path / "list.csv"
    path.write_text("url,every,select\nhttp://127.0.0.1:8080/p,,\n"
                    "https://a.example/p,1s,\nhttps://b.example/p,,div[\n")
    report = cli("import", str(path), "--json").json()
    reasons = [r["reason"] for r in report["invalid"]]
    assert "not a public address" in reasons[0]
    assert "minimum interval" in reasons[1]
    assert "invalid CSS select" in reasons[2]


@sqlite_only
@pytest.mark.parametrize("args, expected", [
    (("--every", "1s"), "shorter than the minimum interval 5m"),
    (("--every", "99999999999999999999d"), "longer than a year"),
    (("--every", "0 0 31 2 *"), "never fires"),
    (("--every", "* * * * *"), "more often than the minimum interval"),
])
def test_schedules_are_bounded_at_add_time(cli, args: tuple[str, ...], expected: str,
                                           monkeypatch) -> None:
    monkeypatch.delenv("POLICYWATCH_MIN_INTERVAL", raising=False)
    result = cli("add", "https://a.example/privacy", *args)
    assert result.code == 2 and expected in result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


@pytest.mark.slow
@pytest.mark.timeout(900)  # the subprocess's own limit: 100k rows under tracemalloc take minutes
def test_a_large_watch_list_imports_in_bounded_memory(tmp_path: Path) -> None:
    """100k rows (a 3 MB file): the import's own memory stays far from proportional to the
    file (before streaming, 1M rows grew to 5.7 GB)."""
    count = 100_000
    path = tmp_path / "big.txt"
    with path.open("w") as out:
        for n in range(count):
            out.write(f"https://site{n}.example/privacy\n")
    db = tmp_path / "big.db"
    # Python's own allocations (tracemalloc), not RSS: what the import holds, without the
    # allocator's and SQLite's caches, which vary with the machine's load.
    script = (
        "import sys, tracemalloc\n"
        "from policywatch.cli import main\n"
        f"sys.argv = ['policywatch', '--db', 'sqlite:///{db}', 'import', '{path}']\n"
        "tracemalloc.start()\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(tracemalloc.get_traced_memory()[1] // 1024)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{count} added" in done.stdout
    peak_mb = int(done.stdout.strip().splitlines()[-1]) / 1024
    assert peak_mb < 100, peak_mb      # ~50 MB measured, at 100k and at 200k rows alike
