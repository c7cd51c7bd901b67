"""Change alerts lead with the headline clause, as lists and feeds do (issue 17)."""

from __future__ import annotations

from diffing import diff_texts
from policywatch.alerts.messages import change_message
from tests.policywatch.test_alerts_messages import _policy, _version

OLD = "# Privacy\n\n## Sharing\n\nWe do not sell your personal data to anyone.\n"
NEW = "# Privacy\n\n## Sharing\n\nWe may sell your personal data to anyone.\n"


def test_text_and_short_alerts_carry_the_headline_clause() -> None:
    message = change_message(_policy(), _version(2, NEW), _version(1, OLD), diff_texts(OLD, NEW),
                             public_url="https://pw.example.org/")
    assert "Headline: We ~~do not~~ **may** sell your personal data to anyone." in message.text
    assert message.short.splitlines()[1] == "We ~~do not~~ **may** sell your personal data to anyone."
