"""Pages of search results, as the search page counts them: the same page size and the same message past the end."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import InvalidPage
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from api.cache import canonical_query
from centers.search import OneQueryPaginator, no_such_page
from finder.ids import parse_id

MAX_PER_PAGE = 100


def per_page_error() -> str:
    return f"Ask for 1 to {MAX_PER_PAGE} results per page, like per_page=20."


class SearchPagination(BasePagination):
    """``page`` (from 1) and ``per_page`` (the search page's size by default, at most 100).

    A page past the last, or one that is not a number, is a 400 with the search page's message, as on the page.
    """

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.per_page = self.get_per_page(request)
        paginator = OneQueryPaginator(queryset, self.per_page)
        asked = request.query_params.get("page") or "1"
        try:
            self.page = paginator.page(asked)
        except InvalidPage:
            raise ValidationError({"page": [no_such_page(asked, paginator.num_pages)]}) from None
        return list(self.page)

    def get_per_page(self, request) -> int:
        asked = request.query_params.get("per_page")
        if not asked:
            return settings.FINDER_RESULTS_PER_PAGE
        per_page = parse_id(asked)
        if per_page is None or not 1 <= per_page <= MAX_PER_PAGE:
            raise ValidationError({"per_page": [per_page_error()]})
        return per_page

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "pages": self.page.paginator.num_pages,
                "page": self.page.number,
                "per_page": self.per_page,
                "next": self.link(self.page.next_page_number()) if self.page.has_next() else None,
                "previous": self.link(self.page.previous_page_number()) if self.page.has_previous() else None,
                "results": data,
            }
        )

    def link(self, number: int) -> str:
        # From the search's own parameters, however it was asked: the same search has the same links (api/cache.py).
        query = canonical_query(self.request.query_params)
        query.setlist("page", [str(number)] if number > 1 else [])
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")

    def get_paginated_response_schema(self, schema):
        url = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "pages", "page", "per_page", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Results in all pages."},
                "pages": {"type": "integer", "description": "Number of pages (1 when there are no results)."},
                "page": {"type": "integer", "description": "This page's number, from 1."},
                "per_page": {"type": "integer"},
                "next": {**url, "description": "The next page, or null on the last."},
                "previous": {**url, "description": "The previous page, or null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number, from 1. A page past the last, or not a number, is a 400.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "per_page",
                "in": "query",
                "required": False,
                "description": f"Results per page: 1 to {MAX_PER_PAGE}; the search page's size "
                f"(FINDER_RESULTS_PER_PAGE, {settings.FINDER_RESULTS_PER_PAGE}) if not given.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            },
        ]
