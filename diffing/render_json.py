"""JSON rendering of a report (schema in ``diffing.report``)."""

from __future__ import annotations

import json

from diffing.models import DiffReport


def render_json(report: DiffReport, *, color: bool = False) -> str:
    """The report as indented JSON (``color`` is accepted and ignored)."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n"
