"""Identical anonymous searches, served from Django's cache and never stale.

A cached page is keyed on the search's version (``SearchVersion``, in the database, given a new token after
every write that can change what a search shows: centers/signals.py and the bulk writers), the active language
and the search's own parameters, normalised. The version lives in the database, not in the cache, so every
process and every server sees a bump at once, whatever the cache: one local-memory cache per gunicorn worker
is as correct as a shared Redis. And it is read from the database the results are read from, so a replica that
has not yet replayed a write cannot fill the cache under the new version.

Time changes a page too: availability stops being current FINDER_AVAILABILITY_FRESH_HOURS after staff set it,
and a listing becomes "not verified recently". An entry never outlives the first such moment on its page.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
from datetime import datetime, timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import router
from django.db.models.signals import post_init
from django.dispatch import receiver
from django.http import HttpResponse, QueryDict
from django.utils import timezone, translation

from centers.filters import FacilityFilter
from centers.models import Availability, Facility, SearchVersion
from centers.search import search_found_nothing

logger = logging.getLogger(__name__)

MANY_VALUED_FIELDS = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)

# Set while a search page is being made for the cache: what the page showed that time will change.
_filling: contextvars.ContextVar[_Filling | None] = contextvars.ContextVar("search_cache_filling", default=None)


class _Filling:
    def __init__(self):
        self.expires_by: datetime | None = None
        self.found_nothing = False

    def expire_by(self, moment: datetime | None) -> None:
        if moment is not None and moment > timezone.now() and (self.expires_by is None or moment < self.expires_by):
            self.expires_by = moment


def cached_search(view):
    """Serve an anonymous GET of the public search from the cache; fill the cache on a miss."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        request.GET = normalised_query(request.GET, FacilityFilter)
        key = _key(request)
        entry = _cache_get(key)
        if entry is not None:
            status, headers, content, found_nothing = entry
            if found_nothing:
                # The gap in care is counted for every search that found nothing, served from the cache or not.
                filterset = FacilityFilter(request.GET, queryset=Facility.objects.none())
                if filterset.is_valid():
                    search_found_nothing.send(sender=None, filterset=filterset, surface="public")
            return HttpResponse(content, status=status, headers=headers)
        filling = _Filling()
        token = _filling.set(filling)
        try:
            response = view(request, *args, **kwargs)
        finally:
            _filling.reset(token)
        if _storable(request, response) and (seconds := _lifetime(request, filling)) > 0:
            headers = [(name, value) for name, value in response.headers.items() if name.lower() != "set-cookie"]
            _cache_set(key, (response.status_code, headers, response.content, filling.found_nothing), seconds)
        return response

    return cached_view


def normalised_query(query: QueryDict, filterset_class) -> QueryDict:
    """The search's parameters only, in one order: the same search asked two ways is one cache entry.

    Unknown parameters are dropped (a tracking tag makes no new entry); a one-value input keeps the value a form
    would read (the last); a many-value input keeps each value once, sorted. The page is then made from this query,
    so its links are the same whichever way the search was asked.
    """
    filters = filterset_class.base_filters
    normalised = QueryDict(mutable=True)
    for name in sorted(query.keys()):
        if name != "page" and name not in filters:
            continue
        values = query.getlist(name)
        many = name in filters and issubclass(filters[name].field_class, MANY_VALUED_FIELDS)
        normalised.setlist(name, sorted(set(values)) if many else values[-1:])
    normalised._mutable = False
    return normalised


def _cacheable(request) -> bool:
    return (
        settings.FINDER_SEARCH_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        # Someone with messages waiting would be shown a page without them, and they would wait for the next page.
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.user.is_authenticated
    )


def _key(request) -> str:
    # The version from the database the results come from (with a replica, the replica's).
    version = SearchVersion.objects.current(using=router.db_for_read(Facility))
    # The site's address too: no page shows it today, but one that did must not be served under another name.
    search = f"{request.scheme}://{request.get_host()}/?{request.GET.urlencode()}"
    return f"search:{version}:{translation.get_language()}:{hashlib.sha256(search.encode()).hexdigest()}"


def _lifetime(request, filling: _Filling) -> int:
    """Seconds to keep this page: the setting, cut short by the first moment something on it changes with time."""
    if "accepting" in request.GET or "sort" in request.GET:
        # Which places are listed, or their order, depends on availability anywhere in the area: the first
        # "accepting" answer to go out of date ends the entry (one probe of the (status, updated_at) index).
        first = Availability.objects.accepting().order_by("updated_at").values_list("updated_at", flat=True).first()
        filling.expire_by(first + timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS) if first else None)
    seconds = settings.FINDER_SEARCH_CACHE_SECONDS
    if filling.expires_by is not None:
        seconds = min(seconds, int((filling.expires_by - timezone.now()).total_seconds()))
    return seconds


def _storable(request, response) -> bool:
    """Only a page that is the same for every visitor: no cookie set, no session or CSRF token of this visitor."""
    session = getattr(request, "session", None)
    messages = getattr(request, "_messages", None)
    return (
        response.status_code in (200, 400)
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and getattr(request, "_csp_nonce", None) is None  # a CSP nonce is this response's own
        and not (session is not None and session.modified)
        and not (messages is not None and messages.used)
    )


# A dead cache must not take the search down: the page is made as if nothing were cached (/healthz reports it).


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # each backend raises its own errors (a Redis client's ConnectionError, ...)
        logger.warning("Search cache unavailable; searching without it", exc_info=True)
        return None


def _cache_set(key: str, entry, seconds: int) -> None:
    try:
        cache.set(key, entry, timeout=seconds)
    except Exception:
        logger.warning("Search cache unavailable; page not stored", exc_info=True)


@receiver(search_found_nothing)
def _note_found_nothing(sender, **kwargs):
    filling = _filling.get()
    if filling is not None:
        filling.found_nothing = True


@receiver(post_init, sender=Availability)
def _note_availability_shown(sender, instance, **kwargs):
    filling = _filling.get()
    if filling is not None and instance.__dict__.get("updated_at") is not None:
        filling.expire_by(instance.updated_at + timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS))


@receiver(post_init, sender=Facility)
def _note_verification_shown(sender, instance, **kwargs):
    filling = _filling.get()
    if filling is not None and instance.__dict__.get("last_verified_at") is not None:
        filling.expire_by(instance.last_verified_at + timedelta(days=settings.FINDER_VERIFICATION_STALE_DAYS))
