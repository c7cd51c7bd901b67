"""Errors raised by the diffing library: one base, typed subclasses carrying data."""

from __future__ import annotations


class DiffingError(Exception):
    """Base of every error the diffing library raises on bad input."""


class InvalidTextError(DiffingError, TypeError):
    """A policy text was not a ``str`` (bytes must be decoded by the caller)."""

    def __init__(self, side: str, got: type) -> None:
        self.side = side
        self.got = got
        super().__init__(f"{side} text must be str, got {got.__name__}")


class UnknownFormatError(DiffingError, ValueError):
    """``render`` was asked for a format that is not registered."""

    def __init__(self, fmt: str, known: tuple[str, ...]) -> None:
        self.fmt = fmt
        self.known = known
        super().__init__(f"unknown report format {fmt!r}; choose one of {', '.join(known)}")


class InconsistentReportError(DiffingError, ValueError):
    """``apply_changes`` got a clause list that the report was not computed from."""

    def __init__(self, index: int, reason: str) -> None:
        self.index = index
        self.reason = reason
        super().__init__(f"report does not fit the clause list at index {index}: {reason}")
