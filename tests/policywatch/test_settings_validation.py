"""Bad settings stop a command with one line naming the setting and what it allows (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from policywatch.settings import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("POLICYWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("name, value, allowed", [
    ("per_host", "0", "an integer >= 1"),
    ("concurrency", "0", "an integer >= 1"),
    ("concurrency", "-4", "an integer >= 1"),
    ("max_bytes", "0", "an integer >= 1"),
    ("retries", "-1", "an integer >= 0"),
    ("scheduler_tick", "0", "a number > 0"),
    ("connect_timeout", "-5", "a number > 0"),
    ("cdx_per_second", "0", "a number > 0"),
    ("jitter", "1.5", "a number >= 0 and <= 1"),
    ("smtp_port", "0", "an integer >= 1 and <= 65535"),
    ("smtp_port", "70000", "an integer >= 1 and <= 65535"),
    ("wayback_url", "web.archive.org", "http:// or https:// URL with a host"),
    ("public_url", "https://", "http:// or https:// URL with a host"),
    ("database_url", "policies.db", "database URL"),
])
def test_out_of_range_environment_values_name_the_setting_and_range(monkeypatch, name, value,
                                                                   allowed) -> None:
    monkeypatch.setenv(f"POLICYWATCH_{name.upper()}", value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"invalid setting {name} = {value!r} (from $POLICYWATCH_{name.upper()})")
    assert allowed in message


def test_config_file_unknown_key_and_bad_value(tmp_path: Path) -> None:
    (tmp_path / "policywatch.toml").write_text("per_hosts = 4\n")
    with pytest.raises(SettingsError, match=r"^unknown setting 'per_hosts' in policywatch.toml"):
        load_settings()
    (tmp_path / "policywatch.toml").write_text("lease_ttl = 0\n")
    with pytest.raises(SettingsError, match=r"^invalid setting lease_ttl = 0: must be a number > 0$"):
        load_settings()


def test_valid_edges_are_accepted(monkeypatch) -> None:
    monkeypatch.setenv("POLICYWATCH_RETRIES", "0")
    monkeypatch.setenv("POLICYWATCH_JITTER", "1")
    monkeypatch.setenv("POLICYWATCH_SMTP_PORT", "65535")
    settings = load_settings(database_url="sqlite:///x.db")
    assert (settings.retries, settings.jitter, settings.smtp_port) == (0, 1.0, 65535)


@pytest.mark.slow
@pytest.mark.parametrize("env", [{"POLICYWATCH_PER_HOST": "0"}, {"POLICYWATCH_CONCURRENCY": "0"}])
def test_cli_refuses_with_one_line_and_exit_2(tmp_path: Path, env: dict[str, str]) -> None:
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYWATCH_")}
    done = subprocess.run([sys.executable, "-m", "policywatch.cli", "check", "--all"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60,
                          env={**run_env, **env, "POLICYWATCH_DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    name = next(iter(env)).removeprefix("POLICYWATCH_").lower()
    assert line == f"policywatch: error: invalid setting {name} = '0' " \
                   f"(from ${next(iter(env))}): must be an integer >= 1"


def test_public_url_follows_serve_unless_set(monkeypatch) -> None:
    settings = Settings(database_url="sqlite:///x.db")
    assert settings.for_server("127.0.0.1", 8765).public_url == "http://127.0.0.1:8765"
    assert settings.for_server("::1", 9000).public_url == "http://[::1]:9000"
    assert settings.for_server("0.0.0.0", 80).public_url == "http://localhost:80"
    assert settings.public_url == "http://127.0.0.1:8000"        # other commands: the default
    monkeypatch.setenv("POLICYWATCH_PUBLIC_URL", "https://policies.example.org")
    explicit = Settings(database_url="sqlite:///x.db")
    assert explicit.for_server("127.0.0.1", 8765).public_url == "https://policies.example.org"
