"""E-mail delivery over a real SMTP server: plain, STARTTLS with login, SMTPS, failures."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from policywatch.alerts import DeliveryFailed, sample_message
from policywatch.alerts.email import EmailChannel
from policywatch.settings import Settings
from tests.fakes.receiver import MailServer, self_signed_tls


def _send(settings: Settings, to: str = "mailto:dpo@example.org") -> None:
    message = sample_message(public_url="https://pw.example.org")
    asyncio.run(EmailChannel(settings).send(to, message, secret=None, delivery_id="test:1:a"))


def _settings(server: MailServer, **changes: object) -> Settings:
    return Settings(smtp_host=server.host, smtp_port=server.port, smtp_timeout=5,
                    smtp_from="policywatch@example.org", **changes)


def test_plain_smtp() -> None:
    with MailServer() as server:
        _send(_settings(server))
        (mail,) = server.wait_for(1)
    assert mail["From"] == "policywatch@example.org" and mail["To"] == "dpo@example.org"
    assert mail.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in mail.iter_parts()] == ["text/plain", "text/html"]


def test_starttls_with_login(tmp_path: Path) -> None:
    tls, cert = self_signed_tls(tmp_path)
    with MailServer(tls=tls, login=("alerts", "pa55")) as server:
        _send(_settings(server, smtp_security="starttls", smtp_user="alerts",
                        smtp_password="pa55", smtp_ca_file=str(cert)))
        assert len(server.wait_for(1)) == 1 and server.logins == ["alerts"]
        # Without STARTTLS the server refuses to take the message (or the login).
        with pytest.raises(DeliveryFailed):
            _send(_settings(server, smtp_user="alerts", smtp_password="pa55"))
        # A certificate we do not trust is refused, and worth retrying once fixed.
        with pytest.raises(DeliveryFailed) as untrusted:
            _send(_settings(server, smtp_security="starttls", smtp_user="alerts",
                            smtp_password="pa55"))
        assert untrusted.value.retryable and "CERTIFICATE_VERIFY_FAILED" in str(untrusted.value)
        # A wrong password is reported with the server's answer and retried later.
        with pytest.raises(DeliveryFailed) as refused:
            _send(_settings(server, smtp_security="starttls", smtp_user="alerts",
                            smtp_password="wrong", smtp_ca_file=str(cert)))
        assert refused.value.retryable and "535" in str(refused.value)
        assert len(server.messages) == 1


def test_smtps(tmp_path: Path) -> None:
    tls, cert = self_signed_tls(tmp_path)
    with MailServer(tls=tls, implicit_tls=True) as server:
        _send(_settings(server, smtp_security="ssl", smtp_ca_file=str(cert)))
        assert len(server.wait_for(1)) == 1


def test_unreachable_server_is_a_retryable_failure() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(DeliveryFailed) as failed:
        _send(Settings(smtp_host="127.0.0.1", smtp_port=port, smtp_timeout=2))
    assert failed.value.retryable and f"127.0.0.1:{port}" in str(failed.value)
