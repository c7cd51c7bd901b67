"""The ``policywatch`` command line: the Typer app (``app.py``), its commands (``commands/``)
and what they share (``context.py``: settings and archive; ``output.py``: tables and JSON)."""

from policywatch.cli.app import main

__all__ = ["main"]
