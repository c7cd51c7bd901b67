"""Settings: code defaults (mirrored in config/defaults.toml), a TOML file, then POLICYWATCH_* env.

Built once at each entry point (CLI command, web app factory, test) and passed down.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from policywatch import __version__


def default_database_url() -> str:
    """``./policywatch.db`` when it exists here, else a file in the user data folder."""
    local = Path("policywatch.db")
    if local.exists():
        return f"sqlite:///{local.resolve()}"
    return f"sqlite:///{Path(user_data_dir('policywatch')) / 'policywatch.db'}"


class Settings(BaseSettings):
    """Every tunable of policywatch; env vars are POLICYWATCH_<NAME> (upper case)."""

    model_config = SettingsConfigDict(env_prefix="POLICYWATCH_", extra="ignore")

    database_url: str = Field(default_factory=default_database_url)

    # Live fetching
    user_agent: str = f"policywatch/{__version__} (+https://github.com/policywatch/policywatch; privacy-policy archive)"
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_redirects: int = 10
    max_bytes: int = 10_000_000
    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 60.0
    per_host: int = 2
    respect_robots: bool = True

    # Scheduling
    default_schedule: str = "1d"
    concurrency: int = 16
    jitter: float = 0.1  # share of the interval (at most 1 h) a check may be moved by
    failure_threshold: int = 3
    scheduler_tick: float = 5.0  # seconds between reads of the policy table by `run`
    lease_ttl: float = 60.0  # seconds the `run` lease lasts unless renewed
    shutdown_grace: float = 30.0  # seconds in-flight checks may finish after SIGTERM

    # Distributed mode (PostgreSQL + procrastinate workers)
    worker_concurrency: int = 8  # jobs one `policywatch worker` runs at a time
    worker_heartbeat: float = 10.0  # seconds between a worker's heartbeats
    stalled_after: float = 30.0  # seconds without heartbeat before a worker's jobs are retried

    # Wayback Machine
    wayback_url: str = "https://web.archive.org"
    cdx_per_second: float = 0.4
    replay_per_second: float = 8.0
    wayback_retries: int = 4
    wayback_backoff: float = 2.0
    rate_limit_pause: float = 60.0
    redirect_window_hours: float = 24.0

    # Alerts
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "policywatch@localhost"
    smtp_timeout: float = 30.0
    smtp_ca_file: str = ""  # PEM CA bundle for a private relay; empty: the system CAs
    webhook_timeout: float = 15.0
    alert_retries: int = 8
    alert_backoff: float = 30.0  # seconds before the first retry; doubles each time
    alert_max_backoff: float = 3600.0

    # Web
    public_url: str = "http://127.0.0.1:8000"
    public_read: bool = True
    secret_key: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("POLICYWATCH_CONFIG") or "policywatch.toml"
        if Path(config_file).is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)
