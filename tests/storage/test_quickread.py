"""The light SQLite reader gives the Archive's records, and steps aside when it cannot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from storage import Archive, Capture, DatabaseUnavailable, Extraction, NotFound
from storage.db import _alembic_config, make_engine
from storage.quickread import SCHEMA_HEAD, open_reader

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def record(archive: Archive, policy_id: int, day: int, text: str, *, wayback: bool) -> None:
    at = T0 + timedelta(days=day, hours=day)
    url = archive.policy_by_id(policy_id).url
    capture = Capture(source="wayback" if wayback else "live", captured_at=at, fetched_at=at,
                      requested_url=url, final_url=url + "?final", status=200,
                      content_type="text/html",
                      archive_timestamp=at.strftime("%Y%m%d%H%M%S") if wayback else None)
    archive.record_fetch(policy_id, capture, text.encode(), Extraction(text=text,
                         extractor_version="test"), started_at=at)


@pytest.fixture
def filled(tmp_path: Path) -> str:
    """Three policies (one paused, one without versions), versions from both sources."""
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    archive = Archive.open(url)
    try:
        first = archive.add_policy(name="Ünïcode Co", url="https://a.example/privacy",
                                   domain="a.example", tags=("bank", "eu"), schedule="6h")
        second = archive.add_policy(name="B", url="https://b.example/p", domain="b.example",
                                    select="main", remove=".ad")
        archive.add_policy(name="C", url="https://c.example/p", domain="c.example")
        for day, text in enumerate(["# A\n\nOne.\n", "# A\n\nTwo — ü.\n", "# A\n\nThree.\n"]):
            record(archive, first.id, day, text, wayback=day < 2)
        record(archive, second.id, 5, "# B\n\nOnly.\n", wayback=False)
        archive.update_policy(second.slug, active=False)
    finally:
        archive.close()
    return url


def test_schema_head_is_the_newest_migration() -> None:
    engine = make_engine("sqlite://")
    assert SCHEMA_HEAD == ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()


def test_same_records_as_the_archive(filled: str) -> None:
    reader = open_reader(filled)
    assert reader is not None
    archive = Archive.open(filled)
    try:
        assert reader.policies() == archive.policies()
        for active in (True, False):
            assert reader.policies(active=active) == archive.policies(active=active)
        for policy in archive.policies():
            assert reader.policy(policy.slug) == policy
            pid = policy.id
            assert reader.versions(pid) == archive.versions(pid)
            assert reader.versions(pid, with_text=False) == archive.versions(pid, with_text=False)
            assert reader.versions(pid, limit=1, offset=1) == archive.versions(pid, limit=1, offset=1)
            assert reader.version_count(pid) == archive.version_count(pid)
            for number in (1, 2, 3, -1, -3):
                if abs(number) <= archive.version_count(pid):
                    assert reader.version(pid, number) == archive.version(pid, number)
            for day in (0, 1, 2, 40):
                when = T0 + timedelta(days=day, hours=23, minutes=59)
                if archive.version_count(pid, until=when):
                    assert reader.version_at(pid, when) == archive.version_at(pid, when)
    finally:
        reader.close()
        archive.close()


@pytest.mark.parametrize("ask", [lambda s, pid: s.version(pid, 0),
                                 lambda s, pid: s.version(pid, 4),
                                 lambda s, pid: s.version(pid, -4),
                                 lambda s, pid: s.version(pid, 99999999999999999999),
                                 lambda s, pid: s.version_at(pid, datetime(2020, 1, 1, tzinfo=UTC)),
                                 lambda s, pid: s.policy("nope")])
def test_same_not_found_as_the_archive(filled: str, ask) -> None:
    reader = open_reader(filled)
    archive = Archive.open(filled)
    try:
        pid = archive.policies()[0].id
        with pytest.raises(NotFound) as fast:
            ask(reader, pid)
        with pytest.raises(NotFound) as full:
            ask(archive, pid)
        assert str(fast.value) == str(full.value)
    finally:
        reader.close()
        archive.close()


def test_steps_aside_for_other_databases_and_older_schemas(tmp_path: Path) -> None:
    assert open_reader("postgresql://u@127.0.0.1:1/db") is None
    assert open_reader("sqlite://") is None
    assert open_reader(f"sqlite:///{tmp_path / 'x.db'}?mode=ro") is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert open_reader(f"sqlite:///{tmp_path / 'empty.db'}") is None  # the Archive creates it
    older = f"sqlite:///{tmp_path / 'older.db'}"
    engine = make_engine(older)
    command.upgrade(_alembic_config(engine), "0003_text_identity")
    engine.dispose()
    assert open_reader(older) is None


def test_missing_or_broken_files(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "policywatch.db"
    with pytest.raises(NotFound, match="no database at"):
        open_reader(f"sqlite:///{missing}")
    assert not (tmp_path / "no").exists()  # nothing created
    (tmp_path / "junk.db").write_bytes(b"not a database, just some bytes " * 100)
    with pytest.raises(DatabaseUnavailable, match="cannot open database"):
        open_reader(f"sqlite:///{tmp_path / 'junk.db'}")


@pytest.mark.slow
def test_an_archive_in_a_folder_nobody_may_write_is_still_read(filled: str, tmp_path: Path) -> None:
    """`list` and `show` on a read-only copy (a shared mount, an archive handed over)."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    source = Path(filled.removeprefix("sqlite:///"))
    # Outside pytest's private tmp folder, which another user could not traverse.
    outer = Path(tempfile.mkdtemp(prefix="pw-readonly-"))
    outer.chmod(0o755)
    folder = outer / "readonly"
    folder.mkdir()
    shutil.copy(source, folder / "archive.db")
    (folder / "archive.db").chmod(0o444)
    folder.chmod(0o555)
    try:
        # As root every file is writable: read as an unprivileged user when we are root.
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] \
            if os.geteuid() == 0 and shutil.which("setpriv") else []
        script = ("from storage.quickread import open_reader; import sys; "
                  "r = open_reader(sys.argv[1]); print(len(r.policies()))")
        out = subprocess.run([*prefix, sys.executable, "-c", script, f"sqlite:///{folder}/archive.db"],
                             capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2])
        assert out.returncode == 0, out.stderr
        assert int(out.stdout) >= 1
    finally:
        folder.chmod(0o755)
        shutil.rmtree(outer)
