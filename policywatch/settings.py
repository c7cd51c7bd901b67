"""Settings: code defaults (mirrored in config/defaults.toml), a TOML file, then POLICYWATCH_* env.

Built once at each entry point (CLI command, web app factory, test) and passed down.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from policywatch import __version__

if TYPE_CHECKING:
    from crawler.addresses import AddressPolicy
from policywatch.errors import UsageError
from policywatch.locations import check_database_url, config_file, default_database_url

# Constrained types: a zero or negative limit would hang or crash a check (a per-host
# semaphore of 0 never opens), so each says what it allows, and errors quote that.
Positive = Annotated[int, Field(ge=1)]
Count = Annotated[int, Field(ge=0)]          # retries: 0 means "try once"
Seconds = Annotated[float, Field(gt=0)]
NonNegativeSeconds = Annotated[float, Field(ge=0)]
Rate = Annotated[float, Field(gt=0)]         # requests per second
Fraction = Annotated[float, Field(ge=0, le=1)]
Port = Annotated[int, Field(ge=1, le=65535)]


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host")
    return value


def _networks(value: list[str]) -> list[str]:
    import ipaddress
    for item in value:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"{item!r} is not a network such as 10.0.0.0/8 or fd00::/8") from None
    return value


def _interval(value: str) -> str:
    from policywatch.intervals import FIXED, GRAMMAR, parse_interval
    try:
        parse_interval(value, units=FIXED)
    except UsageError:
        raise ValueError(f"must be {GRAMMAR} (s to w here)") from None
    return value


HttpUrl = Annotated[str, AfterValidator(_http_url)]
Networks = Annotated[list[str], AfterValidator(_networks)]
Interval = Annotated[str, AfterValidator(_interval)]
DatabaseUrl = Annotated[str, AfterValidator(check_database_url)]
NonBlank = Annotated[str, Field(min_length=1, pattern=r"\S")]


class Settings(BaseSettings):
    """Every tunable of policywatch; env vars are POLICYWATCH_<NAME> (upper case)."""

    model_config = SettingsConfigDict(env_prefix="POLICYWATCH_", extra="forbid")

    database_url: DatabaseUrl = Field(default_factory=default_database_url)

    # Live fetching
    user_agent: NonBlank = f"policywatch/{__version__} (+https://github.com/policywatch/policywatch; privacy-policy archive)"
    connect_timeout: Seconds = 10.0
    read_timeout: Seconds = 30.0
    max_redirects: Count = 10
    max_bytes: Positive = 10_000_000
    retries: Count = 3
    backoff: NonNegativeSeconds = 1.0
    max_backoff: NonNegativeSeconds = 60.0
    per_host: Positive = 2
    respect_robots: bool = True
    # Policy URLs, redirects, robots.txt, webhooks and Apprise targets come from users, so
    # they may reach only public addresses unless the operator allows more (docs/security.md).
    allow_private_addresses: bool = False
    allowed_networks: Networks = Field(default_factory=list)  # e.g. ["10.1.2.0/24"]

    # Rendering script-built pages in headless Chromium (policywatch[browser]; README)
    browser_path: str = ""  # Chromium's executable; empty: chromium on PATH (never downloaded)
    browser_concurrency: Positive = 2  # pages rendering at once (one renderer process each)
    render_timeout: Seconds = 30.0  # seconds a page has to load and settle
    render_settle: NonNegativeSeconds = 1.0  # seconds its text must stay unchanged
    render_refresh_days: NonNegativeSeconds = 1.0  # an unchanged shell is rendered again after this

    # Scheduling
    default_schedule: NonBlank = "1d"
    # The shortest schedule interval a live check may have: a user's "--every 1s" would
    # have the site fetched every second on their behalf.
    min_interval: Interval = "5m"
    concurrency: Positive = 16
    # Worker processes that extract new pages in a round of 20 checks or more; unset: one
    # per core beyond the checking process's; 0: extract in the checking process.
    extract_processes: Count | None = None
    jitter: Fraction = 0.1  # share of the interval (at most 1 h) a check may be moved by
    failure_threshold: Positive = 3
    scheduler_tick: Seconds = 5.0  # seconds between reads of the policy table by `run`
    lease_ttl: Seconds = 60.0  # seconds the `run` lease lasts unless renewed
    shutdown_grace: NonNegativeSeconds = 30.0  # seconds in-flight checks may finish after SIGTERM

    # Distributed mode (PostgreSQL + procrastinate workers)
    worker_concurrency: Positive = 8  # jobs one `policywatch worker` runs at a time
    worker_heartbeat: Seconds = 10.0  # seconds between a worker's heartbeats
    stalled_after: Seconds = 30.0  # seconds without heartbeat before a worker's jobs are retried

    # Wayback Machine
    wayback_url: HttpUrl = "https://web.archive.org"
    cdx_per_second: Rate = 0.4
    replay_per_second: Rate = 8.0
    wayback_retries: Count = 4
    wayback_backoff: NonNegativeSeconds = 2.0
    rate_limit_pause: NonNegativeSeconds = 60.0
    redirect_window_hours: Seconds = 24.0

    # Alerts
    smtp_host: NonBlank = "localhost"
    smtp_port: Port = 25
    smtp_security: Literal["none", "starttls", "ssl"] = "none"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_from: NonBlank = "policywatch@localhost"
    smtp_timeout: Seconds = 30.0
    smtp_ca_file: str = ""  # PEM CA bundle for a private relay; empty: the system CAs
    webhook_timeout: Seconds = 15.0
    alert_retries: Count = 8
    alert_backoff: NonNegativeSeconds = 30.0  # seconds before the first retry; doubles each time
    alert_max_backoff: NonNegativeSeconds = 3600.0

    # Web
    # Base of links in feeds, API answers and alerts. Unless set, `serve` uses its own
    # --host/--port (see for_server); other commands use this default.
    public_url: HttpUrl = "http://127.0.0.1:8000"
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
        if Path(config_file()).is_file():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file()))
        return tuple(sources)

    def address_policy(self) -> AddressPolicy:
        """The outbound address policy of requests that user input decides (crawler.addresses)."""
        from crawler.addresses import AddressPolicy
        return AddressPolicy.from_settings(allow_private=self.allow_private_addresses,
                                           allowed_networks=self.allowed_networks)

    def for_server(self, host: str, port: int) -> Settings:
        """These settings as ``serve --host/--port`` sees them: links point at that address
        unless ``public_url`` was set explicitly."""
        if "public_url" in self.model_fields_set:
            return self
        if host in ("0.0.0.0", "::", ""):
            host = "localhost"  # listening everywhere: no one address to name; set public_url
        shown = f"[{host}]" if ":" in host else host
        return self.model_copy(update={"public_url": f"http://{shown}:{port}"})


class SettingsError(UsageError):
    """A setting out of its allowed range, malformed, or unknown; the message is one line."""


def _allowed(name: str) -> str:
    """The allowed range of a setting, in words, from its constraints."""
    field = Settings.model_fields.get(name)
    if field is None:
        return "known settings are listed in config/defaults.toml"
    bounds = []
    for meta in field.metadata:
        for attr, op in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            value = getattr(meta, attr, None)
            if value is not None:
                bounds.append(f"{op} {value}")
    kinds: dict[object, str] = {int: "an integer", float: "a number", bool: "true or false"}
    kind = kinds.get(field.annotation, "")
    if kind and bounds:
        return f"{kind} {' and '.join(bounds)}"
    return kind or ""


def _source(name: str) -> str:
    env = f"POLICYWATCH_{name.upper()}"
    if env in os.environ:
        return f" (from ${env})"
    return ""


def load_settings(**overrides: Any) -> Settings:
    """Build the settings; a bad value raises SettingsError naming the setting and its range."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = ".".join(str(part) for part in error["loc"]) or "settings"
        if error["type"] == "extra_forbidden":
            raise SettingsError(f"unknown setting {name!r} in {config_file()}; "
                                f"{_allowed(name)}") from None
        allowed = _allowed(name)
        message = f"must be {allowed}" if allowed else error["msg"].removeprefix("Value error, ")
        raise SettingsError(f"invalid setting {name} = {error.get('input')!r}{_source(name)}: "
                            f"{message}") from None
