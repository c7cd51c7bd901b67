"""Typed errors of alert delivery."""

from __future__ import annotations

from policywatch.errors import AppError, UsageError


class AlertError(AppError):
    """Base of every alert error."""


class InvalidTarget(UsageError, AlertError):
    """A subscription target that is neither mailto:, http(s):// nor a known Apprise URL."""

    def __init__(self, message: str, *, target: str) -> None:
        super().__init__(message)
        self.target = target


class DeliveryFailed(AlertError):
    """Sending one alert failed; ``retryable`` is False when trying again cannot help."""

    def __init__(self, message: str, *, channel: str, retryable: bool) -> None:
        super().__init__(message)
        self.channel = channel
        self.retryable = retryable
