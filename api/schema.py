"""The OpenAPI description of Finder's JSON API (drf-spectacular): parameters read from the search's FilterSet."""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

EXAMPLES = {
    "location": [
        OpenApiExample("A ZIP code", value="30303"),
        OpenApiExample("A city", value="Atlanta, GA"),
        OpenApiExample("A county", value="Fulton County, GA"),
        OpenApiExample("Coordinates", value="33.75,-84.39"),
    ],
}


def filter_parameters(filterset_class) -> list[OpenApiParameter]:
    """One query parameter per filter of ``filterset_class``: its label and help text, its type and choices."""
    parameters = []
    for name, search_filter in filterset_class.base_filters.items():
        words = [f"{search_filter.label}."]
        if help_text := search_filter.extra.get("help_text"):
            words.append(str(help_text))
        choices = [value for value, _ in search_filter.extra.get("choices", [])]
        many = isinstance(search_filter, django_filters.MultipleChoiceFilter)
        if many:
            kind = {"type": "array", "items": {"type": "string", "enum": choices}}
            words.append("Repeat the parameter for more than one (any of them).")
        elif isinstance(search_filter, django_filters.BooleanFilter):
            kind = {"type": "boolean"}
            words.append("`true` (or `on`, as the search page's box sends) or `false`.")
        elif isinstance(search_filter, django_filters.ModelChoiceFilter):
            kind = {"type": "string"}
            words.append("An insurer's `slug`, as listed in results.")
        elif choices:
            kind = {"type": "string", "enum": choices}
        else:
            kind = {"type": "string", "maxLength": search_filter.field.max_length}
        if default := search_filter.extra.get("initial"):
            words.append(f"Default: {default}.")
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                description=" ".join(words),
                explode=True if many else None,
                examples=EXAMPLES.get(name, []),
            )
        )
    return parameters


BOOLEAN_VALUES = {"true": True, "on": True, "false": False}


def boolean_errors(query, filterset_class) -> dict[str, list[str]]:
    """Messages for yes-or-no parameters that are neither: the page's tick box sends "on", a program true or false.

    The search page's form reads any other text as a ticked box; an API client that sent "maybe" is told instead.
    """
    return {
        name: [f"{name} is true or false (or on, as the search page sends)."]
        for name, search_filter in filterset_class.base_filters.items()
        if isinstance(search_filter, django_filters.BooleanFilter)
        and any(value.lower() not in BOOLEAN_VALUES for value in query.getlist(name) if value != "")
    }


def field_errors(errors) -> dict[str, list[str]]:
    """A form's errors as {"field": ["message", ...]}; errors of no one field under "non_field_errors"."""
    return {
        ("non_field_errors" if name == forms.forms.NON_FIELD_ERRORS else name): list(messages)
        for name, messages in errors.items()
    }


BAD_REQUEST = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="A bad parameter: a list of messages for each, keyed by the parameter's name (the same messages "
    'as the search page), e.g. {"location": ["We couldn\'t find that ZIP code. Try 5 digits, like 30301."]}.',
)
DETAIL = inline_serializer("Detail", {"detail": serializers.CharField()})
NOT_FOUND = OpenApiResponse(DETAIL, description="No listed facility has this id.")
THROTTLED = OpenApiResponse(
    DETAIL,
    description="Too many requests from this address (FINDER_API_RATE); try again after Retry-After seconds.",
)

RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    description="Seconds to wait before asking again.",
    response=[429],
)


def only_finder_endpoints(endpoints, **kwargs):
    """Finder's own API in Finder's schema: the HSDS endpoints follow Open Referral's OpenAPI description instead."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def empty_means_not_given(result, generator, request, public):
    """Say that every query parameter may be sent empty ("level="), meaning not given, as the search page's form does.

    drf-spectacular cannot say it for a parameter (OpenAPI's allowEmptyValue).
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    parameter["allowEmptyValue"] = True
    return result
