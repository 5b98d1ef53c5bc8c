"""The HSDS 3.1 read API under /api/hsds/ (Open Referral's API reference, schema/openapi.json).

DRF views, so every /api/ URL's manners (throttling, CORS, conditional requests, compression) apply; they are
left out of Finder's own OpenAPI schema, since HSDS publishes its own. Thin: parameters are read in
``api_params``, what they select is decided in ``selection``, and the JSON is nested from the rows of
``records.tables_for`` in ``nesting``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.http import StreamingHttpResponse
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from opendata import ids, selection, taxonomy_lists
from opendata.api_params import Query, read_flag, read_query
from opendata.nesting import Tables
from opendata.records import FACILITY_FIELDS, tables_for
from opendata.service_index import PagePart, ServiceIndex, id_map, published

HSDS_VERSION = "3.1"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.1/schema/openapi.json"
# Finder publishes plain HSDS 3.1, no profile: the profile is the specification itself.
PROFILE_URL = "https://docs.openreferral.org/en/v3.1/"
NDJSON_CHUNK = 200  # facilities per tables_for call when streaming everything

LIST_PARAMETERS = ("search", "page", "per_page", "format")
SERVICE_PARAMETERS = (
    *LIST_PARAMETERS,
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimal",
    "full",
)
SERVICE_AT_LOCATION_PARAMETERS = (*SERVICE_PARAMETERS, "postcode", "proximity")
ORGANIZATION_PARAMETERS = (*LIST_PARAMETERS, "full_service", "full", "taxonomy_term_id", "taxonomy_id")
TAXONOMY_TERM_PARAMETERS = (*LIST_PARAMETERS, "taxonomy_id", "top_only", "parent_id")


class FirstRenderer(BaseContentNegotiation):
    """Always JSON: the HSDS API has one media type, and its ``format`` parameter means json or ndjson, not DRF's."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class HsdsView(APIView):
    # Not in Finder's own OpenAPI schema (/api/schema/): HSDS publishes its own description of these paths.
    schema = None
    authentication_classes: list = []  # public and read-only: no session, so no CSRF and no per-user state
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRenderer


class ApiRoot(HsdsView):
    def get(self, request):
        return Response({"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL})


class Unknown(HsdsView):
    def get(self, request):
        raise NotFound("The HSDS API has no such path; its paths are listed in its OpenAPI description.")


def envelope(total: int, query: Query, contents: list) -> dict:
    """HSDS's paging envelope around one page of ``contents``."""
    total_pages = -(-total // query.per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": query.page,
        "size": len(contents),
        "first_page": query.page == 1,
        "last_page": query.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def tables_of(pks) -> tuple[Tables, dict[int, str]]:
    """The HSDS rows of these facilities, and each one's location id."""
    pks = list(pks)
    facilities = list(published().filter(pk__in=pks).only(*FACILITY_FIELDS)) if pks else []
    return Tables(tables_for(facilities)), {facility.pk: str(facility.uuid) for facility in facilities}


def service_rows(parts: list[PagePart], tables: Tables, locations: dict[int, str]) -> Iterator[dict]:
    """The service rows of these page parts, in their order."""
    for part in parts:
        for level in part.levels:
            row = tables.one("service", ids.service(locations[part.pk], level))
            if row is not None:
                yield row


def stream_ndjson(index: ServiceIndex, render) -> StreamingHttpResponse:
    """Every selected service, one JSON object a line, a few hundred facilities at a time; no paging."""

    def lines():
        parts = index.all()
        for start in range(0, len(parts), NDJSON_CHUNK):
            chunk = parts[start : start + NDJSON_CHUNK]
            tables, locations = tables_of(part.pk for part in chunk)
            for row in service_rows(chunk, tables, locations):
                yield json.dumps(render(tables, row), separators=(",", ":")) + "\n"

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson")


class ServiceList(HsdsView):
    parameters = SERVICE_PARAMETERS

    def get(self, request):
        query = read_query(request.query_params, self.parameters)
        index = selection.services(query)
        if query.format == "ndjson":
            return stream_ndjson(index, lambda tables, row: self.render(query, tables, row))
        parts = index.page(query.page, query.per_page) if query.page <= index.total else []
        tables, locations = tables_of(part.pk for part in parts)
        contents = [self.render(query, tables, row) for row in service_rows(parts, tables, locations)]
        return Response(envelope(index.total, query, contents))

    def render(self, query: Query, tables: Tables, row: dict) -> dict:
        if query.minimal:
            return {name: row[name] for name in ("id", "name", "status", "last_modified") if row.get(name)}
        return tables.service_full(row) if query.full else tables.service_basic(row)


class ServiceAtLocationList(ServiceList):
    parameters = SERVICE_AT_LOCATION_PARAMETERS

    def render(self, query: Query, tables: Tables, row: dict) -> dict:
        link = tables.one("service_at_location", row["id"], column="service_id")
        return tables.service_at_location_full(link) if query.full else tables.service_at_location_basic(link)


def found(table: str, id: str, ids_to_pks) -> tuple[dict, Tables]:
    """The row with this id and the rows of its facility; a 404 for a malformed or unknown id."""
    canonical = selection.parse_uuid(id)
    key = ids_to_pks().get(canonical) if canonical is not None else None
    tables, _ = tables_of([key[0] if isinstance(key, tuple) else key] if key is not None else [])
    row = tables.one(table, canonical)
    if row is None:  # unknown, or unlisted a moment ago
        raise NotFound(f"No published {table} has this id.")
    return row, tables


class ServiceDetail(HsdsView):
    def get(self, request, id):
        row, tables = found("service", id, lambda: id_map().services)
        return Response(tables.service_full(row))


class ServiceAtLocationDetail(HsdsView):
    def get(self, request, id):
        row, tables = found("service_at_location", id, lambda: id_map().links)
        return Response(tables.service_at_location_full(row))


class OrganizationList(HsdsView):
    def get(self, request):
        query = read_query(request.query_params, ORGANIZATION_PARAMETERS)
        index = selection.services(query)
        if query.format == "ndjson":
            return self.stream(query, index)
        start = (query.page - 1) * query.per_page
        pks = index.pks[start : start + query.per_page] if query.page <= len(index.pks) else []
        tables, locations = tables_of(pks)
        contents = [self.render(query, tables, locations[pk]) for pk in pks if pk in locations]
        return Response(envelope(len(index.pks), query, contents))

    def render(self, query: Query, tables: Tables, location_id: str) -> dict:
        row = tables.one("organization", ids.organization(location_id))
        if query.full or query.full_service:
            return tables.organization_full(row, full_service=query.full_service)
        return tables.organization_basic(row)

    def stream(self, query: Query, index: ServiceIndex) -> StreamingHttpResponse:
        def lines():
            for start in range(0, len(index.pks), NDJSON_CHUNK):
                tables, locations = tables_of(index.pks[start : start + NDJSON_CHUNK])
                for location_id in locations.values():
                    yield json.dumps(self.render(query, tables, location_id), separators=(",", ":")) + "\n"

        return StreamingHttpResponse(lines(), content_type="application/x-ndjson")


class OrganizationDetail(HsdsView):
    def get(self, request, id):
        full_service = read_flag(request.query_params, "full_service")
        row, tables = found("organization", id, lambda: id_map().organizations)
        return Response(tables.organization_full(row, full_service=full_service))


class TaxonomyList(HsdsView):
    def get(self, request):
        query = read_query(request.query_params, LIST_PARAMETERS)
        return taxonomy_lists.respond(query, taxonomy_lists.taxonomies(query), envelope)


class TaxonomyDetail(HsdsView):
    def get(self, request, id):
        row = taxonomy_lists.taxonomy(selection.parse_uuid(id) or "")
        if row is None:
            raise NotFound("No taxonomy has this id.")
        return Response(row)


class TaxonomyTermList(HsdsView):
    def get(self, request):
        query = read_query(request.query_params, TAXONOMY_TERM_PARAMETERS)
        return taxonomy_lists.respond(query, taxonomy_lists.terms(query), envelope)


class TaxonomyTermDetail(HsdsView):
    def get(self, request, id):
        row = taxonomy_lists.term(selection.parse_uuid(id) or "")
        if row is None:
            raise NotFound("No taxonomy term has this id.")
        return Response(row)
