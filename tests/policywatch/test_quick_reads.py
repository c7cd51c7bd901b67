"""`list` and `show` on a current SQLite archive take the light path (storage.quickread,
policywatch.locations); they print exactly what the full path (Archive, Settings) prints."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from policywatch.locations import database_url
from policywatch.settings import load_settings
from tests.databases import sqlite_only
from tests.policywatch.history_loader import load_history

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "corpus"


@pytest.fixture
def filled(cli) -> list[str]:
    """Two policies with histories (Wayback and live captures) and a paused one without
    versions, in the CLI's database; their slugs."""
    from storage import Archive

    archive = Archive.open(cli.db_url)
    try:
        slugs = [load_history(archive, CORPUS, name, limit=4, tags=("t",)).slug
                 for name in ("criteo-privacy-policy", "disqus-privacy-policy")]
        paused = archive.add_policy(name="Paused", url="https://paused.example/privacy",
                                    domain="paused.example", schedule="6h")
        archive.update_policy(paused.slug, active=False)
    finally:
        archive.close()
    return [*slugs, paused.slug]


def commands(slugs: list[str]) -> list[tuple[str, ...]]:
    first, _, paused = slugs
    return [("list", "--json"), ("list",),
            *[("show", slug) for slug in slugs],
            ("show", first, "--version", "1"), ("show", first, "-n", "-2"),
            ("show", first, "--at", "2023-06-01"), ("show", first, "--at", "1999-01-01"),
            ("show", first, "--version", "0"), ("show", first, "--version", "99"),
            ("show", first, "--version", "99999999999999999999"), ("show", first, "-n", "x"),
            ("show", first, "--at", "2024-13-01"), ("show", "nope"), ("show", paused)]


@sqlite_only
def test_the_light_path_prints_what_the_archive_path_prints(cli, filled, monkeypatch) -> None:
    import storage.quickread

    opened = []
    real = storage.quickread.open_reader

    def spy(url: str):
        reader = real(url)
        opened.append(reader is not None)
        return reader

    monkeypatch.setattr(storage.quickread, "open_reader", spy)
    fast = [cli(*args) for args in commands(filled)]
    assert opened and all(opened)  # every read took the light path
    monkeypatch.setattr(storage.quickread, "open_reader", lambda url: None)
    full = [cli(*args) for args in commands(filled)]
    for args, light, archive in zip(commands(filled), fast, full):
        assert (light.code, light.out, light.err) == (archive.code, archive.out, archive.err), args
    assert [r.code for r in fast].count(0) == 7
    refused = [r.err for r in fast if r.code and not r.err.startswith("Usage:")]  # -n x: Typer's
    assert len(refused) == 8
    assert all(err.startswith("policywatch: error: ") and err.count("\n") == 1 for err in refused)


@sqlite_only
@pytest.mark.parametrize("args", [("list", "--json"), ("list",), ("show", "x")])
def test_a_missing_database_is_refused_not_created(cli, capsys, monkeypatch, tmp_path,
                                                   args) -> None:
    from tests.policywatch.cli_runner import Cli

    missing = tmp_path / "not" / "here.db"
    result = Cli(f"sqlite:///{missing}", capsys, monkeypatch)(*args)
    assert result.code == 2
    assert result.err == f"policywatch: error: no database at {missing}: nothing is tracked " \
                         "there yet (`policywatch add URL_OR_DOMAIN` creates it)\n"
    assert not (tmp_path / "not").exists()


@pytest.mark.parametrize("override, env, toml, local", [
    ("sqlite:///given.db", "sqlite:///env.db", 'database_url = "sqlite:///toml.db"', True),
    (None, "sqlite:///env.db", 'database_url = "sqlite:///toml.db"', True),
    (None, None, 'database_url = "sqlite:///toml.db"', True),
    (None, None, "per_host = 3", True),
    (None, None, None, False),
])
def test_the_database_is_where_the_settings_say(monkeypatch, tmp_path, override, env, toml,
                                                local) -> None:
    for name in list(os.environ):
        if name.startswith("POLICYWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if env:
        monkeypatch.setenv("POLICYWATCH_DATABASE_URL", env)
    if toml:
        (tmp_path / "policywatch.toml").write_text(toml + "\n")
    if local:
        (tmp_path / "policywatch.db").write_bytes(b"")
    overrides = {"database_url": override} if override else {}
    assert database_url(override) == load_settings(**overrides).database_url


def test_bad_locations_are_left_to_the_settings(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POLICYWATCH_DATABASE_URL", "policies.db")
    assert database_url(None) is None  # the full Settings name the problem
    monkeypatch.delenv("POLICYWATCH_DATABASE_URL")
    (tmp_path / "policywatch.toml").write_text("database_url = [\n")
    assert database_url(None) is None
