"""Watch lists: parse them for ``policywatch import``, write them for ``export-list``.

Three input formats, detected from the content:

- plain text: one policy URL or domain per line (blank lines and ``#`` comments skipped);
- CSV with a header naming at least ``url`` (optional ``name``, ``every``, ``select``,
  ``remove``), the format ``export-list`` writes;
- an Open Terms Archive declaration (JSON): ``{"name": ..., "documents": {TYPE: {"fetch":
  URL, "select": ..., "remove": ...}}}``, a bare document declaration (``{"fetch": ...}``)
  or a JSON list of either.

Every entry is validated (URL normalisation, schedule syntax) where it is read, so one bad
line is reported with its line number and never stops the rest.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from crawler import CrawlerError, normalize_url
from policywatch.errors import AppError, UsageError
from policywatch.schedules import validate_schedule
from storage import PolicyRecord

CSV_FIELDS = ("url", "name", "every", "select", "remove")


@dataclass(frozen=True)
class WatchEntry:
    """One policy to track, read from line ``line`` of a watch list."""

    line: int
    url: str
    name: str | None = None
    schedule: str | None = None
    select: str | None = None
    remove: str | None = None

    @property
    def domain(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def is_homepage(self) -> bool:
        """A bare domain or site root: its policy link has to be discovered first."""
        parts = urlsplit(self.url)
        return parts.path in ("", "/") and not parts.query

    def to_item(self) -> dict[str, Any]:
        """The dict ``Archive.add_policies`` takes."""
        return {"line": self.line, "url": self.url, "domain": self.domain,
                "name": self.name or self.domain.removeprefix("www."),
                "schedule": self.schedule, "select": self.select, "remove": self.remove}


@dataclass(frozen=True)
class Rejected:
    """A line that could not be imported, and why."""

    line: int
    text: str
    reason: str

    def describe(self) -> str:
        return f"line {self.line}: {self.reason}" + (f" ({self.text})" if self.text else "")


@dataclass
class WatchList:
    """What a file held: the format detected, usable entries and rejected lines."""

    format: str
    entries: list[WatchEntry] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


class WatchListError(UsageError):
    """The file as a whole cannot be read as a watch list."""


def parse_watch_list(text: str) -> WatchList:
    """Detect the format of ``text`` and read it; see the module docstring."""
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        return WatchList("lines")
    if stripped[0] in "[{":
        return parse_declarations(stripped)
    first = next((line for line in stripped.splitlines()
                  if line.strip() and not line.lstrip().startswith("#")), "")
    header = [h.strip().lower() for h in next(csv.reader([first]))]
    if "url" in header:
        return parse_csv(text.lstrip("\ufeff"))
    return parse_lines(text.lstrip("\ufeff"))


def _entry(line: int, raw_url: str, *, name: str | None = None, every: str | None = None,
           select: str | None = None, remove: str | None = None) -> WatchEntry:
    """A validated entry; raises AppError or CrawlerError with a one-line reason."""
    url = normalize_url(raw_url)
    schedule = validate_schedule(every) if every else None
    return WatchEntry(line, url, name or None, schedule, select or None, remove or None)


def _collect(out: WatchList, line: int, text: str, build: Callable[[], WatchEntry], *,
             label: str = "") -> None:
    try:
        out.entries.append(build())
    except (AppError, CrawlerError) as exc:
        reason = f"{label}: {exc}" if label else str(exc)
        out.rejected.append(Rejected(line, text.strip()[:200], reason))


def _line_of(text: str, value: str, default: int) -> int:
    """The line of ``text`` where the JSON string ``value`` first appears."""
    at = text.find(json.dumps(value)[1:-1])
    return text.count("\n", 0, at) + 1 if at >= 0 else default


def parse_lines(text: str) -> WatchList:
    """One URL or domain per line."""
    out = WatchList("lines")
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if any(c.isspace() for c in line) or "," in line:
            out.rejected.append(Rejected(number, line[:200], "expected one URL or domain"))
            continue
        _collect(out, number, line, partial(_entry, number, line))
    return out


def parse_csv(text: str) -> WatchList:
    """CSV whose header names ``url`` and any of ``name,every,select,remove``."""
    out = WatchList("csv")
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    for row in reader:
        number = reader.line_num
        if not row or not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [h.strip().lower() for h in row]
            unknown = [h for h in header if h not in CSV_FIELDS and h]
            if unknown:
                raise WatchListError(f"line {number}: unknown CSV column(s) {', '.join(unknown)}; "
                                     f"expected {','.join(CSV_FIELDS)}")
            continue
        if len(row) > len(header):
            out.rejected.append(Rejected(number, ",".join(row)[:200],
                                         f"{len(row)} fields but the header has {len(header)}"))
            continue
        values = {k: v.strip() for k, v in zip(header, row, strict=False) if k}
        if not values.get("url"):
            out.rejected.append(Rejected(number, ",".join(row)[:200], "no url"))
            continue
        _collect(out, number, ",".join(row), partial(
            _entry, number, values["url"], name=values.get("name"), every=values.get("every"),
            select=values.get("select"), remove=values.get("remove")))
    return out


def _selector(value: Any, what: str) -> str | None:
    """An OTA selector (string or list of strings) as one CSS selector group."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise UsageError(f"{what}: only CSS selectors are supported (range selectors are not)")
    return ", ".join(i.strip() for i in items if i.strip()) or None


def parse_declarations(text: str) -> WatchList:
    """An Open Terms Archive service declaration, a document declaration, or a list of them."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WatchListError(f"line {exc.lineno}: invalid JSON: {exc.msg}") from None
    out = WatchList("ota")
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items, 1):
        # Problems with a whole declaration are reported at its position in the list;
        # problems with a document at the line of its "fetch" URL.
        where = f"declaration {index}" if isinstance(data, list) else "declaration"
        if not isinstance(item, dict):
            out.rejected.append(Rejected(index, "", f"{where}: expected a JSON object"))
            continue
        documents: Iterable[tuple[str | None, Any]]
        if "documents" in item:
            if not isinstance(item["documents"], dict):
                out.rejected.append(Rejected(index, "", f"{where}: 'documents' must be an object"))
                continue
            documents = item["documents"].items()
        elif "fetch" in item:
            documents = [(None, item)]
        else:
            out.rejected.append(Rejected(index, "", f"{where}: no 'documents' or 'fetch'"))
            continue
        service = item.get("name") if isinstance(item.get("name"), str) else None
        for terms_type, document in documents:
            label = f"{where} {terms_type!r}" if terms_type else where
            if not isinstance(document, dict) or not isinstance(document.get("fetch"), str):
                out.rejected.append(Rejected(index, "", f"{label}: no 'fetch' URL"))
                continue
            name = service
            if service and terms_type and len(item.get("documents", {})) > 1:
                name = f"{service} {terms_type}"

            line = _line_of(text, document["fetch"], index)

            def build(d: dict[str, Any] = document, line: int = line,
                      name: str | None = name) -> WatchEntry:
                return _entry(line, d["fetch"], name=name,
                              select=_selector(d.get("select"), "select"),
                              remove=_selector(d.get("remove"), "remove"))
            _collect(out, line, document["fetch"], build, label=label)
    return out


def export_csv(policies: Iterable[PolicyRecord]) -> str:
    """The watch list as CSV (``url,name,every,select,remove``), readable by ``import``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for p in policies:
        writer.writerow([p.url, p.name, p.schedule or "", p.select or "", p.remove or ""])
    return buffer.getvalue()
