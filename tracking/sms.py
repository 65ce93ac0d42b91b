"""Text messages (the one-time codes of phone ratings) through a pluggable backend.

`settings.SMS_BACKEND` names a class by its dotted path; it is made with no arguments and its
`send(number, text)` sends one message or raises. Two come with the product:
- `tracking.sms.ConsoleBackend` (the default, for the demo): sends nothing and logs the message,
  code included, at WARNING so the demo's console shows it;
- `tracking.sms.LocmemBackend` (tests): keeps each message in `tracking.sms.outbox`, like Django's
  `mail.outbox`.
A real provider is a class with the same method, written for the install (docs/public-voice.md).
"""

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class SmsBackend(Protocol):
    def send(self, number: str, text: str) -> None: ...


@dataclass(frozen=True)
class Message:
    number: str
    text: str


outbox: list[Message] = []  # LocmemBackend's sent messages, oldest first


class ConsoleBackend:
    """Sends nothing: the demo's console shows the code instead."""

    def send(self, number: str, text: str) -> None:
        log.warning("SMS (console backend, not sent) to %s: %s", number, text)


class LocmemBackend:
    """Keeps what it is asked to send, for the tests to read."""

    def send(self, number: str, text: str) -> None:
        outbox.append(Message(number, text))


def send_sms(number: str, text: str) -> None:
    """Sends through the configured backend; its errors reach the caller."""
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    backend.send(number, text)
