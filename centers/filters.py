"""The public search: one FilterSet, whose methods are one-line calls into FacilityQuerySet."""

from __future__ import annotations

from typing import NamedTuple

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centers import geo
from centers.models import Insurer
from centers.vocabulary import LEVEL_OF_CARE_LABEL, Age, Language, LevelOfCare, Medication, Payment, Population

RADIUS_CHOICES = [
    ("5", _("5 miles")),
    ("10", _("10 miles")),
    ("25", _("25 miles")),
    ("50", _("50 miles")),
    ("100", _("100 miles")),
    ("250", _("250 miles")),
    ("state", _("Anywhere in the state")),
]
DEFAULT_RADIUS = "25"
SORT_CHOICES = [("distance", _("Nearest first")), ("availability", _("Accepting new patients first, then nearest"))]
# Inputs that shape the search rather than narrow it: never shown as removable filters.
NOT_FILTERS = ("location", "radius", "sort")


class Chip(NamedTuple):
    """An active filter as a family reads it, and the query string of the same search without it."""

    label: str
    query: str


class Suggestion(NamedTuple):
    """For a search that found nothing: a change in words ("within 50 miles"), what it finds, its query string."""

    words: str
    count: int
    query: str


def radius_words(radius: str) -> str:
    return gettext("anywhere in the state") if radius == "state" else gettext("within %(n)s miles") % {"n": radius}


PLACE_NEEDED = _("Enter a ZIP code or a city to find care near you, like 30301 or Atlanta, GA.")


class LocationField(forms.CharField):
    """Text a person types ("30301", "Atlanta", "Fulton County, GA", "33.75,-84.39"), cleaned to a geo.Point."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", geo.MAX_PLACE_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        try:
            return geo.lookup_place(text)
        except geo.PlaceNotFound as error:
            raise ValidationError(str(error), code="place_not_found") from None


class LocationFilter(django_filters.Filter):
    field_class = LocationField


class SearchForm(forms.Form):
    """Labels without a trailing colon, and errors tied to their inputs for screen readers."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        # A type of care or medicine with no place would list the whole country, starting in Alaska
        # (the guide pages' search used to): ask for the place instead, keeping what was chosen.
        wants_care = cleaned_data.get("level") or cleaned_data.get("medication")
        if "location" in self.fields and wants_care and not cleaned_data.get("q") and not self.has_error("location"):
            if cleaned_data.get("location") is None:
                self.add_error("location", ValidationError(PLACE_NEEDED, code="place_needed"))
        return cleaned_data

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"id_{name}_error id_{name}_helptext"


