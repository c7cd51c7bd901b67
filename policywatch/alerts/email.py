"""E-mail alerts over SMTP (plain, STARTTLS or SSL), with an HTML and a plain-text part."""

from __future__ import annotations

import asyncio
import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from policywatch.alerts.errors import DeliveryFailed
from policywatch.alerts.messages import Message
from policywatch.alerts.targets import email_address
from policywatch.settings import Settings


def build_email(message: Message, *, to: str, sender: str, delivery_id: str) -> EmailMessage:
    """The MIME message: text/plain first, text/html as the preferred alternative.

    The Message-ID is derived from the delivery id, so should a send ever be repeated the
    receiving side sees the same message (many mail systems drop such duplicates).
    """
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(usegmt=True)
    digest = hashlib.sha256(delivery_id.encode("utf-8")).hexdigest()[:32]
    mail["Message-ID"] = f"<{digest}@policywatch>"
    mail["X-Policywatch-Delivery"] = delivery_id
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return mail


class EmailChannel:
    """Sends through the SMTP server named in the settings."""

    name = "email"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    async def send(self, target: str, message: Message, *, secret: str | None,
                   delivery_id: str) -> None:
        mail = build_email(message, to=email_address(target), sender=self.settings.smtp_from,
                           delivery_id=delivery_id)
        await asyncio.to_thread(self._send, mail)

    def _tls(self) -> ssl.SSLContext:
        """Certificate and host name checked, against the system CAs or ``smtp_ca_file``."""
        return ssl.create_default_context(cafile=self.settings.smtp_ca_file or None)

    def _send(self, mail: EmailMessage) -> None:
        s = self.settings
        try:
            if s.smtp_security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port,
                                                      timeout=s.smtp_timeout,
                                                      context=self._tls())
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            with smtp:
                if s.smtp_security == "starttls":
                    smtp.starttls(context=self._tls())
                if s.smtp_user:
                    smtp.login(s.smtp_user, s.smtp_password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise DeliveryFailed(f"SMTP server refused {', '.join(exc.recipients)}: {codes}",
                                 channel=self.name,
                                 retryable=not all(c >= 500 for c in codes)) from exc
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
            # 5xx replies are permanent (RFC 5321 4.2.1), except a refused login, which
            # a corrected configuration fixes, so it is retried.
            permanent = exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError)
            raise DeliveryFailed(f"SMTP {s.smtp_host}:{s.smtp_port} answered {exc.smtp_code} {text}",
                                 channel=self.name, retryable=not permanent) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"SMTP {s.smtp_host}:{s.smtp_port}: {exc or type(exc).__name__}",
                                 channel=self.name, retryable=True) from exc
