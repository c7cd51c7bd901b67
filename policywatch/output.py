"""Printing helpers shared by commands: Rich tables on a TTY, plain JSON for scripts."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

from rich.console import Console

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """JSON on stdout, UTF-8, stable key order, no Rich markup."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def when(value: datetime | None) -> str:
    """A UTC timestamp for tables (``2024-05-01 13:45``)."""
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"
