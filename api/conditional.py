"""Last-Modified for every /api/ response: when what it shows last changed, by a write or by the clock alone.

A write: every write that can change a search bumps the search version (centers/models/search_version.py), which
keeps when (``changed_at``). The clock: availability stops being current FINDER_AVAILABILITY_FRESH_HOURS after
staff set it, a listing becomes "not verified recently", and an age in whole hours ticks every hour. A view that
knows the moments its own rows change with time attaches them as ``response.clock_moments`` (api/views.py); for
any other view (the HSDS endpoints) the latest moment any availability went out of date stands in.

HTTP dates count whole seconds, so a response whose latest moment is under a second old gets no Last-Modified
(the ETag still validates it): a change later in that same second would otherwise look unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings

from centers.models import Availability, AvailabilityStatus, SearchVersion

ONE_SECOND = timedelta(seconds=1)
ONE_HOUR = timedelta(hours=1)


def age_hours(moment: datetime, now: datetime) -> int:
    """Whole hours since ``moment`` (0 for a moment in the future)."""
    return max(0, int((now - moment) // ONE_HOUR))


def clock_moments(facilities: Iterable, now: datetime) -> list[datetime]:
    """When what these facilities show in the API changed, or will change, by the passing of time alone.

    Reads ``availability`` (prefetch it).
    """
    fresh = timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS)
    stale = timedelta(days=settings.FINDER_VERIFICATION_STALE_DAYS)
    moments = []
    for facility in facilities:
        if facility.last_verified_at is not None:
            moments.append(facility.last_verified_at + stale)
        for availability in facility.availability.all():
            moments.append(availability.updated_at + fresh)  # no longer current
            moments.append(availability.updated_at + age_hours(availability.updated_at, now) * ONE_HOUR)
    return moments


def latest_availability_expiry(now: datetime) -> datetime | None:
    """The last moment before ``now`` that any availability stopped being current (one index probe per status)."""
    fresh = timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS)
    latest = None
    for status in AvailabilityStatus.values:
        set_at = (
            Availability.objects.filter(status=status, updated_at__lte=now - fresh)
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first()
        )
        if set_at is not None and (latest is None or set_at + fresh > latest):
            latest = set_at + fresh
    return latest


def last_modified(response, now: datetime) -> datetime | None:
    """The Last-Modified of an /api/ response made from a request that started at ``now``; None to send none."""
    changed_at = SearchVersion.objects.changed_at()
    if changed_at is None:
        return None
    clock = getattr(response, "clock_moments", None)
    if clock is None:
        clock = [latest_availability_expiry(now)]
    moment = max([changed_at, *(m for m in clock if m is not None and m <= now)])
    return moment if moment <= now - ONE_SECOND else None
