"""CLI commands, one module per group; each module has ``register(app)``."""

from __future__ import annotations

import importlib

import typer

MODULES = [
    "policies",
    "checks",
    "history",
    "database",
    "extracting",
    "diffs",
    "archiving",
    "run",
    "subscriptions",
    "serving",
    "bulk",
    "workers",
    "moving",
    "searching",
]


def register(app: typer.Typer) -> None:
    """Add every command module's commands to ``app``."""
    for name in MODULES:
        importlib.import_module(f"policywatch.cli.commands.{name}").register(app)