class FacilityFilter(django_filters.FilterSet):
    location = LocationFilter(
        label=_("ZIP code or city"),
        method="filter_location",
        help_text=_("A ZIP code (30301), a city (Atlanta) or a county (Fulton County, GA)."),
    )
    radius = django_filters.ChoiceFilter(
        label=_("Distance"),
        choices=RADIUS_CHOICES,
        empty_label=None,
        initial=DEFAULT_RADIUS,
        method="filter_location",
        help_text=_("How far you can travel."),
    )
    level = django_filters.MultipleChoiceFilter(
        label=LEVEL_OF_CARE_LABEL,
        choices=LevelOfCare.choices,
        method="filter_level",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pick any that would help; not sure? See “Understanding care”."),
    )
    medication = django_filters.MultipleChoiceFilter(
        label=_("Medication for addiction"),
        choices=Medication.choices,
        method="filter_medication",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Medicines that ease cravings and withdrawal (also called MAT or MOUD)."),
    )
    payment = django_filters.MultipleChoiceFilter(
        label=_("How you will pay"),
        choices=Payment.choices,
        method="filter_payment",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Places that take any of the ways you pick."),
    )
    insurer = django_filters.ModelChoiceFilter(
        label=_("Your insurance company"),
        queryset=Insurer.objects.all(),
        to_field_name="slug",
        method="filter_insurer",
        empty_label=_("Any insurance company"),
        help_text=_("Listed when a facility has told us. Always check with the facility too."),
    )
    population = django_filters.MultipleChoiceFilter(
        label=_("Programs for"),
        choices=Population.choices,
        method="filter_population",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Programs designed for a specific group."),
    )
    age = django_filters.MultipleChoiceFilter(
        label=_("Age"),
        choices=Age.choices,
        method="filter_age",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Places that treat people of this age."),
    )
    language = django_filters.MultipleChoiceFilter(
        label=_("Language"),
        choices=Language.choices,
        method="filter_language",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Care in a language other than English."),
    )
    telehealth = django_filters.BooleanFilter(
        label=_("Offers telehealth (video or phone visits)"),
        method="filter_telehealth",
        widget=forms.CheckboxInput,
        help_text=_("Some care can happen from home."),
    )
    accepting = django_filters.BooleanFilter(
        label=_("Accepting new patients now"),
        method="filter_accepting",
        widget=forms.CheckboxInput,
        help_text=_("Only places whose staff told us in the last 3 days that they can take someone new."),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=SORT_CHOICES,
        empty_label=None,
        initial="distance",
        method="filter_sort",
        help_text=_("Availability comes from facility staff; always call to confirm."),
    )
    q = django_filters.CharFilter(
        label=_("Facility name"),
        method="filter_name",
        max_length=100,
        help_text=_("Part of a facility's name, if you know it."),
    )

    class Meta:
        fields: list[str] = []
        form = SearchForm

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            data = data.copy() if isinstance(data, QueryDict) else QueryDict(urlencode(data, doseq=True), mutable=True)
            # An empty choice ("level=") means nothing chosen, as an unticked box would.
            for name, values in list(data.lists()):
                data.setlist(name, [value for value in values if value != ""])
            if not data.get("radius"):
                data["radius"] = DEFAULT_RADIUS
        super().__init__(data, *args, **kwargs)

    def get_form_class(self):
        # django-filter makes a new form class, with new fields, for every search, though the filters are the same
        # for every instance: one class per FilterSet class serves (each form still copies its fields, as Django's do).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_location(self, queryset, name, value):
        return queryset  # applied with the radius in filter_queryset(); they only make sense together

    def filter_level(self, queryset, name, value):
        return queryset.offering(value)

    def filter_medication(self, queryset, name, value):
        return queryset.with_medications(value)

    def filter_payment(self, queryset, name, value):
        return queryset.paying_with(value)

    def filter_insurer(self, queryset, name, value):
        return queryset.accepting_insurers([value])

    def filter_population(self, queryset, name, value):
        return queryset.serving(value)

    def filter_age(self, queryset, name, value):
        return queryset.for_ages(value)

    def filter_language(self, queryset, name, value):
        return queryset.speaking(value)

    def filter_telehealth(self, queryset, name, value):
        return queryset.with_telehealth() if value else queryset

    def filter_name(self, queryset, name, value):
        return queryset.named(value)

    def filter_accepting(self, queryset, name, value):
        return queryset.accepting_new_patients() if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # applied after the distance ordering in filter_queryset()

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        origin = self.origin
        radius = self.form.cleaned_data.get("radius") or DEFAULT_RADIUS
        if origin is None:
            queryset = queryset.order_by("state", "city", "name", "pk")
        elif radius == "state":
            queryset = queryset.in_state(origin.state or geo.nearest_state(origin)).by_distance(origin)
        else:
            queryset = queryset.near(origin, float(radius)).by_distance(origin)
        if self.form.cleaned_data.get("sort") == "availability":
            queryset = queryset.availability_first()
        return queryset

    @property
    def origin(self) -> geo.Point | None:
        return self.form.cleaned_data.get("location") if self.is_bound and self.is_valid() else None

    def did_you_mean(self) -> list[tuple[str, str]]:
        """Other places with the name searched for ("Portland, ME"), each with the query string of this search there."""
        origin = self.origin
        choices = []
        for label in origin.alternatives if origin else ():
            data = self.data.copy()
            data.setlist("location", [label])
            data.pop("page", None)
            choices.append((label, data.urlencode()))
        return choices

    @property
    def has_search(self) -> bool:
        """True once someone asked for something (a place or any filter), not on the empty page."""
        return self.is_bound and any(
            value not in (None, "", [], False)
            for name, value in self.form.cleaned_data.items()
            if name not in ("radius", "sort")
        )

    @property
    def order_words(self) -> str:
        """How the results are ordered, in words for the line above them."""
        availability_first = self.is_bound and self.is_valid() and self.form.cleaned_data.get("sort") == "availability"
        if self.origin is None:
            if availability_first:
                return gettext("Accepting new patients first, then by state, city and name")
            return gettext("By state, city and name")
        return gettext("Accepting new patients first, then nearest") if availability_first else gettext("Nearest first")

    @property
    def area_words(self) -> str:
        """Where this search looks, in words: "within 25 miles", "anywhere in the state", or "" without a place."""
        return radius_words(self.form.cleaned_data.get("radius") or DEFAULT_RADIUS) if self.origin else ""

    def active_filters(self) -> list[Chip]:
        """One chip per chosen value (place, distance and sort aside), each linking to the search without it."""
        chips = []
        for name, value in self._narrowing():
            if isinstance(value, list):
                labels = dict(self.form.fields[name].choices)
                chips.extend(Chip(str(labels.get(item, item)), self._query(without=(name, item))) for item in value)
            else:
                chips.append(Chip(self._words(name, value), self._query(without=(name, None))))
        return chips

    def next_radius(self) -> Suggestion | None:
        """For an empty result: the smallest wider radius (or the whole state) that finds something.

        One COUNT query per radius tried; None when no wider radius finds anything.
        """
        radius = self.form.cleaned_data.get("radius")
        if self.origin is None or radius is None:
            return None
        for wider in self._wider_than(radius):
            count = self._count_with(radius=wider)
            if count:
                return Suggestion(radius_words(wider), count, self._query(radius=wider))
        return None

    def fewer_filters(self) -> Suggestion | None:
        """For an empty result: the one filter whose removal finds the most. One COUNT query per active filter."""
        best, narrowing = None, self._narrowing()
        if self.origin is None and len(narrowing) < 2:
            return None  # without a place, dropping the only filter leaves no search at all
        for name, value in narrowing:
            count = self._count_with(**{name: None})
            if count and (best is None or count > best.count):
                best = Suggestion(self._words(name, value), count, self._query(without=(name, None)))
        return best

    @staticmethod
    def _wider_than(radius: str) -> list[str]:
        """The radii to try after this one, smallest first; after the whole state, 250 miles across its borders."""
        miles = [value for value, _ in RADIUS_CHOICES if value != "state"]
        if radius == "state":
            return [miles[-1]]
        return [value for value in miles if int(value) > int(radius)] + ["state"]

    def _narrowing(self) -> list[tuple[str, object]]:
        """(filter name, cleaned value) of each input that narrows this valid search."""
        if not (self.is_bound and self.is_valid()):
            return []
        return [
            (name, value)
            for name, value in self.form.cleaned_data.items()
            if name not in NOT_FILTERS and value not in (None, "", [], False)
        ]

    def _words(self, name: str, value) -> str:
        """A filter and its value as a family reads them: "Type of care: Medical detox, Outpatient"."""
        field = self.form.fields[name]
        if value is True:
            return str(field.label)
        if isinstance(value, list):
            labels = dict(field.choices)
            value = ", ".join(str(labels.get(item, item)) for item in value)
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):  # that's a query
            value = dict(field.choices).get(value, value)
        return gettext("%(filter)s: %(value)s") % {"filter": field.label, "value": value}

    def _count_with(self, **changes) -> int:
        """How many this search finds with some cleaned inputs changed: one COUNT, without cleaning again."""
        cleaned = self.form.cleaned_data
        self.form.cleaned_data = {**cleaned, **changes}
        try:
            return self.filter_queryset(self.queryset.all()).count()
        finally:
            self.form.cleaned_data = cleaned

    def _query(self, without: tuple[str, str | None] | None = None, **replace: str) -> str:
        """This search's query string, from its first page, with one value (or a whole filter) left out."""
        data = self.data.copy()
        data.pop("page", None)
        for name, value in replace.items():
            data.setlist(name, [value])
        if without:
            name, item = without
            data.setlist(name, [value for value in data.getlist(name) if item is not None and value != item])
        return data.urlencode()
