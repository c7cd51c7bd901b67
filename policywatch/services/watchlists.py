"""Watch lists: parse them for ``policywatch import``, write them for ``export-list``.

Three input formats, detected from the content:

- plain text: one policy URL or domain per line (blank lines and ``#`` comments skipped);
- CSV with a header naming at least ``url`` (optional ``name``, ``every``, ``select``,
  ``remove``, ``render``), the format ``export-list`` writes;
- an Open Terms Archive declaration (JSON): ``{"name": ..., "documents": {TYPE: {"fetch":
  URL, "select": ..., "remove": ..., "executeClientScripts": true}}}`` (rendered in a
  browser: ``render always``), a bare document declaration (``{"fetch": ...}``)
  or a JSON list of either.

Every entry is validated (URL normalisation, schedule syntax and the minimum interval,
CSS selectors, address literals the operator refuses) where it is read, so each bad line is
reported with its line number. Lines and CSV are read as a stream (``read_watch_list``):
a file of a million rows is never held in memory; an OTA declaration is one JSON document.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler import CrawlerError, normalize_url
from policywatch.errors import AppError, UsageError
from policywatch.scheduling.schedules import validate_schedule
from storage import NewPolicy, PolicyRecord, RenderMode

if TYPE_CHECKING:
    from crawler import AddressPolicy

CSV_FIELDS = ("url", "name", "every", "select", "remove", "render")


@dataclass(frozen=True)
class WatchEntry:
    """One policy to track, read from line ``line`` of a watch list."""

    line: int
    url: str
    name: str | None = None
    schedule: str | None = None
    select: str | None = None
    remove: str | None = None
    homepage: str | None = None         # the homepage its link was discovered on
    homepage_reason: str | None = None  # why that link was taken
    render: RenderMode = RenderMode.AUTO

    @property
    def domain(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def is_homepage(self) -> bool:
        """A bare domain or site root: its policy link has to be discovered first."""
        parts = urlsplit(self.url)
        return parts.path in ("", "/") and not parts.query

    def to_new_policy(self) -> NewPolicy:
        """The value ``Archive.import_policies`` takes."""
        return NewPolicy(url=self.url, domain=self.domain,
                         name=self.name or self.domain.removeprefix("www."),
                         schedule=self.schedule, select=self.select, remove=self.remove,
                         homepage=self.homepage, homepage_reason=self.homepage_reason,
                         render=self.render)

    def to_item(self) -> dict[str, Any]:
        """The dict ``Archive.add_policies`` takes."""
        return {"line": self.line, "url": self.url, "domain": self.domain,
                "name": self.name or self.domain.removeprefix("www."),
                "schedule": self.schedule, "select": self.select, "remove": self.remove,
                "homepage": self.homepage, "homepage_reason": self.homepage_reason,
                "render": self.render}


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

    def add(self, row: WatchEntry | Rejected) -> None:
        """File a parsed row under entries or rejected lines."""
        if isinstance(row, WatchEntry):
            self.entries.append(row)
        else:
            self.rejected.append(row)


class WatchListError(UsageError):
    """The file as a whole cannot be read as a watch list."""


@dataclass(frozen=True)
class Rules:
    """What every entry must satisfy beyond its syntax (from the settings)."""

    min_interval: str | None = None       # the min_interval setting
    addresses: AddressPolicy | None = None  # refuse address literals it does not allow


Row = WatchEntry | Rejected


@dataclass
class WatchStream:
    """A watch list being read: its format and its rows, read as they are consumed."""

    format: str
    rows: Iterator[Row]


def read_watch_list(lines: Iterable[str], rules: Rules = Rules()) -> WatchStream:
    """Detect the format from the first lines and read the rest lazily (module doc).

    ``lines`` keep their line endings (a text file or ``io.StringIO``), so quoted CSV
    fields may span lines.
    """
    source = iter(lines)
    head: list[str] = []
    first = ""
    for line in source:
        if not head:
            line = line.lstrip("\ufeff")
        head.append(line)
        if line.strip() and not line.lstrip().startswith("#"):
            first = line.strip()
            break
    rest = itertools.chain(head, source)
    if not first:
        return WatchStream("lines", iter(()))
    if first[0] in "[{":
        watch = parse_declarations("".join(rest).strip(), rules)
        return WatchStream(watch.format, iter([*watch.entries, *watch.rejected]))
    header = [h.strip().lower() for h in next(csv.reader([first]), [])]
    if "url" in header:
        return WatchStream("csv", _csv_rows(rest, rules))
    return WatchStream("lines", _line_rows(rest, rules))


def parse_watch_list(text: str, rules: Rules = Rules()) -> WatchList:
    """Detect the format of ``text`` and read it whole; see the module docstring."""
    watch = read_watch_list(io.StringIO(text), rules)
    out = WatchList(watch.format)
    for row in watch.rows:
        out.add(row)
    out.rejected.sort(key=lambda r: r.line)
    return out


def validate_selector(value: str | None, what: str = "selector") -> str | None:
    """A CSS selector (group) the extractor can run, or None; raises UsageError."""
    if value is None or not value.strip():
        return None
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector
    from lxml.etree import XPathError

    try:
        CSSSelector(value, translator="html")
    except (SelectorError, XPathError, ValueError) as exc:
        shown = value if len(value) <= 80 else value[:80] + "..."
        raise UsageError(f"invalid CSS {what} {shown!r}: {exc}") from None
    return value


def _entry(line: int, raw_url: str, *, name: str | None = None, every: str | None = None,
           select: str | None = None, remove: str | None = None, render: str | None = None,
           rules: Rules = Rules()) -> WatchEntry:
    """A validated entry; raises AppError or CrawlerError with a one-line reason."""
    from policywatch.services.policies import render_mode  # (it imports validate_selector)
    url = normalize_url(raw_url)
    if rules.addresses is not None:
        rules.addresses.check_url_blocking(url, resolve=False)
    schedule = validate_schedule(every, min_interval=rules.min_interval) if every else None
    return WatchEntry(line, url, name or None, schedule, validate_selector(select, "select"),
                      validate_selector(remove, "remove"),
                      render=render_mode(render) if render else RenderMode.AUTO)


def _row(line: int, text: str, build: Callable[[], WatchEntry], *, label: str = "") -> Row:
    try:
        return build()
    except (AppError, CrawlerError) as exc:
        reason = f"{label}: {exc}" if label else str(exc)
        return Rejected(line, text.strip()[:200], reason)


def _collect(out: WatchList, line: int, text: str, build: Callable[[], WatchEntry], *,
             label: str = "") -> None:
    row = _row(line, text, build, label=label)
    out.add(row)


def _line_of(text: str, value: str, default: int) -> int:
    """The line of ``text`` where the JSON string ``value`` first appears."""
    at = text.find(json.dumps(value)[1:-1])
    return text.count("\n", 0, at) + 1 if at >= 0 else default


def parse_lines(text: str, rules: Rules = Rules()) -> WatchList:
    """One URL or domain per line."""
    out = WatchList("lines")
    for row in _line_rows(io.StringIO(text), rules):
        out.add(row)
    return out


def _line_rows(lines: Iterable[str], rules: Rules) -> Iterator[Row]:
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if any(c.isspace() for c in line) or "," in line:
            yield Rejected(number, line[:200], "expected one URL or domain")
            continue
        yield _row(number, line, partial(_entry, number, line, rules=rules))


def parse_csv(text: str, rules: Rules = Rules()) -> WatchList:
    """CSV whose header names ``url`` and any of ``name,every,select,remove,render``."""
    out = WatchList("csv")
    for row in _csv_rows(io.StringIO(text), rules):
        out.add(row)
    return out


def _csv_rows(lines: Iterable[str], rules: Rules) -> Iterator[Row]:
    reader = csv.reader(lines)
    header: list[str] | None = None
    try:
        for row in reader:
            number = reader.line_num
            if not row or not any(c.strip() for c in row) or row[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [h.strip().lower() for h in row]
                unknown = [h for h in header if h not in CSV_FIELDS and h]
                if unknown:
                    raise WatchListError(f"line {number}: unknown CSV column(s) "
                                         f"{', '.join(unknown)}; expected {','.join(CSV_FIELDS)}")
                continue
            if len(row) > len(header):
                yield Rejected(number, ",".join(row)[:200],
                               f"{len(row)} fields but the header has {len(header)}")
                continue
            values = {k: v.strip() for k, v in zip(header, row, strict=False) if k}
            if not values.get("url"):
                yield Rejected(number, ",".join(row)[:200], "no url")
                continue
            yield _row(number, ",".join(row), partial(
                _entry, number, values["url"], name=values.get("name"),
                every=values.get("every"), select=values.get("select"),
                remove=values.get("remove"), render=values.get("render"), rules=rules))
    except csv.Error as exc:
        raise WatchListError(f"line {reader.line_num}: unreadable CSV: {exc}") from None


def _selector(value: Any, what: str) -> str | None:
    """An OTA selector (string or list of strings) as one CSS selector group."""
    if value is None:
        return None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise UsageError(f"{what}: only CSS selectors are supported (range selectors are not)")
    return ", ".join(i.strip() for i in items if i.strip()) or None


def parse_declarations(text: str, rules: Rules = Rules()) -> WatchList:
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
                # OTA's executeClientScripts: the page is built by scripts.
                return _entry(line, d["fetch"], name=name,
                              select=_selector(d.get("select"), "select"),
                              remove=_selector(d.get("remove"), "remove"),
                              render="always" if d.get("executeClientScripts") is True else None,
                              rules=rules)
            _collect(out, line, document["fetch"], build, label=label)
    return out


def export_csv(policies: Iterable[PolicyRecord]) -> str:
    """The watch list as CSV (``url,name,every,select,remove,render``), readable by
    ``import``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for p in policies:
        writer.writerow([p.url, p.name, p.schedule or "", p.select or "", p.remove or "",
                         p.render])
    return buffer.getvalue()
