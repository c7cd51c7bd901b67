"""Run the ``policywatch`` console entry point in-process, as a user would from a shell."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from policywatch.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    """``cli("check", "--all")`` runs ``policywatch --db URL check --all``."""

    def __init__(self, db_url: str, capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.db_url = db_url
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str) -> Result:
        self.capsys.readouterr()
        self.monkeypatch.setattr(sys, "argv", ["policywatch", "--db", self.db_url, *args])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = self.capsys.readouterr()
        return Result(code, captured.out, captured.err)


def fast_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small timeouts and backoffs so failure paths run in well under a second; the fake
    sites and receivers listen on loopback, so private addresses are allowed explicitly."""
    monkeypatch.setenv("POLICYWATCH_ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("POLICYWATCH_BACKOFF", "0.01")
    monkeypatch.setenv("POLICYWATCH_MAX_BACKOFF", "0.2")
    monkeypatch.setenv("POLICYWATCH_READ_TIMEOUT", "1")
    monkeypatch.setenv("POLICYWATCH_CONNECT_TIMEOUT", "1")
