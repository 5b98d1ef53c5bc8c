"""Forms for the helpline workspace's search side: the shortlist, emailing it, and "called the facility".

(The referral log's forms live in helpline/report_forms.py.)
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centers.models import Facility
from centers.vocabulary import VerifiedBy
from finder import mail
from finder.ids import IdChoiceField
from helpline.shortlist import (
    DOWN,
    MAX_FACILITIES,
    UP,
    caller_language,
    shortlist_email_subject,
    shortlist_email_text,
)
from portal.models import ProblemReport

CALLER_LANGUAGE_ERROR = _("Choose English or Spanish for the caller.")


def caller_language_field(widget=None, required=True) -> forms.ChoiceField:
    return forms.ChoiceField(
        required=required,
        label=_("Caller's language"),
        choices=settings.LANGUAGES,
        help_text=_("For the text message, the print view and the email. Your own screens stay as they are."),
        error_messages={"required": CALLER_LANGUAGE_ERROR, "invalid_choice": CALLER_LANGUAGE_ERROR},
        widget=widget,
    )


class CallerLanguageForm(forms.Form):
    """The language the caller reads: the hand-outs use it, whatever language the worker's own screens are in.

    Kept in the page's address (?caller_language=es), never in the session: nothing about the caller is kept."""

    caller_language = caller_language_field()

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        # Unbound (no choice made yet): the worker's own language.
        kwargs.setdefault("initial", {"caller_language": caller_language()})
        super().__init__(data if data and "caller_language" in data else None, **kwargs)

    @property
    def language(self) -> str:
        """The chosen language, or the interface's when none (or a wrong one) was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["caller_language"]
        return caller_language()


class ShortlistAddForm(forms.Form):
    facility = IdChoiceField(
        queryset=Facility.objects.listed(),
        error_messages={
            "required": _("Choose a facility to add."),
            "invalid_choice": _("That facility isn't listed, so it can't go on the shortlist."),
        },
    )

    def __init__(self, *args, shortlist, **kwargs):
        self.shortlist = shortlist
        super().__init__(*args, **kwargs)

    def clean_facility(self):
        facility = self.cleaned_data["facility"]
        if facility.pk not in self.shortlist and self.shortlist.is_full:
            raise forms.ValidationError(
                gettext("The shortlist holds up to %(max)d facilities. Remove one before adding another.")
                % {"max": MAX_FACILITIES}
            )
        return facility


class ShortlistItemForm(forms.Form):
    """Names a facility already on the shortlist (to remove or move it)."""

    facility = forms.IntegerField(
        error_messages={"required": _("Choose a facility."), "invalid": _("Choose a facility.")}
    )

    def __init__(self, *args, shortlist, **kwargs):
        self.shortlist = shortlist
        super().__init__(*args, **kwargs)

    def clean_facility(self):
        pk = self.cleaned_data["facility"]
        if pk not in self.shortlist:
            raise forms.ValidationError(gettext("That facility isn't on the shortlist."))
        return pk


class ShortlistMoveForm(ShortlistItemForm):
    direction = forms.ChoiceField(
        choices=[(UP, _("Move up")), (DOWN, _("Move down"))],
        error_messages={"required": _("Choose up or down."), "invalid_choice": _("Choose up or down.")},
    )


class ShortlistEmailForm(forms.Form):
    """Email the shortlist to the caller. The address is used to send, never stored or logged."""

    email = forms.EmailField(
        label=_("Caller's email address"),
        max_length=254,
        help_text=_("Used only to send this email. Finder does not keep it."),
        error_messages={"required": _("Enter the email address to send the list to.")},
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("A short personal line (optional)"),
        required=False,
        max_length=300,
        help_text=_(
            "Shown above the list, like “It was good to talk with you today.” Nothing that identifies the caller."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The shortlist page's caller's language travels with the form (a hidden field; the page's own choice shows).
    # Left out (an older page, a script): the worker's own language.
    caller_language = caller_language_field(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, facilities=(), language=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("initial", {"caller_language": language or caller_language()})
        self.facilities = list(facilities)
        super().__init__(*args, **kwargs)

    def clean_caller_language(self):
        return self.cleaned_data["caller_language"] or caller_language()

    def clean(self):
        cleaned_data = super().clean()
        if not self.facilities:
            raise forms.ValidationError(gettext("The shortlist is empty. Add at least one facility before sending it."))
        return cleaned_data

    def send(self, *, link) -> None:
        """Send with finder.mail (raises NotSent) in the caller's language; ``link(facility)`` gives the public
        page's full address (called in that language too, so the link opens the page in it)."""
        with translation.override(self.cleaned_data["caller_language"]):
            body = shortlist_email_text(self.facilities, note=self.cleaned_data["note"], link=link)
            mail.send(shortlist_email_subject(), body, self.cleaned_data["email"])


class CalledFacilityForm(forms.Form):
    """What a worker learned by calling a facility, passed on so the listing gets fixed."""

    CONFIRMED = "confirmed"
    PHONE_WRONG = "phone-wrong"
    NOT_ACCEPTING = "not-accepting"
    REPORTS = {
        PHONE_WRONG: (ProblemReport.Kind.PHONE, _("Reported by the helpline: the phone number did not work")),
        NOT_ACCEPTING: (ProblemReport.Kind.OTHER, _("Reported by the helpline: not accepting new patients")),
    }

    outcome = forms.ChoiceField(
        choices=[
            (CONFIRMED, _("Details confirmed")),
            (PHONE_WRONG, _("Phone didn't work")),
            (NOT_ACCEPTING, _("Not taking new patients")),
        ],
        error_messages={
            "required": _("Choose what happened when you called."),
            "invalid_choice": _("Choose what happened when you called."),
        },
    )

    def save(self, facility: Facility, user) -> str:
        """Record the outcome and return the message for the worker."""
        outcome = self.cleaned_data["outcome"]
        if outcome == self.CONFIRMED:
            facility.mark_verified(user, VerifiedBy.HELPLINE)
            return gettext("Thank you. %(name)s now shows as verified by a helpline worker today.") % {
                "name": facility.name
            }
        kind, note = self.REPORTS[outcome]
        # The note is stored: the team reads it in English, whatever the worker's interface language.
        with translation.override("en"):
            note = str(note)
        ProblemReport.objects.create(facility=facility, kind=kind, note=note)
        return gettext("Thank you. %(name)s's staff and the Finder team will be asked to check the listing.") % {
            "name": facility.name
        }
