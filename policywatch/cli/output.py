"""Printing helpers shared by commands: Rich tables on a TTY, plain JSON for scripts."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    console: Console
    err_console: Console


def __getattr__(name: str) -> Console:
    """``console`` and ``err_console``, made on first use: `list --json` and `show` print
    without Rich, whose import costs as much as the rest of their start (bench/startup.py)."""
    if name not in ("console", "err_console"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from rich.console import Console

    made = (Console(highlight=False, soft_wrap=True) if name == "console"
            else Console(stderr=True, highlight=False))
    globals()[name] = made
    return made


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, stable key order, no Rich markup."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def when(value: datetime | None) -> str:
    """A UTC timestamp for tables (``2024-05-01 13:45``)."""
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"
