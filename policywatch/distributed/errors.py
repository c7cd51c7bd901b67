"""Errors of the distributed mode."""

from __future__ import annotations

from policywatch.errors import AppError, UsageError


class NotPostgres(UsageError):
    """Distributed mode was asked for on a database that is not PostgreSQL."""


class QueueUnavailable(AppError):
    """The job queue (procrastinate on PostgreSQL) cannot be reached or set up."""
