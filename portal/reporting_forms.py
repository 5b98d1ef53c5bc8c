"""Forms the public fills in about a listing: a problem report and a claim by someone who works there."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import ClaimRequest, ProblemReport

TOO_LONG = "Please shorten {} to %(limit_value)d characters or fewer. It has %(show_value)d."
EMAIL_INVALID = "Please check the email address. It should look like name@example.com."


class MultilineField(forms.CharField):
    """A CharField that counts a line break as one character, as the browser's maxlength does."""

    def to_python(self, value):
        # Browsers send line breaks as \r\n; without this a note that fit in the box fails max_length here.
        return super().to_python(value).replace("\r\n", "\n")


class HoneypotForm(forms.Form):
    """Adds a field that people never see or fill in; bots that fill every field give themselves away.

    Render it inside ``<div class="visually-hidden">``, after the real fields. Check ``is_bot()`` before
    ``is_valid()``, and answer a bot exactly as a person who succeeded, so it learns nothing.
    """

    website = forms.CharField(
        label=_("Leave this empty. It is here to stop automated spam."),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # As on the search form: labels are phrases, not "Label:". (ModelForm passes label_suffix on by position.)
        self.label_suffix = ""

    def is_bot(self) -> bool:
        return bool(self.data.get(self.add_prefix("website")))


# ModelForm first: it and Form use different metaclasses, and Django's docs ask for this order.
class ProblemReportForm(forms.ModelForm, HoneypotForm):
    kind = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=ProblemReport.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose what is wrong with this listing."),
            "invalid_choice": _("Please choose one of the options listed."),
        },
    )

    class Meta:
        model = ProblemReport
        fields = ["kind", "note", "contact_email"]
        field_classes = {"note": MultilineField}
        labels = {"note": "Details (optional)", "contact_email": "Your email (optional)"}
        help_texts = {
            "note": "For example, the number you called and what happened. "
            "Please don't include health information. Up to 1,000 characters.",
        }
        widgets = {
            "note": forms.Textarea(attrs={"rows": 5}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "note": {"max_length": TOO_LONG.format("the details")},
            "contact_email": {"invalid": EMAIL_INVALID},
        }


class ClaimRequestForm(forms.ModelForm, HoneypotForm):
    class Meta:
        model = ClaimRequest
        fields = ["name", "email", "job_title", "phone", "message"]
        field_classes = {"message": MultilineField}
        labels = {
            "name": "Your name",
            "email": "Work email",
            "job_title": "Job title",
            "phone": "Work phone",
            "message": "Anything else we should know? (optional)",
        }
        help_texts = {
            "email": "Your email at this facility, not a personal one. We send the invitation here.",
            "phone": "A number where we can reach you at work.",
            "message": "Up to 1,000 characters.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "work email"}),
            "job_title": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "work tel"}),
            "message": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "name": {"required": "Please enter your name."},
            "email": {"required": "Please enter your work email.", "invalid": EMAIL_INVALID},
            "job_title": {"required": "Please enter your job title."},
            "phone": {"required": "Please enter your work phone number."},
            "message": {"max_length": TOO_LONG.format("your message")},
        }

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if len(re.sub(r"\D", "", phone)) < 10:
            raise forms.ValidationError(
                gettext("Please enter a full phone number with area code, like (404) 555-0100.")
            )
        return phone
