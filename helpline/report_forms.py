"""Forms for the referral log, follow-ups, and the filters on the reports and the map of gaps."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centers.models import Facility
from centers.vocabulary import LEVEL_OF_CARE_LABEL, LevelOfCare, Payment
from finder.ids import IdChoiceField, parse_id
from helpline.models import Referral
from portal.reporting_forms import TOO_LONG, MultilineField

# Matching by name can find hundreds ("recovery"); a select longer than this is no help on a call.
MOST_FACILITY_MATCHES = 50
DATE_INVALID = "Please enter a date like 2025-03-31."
DATE_ERRORS = {"invalid": DATE_INVALID}
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
DATE_OUT_OF_RANGE = format_lazy(_("Please enter a date from {first} to {last}."), first=FIRST_DAY, last=LAST_DAY)


def facilities_to_choose(params) -> tuple[str, QuerySet]:
    """Which facilities the referral form offers, and how they were chosen: "shortlist", "search" or "none".

    The shortlist links here with one ``facility=<id>`` per facility. Without it, ``q`` finds a facility by name
    or by its number.
    """
    listed = Facility.objects.listed().order_by("name", "pk")
    ids = [pk for pk in map(parse_id, params.getlist("facility")) if pk is not None]
    if ids:
        return "shortlist", listed.filter(pk__in=ids)
    # A NUL byte can't be stored or searched for in PostgreSQL text; nobody means it, so it is dropped.
    query = params.get("q", "").replace("\x00", "").strip()
    if parse_id(query) is not None:
        return "search", listed.filter(pk=parse_id(query))
    if query:
        return "search", listed.filter(pk__in=listed.named(query).values("pk")[:MOST_FACILITY_MATCHES])
    return "none", listed.none()


def initial_from(params) -> dict:
    """What the shortlist already knows: a single facility, and the type of care and payment searched for."""
    initial = {}
    ids = params.getlist("facility")
    if len(ids) == 1:
        initial["facility"] = ids[0]
    if params.get("level") in LevelOfCare.values:
        initial["level_sought"] = params["level"]
    if params.get("payment") in Payment.values:
        initial["payment"] = params["payment"]
    return initial


class FacilityChoiceField(IdChoiceField):
    def label_from_instance(self, facility):
        return f"{facility.name} ({facility.city}, {facility.state})"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ReferralForm(forms.ModelForm):
    facility = FacilityChoiceField(
        queryset=Facility.objects.none(),
        label=_("Facility"),
        empty_label="Choose the facility",
        error_messages={
            "required": _("Please choose the facility you referred the caller to."),
            "invalid_choice": _("Please choose one of the facilities listed."),
        },
    )
    level_sought = forms.ChoiceField(
        label=_("Type of care they need"),
        choices=[("", "Not sure or didn't ask"), *LevelOfCare.choices],
        required=False,
        error_messages={"invalid_choice": _("Please choose one of the types of care listed.")},
    )
    payment = forms.ChoiceField(
        label=_("How they will pay"),
        choices=[("", "Not sure or didn't ask"), *Payment.choices],
        required=False,
        error_messages={"invalid_choice": _("Please choose one of the ways to pay listed.")},
    )
    outcome = forms.ChoiceField(
        label=_("What happened?"),
        choices=Referral.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose what happened."),
            "invalid_choice": _("Please choose one of the outcomes listed."),
        },
    )
    follow_up_on = forms.DateField(
        label=_("Follow-up call (optional)"),
        required=False,
        widget=DateInput,
        help_text=_("The day to call the caller back. Leave empty if there is no follow-up."),
        error_messages=DATE_ERRORS,
    )
    note = MultilineField(
        label=_("Note (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG.format("the note")},
    )

    class Meta:
        model = Referral
        fields = ["facility", "level_sought", "payment", "outcome", "follow_up_on", "note"]

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.fields["facility"].queryset = facilities
        self.fields["follow_up_on"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.fields["note"].help_text = (
            "Do not enter the caller's name, phone number, date of birth or anything else that could identify "
            f"them. Notes are deleted after {settings.FINDER_REFERRAL_NOTE_RETENTION_DAYS} days. "
            "Up to 500 characters."
        )

    def clean_follow_up_on(self):
        day = self.cleaned_data["follow_up_on"]
        if day and day < timezone.localdate():
            raise forms.ValidationError(
                gettext("The follow-up date can't be in the past. Choose today or a later day.")
            )
        return day

    def save(self, worker):
        referral = super().save(commit=False)
        referral.worker = worker
        referral.save()
        return referral


class CompleteFollowUpForm(forms.ModelForm):
    follow_up_outcome = forms.ChoiceField(
        label=_("How did the follow-up go?"),
        choices=Referral.FollowUpOutcome.choices,
        error_messages={
            "required": _("Please choose how the follow-up went."),
            "invalid_choice": _("Please choose one of the answers listed."),
        },
    )

    class Meta:
        model = Referral
        fields = ["follow_up_outcome"]

    def save(self):
        referral = super().save(commit=False)
        referral.follow_up_done_at = timezone.now()
        referral.save(update_fields=["follow_up_outcome", "follow_up_done_at"])
        return referral


class PeriodForm(forms.Form):
    """From and to dates, both optional and both included. The URL reads ``?from=2025-01-01&to=2025-03-31``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        # "from" is a Python keyword, so these can't be declared as class attributes.
        self.fields = {
            "from": forms.DateField(label=_("From"), required=False, widget=DateInput, error_messages=DATE_ERRORS),
            "to": forms.DateField(label=_("To"), required=False, widget=DateInput, error_messages=DATE_ERRORS),
            **self.fields,
        }

    def clean_from(self):
        return self._in_range(self.cleaned_data["from"])

    def clean_to(self):
        return self._in_range(self.cleaned_data["to"])

    @staticmethod
    def _in_range(day: date | None) -> date | None:
        # The charts step back 12 weeks and forward a week at a time: year 1 or 9999 would overflow the calendar.
        if day and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(DATE_OUT_OF_RANGE)
        return day

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", gettext("The end date must be on or after the start date."))
        return data

    def period(self) -> tuple[date | None, date | None]:
        return self.cleaned_data.get("from"), self.cleaned_data.get("to")

    def weeks(self) -> tuple[date, date]:
        """The Monday of the first week to chart and the last day: the period, or its last 12 weeks; at most a year."""
        start, end = self.period()
        last = end or timezone.localdate()
        first = max(start or last - timedelta(weeks=11), last - timedelta(weeks=51))
        return first - timedelta(days=first.weekday()), last


class GapFilterForm(PeriodForm):
    level = forms.ChoiceField(
        label=LEVEL_OF_CARE_LABEL,
        choices=[("", "Any search"), *LevelOfCare.choices],
        required=False,
        error_messages={"invalid_choice": _("Please choose one of the types of care listed.")},
    )
