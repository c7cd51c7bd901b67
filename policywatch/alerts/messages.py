"""What an alert says: subject, plain text, HTML and a JSON payload, in plain words.

A change alert is built from the clause-level differ's report: how many clauses were
added / removed / modified / moved, the privacy topics touched, changed numbers
("30 days -> 90 days") and the changes grouped by section. Messages are rendered once,
when the alert is recorded, and stored in the outbox row, so a delivery after a restart
sends exactly what was decided at the time.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from diffing import DiffReport, render, summary_line, topic_label
from policywatch.headlines import headline_text
from policywatch.checking.summaries import headline
from storage import AlertKind, CheckRecord, Outcome, PolicyRecord, Source, VersionRecord

MAX_CHANGES = 40  # changes listed in the text part; the rest are counted
MAX_CLAUSE = 600  # characters of one clause in the text part


@dataclass(frozen=True)
class Message:
    """One rendered alert; ``short`` is the chat-sized text sent to Apprise targets."""

    kind: AlertKind
    subject: str
    text: str
    short: str
    html: str
    data: dict[str, Any]

    def __post_init__(self) -> None:
        # A subject is one header line whatever a policy's name contains.
        object.__setattr__(self, "subject", " ".join(self.subject.split()))

    def to_payload(self) -> dict[str, Any]:
        """The JSON-ready form stored in the outbox."""
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Message:
        return cls(AlertKind(payload["kind"]),
                   **{k: payload[k] for k in ("subject", "text", "short", "html", "data")})


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def diff_url(public_url: str, policy: PolicyRecord, version: VersionRecord) -> str:
    """Where a recipient reads the full diff in the web UI."""
    base = public_url.rstrip("/")
    return (f"{base}/policies/{quote(policy.slug)}/diff"
            f"?from={version.number - 1}&to={version.number}")


def counts_line(report: DiffReport) -> str:
    """``4 clauses modified, 3 added, 1 removed, 1 moved`` (only the non-zero ones)."""
    s = report.summary
    parts = [(s.modified, "modified"), (s.added, "added"), (s.removed, "removed"),
             (s.moved, "moved")]
    shown = [(n, word) for n, word in parts if n]
    if report.language_changed:  # our words stay English; diffing.language_name gives the names
        return summary_line(report)
    if not shown:
        return "no clause changed"
    (n, word), rest = shown[0], shown[1:]
    return ", ".join([f"{n} {'clause' if n == 1 else 'clauses'} {word}",
                      *(f"{m} {w}" for m, w in rest)])


def topics_touched(report: DiffReport) -> list[tuple[str, int]]:
    """(topic slug, number of changed clauses) most touched first."""
    return sorted(report.summary.topics.items(), key=lambda item: (-item[1], item[0]))


def changed_numbers(report: DiffReport) -> list[dict[str, Any]]:
    """Changed numbers and durations with where they changed, e.g. 30 days -> 90 days."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[str | None, str | None, tuple[str, ...]]] = set()
    for change in report.changes:
        for old, new in change.numbers:
            key = (old, new, change.section)
            if key in seen:
                continue
            seen.add(key)
            out.append({"old": old, "new": new, "section": list(change.section),
                        "topics": list(change.topics)})
    return out


def number_phrase(item: dict[str, Any]) -> str:
    """``30 days -> 90 days``, ``added 12 months``, ``removed 30 days``."""
    if item["old"] and item["new"]:
        return f"{item['old']} -> {item['new']}"
    return f"added {item['new']}" if item["new"] else f"removed {item['old']}"


