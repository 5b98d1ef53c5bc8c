"""The helpline search: the public vocabulary plus two filters a helpline worker needs on a call."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from centers.filters import FacilityFilter

UPDATED_WITHIN_CHOICES = [
    (4, _("Last 4 hours")),
    (12, _("Last 12 hours")),
    (24, _("Last 24 hours")),
    (72, _("Last 3 days")),
]


class HelplineFacilityFilter(FacilityFilter):
    updated_within = django_filters.TypedChoiceFilter(
        label=_("Openings updated"),
        choices=[("", _("Any time")), *UPDATED_WITHIN_CHOICES],
        coerce=int,
        empty_value=None,
        method="filter_updated_within",
        help_text=_("Only places whose staff updated their openings in this time."),
    )
    on_medication = django_filters.BooleanFilter(
        label=_("Accepts patients already on methadone or buprenorphine"),
        method="filter_on_medication",
        widget=forms.CheckboxInput,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Keyboard first: each call starts by typing where the caller is. No autocomplete: it would
        # offer earlier callers' places on a shared computer.
        self.form.fields["location"].widget.attrs.update({"autofocus": True, "autocomplete": "off"})

    def filter_updated_within(self, queryset, name, value):
        # With types of care chosen, the openings that count are those for the care the caller needs.
        return queryset.availability_updated_within(value, levels=self.form.cleaned_data.get("level"))

    def filter_on_medication(self, queryset, name, value):
        return queryset.accepting_patients_on_medication() if value else queryset
