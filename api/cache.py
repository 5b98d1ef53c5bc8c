"""Identical searches through the JSON API, served from the shared cache (CACHES["default"]) and never stale.

The search page caches whole pages through a view decorator (centers/search_cache.py); the API keeps the same
promises its own way. The key holds the search version's token, so any write that can change a search makes every
earlier entry unreachable at once, on every server. An entry lives FINDER_SEARCH_CACHE_SECONDS at most, and never
past the first moment the clock alone changes what it shows (an age ticks, availability goes out of date, a listing
stops being recently verified: api/conditional.py); it keeps those moments, so its Last-Modified is the one it was
made with. A dead cache is skipped, as the page's is.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict

from centers.filters import FacilityFilter
from centers.models import SearchVersion
from centers.search_cache import normalised_query

logger = logging.getLogger(__name__)


def canonical_query(query: QueryDict) -> QueryDict:
    """The search's own parameters in one order (as the page's cache keys them), and the page size."""
    canonical = normalised_query(query, FacilityFilter).copy()
    if "per_page" in query:
        canonical.setlist("per_page", query.getlist("per_page")[-1:])
    return canonical


def key_for(request) -> str | None:
    """The cache key of this search, or None when the cache is off."""
    if settings.FINDER_SEARCH_CACHE_SECONDS <= 0:
        return None
    version = SearchVersion.objects.current()
    search = f"{request.build_absolute_uri('/')}?{canonical_query(request.query_params).urlencode()}"
    return f"api-search:{version}:{hashlib.sha256(search.encode()).hexdigest()}"


def lifetime(moments: list[datetime], now: datetime) -> int:
    """Whole seconds until the first of ``moments`` still to come, at most FINDER_SEARCH_CACHE_SECONDS."""
    seconds = settings.FINDER_SEARCH_CACHE_SECONDS
    for moment in moments:
        if moment > now:
            seconds = min(seconds, int((moment - now).total_seconds()))
    return seconds


def get(key: str | None):
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # each backend raises its own errors (a Redis client's ConnectionError, ...)
        logger.warning("API search cache unavailable; searching without it", exc_info=True)
        return None


def put(key: str | None, entry, moments: list[datetime], now: datetime) -> None:
    if key is None or (seconds := lifetime(moments, now)) <= 0:
        return
    try:
        cache.set(key, entry, timeout=seconds)
    except Exception:
        logger.warning("API search cache unavailable; search not stored", exc_info=True)
