"""Which services a page of /api/hsds/services holds, without reading the facilities of the pages before it.

HSDS services are one per level of care a facility offers (one general service when it offers none), so a page
of services is not a page of facilities. The levels are bits of ``Facility.search_flags``: one pass over the
(pk, search_flags) pairs of the facilities that match gives each facility's services and a running total, and a
page is then found by bisection. For the unfiltered listing (a 211 paging through everything) that pass is
made once per process and search version (``SearchVersion``: every write that changes a listing bumps it), so
page 200 costs what page 1 costs. The ids of services and organizations are uuid5 digests that cannot be read
backwards; the map from id to facility is made the same way, once per version, when a single object is asked for.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import router
from django.db.models import F
from django.db.models.lookups import GreaterThan

from centers import search_flags
from centers.models import Facility, SearchVersion
from centers.vocabulary import LevelOfCare
from opendata import ids

GENERAL = ids.GENERAL_SERVICE
LEVEL_BITS = [(level.value, search_flags.BITS["level", level.value]) for level in LevelOfCare]
LEVEL_MASK = sum(bit for _, bit in LEVEL_BITS)


def service_levels(flags: int) -> list[str]:
    """The service keys of a facility with these search bits, in published order: its levels, else "general".

    The same list for the same levels (at most 512 of them): callers must not change it.
    """
    return _levels(flags & LEVEL_MASK)


@cache
def _levels(level_flags: int) -> list[str]:
    return [level for level, bit in LEVEL_BITS if level_flags & bit] or [GENERAL]


@dataclass(frozen=True)
class PagePart:
    """The services of one facility that fall on a page: ``levels`` of facility ``pk``."""

    pk: int
    levels: list[str]


class ServiceIndex:
    """Facilities in a fixed order, the services of each that match, and the running total of those services."""

    def __init__(self, rows: Iterable[tuple[int, list[str]]]):
        self.pks: list[int] = []
        self.levels: list[list[str]] = []
        self.ends: list[int] = []
        total = 0
        for pk, levels in rows:
            if levels:
                total += len(levels)
                self.pks.append(pk)
                self.levels.append(levels)
                self.ends.append(total)
        self.total = total

    def page(self, number: int, size: int) -> list[PagePart]:
        """The services on page ``number`` (from 1) of ``size``, facility by facility, in order."""
        start = (number - 1) * size
        stop = start + size
        parts = []
        position = bisect_right(self.ends, start)
        while position < len(self.pks):
            begin = self.ends[position - 1] if position else 0
            if begin >= stop:
                break
            parts.append(PagePart(self.pks[position], self.levels[position][max(start - begin, 0) : stop - begin]))
            position += 1
        return parts

    def all(self) -> list[PagePart]:
        return [PagePart(pk, levels) for pk, levels in zip(self.pks, self.levels, strict=True)]


class IdMap:
    """Published ids of organizations, services and service_at_locations, to the facility (and level).

    uuid5 digests cost about 10 microseconds each here, 60,000 of them for the national file: a new map reuses
    the ids of every facility whose open data id and levels are unchanged since the ``previous`` map.
    """

    def __init__(self, rows: Iterable[tuple[int, object, int]], previous: IdMap | None = None):
        held = previous.facilities if previous is not None else {}
        self.facilities: dict[int, tuple[str, list[str], str, list[tuple[str, str]]]] = {}
        for pk, location_id, flags in rows:
            location_id, levels = str(location_id), service_levels(flags)
            entry = held.get(pk)
            if entry is None or entry[0] != location_id or entry[1] != levels:
                services = [ids.service(location_id, level) for level in levels]
                entry = (location_id, levels, ids.organization(location_id), services)
            self.facilities[pk] = entry
        self.organizations: dict[str, int] = {}
        self.services: dict[str, tuple[int, str]] = {}
        for pk, (_, levels, organization_id, services) in self.facilities.items():
            self.organizations[organization_id] = pk
            for level, service_id in zip(levels, services, strict=True):
                self.services[service_id] = (pk, level)
        self._links: dict[str, tuple[int, str]] | None = None

    @property
    def links(self) -> dict[str, tuple[int, str]]:
        """service_at_location ids, made on first use: each is a digest of its service's id."""
        if self._links is None:
            self._links = {ids.service_at_location(service_id): key for service_id, key in self.services.items()}
        return self._links


def with_search_flags(bits: int):
    """The condition of FacilityQuerySet.with_search_flags, to combine with others in one Q."""
    return GreaterThan(F("search_flags").bitand(bits), 0)


def published(using: str | None = None):
    """The facilities HSDS publishes: listed and not closed, as search shows them."""
    return Facility.objects.db_manager(using or router.db_for_read(Facility)).listed()


class PerVersion:
    """One value per database and search version, made on first use (off when FINDER_HSDS_CACHE_PER_VERSION is off)."""

    def __init__(self, make):
        self.make = make  # make(using, the value for an earlier version or None)
        self.lock = threading.Lock()
        self.values: dict[str, tuple[int, object]] = {}

    def get(self, using: str | None = None):
        using = using or router.db_for_read(Facility)
        if not getattr(settings, "FINDER_HSDS_CACHE_PER_VERSION", True):
            return self.make(using, None)
        # The version is read from the database the facilities are read from, as the search cache does.
        token = SearchVersion.objects.current(using=using)
        held = self.values.get(using)
        if token is not None and held is not None and held[0] == token:
            return held[1]
        value = self.make(using, held[1] if held is not None else None)
        if token is not None:
            with self.lock:
                self.values[using] = (token, value)
        return value


def _every_service(using: str, previous) -> ServiceIndex:
    rows = published(using).order_by("pk").values_list("pk", "search_flags").iterator(chunk_size=5000)
    return ServiceIndex((pk, service_levels(flags)) for pk, flags in rows)


def _id_map(using: str, previous: IdMap | None) -> IdMap:
    rows = published(using).values_list("pk", "uuid", "search_flags").iterator(chunk_size=5000)
    return IdMap(rows, previous)


EVERY_SERVICE = PerVersion(_every_service)
ID_MAP = PerVersion(_id_map)


def every_service(using: str | None = None) -> ServiceIndex:
    return EVERY_SERVICE.get(using)


def id_map(using: str | None = None) -> IdMap:
    return ID_MAP.get(using)
