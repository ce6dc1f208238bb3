"""Outbound gateways. The default writes to the log (console); a bureau plugs in its own gateway
(its 政务短信平台, its mail relay) with a dotted path in settings, no code change:

    XINFANG_SMS_BACKEND = "mybureau.gateways.SmsPlatform"
    XINFANG_MAIL_BACKEND = "mybureau.gateways.Relay"

A backend is a class with ``send(to: str, subject: str, text: str) -> None`` that raises on failure
(the caller records the error and retries later). It must not be slow to fail: the delivery task has
no request waiting on it, but a gateway that hangs holds a worker.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail as django_send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("xinfang.outbound")

DEFAULT_SMS_BACKEND = "xinfang.supervision.notifications.backends.ConsoleBackend"
DEFAULT_MAIL_BACKEND = "xinfang.supervision.notifications.backends.ConsoleBackend"


class Backend(Protocol):
    def send(self, to: str, subject: str, text: str) -> None: ...


class ConsoleBackend:
    """Writes the message to the log; what a demo or a test uses. Keeps the last messages for tests."""

    sent: list[tuple[str, str, str]] = []  # noqa: RUF012 - a shared record on purpose (tests read it)

    def send(self, to: str, subject: str, text: str) -> None:
        ConsoleBackend.sent.append((to, subject, text))
        del ConsoleBackend.sent[:-100]
        logger.info("outbound to=%s subject=%s text=%s", to, subject, text)


class DjangoMailBackend:
    """E-mail through Django's own mail settings (EMAIL_HOST, ...)."""

    def send(self, to: str, subject: str, text: str) -> None:
        django_send_mail(subject or "信访事项办理系统通知", text, None, [to], fail_silently=False)


def get_backend(channel: str) -> Backend:
    name = "XINFANG_SMS_BACKEND" if channel == "sms" else "XINFANG_MAIL_BACKEND"
    default = DEFAULT_SMS_BACKEND if channel == "sms" else DEFAULT_MAIL_BACKEND
    path = getattr(settings, name, default) or default
    backend: Backend = import_string(path)()
    return backend
