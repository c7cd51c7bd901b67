"""Settings: config/defaults.toml documents the real defaults; env and files override them."""

from __future__ import annotations

import tomllib
from pathlib import Path

from policywatch.settings import Settings

DEFAULTS = Path(__file__).resolve().parents[2] / "config" / "defaults.toml"


def test_defaults_file_matches_code_defaults(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    documented = tomllib.loads(DEFAULTS.read_text())
    actual = Settings().model_dump()
    assert documented, "config/defaults.toml is empty"
    for key, value in documented.items():
        assert actual[key] == value, key
    undocumented = set(actual) - set(documented) - {"database_url", "smtp_user",
                                                     "smtp_password", "secret_key",
                                                     "extract_processes"}
    assert not undocumented


def test_environment_and_config_file_override_defaults(monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policywatch.toml").write_text('wayback_url = "http://127.0.0.1:9"\nper_host = 5\n')
    monkeypatch.setenv("POLICYWATCH_PER_HOST", "7")
    settings = Settings()
    assert settings.wayback_url == "http://127.0.0.1:9"
    assert settings.per_host == 7
    assert settings.cdx_per_second == 0.4
