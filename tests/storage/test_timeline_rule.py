"""The version rule holds whatever order captures are recorded in: a live fetch appended at
the end (the short path) and an archived capture landing in the middle (a rebuild) end
with the versions a rebuild from scratch would make."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import Archive, Capture, ErrorKind, Extraction

T0 = datetime(2024, 1, 1, tzinfo=UTC)
COUNTER = itertools.count()

# (day, source, text): a text name, or None for a capture that is not the policy.
captures = st.lists(st.tuples(st.integers(0, 12), st.sampled_from(["live", "wayback"]),
                              st.sampled_from(["a", "b", "c", None])),
                    min_size=1, max_size=10)


def capture(day: int, source: str, n: int) -> Capture:
    at = T0 + timedelta(days=day, seconds=n)     # n: distinct times within a day
    url = "https://example.com/privacy"
    return Capture(source=source, captured_at=at, fetched_at=at, requested_url=url,
                   final_url=url, status=200, content_type="text/html",
                   archive_timestamp=at.strftime("%Y%m%d%H%M%S") if source == "wayback" else None)


def extraction(name: str | None) -> Extraction:
    if name is None:
        return Extraction.rejected(ErrorKind.BOT_WALL, "a bot wall", extractor_version="t")
    return Extraction(text=f"# Privacy\n\nText {name}.\n", extractor_version="t",
                      language="en", words=3)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=captures)
def test_versions_are_the_runs_of_distinct_texts_in_capture_order(archive: Archive,
                                                                  sequence) -> None:
    policy = archive.add_policy(name="P", url=f"https://example.com/p{next(COUNTER)}",
                                domain="example.com")
    stored = []
    for n, (day, source, name) in enumerate(sequence):
        cap = capture(day, source, n)
        body = f"<p>{name} {n}</p>".encode()    # distinct bodies: every capture is stored
        archive.record_fetch(policy.id, cap, body, extraction(name), started_at=cap.fetched_at)
        stored.append((cap.captured_at, n, name))
    expected, last = [], object()
    for at, _, name in sorted(stored):
        if name is not None and name != last:
            expected.append((at, f"# Privacy\n\nText {name}.\n"))
            last = name
    versions = archive.versions(policy.id)
    assert [(v.captured_at, v.text) for v in versions] == expected
    assert [v.number for v in versions] == list(range(1, len(expected) + 1))
    assert all(v.words == 3 for v in versions)
