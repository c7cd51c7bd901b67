"""Where the settings file and the database are: stdlib only, so `list` and `show` can find
the database without building the full ``Settings`` (pydantic-settings costs more than
the rest of their start). ``Settings`` uses the same defaults and check."""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_ENV = "POLICYWATCH_DATABASE_URL"


def config_file() -> str:
    """The TOML file read for settings (it need not exist)."""
    return os.environ.get("POLICYWATCH_CONFIG") or "policywatch.toml"


def default_database_url() -> str:
    """``./policywatch.db`` when it exists here, else a file in the user data folder."""
    local = Path("policywatch.db")
    if local.exists():
        return f"sqlite:///{local.resolve()}"
    from platformdirs import user_data_dir

    return f"sqlite:///{Path(user_data_dir('policywatch')) / 'policywatch.db'}"


def check_database_url(value: str) -> str:
    """``value`` if it looks like a database URL, else ValueError (the settings' check)."""
    if "://" not in value or not value.split("://", 1)[0]:
        raise ValueError("must be a database URL such as sqlite:///policies.db or "
                         "postgresql+psycopg://user@host/db")
    return value


def database_url(override: str | None = None) -> str | None:
    """The database URL ``Settings`` would hold, in its order: ``override`` (``--db``),
    ``$POLICYWATCH_DATABASE_URL``, ``database_url`` in the TOML file, the default.

    None when that takes more than a glance (an unreadable TOML file, a malformed URL): the
    caller then builds ``Settings``, which says what is wrong.
    """
    # pydantic-settings matches environment names in any case
    value = override or next((v for k, v in os.environ.items() if k.upper() == DATABASE_ENV), None)
    if value is None and Path(config_file()).is_file():
        import tomllib

        try:
            with open(config_file(), "rb") as file:
                value = tomllib.load(file).get("database_url")
        except (OSError, tomllib.TOMLDecodeError):
            return None
    if value is None:
        return default_database_url()
    try:
        return check_database_url(value) if isinstance(value, str) else None
    except ValueError:
        return None
