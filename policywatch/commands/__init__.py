"""CLI commands, one module per group; each module has ``register(app)``."""

from __future__ import annotations

import importlib

import typer

MODULES = [
    "policies",
    "checking",
    "history",
    "database",
    "extracting",
    "diffs",
    "archiving",
    "scheduling",
    "alerting",
    "web",
    "bulk",
    "workers",
    "moving",
    "searching",
]


def register(app: typer.Typer) -> None:
    """Add every command module's commands to ``app``."""
    for name in MODULES:
        importlib.import_module(f"policywatch.commands.{name}").register(app)
