"""Forms for the helpline workspace's search side: the shortlist, emailing it, and "called the facility".

(The referral log's forms live in helpline/report_forms.py.)
"""

from __future__ import annotations

from django import forms

from centers.models import Facility
from centers.vocabulary import VerifiedBy
from finder import mail
from finder.ids import IdChoiceField
from helpline.shortlist import DOWN, MAX_FACILITIES, UP, shortlist_email_text
from portal.models import ProblemReport

EMAIL_SUBJECT = "Treatment options from the helpline"


class ShortlistAddForm(forms.Form):
    facility = IdChoiceField(
        queryset=Facility.objects.listed(),
        error_messages={
            "required": "Choose a facility to add.",
            "invalid_choice": "That facility isn't listed, so it can't go on the shortlist.",
        },
    )

    def __init__(self, *args, shortlist, **kwargs):
        self.shortlist = shortlist
        super().__init__(*args, **kwargs)

    def clean_facility(self):
        facility = self.cleaned_data["facility"]
        if facility.pk not in self.shortlist and self.shortlist.is_full:
            raise forms.ValidationError(
                f"The shortlist holds up to {MAX_FACILITIES} facilities. Remove one before adding another."
            )
        return facility


class ShortlistItemForm(forms.Form):
    """Names a facility already on the shortlist (to remove or move it)."""

    facility = forms.IntegerField(error_messages={"required": "Choose a facility.", "invalid": "Choose a facility."})

    def __init__(self, *args, shortlist, **kwargs):
        self.shortlist = shortlist
        super().__init__(*args, **kwargs)

    def clean_facility(self):
        pk = self.cleaned_data["facility"]
        if pk not in self.shortlist:
            raise forms.ValidationError("That facility isn't on the shortlist.")
        return pk


class ShortlistMoveForm(ShortlistItemForm):
    direction = forms.ChoiceField(
        choices=[(UP, "Move up"), (DOWN, "Move down")],
        error_messages={"required": "Choose up or down.", "invalid_choice": "Choose up or down."},
    )


class ShortlistEmailForm(forms.Form):
    """Email the shortlist to the caller. The address is used to send, never stored or logged."""

    email = forms.EmailField(
        label="Caller's email address",
        max_length=254,
        help_text="Used only to send this email. Finder does not keep it.",
        error_messages={"required": "Enter the email address to send the list to."},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(
        label="A short personal line (optional)",
        required=False,
        max_length=300,
        help_text="Shown above the list, like “It was good to talk with you today.” Nothing that identifies the "
        "caller.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, facilities=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        self.facilities = list(facilities)
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned_data = super().clean()
        if not self.facilities:
            raise forms.ValidationError("The shortlist is empty. Add at least one facility before sending it.")
        return cleaned_data

    def send(self, *, link) -> None:
        """Send with finder.mail (raises NotSent); ``link(facility)`` gives the public page's full address."""
        body = shortlist_email_text(self.facilities, note=self.cleaned_data["note"], link=link)
        mail.send(EMAIL_SUBJECT, body, self.cleaned_data["email"])


class CalledFacilityForm(forms.Form):
    """What a worker learned by calling a facility, passed on so the listing gets fixed."""

    CONFIRMED = "confirmed"
    PHONE_WRONG = "phone-wrong"
    NOT_ACCEPTING = "not-accepting"
    REPORTS = {
        PHONE_WRONG: (ProblemReport.Kind.PHONE, "Reported by the helpline: the phone number did not work"),
        NOT_ACCEPTING: (ProblemReport.Kind.OTHER, "Reported by the helpline: not accepting new patients"),
    }

    outcome = forms.ChoiceField(
        choices=[
            (CONFIRMED, "Details confirmed"),
            (PHONE_WRONG, "Phone didn't work"),
            (NOT_ACCEPTING, "Not taking new patients"),
        ],
        error_messages={
            "required": "Choose what happened when you called.",
            "invalid_choice": "Choose what happened when you called.",
        },
    )

    def save(self, facility: Facility, user) -> str:
        """Record the outcome and return the message for the worker."""
        outcome = self.cleaned_data["outcome"]
        if outcome == self.CONFIRMED:
            facility.mark_verified(user, VerifiedBy.HELPLINE)
            return f"Thank you. {facility.name} now shows as verified by a helpline worker today."
        kind, note = self.REPORTS[outcome]
        ProblemReport.objects.create(facility=facility, kind=kind, note=note)
        return f"Thank you. {facility.name}'s staff and the Finder team will be asked to check the listing."
