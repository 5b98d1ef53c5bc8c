"""Availability in one tap: the form behind each level of care's buttons, and what the portal shows for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centers.models import Availability, AvailabilityStatus, Facility
from centers.models.availability import fresh_since
from centers.vocabulary import LEVEL_OF_CARE_LABEL, LevelOfCare

# What the details form of a level of care sets.
DETAIL_FIELDS = ("status", "open_slots", "waitlist_days", "note")


def clock(moment: datetime) -> str:
    """'2:14 pm' in the site's time zone."""
    return dateformat.format(timezone.localtime(moment), "g:i A").lower()


# Availability -----------------------------------------------------------------------------------


class AvailabilityForm(forms.Form):
    """One tap (a status, or "still accurate") or the optional details for one level of care."""

    level = forms.ChoiceField(
        label=LEVEL_OF_CARE_LABEL,
        choices=LevelOfCare.choices,
        error_messages={"invalid_choice": _("Choose a type of care.")},
    )
    status = forms.ChoiceField(
        label=_("Can you take a new patient?"),
        choices=[("", _("Choose…")), *AvailabilityStatus.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose accepting, waitlist or not accepting.")},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    details = forms.BooleanField(required=False, widget=forms.HiddenInput)
    open_slots = forms.IntegerField(
        label=_("Open beds or slots"),
        required=False,
        min_value=0,
        max_value=999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("Leave blank if you'd rather not say."),
        error_messages={
            "invalid": _("Enter a whole number, like 3."),
            "min_value": _("Enter a number from 0 to 999."),
            "max_value": _("Enter a number from 0 to 999."),
        },
    )
    waitlist_days = forms.IntegerField(
        label=_("Waitlist, in days"),
        required=False,
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=_("About how long a new patient waits today."),
        error_messages={
            "invalid": _("Enter a whole number of days, like 7."),
            "min_value": _("Enter a number of days from 0 to 365."),
            "max_value": _("Enter a number of days from 0 to 365."),
        },
    )
    note = forms.CharField(
        label=_("Note for families"),
        required=False,
        max_length=200,
        help_text=_("Short, up to 200 characters: “Call before noon”."),
        error_messages={"max_length": _("Keep the note to 200 characters or fewer (it has %(show_value)d).")},
    )

    def __init__(self, data=None, *, facility: Facility, initial=None):
        # Several of these forms share a page, one per level of care: the level keeps their ids apart.
        level = (data or initial or {}).get("level")
        prefix = level if level in LevelOfCare.values else "availability"
        super().__init__(data, initial=initial, auto_id=f"{prefix}-%s", label_suffix="")
        self.facility = facility
        self.availability: Availability | None = None
        if (data or initial or {}).get("details"):
            # The details form posts back what it showed, so saving writes only what this person changed.
            for name in DETAIL_FIELDS:
                self.fields[name].show_hidden_initial = True

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level:
            self.availability = self.facility.availability.filter(level=level).first()
        if data.get("confirm"):
            if level and self.availability is None:
                raise ValidationError(
                    gettext("There is nothing to confirm yet. Choose accepting, waitlist or not accepting.")
                )
        elif not data.get("status") and "status" not in self.errors:
            self.add_error("status", gettext("Choose accepting, waitlist or not accepting."))
        return data

    @property
    def level_of_care(self) -> LevelOfCare:
        return LevelOfCare(self.cleaned_data["level"])

    def save(self, user) -> Availability | None:
        """Store what this person said, writing only what they changed (see AvailabilityQuerySet.answer).

        None if the answer to confirm is gone (a steward deleted it meanwhile); the form then carries an error.
        """
        data = self.cleaned_data
        status, details = data["status"], None
        if data["confirm"]:
            status = None
        elif data["details"]:
            # The page posts back what it showed: what the person left alone is not theirs to write.
            details = {name: data[name] for name in DETAIL_FIELDS if name != "status" and name in self.changed_data}
            if "status" not in self.changed_data:
                status = None
        availability = Availability.objects.answer(self.facility, data["level"], user, status=status, details=details)
        if availability is None:
            self.add_error(
                None, gettext("That answer was removed a moment ago. Choose accepting, waitlist or not accepting.")
            )
        return availability

    def saved_message(self, availability: Availability) -> str:
        if self.cleaned_data["confirm"]:
            message = gettext("%(level)s: %(status)s, confirmed %(time)s")
        else:
            message = gettext("%(level)s: %(status)s, saved %(time)s")
        return message % {
            "level": self.level_of_care.label,
            "status": availability.get_status_display(),
            "time": clock(availability.updated_at),
        }


@dataclass
class LevelAvailability:
    """One row of the availability page: a level of care, what staff last said, and its details form."""

    level: LevelOfCare
    availability: Availability | None
    form: AvailabilityForm
    # One big button each; the words are short so three fit across a phone.
    buttons: ClassVar = (
        (AvailabilityStatus.ACCEPTING, _("Accepting")),
        (AvailabilityStatus.WAITLIST, _("Waitlist")),
        (AvailabilityStatus.NOT_ACCEPTING, _("Not accepting")),
    )

    @property
    def is_stale(self) -> bool:
        return self.availability is not None and self.availability.updated_at < fresh_since()

    @property
    def days_old(self) -> int:
        return (timezone.now() - self.availability.updated_at).days if self.availability else 0

    @property
    def anchor(self) -> str:
        return f"level-{self.level.value}"


def availability_levels(facility: Facility, bound_form: AvailabilityForm | None = None) -> list[LevelAvailability]:
    """The levels the facility offers plus any it has availability for, in level-of-care order.

    A bound form that failed validation replaces that level's details form, so its errors show there.
    """
    rows = {row.level: row for row in facility.availability.select_related("updated_by")}
    offered = {level.value for level in facility.levels_of_care}
    # Only a failed details form replaces that level's details form; a failed tap keeps a fresh one.
    bound_level = bound_form.data.get("level") if bound_form is not None and bound_form.data.get("details") else None
    levels = []
    for level in LevelOfCare:
        if level.value not in offered and level.value not in rows:
            continue
        availability = rows.get(level.value)
        if bound_level == level.value:
            form = bound_form
        else:
            initial = {"level": level.value, "details": True}
            if availability is not None:
                initial.update(
                    status=availability.status,
                    open_slots=availability.open_slots,
                    waitlist_days=availability.waitlist_days,
                    note=availability.note,
                )
            form = AvailabilityForm(initial=initial, facility=facility)
        levels.append(LevelAvailability(level, availability, form))
    return levels


# Listing edits ----------------------------------------------------------------------------------
