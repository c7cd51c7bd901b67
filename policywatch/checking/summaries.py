"""Per-version change summaries (``+3 -1 ~4 >1``, topics) computed by the differ and cached."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from diffing import detect_language, diff_texts, summary_line
from storage import Archive, Transaction, VersionEvent, VersionHook

if TYPE_CHECKING:
    from diffing import Change, DiffReport

HEADLINE_CONTEXT = 12  # words kept either side of the edits: a line in a list, not the clause
KIND_WEIGHT = {"modified": 3, "added": 2, "removed": 2, "moved": 0}  # rewording tells most


def summarize(previous: str | None, text: str) -> dict[str, Any]:
    """The stored summary of a version against the one before it."""
    if previous is None:
        return {"first": True, "line": "first version", "headline": None}
    report = diff_texts(previous, text)
    data = report.to_dict()["summary"]
    summary = {
        "added": data["added"], "removed": data["removed"], "modified": data["modified"],
        "moved": data["moved"], "topics": data.get("topics", {}),
        "formatting_only": report.formatting_only, "line": summary_line(report),
        "headline": headline(report),
    }
    if report.language_changed:
        summary["language_changed"] = [report.old_language, report.new_language]
    return summary


def _clip_ops(ops: list[tuple[str, str]]) -> list[list[str]]:
    """Word ops with long unchanged runs cut to ``HEADLINE_CONTEXT`` words and an ellipsis."""
    k, last = HEADLINE_CONTEXT, len(ops) - 1
    out: list[list[str]] = []
    for i, (op, text) in enumerate(ops):
        words = text.split(" ")
        if op == "=" and i == 0 and len(words) > k:
            text = "… " + " ".join(words[-k:])
        elif op == "=" and i == last and len(words) > k:
            text = " ".join(words[:k]) + " …"
        elif op == "=" and len(words) > 2 * k:
            text = " ".join(words[:k]) + " … " + " ".join(words[-k:])
        out.append([op, text])
    return out


def _score(change: Change) -> tuple[int, int, int]:
    return (len(change.topics), KIND_WEIGHT.get(change.kind, 0) if not change.moved or change.words else 0,
            sum(len(t) for op, t in change.words if op != "=") or len(change.new or change.old or ""))


def headline(report: DiffReport) -> dict[str, Any] | None:
    """The change a list shows for a version: the most topical, reworded clause, as word ops
    (``=`` kept, ``-`` removed, ``+`` added) clipped to a line; None when nothing changed."""
    candidates = [c for c in report.changes if c.kind != "moved" or c.words]
    if not candidates:
        return None
    best = max(candidates, key=_score)  # max keeps the first of equals: document order
    if best.kind == "modified" and best.words:
        ops = list(best.words)
    elif best.kind == "removed":
        ops = [("-", best.old or "")]
    else:
        ops = [("+", best.new or best.old or "")]
    if len(ops) == 1:
        words = ops[0][1].split(" ")
        if len(words) > 3 * HEADLINE_CONTEXT:
            ops = [(ops[0][0], " ".join(words[:3 * HEADLINE_CONTEXT]) + " …")]
    return {"kind": best.kind, "section": list(best.section), "topics": list(best.topics),
            "ops": _clip_ops(ops), "more": len(report.changes) - 1}


def refresh_languages(archive: Archive, policy_id: int) -> int:
    """Detect the language of versions that have none stored (new rows, rows from before
    the column existed); ``und`` marks an undetermined one. Returns how many."""
    missing = archive.unlabelled_versions(policy_id)
    if missing:
        archive.set_languages({version_id: detect_language(text) or "und" for version_id, text in missing})
    return len(missing)


def refresh_summaries(archive: Archive, policy_id: int) -> int:
    """Compute summaries that are missing or outdated for a policy (and the languages of
    versions that have none); returns how many summaries."""
    refresh_languages(archive, policy_id)
    stale = archive.stale_summaries(policy_id)
    if not stale:
        return 0
    computed = {}
    for version_id, previous, text in stale:
        base = hashlib.sha256(previous.encode("utf-8")).hexdigest() if previous is not None else None
        computed[version_id] = (base, summarize(previous, text))
    archive.set_summaries(computed)
    return len(computed)


class FirstSummary:
    """A version hook that writes a policy's first version's summary (nothing to diff) in
    the transaction that records it, then runs ``then`` (the alert hooks); the ids it
    summarized go into ``done``."""

    def __init__(self, then: VersionHook | None, done: set[int]) -> None:
        self.then, self.done = then, done

    def __call__(self, tx: Transaction, event: VersionEvent) -> None:
        if event.previous is None:
            tx.set_summaries({event.version.id: (None, summarize(None, ""))})
            self.done.add(event.version.id)
        if self.then is not None:
            self.then(tx, event)


def refresh_headlines(archive: Archive, policy_id: int) -> int:
    """Recompute summaries stored before they carried a headline clause; returns how many.

    The cache's staleness rule (``storage.summaries``) knows texts, not summary fields, so
    lists call this when a row lacks its ``headline``: once per old archive.
    """
    refresh_summaries(archive, policy_id)
    listing = archive.versions(policy_id, with_text=False)
    old = [i for i, v in enumerate(listing) if i and v.summary is not None and "headline" not in v.summary]
    if not old:
        return 0
    full = archive.versions(policy_id)
    archive.set_summaries({full[i].id: (full[i - 1].text_sha256, summarize(full[i - 1].text, full[i].text))
                           for i in old})
    return len(old)


def warm_up() -> None:
    """Load the language model now, before any job runs.

    Loading it costs most of a second of CPU; the first check or backfill that needed it
    would otherwise hold the interpreter while other jobs of the process wait to send
    requests, and a deployment-wide rate limit booked for them would see them bunch.
    """
    from diffing import detect_language

    detect_language("This privacy policy explains which personal data we collect and why. " * 4)
