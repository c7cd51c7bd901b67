"""Typed errors of the storage layer."""

from __future__ import annotations


class StorageError(Exception):
    """Base of every error storage raises on purpose."""


class DatabaseUnavailable(StorageError):
    """The database cannot be reached or opened."""


class NotFound(StorageError):
    """A policy, version or other record does not exist."""


class Conflict(StorageError):
    """The write would duplicate a unique record (slug, URL, token)."""


class LeaseHeld(StorageError):
    """Another process holds the lease."""

    def __init__(self, message: str, *, holder: str) -> None:
        super().__init__(message)
        self.holder = holder
