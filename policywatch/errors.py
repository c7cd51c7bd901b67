"""Errors of the app layer (bad input that is neither a crawler nor a storage problem)."""

from __future__ import annotations


class AppError(Exception):
    """A failure the CLI reports as one line with exit code 1."""


class UsageError(AppError):
    """Bad input from the user: reported as one line with exit code 2."""
