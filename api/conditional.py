"""Last-Modified for every /api/ response: when what it shows last changed, by a write or by the clock alone.

A write: every write that can change a search bumps the search version (centers/models/search_version.py), which
keeps when (``changed_at``). The clock: availability stops being current FINDER_AVAILABILITY_FRESH_HOURS after
staff set it, a listing becomes "not verified recently", and an age in whole hours ticks every hour. A view that
knows the moments its response changes with time attaches them as ``response.clock_moments`` (api/views.py): its
own rows' moments, and those of rows it no longer shows because of the clock (a search for places accepting now
loses one when its availability goes out of date; a listing that becomes "not verified recently" moves after others
at the same distance, perhaps to another page). For any other view (the HSDS endpoints) the latest moment any
availability went out of date stands in.

HTTP dates count whole seconds, so a response whose latest moment is under a second old gets no Last-Modified
(the ETag still validates it): a change later in that same second would otherwise look unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, F, Max, Min, When, Window

from centers.models import Availability, AvailabilityStatus, SearchVersion

ONE_SECOND = timedelta(seconds=1)
ONE_HOUR = timedelta(hours=1)


def age_hours(moment: datetime, now: datetime) -> int:
    """Whole hours since ``moment`` (0 for a moment in the future)."""
    return max(0, int((now - moment) // ONE_HOUR))


def clock_moments(facilities: Iterable, now: datetime) -> list[datetime]:
    """When what these facilities show in the API changed, or will next change, by the passing of time alone.

    Past moments make Last-Modified; future ones end a cached response's life (api/cache.py). Reads
    ``availability`` (prefetch it).
    """
    fresh = timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS)
    stale = timedelta(days=settings.FINDER_VERIFICATION_STALE_DAYS)
    moments = []
    for facility in facilities:
        if facility.last_verified_at is not None:
            moments.append(facility.last_verified_at + stale)
        for availability in facility.availability.all():
            moments.append(availability.updated_at + fresh)  # no longer current
            ticked = availability.updated_at + age_hours(availability.updated_at, now) * ONE_HOUR
            moments += [ticked, ticked + ONE_HOUR]  # its age in whole hours: the last tick and the next
    return moments


def latest_availability_expiry(now: datetime, statuses=None) -> datetime | None:
    """The last moment before ``now`` that any availability (of these statuses) stopped being current.

    One probe of the (status, updated_at) index per status.
    """
    fresh = timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS)
    latest = None
    for status in statuses or AvailabilityStatus.values:
        set_at = (
            Availability.objects.filter(status=status, updated_at__lte=now - fresh)
            .order_by("-updated_at")
            .values_list("updated_at", flat=True)
            .first()
        )
        if set_at is not None and (latest is None or set_at + fresh > latest):
            latest = set_at + fresh
    return latest


def next_availability_expiry(now: datetime) -> datetime | None:
    """The next moment after ``now`` that an "accepting" answer goes out of date (one index probe)."""
    fresh = timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS)
    first = Availability.objects.accepting().order_by("updated_at").values_list("updated_at", flat=True).first()
    return None if first is None else first + fresh


def verification_windows(now: datetime) -> dict:
    """For a search's query: the last_verified_at of all its results (every page) that went stale last, and that goes
    stale next. Windows over the whole result set, so they ride on the page's own query (centers.search).
    """
    cutoff = now - timedelta(days=settings.FINDER_VERIFICATION_STALE_DAYS)
    return {
        "latest_went_stale": Window(Max(Case(When(last_verified_at__lte=cutoff, then=F("last_verified_at"))))),
        "next_goes_stale": Window(Min(Case(When(last_verified_at__gt=cutoff, then=F("last_verified_at"))))),
    }


def search_clock_moments(rows: list, query, now: datetime) -> list[datetime]:
    """``clock_moments`` of a page of search results, and of the results the clock took off it (see above)."""
    moments = clock_moments(rows, now)
    stale = timedelta(days=settings.FINDER_VERIFICATION_STALE_DAYS)
    for verified_at in (rows[0].latest_went_stale, rows[0].next_goes_stale) if rows else ():
        if verified_at is not None:
            moments.append(verified_at + stale)
    if query.get("accepting") or query.get("sort") == "availability":
        # Which places are listed, or their order, depends on every "accepting" answer in the area.
        moments.append(latest_availability_expiry(now, [AvailabilityStatus.ACCEPTING]))
        moments.append(next_availability_expiry(now))
    return [moment for moment in moments if moment is not None]


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
