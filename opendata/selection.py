"""Which published facilities, and which of their services, a request to /api/hsds/ selects.

A filter either narrows the facilities (in SQL: a facility's name, its organization, a place) or narrows the
services of each facility to some levels of care (a level's taxonomy term; a search for "detox" matches the
detox services of every facility, and every service of a facility whose name matches). ``services()`` returns
the services that remain as a ``ServiceIndex``; unfiltered, it is the one kept per search version.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from centers import search_flags
from opendata import service_index, term_filters
from opendata.api_params import Query
from opendata.service_index import ServiceIndex, id_map, published, service_levels, with_search_flags

# levels_for(pk, levels) -> the levels of that facility's services that match.
LevelFilter = Callable[[int, list[str]], list[str]]


@dataclass
class Selection:
    """Facility filters (SQL) and service filters (per facility, on its levels) for one request."""

    q: Q = field(default_factory=Q)
    level_filters: list[LevelFilter] = field(default_factory=list)
    nearest_first: bool = False

    @property
    def is_everything(self) -> bool:
        return not self.q and not self.level_filters and not self.nearest_first


def selection_for(query: Query) -> Selection:
    selection = Selection()
    if query.search:
        _search(selection, query.search)
    if query.organization_id is not None:
        pk = id_map().organizations.get(str(query.organization_id))
        selection.q &= Q(pk=pk) if pk is not None else Q(pk__in=[])
    if query.taxonomy_term_id is not None:
        term_filters.narrow_to_term(selection, str(query.taxonomy_term_id))
    if query.taxonomy_id is not None:
        term_filters.narrow_to_taxonomy(selection, str(query.taxonomy_id))
    if query.modified_after is not None:
        _modified_after(selection, query)
    if query.near is not None:
        selection.nearest_first = True
    elif query.postcode:
        selection.q &= Q(zip_code=query.postcode)
    return selection


def facilities(query: Query, selection: Selection):
    """The published facilities the facility filters select, in the listing's order."""
    queryset = published().filter(selection.q)
    if query.near is not None:
        return queryset.near(query.near, query.miles).order_by("distance_miles", "pk")
    return queryset.order_by("pk")


def services(query: Query) -> ServiceIndex:
    """Every service the request selects, in order (facility by facility, each one's levels in order)."""
    selection = selection_for(query)
    if selection.is_everything:
        return service_index.every_service()
    rows = facilities(query, selection).values_list("pk", "search_flags").iterator(chunk_size=5000)
    return ServiceIndex((pk, _levels(selection, pk, service_levels(flags))) for pk, flags in rows)


def _levels(selection: Selection, pk: int, levels: list[str]) -> list[str]:
    for level_filter in selection.level_filters:
        levels = level_filter(pk, levels)
    return levels


def _search(selection: Selection, words: str) -> None:
    """A facility whose name matches, with all its services; or the services whose name matches."""
    named = Q(name__icontains=words) | Q(name2__icontains=words)
    names = term_filters.SERVICE_NAMES.items()
    matching_levels = {level for level, name in names if words.casefold() in name.casefold()}
    if not matching_levels:
        selection.q &= named
        return
    named_pks: set[int] = set()

    def named_or_matching(pk: int, levels: list[str]) -> list[str]:
        return levels if pk in named_pks else [level for level in levels if level in matching_levels]

    # The named facilities are few next to those a level's word matches; read them once, here.
    named_pks.update(published().filter(named).values_list("pk", flat=True))
    selection.q &= named | Q(with_search_flags(search_flags.mask("level", matching_levels)))
    selection.level_filters.append(named_or_matching)


def _modified_after(selection: Selection, query: Query) -> None:
    # A service's last_modified is its facility's updated_at (records), so the same column answers.
    selection.q &= Q(updated_at__gte=query.modified_after)


def parse_uuid(text: str) -> str | None:
    """A path's id as the canonical lower-case UUID, or None: a malformed id is simply not found (404)."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None
