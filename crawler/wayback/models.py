"""What the Wayback client returns: CDX rows, replayed captures, and timestamp helpers."""

from __future__ import annotations

import base64
import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone

from crawler.models import FetchResult

PUBLIC_WAYBACK = "https://web.archive.org"


def parse_timestamp(timestamp: str) -> datetime:
    """Read a CDX timestamp as a UTC datetime, repairing the archive's malformed ones.

    The CDX index holds timestamps shorter than 14 digits and fields out of range
    (month or day ``00``, day 31 in a 30-day month, hour 24, second 60...). Missing
    fields count as their first value and each field is clamped into its range, so
    "20190015" reads as 2019-01-15 and "2019" as 2019-01-01.

    Raises:
        ValueError: not 4 to 14 digits.
    """
    text = timestamp.strip()
    if not text.isdigit() or not 4 <= len(text) <= 14 or not text.isascii():
        raise ValueError(f"invalid Wayback timestamp {timestamp!r}: expected 4 to 14 digits")
    text = text.ljust(14, "0")
    year = max(int(text[0:4]), 1)
    month = min(max(int(text[4:6]), 1), 12)
    day = min(max(int(text[6:8]), 1), calendar.monthrange(year, month)[1])
    hour, minute, second = (min(int(text[i:i + 2]), limit)
                            for i, limit in ((8, 23), (10, 59), (12, 59)))
    return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)


def format_timestamp(moment: datetime) -> str:
    """The 14-digit CDX form of a datetime (naive values are taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y%m%d%H%M%S")


def public_snapshot_url(timestamp: str, original: str) -> str:
    """Link to the raw capture on the public Wayback Machine (whatever base URL was used)."""
    return f"{PUBLIC_WAYBACK}/web/{timestamp}id_/{original}"


def sha1_digest(body: bytes) -> str:
    """The CDX ``digest`` of a body: base32 (RFC 4648) of its SHA-1."""
    return base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


@dataclass(frozen=True)
class CdxRecord:
    """One cleaned CDX row. ``timestamp`` is kept as the archive wrote it (it addresses the
    capture); ``captured_at`` is its repaired UTC datetime. ``statuscode`` and ``length``
    are None where the index has ``-`` (revisit records)."""

    urlkey: str
    timestamp: str
    original: str
    mimetype: str
    statuscode: int | None
    digest: str
    length: int | None
    captured_at: datetime = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "captured_at", parse_timestamp(self.timestamp))

    @property
    def is_redirect(self) -> bool:
        """True for an archived 3xx answer (replay follows it to the target capture)."""
        return self.statuscode is not None and 300 <= self.statuscode < 400

    @property
    def is_revisit(self) -> bool:
        """True for a revisit record (same body as an earlier capture, status unknown)."""
        return self.statuscode is None or self.mimetype == "warc/revisit"

    @property
    def public_url(self) -> str:
        """Link to this capture on web.archive.org."""
        return public_snapshot_url(self.timestamp, self.original)


@dataclass(frozen=True)
class Memento:
    """A replayed capture: the raw archived body of ``record`` (or of where it led).

    ``final_url`` is the original URL of the capture the body comes from and
    ``captured_at`` its capture time; ``redirects`` lists the Wayback URLs left behind
    (archived redirects and nearest-capture hops), oldest first.
    """

    record: CdxRecord
    final_url: str
    captured_at: datetime
    status: int
    content_type: str
    body: bytes
    redirects: tuple[str, ...] = ()
    timestamp: str = ""

    @property
    def digest(self) -> str:
        """base32 SHA-1 of the decoded ``body`` (the record's digest may be of the wire bytes)."""
        return sha1_digest(self.body)

    @property
    def public_url(self) -> str:
        """Link to the capture the body comes from on web.archive.org."""
        return public_snapshot_url(self.timestamp or format_timestamp(self.captured_at),
                                   self.final_url)

    def to_fetch_result(self) -> FetchResult:
        """The capture as a FetchResult, so extraction treats it like a live fetch."""
        return FetchResult(requested_url=self.record.original, final_url=self.final_url,
                           status=self.status, content_type=self.content_type,
                           body=self.body, fetched_at=self.captured_at,
                           redirects=self.redirects)
