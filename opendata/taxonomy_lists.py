"""/api/hsds/taxonomies and /taxonomy_terms: every term Finder publishes (a few hundred), paged in memory.

The terms are the data package's (``records.tables_for(..., all_terms=True)``), read once per search version.
"""

from __future__ import annotations

import json

from django.http import StreamingHttpResponse
from rest_framework.response import Response

from opendata.api_params import Query
from opendata.nesting import clean
from opendata.term_filters import all_taxonomies, all_terms


def _matches(row: dict, words: str) -> bool:
    words = words.casefold()
    return any(words in (row.get(name) or "").casefold() for name in ("name", "code", "description"))


def taxonomies(query: Query) -> list[dict]:
    rows = all_taxonomies()
    if query.search:
        rows = [row for row in rows if _matches(row, query.search)]
    return [clean(row) for row in rows]


def taxonomy(taxonomy_id: str) -> dict | None:
    return next((clean(row) for row in all_taxonomies() if row["id"] == taxonomy_id), None)


def _nested(term: dict, taxonomies_by_id: dict[str, dict]) -> dict:
    nested = clean(term)
    detail = taxonomies_by_id.get(term.get("taxonomy_id"))
    if detail is not None:
        nested["taxonomy_detail"] = clean(detail)
    return nested


def terms(query: Query) -> list[dict]:
    """The terms, filtered: ``top_only`` keeps those without a parent (the reading of "not child terms")."""
    rows = all_terms()
    if query.search:
        rows = [row for row in rows if _matches(row, query.search)]
    if query.taxonomy_id is not None:
        rows = [row for row in rows if row["taxonomy_id"] == str(query.taxonomy_id)]
    if query.parent_id is not None:
        rows = [row for row in rows if row["parent_id"] == str(query.parent_id)]
    if query.top_only:
        rows = [row for row in rows if not row["parent_id"]]
    by_id = {row["id"]: row for row in all_taxonomies()}
    return [_nested(row, by_id) for row in rows]


def term(term_id: str) -> dict | None:
    by_id = {row["id"]: row for row in all_taxonomies()}
    return next((_nested(row, by_id) for row in all_terms() if row["id"] == term_id), None)


def respond(query: Query, rows: list[dict], envelope):
    if query.format == "ndjson":
        lines = (json.dumps(row, separators=(",", ":")) + "\n" for row in rows)
        return StreamingHttpResponse(lines, content_type="application/x-ndjson")
    start = (query.page - 1) * query.per_page
    contents = rows[start : start + query.per_page] if start < len(rows) else []
    return Response(envelope(len(rows), query, contents))
