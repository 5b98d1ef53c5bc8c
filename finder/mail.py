"""Sending email honestly: a message is either handed to a mail server, or the caller learns it was not.

Invitations, replies to problem reports and the helpline's "email the caller the list" all send through
``send``. It never hands a message to a backend that delivers nothing (console, file, dummy): those would
print a caller's address or an invitation link into the server log while the page said "Sent".
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)

# Backends that keep or print a message instead of delivering it. (The test suite's locmem backend stands
# in for a real server: tests read what it "sent" from mail.outbox.)
UNDELIVERED_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


class NotSent(Exception):
    """The message was not handed to a mail server; ``str(error)`` says why, in words for a page."""


class NotSetUp(NotSent):
    """EMAIL_BACKEND delivers nothing: sending again will not help; pass the message on another way."""


class Refused(NotSent):
    """The mail server could not be reached or refused the message: trying again later may work."""


def can_send() -> bool:
    return settings.EMAIL_BACKEND not in UNDELIVERED_BACKENDS


def send(subject: str, body: str, to: str) -> None:
    """Send one message to ``to`` from DEFAULT_FROM_EMAIL, or raise NotSent."""
    if not can_send():
        raise NotSetUp("email is not set up on this server")
    try:
        send_mail(subject, body, None, [to])
    except (smtplib.SMTPException, OSError) as error:
        # The error's text can name the recipient: log only its kind, so no address is written down.
        logger.warning("Could not send an email (%s)", type(error).__name__)
        raise Refused("the mail server could not be reached or refused it") from error
