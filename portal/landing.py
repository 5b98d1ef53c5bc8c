"""Where each person lands after logging in: where their work is."""

from __future__ import annotations

from django.dispatch import Signal
from django.urls import reverse

# Apps built on the portal answer with their workspace's URL for ``user``, or None. The helpline
# answers for its workers (helpline/signals.py); the portal cannot import the helpline to ask it.
workplace_for = Signal()


def landing_url(user) -> str:
    """Stewards in the admin, helpline workers in their workspace, everyone else in the staff portal."""
    if user.is_staff:
        return reverse("admin:index")
    for _receiver, url in workplace_for.send(sender=None, user=user):
        if url:
            return url
    # Facility staff, and anyone not yet linked to anything (the portal says how to get an invitation).
    return reverse("portal:home")