def _words_inline(change: Any) -> str:
    """A modified clause in wdiff style: kept words, [-removed-] and {+added+}."""
    out = []
    for op, text in change.words:
        out.append(text if op == "=" else f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
    return "".join(out)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CLAUSE else text[:MAX_CLAUSE - 1].rstrip() + "…"


def _section_name(section: tuple[str, ...] | list[str]) -> str:
    return " > ".join(section) if section else "(top of the policy)"


def _change_lines(report: DiffReport) -> list[str]:
    lines: list[str] = []
    current: tuple[str, ...] | None = None
    for index, change in enumerate(report.changes):
        if index == MAX_CHANGES:
            lines.append(f"\n... and {len(report.changes) - MAX_CHANGES} more changes "
                         "(see the full diff).")
            break
        if change.section != current:
            current = change.section
            lines.append(f"\n## {_section_name(change.section)}")
        topics = f"  [{', '.join(change.topics)}]" if change.topics else ""
        if change.kind == "added":
            lines.append(f"  + added: {_clip(change.new or '')}{topics}")
        elif change.kind == "removed":
            lines.append(f"  - removed: {_clip(change.old or '')}{topics}")
        elif change.kind == "modified":
            body = _words_inline(change) if change.words else f"{change.old} -> {change.new}"
            moved = " (and moved)" if change.moved else ""
            lines.append(f"  ~ modified{moved}: {_clip(body)}{topics}")
        else:
            origin = (f" from {_section_name(change.old_section)}"
                      if change.old_section is not None and change.old_section != change.section
                      else "")
            lines.append(f"  > moved{origin}: {_clip(change.new or change.old or '')}{topics}")
    return lines


def _policy_data(policy: PolicyRecord) -> dict[str, Any]:
    return {"slug": policy.slug, "name": policy.name, "url": policy.url, "domain": policy.domain}


def _version_data(version: VersionRecord | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {"number": version.number, "captured_at": _iso(version.captured_at),
            "sha256": version.text_sha256, "url": version.url, "source": version.source,
            "words": version.words}


def change_message(policy: PolicyRecord, version: VersionRecord, previous: VersionRecord,
                   report: DiffReport, *, public_url: str) -> Message:
    """The alert for a substantive change of ``policy`` from ``previous`` to ``version``."""
    link = diff_url(public_url, policy, version)
    counts = counts_line(report)
    topics = topics_touched(report)
    numbers = changed_numbers(report)
    topic_names = ", ".join(slug for slug, _ in topics[:4])
    subject = f"[policywatch] {policy.name} privacy policy changed: {counts}" + (
        f" ({topic_names})" if topic_names else "")
    header = (f"The {policy.name} privacy policy changed (version {version.number}, "
              f"fetched {_when(version.captured_at)}).")

    # The clause lists show first (policywatch.checking.summaries.headline): most topical, reworded.
    head = headline_text({"headline": headline(report)})
    text_lines = [header, policy.url, "", counts[0].upper() + counts[1:] + "."]
    if head:
        text_lines.append(f"Headline: {head}")
    if topics:
        text_lines.append("Topics touched: " + "; ".join(
            f"{topic_label(slug)} ({n})" for slug, n in topics))
    if numbers:
        text_lines.append("Changed numbers:")
        text_lines += [f"  - {number_phrase(item)} (in {_section_name(item['section'])})"
                       for item in numbers]
    text_lines.append("\nChanges by section:")
    text_lines += _change_lines(report)
    text_lines += ["", f"Full diff: {link}", "",
                   "You get this because you subscribed with `policywatch alerts add`."]
    text = "\n".join(text_lines) + "\n"

    short_lines = [f"{policy.name} privacy policy changed: {counts}."]
    if head:
        short_lines.append(head)
    if topics:
        short_lines.append("Topics: " + ", ".join(topic_label(slug) for slug, _ in topics[:5]))
    if numbers:
        short_lines.append("Numbers: " + "; ".join(number_phrase(i) for i in numbers[:5]))
    short_lines.append(link)
    short = "\n".join(short_lines)

    esc = html.escape
    parts = [f"<h1 style=\"font-size:1.3em\">{esc(policy.name)} privacy policy changed</h1>",
             f"<p><a href=\"{esc(policy.url)}\" rel=\"noopener noreferrer\">{esc(policy.url)}</a>"
             f" &middot; version {version.number} &middot; fetched {esc(_when(version.captured_at))}</p>",
             f"<p><strong>{esc(counts[0].upper() + counts[1:])}.</strong></p>"]
    if topics:
        parts.append("<p>Topics touched: " + ", ".join(
            f"<span class=\"topic\">{esc(topic_label(slug))} ({n})</span>" for slug, n in topics)
            + "</p>")
    if numbers:
        parts.append("<p>Changed numbers:</p><ul>" + "".join(
            f"<li><strong>{esc(number_phrase(item))}</strong> in "
            f"{esc(_section_name(item['section']))}</li>" for item in numbers) + "</ul>")
    parts.append(render(report, "html"))
    parts.append(f"<p><a href=\"{esc(link)}\">See the full diff</a></p>")
    body_html = _html_page(subject, "\n".join(parts))

    data = {
        "event": "policy.changed",
        "policy": _policy_data(policy),
        "version": _version_data(version),
        "previous": _version_data(previous),
        "diff_url": link,
        "summary": {**report.summary.to_dict(), "line": counts},
        "numbers": numbers,
        "report": report.to_dict(),
    }
    return Message(AlertKind.CHANGE, subject, text, short, body_html, data)


def _failure_reason(check: CheckRecord | None) -> str:
    if check is None:
        return "no check recorded"
    if check.error_kind is None:
        return check.error_message or check.outcome
    # Plain words first, then the stored kind and message for whoever debugs it.
    detail = f"{check.error_kind}: {check.error_message}" if check.error_message else (
        str(check.error_kind))
    return f"{check.error_kind.explanation} ({detail})"


def broken_message(policy: PolicyRecord, check: CheckRecord | None, *, since: datetime,
                   failures: int, public_url: str) -> Message:
    """Tracking of ``policy`` stopped working (failures or not the policy any more)."""
    reason = _failure_reason(check)
    link = f"{public_url.rstrip('/')}/policies/{quote(policy.slug)}"
    subject = f"[policywatch] Tracking broken: {policy.name}"
    what = (f"the last {_plural(failures, 'check')} failed" if failures > 1
            else "the page fetched is not the privacy policy")
    text = (f"policywatch can no longer track the {policy.name} privacy policy: {what}.\n"
            f"{policy.url}\n\nLast error: {reason}\nBroken since: {_when(since)}\n\n"
            "You will get one more alert when tracking recovers; none for each further "
            f"failure.\n{link}\n")
    short = f"Tracking broken: {policy.name} ({what}). Last error: {reason}\n{link}"
    esc = html.escape
    body_html = _html_page(subject, (
        f"<h1 style=\"font-size:1.3em\">Tracking broken: {esc(policy.name)}</h1>"
        f"<p>policywatch can no longer track <a href=\"{esc(policy.url)}\" rel=\"noopener "
        f"noreferrer\">{esc(policy.url)}</a>: {esc(what)}.</p>"
        f"<p>Last error: <code>{esc(reason)}</code><br>Broken since: {esc(_when(since))}</p>"
        f"<p><a href=\"{esc(link)}\">Policy page</a></p>"))
    data = {"event": "policy.tracking_broken", "policy": _policy_data(policy),
            "since": _iso(since), "consecutive_failures": failures,
            "error_kind": check.error_kind if check else None,
            "error_message": check.error_message if check else None}
    return Message(AlertKind.BROKEN, subject, text, short, body_html, data)


def recovered_message(policy: PolicyRecord, *, since: datetime, recovered_at: datetime,
                      public_url: str) -> Message:
    """Tracking of ``policy`` works again."""
    link = f"{public_url.rstrip('/')}/policies/{quote(policy.slug)}"
    subject = f"[policywatch] Tracking recovered: {policy.name}"
    text = (f"policywatch tracks the {policy.name} privacy policy again.\n{policy.url}\n\n"
            f"Broken from {_when(since)} to {_when(recovered_at)}.\n{link}\n")
    short = f"Tracking recovered: {policy.name} (broken since {_when(since)}).\n{link}"
    esc = html.escape
    body_html = _html_page(subject, (
        f"<h1 style=\"font-size:1.3em\">Tracking recovered: {esc(policy.name)}</h1>"
        f"<p><a href=\"{esc(policy.url)}\" rel=\"noopener noreferrer\">{esc(policy.url)}</a> "
        f"is tracked again.</p><p>Broken from {esc(_when(since))} to "
        f"{esc(_when(recovered_at))}.</p>"))
    data = {"event": "policy.tracking_recovered", "policy": _policy_data(policy),
            "since": _iso(since), "recovered_at": _iso(recovered_at)}
    return Message(AlertKind.RECOVERED, subject, text, short, body_html, data)


# Mail clients drop external CSS; this small block colours the differ's fragment.
EMAIL_STYLE = ("<style>del,.pw-del{background:#ffe0e0;color:#8a1010}"
               "ins,.pw-ins{background:#ddf5dd;color:#0f5a0f;text-decoration:none}"
               ".pw-label{font-weight:bold}.pw-nav{display:none}"
               ".pw-topic{display:inline-block;margin-right:.6em;color:#555}"
               ".pw-topics{padding-left:0;list-style:none}</style>")


def moved_message(policy: PolicyRecord, *, old_url: str, new_url: str, how: str,
                  moved_at: datetime, public_url: str) -> Message:
    """``policy`` moved from ``old_url`` to ``new_url`` (``how``: the homepage link or
    redirect that showed it); it is tracked at the new URL from now on."""
    link = f"{public_url.rstrip('/')}/policies/{quote(policy.slug)}"
    subject = f"[policywatch] Policy moved: {policy.name}"
    text = (f"The {policy.name} privacy policy moved.\n\nOld URL: {old_url}\nNew URL: {new_url}\n"
            f"Found by: {how}\nMoved on: {_when(moved_at)}\n\n"
            "policywatch tracks the new URL from now on; the history stays one timeline.\n"
            f"{link}\n")
    short = f"Policy moved: {policy.name}: {old_url} -> {new_url} ({how})\n{link}"
    esc = html.escape
    body_html = _html_page(subject, (
        f"<h1 style=\"font-size:1.3em\">Policy moved: {esc(policy.name)}</h1>"
        f"<p>Old URL: <a href=\"{esc(old_url)}\" rel=\"noopener noreferrer\">{esc(old_url)}</a>"
        f"<br>New URL: <a href=\"{esc(new_url)}\" rel=\"noopener noreferrer\">{esc(new_url)}</a>"
        f"</p><p>Found by: {esc(how)}<br>Moved on: {esc(_when(moved_at))}</p>"
        f"<p>policywatch tracks the new URL from now on.</p>"
        f"<p><a href=\"{esc(link)}\">Policy page</a></p>"))
    data = {"event": "policy.moved", "policy": _policy_data(policy), "old_url": old_url,
            "new_url": new_url, "how": how, "moved_at": _iso(moved_at)}
    return Message(AlertKind.MOVED, subject, text, short, body_html, data)


def _html_page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title>{EMAIL_STYLE}</head>\n"
            "<body style=\"font-family:system-ui,sans-serif;max-width:48em;line-height:1.45\">\n"
            f"{body}\n</body></html>\n")


SAMPLE_OLD = """# Privacy Policy

## How long we keep your data

We keep your account data for 30 days after you close your account.

## Sharing

We do not sell your personal information.
"""

SAMPLE_NEW = """# Privacy Policy

## How long we keep your data

We keep your account data for 90 days after you close your account.

## Sharing

We do not sell your personal information.

We share your email address with advertising partners to show you relevant ads.
"""


def sample_message(*, public_url: str) -> Message:
    """A realistic change alert (from the real differ) for ``policywatch alerts test``."""
    from diffing import diff_texts

    now = datetime.now(UTC)
    policy = PolicyRecord(id=0, slug="example.com", name="Example (test alert)",
                          url="https://example.com/privacy", domain="example.com", added_at=now,
                          active=True, schedule=None, select=None, remove=None, tags=(),
                          last_check_at=now, last_outcome=Outcome.NEW_VERSION, last_change_at=now,
                          consecutive_failures=0, broken_since=None)

    def version(number: int, text: str) -> VersionRecord:
        return VersionRecord(id=0, number=number, policy_id=0, snapshot_id=0, captured_at=now,
                             source=Source.LIVE, text=text,
                             text_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                             extractor_version="sample", words=len(text.split()), summary=None,
                             url=policy.url, archive_timestamp=None,
                             size=len(text.encode("utf-8")))

    report = diff_texts(SAMPLE_OLD, SAMPLE_NEW)
    message = change_message(policy, version(2, SAMPLE_NEW), version(1, SAMPLE_OLD), report,
                             public_url=public_url)
    return Message(AlertKind.TEST,
                   "[policywatch test] " + message.subject.removeprefix("[policywatch] "),
                   "This is a test alert from `policywatch alerts test`.\n\n" + message.text,
                   "Test alert. " + message.short, message.html,
                   {**message.data, "event": "test", "test": True})
