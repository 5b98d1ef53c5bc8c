"""Ids that arrive in URLs and forms, bounded so a wild number is a 404 or a form error, never a database error.

Primary keys are 64-bit (BigAutoField). A larger number overflows SQLite's integers (OverflowError) and
PostgreSQL's bigint (DataError) once it reaches the database, so it must be turned away before a query runs.
"""

from __future__ import annotations

import re

from django import forms
from django.urls import register_converter

# 18 digits always fit in a signed 64-bit integer. ASCII only: "²³".isdigit() is True, but int("²³") fails.
ID_PATTERN = "[0-9]{1,18}"
_ID_RE = re.compile(ID_PATTERN, flags=re.ASCII)


def parse_id(value) -> int | None:
    """The id ``value`` writes (1 to 18 ASCII digits, or an int in that range), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**18 else None
    if isinstance(value, str) and _ID_RE.fullmatch(value):
        return int(value)
    return None


class IdConverter:
    """``<id:pk>`` in a URL: like ``<int:pk>``, but a number too large for a primary key doesn't match (404)."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose value must be a well-formed id before it is looked up."""

    def to_python(self, value):
        if value not in self.empty_values and self.to_field_name is None and not isinstance(value, self.queryset.model):
            if parse_id(value) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
                )
        return super().to_python(value)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField whose values must be well-formed ids before they are looked up."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value:
                if not isinstance(pk, self.queryset.model) and parse_id(pk) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)
