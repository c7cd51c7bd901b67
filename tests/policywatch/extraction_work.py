"""Extraction functions for worker-process tests: module-level, so a worker imports them.

``FLAGS`` (a folder named in the body) lets a test make a worker die once, then not.
"""

from __future__ import annotations

import os
from pathlib import Path

from policywatch.checking.extraction import extract_for_check
from storage import Extraction


def where(body: bytes, **rules: object) -> Extraction:
    """A text naming the process that extracted it."""
    return Extraction(text=f"# extracted by {os.getpid()}\n", extractor_version="test")


def dies_on_marker(body: bytes, **rules: object) -> Extraction:
    """Kill the worker on a body that says ``die always``, or ``die once FLAG`` the first
    time (FLAG: a file to create); else the real extraction."""
    text = body.decode()
    if "die always" in text:
        os._exit(3)
    if "die once " in text:
        flag = Path(text.split("die once ", 1)[1].split("<", 1)[0].strip())
        if not flag.exists():
            flag.touch()
            os._exit(3)
    return extract_for_check(body, **rules)  # type: ignore[arg-type]
