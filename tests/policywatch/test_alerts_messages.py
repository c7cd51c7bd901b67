"""What an alert says, and how each channel packages it (no network)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from diffing import diff_texts
from policywatch.alerts import (
    InvalidTarget,
    Message,
    broken_message,
    change_message,
    channel_for,
    recovered_message,
    retry_delay,
    sign,
    verify,
)
from policywatch.alerts.email import build_email
from policywatch.alerts.webhook import webhook_body
from policywatch.settings import Settings
from storage import CheckRecord, ErrorKind, Outcome, PolicyRecord, Source, VersionRecord

NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)

OLD = """# Privacy Policy

## Retention

We keep your messages for 30 days after you delete them.

## Sharing

We do not sell your data.

## Contact

Write to privacy@example.com.
"""

NEW = """# Privacy Policy

## Retention

We keep your messages for 90 days after you delete them.

## Sharing

We do not sell your data.

We share your contact list with our advertising partners <script>alert(1)</script>.

## Contact

Write to privacy@example.com.
"""


def _policy(name: str = "Chat & Co <b>") -> PolicyRecord:
    return PolicyRecord(id=7, slug="chat.example", name=name, url="https://chat.example/privacy",
                        domain="chat.example", added_at=NOW, active=True, schedule="1d",
                        select=None, remove=None, tags=(), last_check_at=NOW,
                        last_outcome="new-version", last_change_at=NOW,
                        consecutive_failures=0, broken_since=None)


def _version(number: int, text: str) -> VersionRecord:
    return VersionRecord(id=number + 100, number=number, policy_id=7, snapshot_id=number,
                         captured_at=NOW + timedelta(days=number), source="live", text=text,
                         text_sha256=f"{number:064d}", extractor_version="t", words=len(text.split()),
                         summary=None, url="https://chat.example/privacy", archive_timestamp=None,
                         size=len(text.encode("utf-8")))


@pytest.fixture
def message() -> Message:
    report = diff_texts(OLD, NEW)
    return change_message(_policy(), _version(4, NEW), _version(3, OLD), report,
                          public_url="https://pw.example.org/")


def test_change_message_says_what_changed_in_plain_words(message: Message) -> None:
    assert message.kind == "change"
    assert message.subject.startswith("[policywatch] Chat & Co <b> privacy policy changed: ")
    assert "1 clause modified, 1 added" in message.subject
    text = message.text
    assert "The Chat & Co <b> privacy policy changed (version 4, fetched 2025-03-05 09:30 UTC)." in text
    assert "30 days -> 90 days" in text
    assert "## Privacy Policy > Retention" in text and "## Privacy Policy > Sharing" in text
    assert "[-30-]" in text or "[-30 days-]" in text
    assert "+ added: We share your contact list" in text
    assert "Topics touched: " in text and "Third-party sharing and selling" in text
    assert "https://pw.example.org/policies/chat.example/diff?from=3&to=4" in text
    assert "30 days -> 90 days" in message.short and len(message.short) < len(text)


def test_change_message_html_escapes_policy_text(message: Message) -> None:
    html = message.html
    assert "<script" not in html.lower()  # policy text is escaped or stripped, never markup
    assert "<b>" not in html and "Chat &amp; Co &lt;b&gt;" in html
    assert "<strong>30 days -&gt; 90 days</strong>" in html
    assert "diff?from=3&amp;to=4" in html


def test_change_payload_carries_the_report_and_survives_the_outbox(message: Message) -> None:
    data = message.data
    assert data["event"] == "policy.changed"
    assert data["policy"] == {"slug": "chat.example", "name": "Chat & Co <b>",
                              "url": "https://chat.example/privacy", "domain": "chat.example"}
    assert data["version"]["number"] == 4 and data["previous"]["number"] == 3
    assert data["summary"]["modified"] == 1 and data["summary"]["added"] == 1
    assert data["numbers"][0]["old"] == "30 days" and data["numbers"][0]["new"] == "90 days"
    assert {c["kind"] for c in data["report"]["changes"]} == {"modified", "added"}
    import json

    assert Message.from_payload(json.loads(json.dumps(message.to_payload()))) == message


def test_broken_and_recovered_messages() -> None:
    check = CheckRecord(id=1, policy_id=7, started_at=NOW, finished_at=NOW, source=Source.LIVE,
                        outcome=Outcome.ERROR, error_kind=ErrorKind.HTTP_STATUS,
                        error_message="HTTP 503",
                        url="https://chat.example/privacy", snapshot_id=None, version_id=None)
    broken = broken_message(_policy("Chat"), check, since=NOW, failures=3,
                            public_url="https://pw.example.org")
    assert broken.subject == "[policywatch] Tracking broken: Chat"
    assert "the last 3 checks failed" in broken.text and "http-status: HTTP 503" in broken.text
    assert "the site answered with an error status" in broken.text  # in plain words
    assert broken.data["event"] == "policy.tracking_broken" and broken.data["consecutive_failures"] == 3
    recovered = recovered_message(_policy("Chat"), since=NOW, recovered_at=NOW + timedelta(hours=5),
                                  public_url="https://pw.example.org")
    assert recovered.subject == "[policywatch] Tracking recovered: Chat"
    assert "Broken from 2025-03-01 09:30 UTC to 2025-03-01 14:30 UTC" in recovered.text


def test_email_has_plain_and_html_parts_and_a_stable_message_id(message: Message) -> None:
    mail = build_email(message, to="dpo@example.org", sender="pw@example.org",
                       delivery_id="change:104:1")
    again = build_email(message, to="dpo@example.org", sender="pw@example.org",
                        delivery_id="change:104:1")
    assert mail["Message-ID"] == again["Message-ID"]
    assert mail.get_body(("plain",)).get_content() == message.text
    assert mail.get_body(("html",)).get_content() == message.html
    assert mail["Subject"] == message.subject


def test_webhook_signature(message: Message) -> None:
    body = webhook_body(message, delivery_id="change:104:2")
    signature = sign(body, "s3cret")
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert verify(body, "s3cret", signature)
    assert not verify(body, "other", signature)
    assert not verify(body + b" ", "s3cret", signature)
    assert not verify(body, "s3cret", None)


@pytest.mark.parametrize("target, channel", [
    ("mailto:dpo@example.org", "email"),
    ("https://hooks.example.org/policywatch", "webhook"),
    ("http://127.0.0.1:9000/hook", "webhook"),
    ("json://127.0.0.1:9000/hook", "apprise"),
    ("ntfy://ntfy.sh/my-topic", "apprise"),
    ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ", "apprise"),
])
def test_targets_pick_their_channel(target: str, channel: str) -> None:
    assert channel_for(target) == channel


@pytest.mark.parametrize("target", ["mailto:nobody", "mailto:Bob <b@x.org>", "https://",
                                    "nonsense://x", "just words"])
def test_unusable_targets_are_refused(target: str) -> None:
    with pytest.raises(InvalidTarget):
        channel_for(target)


def test_retry_delay_doubles_up_to_the_cap() -> None:
    settings = Settings(alert_backoff=30, alert_max_backoff=200)
    assert [retry_delay(settings, n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_a_policy_name_cannot_break_the_subject_line() -> None:
    message = recovered_message(_policy("Evil\r\nBcc: all@example.org"), since=NOW,
                                recovered_at=NOW, public_url="https://pw.example.org")
    assert "\n" not in message.subject and "\r" not in message.subject
    mail = build_email(message, to="dpo@example.org", sender="pw@example.org", delivery_id="x")
    assert mail["Bcc"] is None
