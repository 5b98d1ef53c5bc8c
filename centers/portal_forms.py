"""Forms for the admissions staff portal: availability, listing edits, problem reports, invitations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone
from django.utils.text import capfirst

from centers.importers import PHONE_RE, normalize_phone, normalize_url
from centers.models import Availability, AvailabilityStatus, Facility, Invitation, PendingChange, Service
from centers.models.availability import fresh_since
from centers.taxonomy import ServiceCategory
from centers.vocabulary import LevelOfCare
from finder.ids import IdsChoiceField

# Changes to these go to a steward first: a wrong name, address or phone number sends a family
# to the wrong place, and a wrong medication can send someone where they can't get it.
REVIEWED_FIELDS = (
    "name",
    "name2",
    "street1",
    "street2",
    "city",
    "state",
    "zip_code",
    "phone",
    "intake_phone",
    "hotline",
)
REVIEWED_CATEGORIES = (ServiceCategory.MEDICATION,)
# Service categories staff maintain; the others (accreditation, licences, ...) come from SAMHSA or stewards.
STAFF_CATEGORIES = (
    ServiceCategory.TYPE_OF_CARE,
    ServiceCategory.SETTING,
    ServiceCategory.MEDICATION,
    ServiceCategory.DETOX,
    ServiceCategory.PAYMENT,
    ServiceCategory.PAYMENT_ASSISTANCE,
    ServiceCategory.AGE,
    ServiceCategory.SPECIAL_PROGRAMS,
    ServiceCategory.LANGUAGE,
)
REVIEW_HELP = "Checked by the Finder team before families see it."


def clock(moment: datetime) -> str:
    """'2:14 pm' in the site's time zone."""
    return dateformat.format(timezone.localtime(moment), "g:i A").lower()


# Availability -----------------------------------------------------------------------------------


class AvailabilityForm(forms.Form):
    """One tap (a status, or "still accurate") or the optional details for one level of care."""

    level = forms.ChoiceField(
        label="Type of care", choices=LevelOfCare.choices, error_messages={"invalid_choice": "Choose a type of care."}
    )
    status = forms.ChoiceField(
        label="Can you take a new patient?",
        choices=[("", "Choose…"), *AvailabilityStatus.choices],
        required=False,
        error_messages={"invalid_choice": "Choose accepting, waitlist or not accepting."},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    details = forms.BooleanField(required=False, widget=forms.HiddenInput)
    open_slots = forms.IntegerField(
        label="Open beds or slots",
        required=False,
        min_value=0,
        max_value=999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Leave blank if you'd rather not say.",
        error_messages={
            "invalid": "Enter a whole number, like 3.",
            "min_value": "Enter a number from 0 to 999.",
            "max_value": "Enter a number from 0 to 999.",
        },
    )
    waitlist_days = forms.IntegerField(
        label="Waitlist, in days",
        required=False,
        min_value=0,
        max_value=365,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="About how long a new patient waits today.",
        error_messages={
            "invalid": "Enter a whole number of days, like 7.",
            "min_value": "Enter a number of days from 0 to 365.",
            "max_value": "Enter a number of days from 0 to 365.",
        },
    )
    note = forms.CharField(
        label="Note for families",
        required=False,
        max_length=200,
        help_text="Short, up to 200 characters: “Call before noon”.",
        error_messages={"max_length": "Keep the note to 200 characters or fewer (it has %(show_value)d)."},
    )

    def __init__(self, data=None, *, facility: Facility, initial=None):
        # Several of these forms share a page, one per level of care: the level keeps their ids apart.
        level = (data or initial or {}).get("level")
        prefix = level if level in LevelOfCare.values else "availability"
        super().__init__(data, initial=initial, auto_id=f"{prefix}-%s", label_suffix="")
        self.facility = facility
        self.availability: Availability | None = None

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level:
            self.availability = self.facility.availability.filter(level=level).first()
        if data.get("confirm"):
            if level and self.availability is None:
                raise ValidationError("There is nothing to confirm yet. Choose accepting, waitlist or not accepting.")
        elif not data.get("status") and "status" not in self.errors:
            self.add_error("status", "Choose accepting, waitlist or not accepting.")
        return data

    @property
    def level_of_care(self) -> LevelOfCare:
        return LevelOfCare(self.cleaned_data["level"])

    def save(self, user) -> Availability:
        """Store the new status (or just the new time, for "still accurate"), stamped with who said it."""
        data = self.cleaned_data
        availability = self.availability or Availability(facility=self.facility, level=data["level"])
        if not data["confirm"]:
            if data["details"]:
                availability.open_slots, availability.waitlist_days = data["open_slots"], data["waitlist_days"]
                availability.note = data["note"]
            elif availability.status != data["status"]:
                # Numbers said for the old status ("3 beds open") are wrong for the new one.
                availability.open_slots = availability.waitlist_days = None
            availability.status = data["status"]
        availability.updated_by, availability.updated_at = user, timezone.now()
        try:
            with transaction.atomic():
                availability.save()
        except IntegrityError:
            # A colleague set this level for the first time at the same moment: update their row.
            availability.pk = Availability.objects.get(facility=self.facility, level=data["level"]).pk
            availability.save(force_update=True)
        return availability

    def saved_message(self, availability: Availability) -> str:
        verb = "confirmed" if self.cleaned_data["confirm"] else "saved"
        return (
            f"{self.level_of_care.label}: {availability.get_status_display()}, {verb} {clock(availability.updated_at)}"
        )


@dataclass
class LevelAvailability:
    """One row of the availability page: a level of care, what staff last said, and its details form."""

    level: LevelOfCare
    availability: Availability | None
    form: AvailabilityForm
    # One big button each; the words are short so three fit across a phone.
    buttons: ClassVar = (
        (AvailabilityStatus.ACCEPTING, "Accepting"),
        (AvailabilityStatus.WAITLIST, "Waitlist"),
        (AvailabilityStatus.NOT_ACCEPTING, "Not accepting"),
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


def split_changes(old: dict, new: dict, reviewed_codes, already_proposed=()) -> tuple[dict, dict]:
    """Split a listing edit into what goes live now and what waits for a steward.

    ``old`` and ``new`` map field names to values, and "services" to a set of service codes.
    Both results use PendingChange's format: field -> {"old", "new"}; "services" -> {"add", "remove"}.
    Proposals identical to a change already waiting (``already_proposed``, PendingChange.changes
    dicts) are dropped, so pressing Save twice files one review, not two.
    """
    waiting = [(name, change) for proposal in already_proposed for name, change in proposal.items()]
    waiting_values = {(name, repr(change["new"])) for name, change in waiting if name != "services"}
    waiting_codes = {
        (action, code)
        for name, change in waiting
        if name == "services"
        for action, codes in change.items()
        for code in codes
    }
    live, review = {}, {}
    for name, value in new.items():
        if name == "services" or value == old[name]:
            continue
        if name not in REVIEWED_FIELDS:
            live[name] = {"old": old[name], "new": value}
        elif (name, repr(value)) not in waiting_values:
            review[name] = {"old": old[name], "new": value}
    live_services, reviewed_services = {}, {}
    for action, codes in (("add", new["services"] - old["services"]), ("remove", old["services"] - new["services"])):
        for code in sorted(codes):
            if code not in reviewed_codes:
                live_services.setdefault(action, []).append(code)
            elif (action, code) not in waiting_codes:
                reviewed_services.setdefault(action, []).append(code)
    if live_services:
        live["services"] = live_services
    if reviewed_services:
        review["services"] = reviewed_services
    return live, review


def _lines(text: str) -> str:
    # Browsers send textarea lines ending in CRLF; compare and store plain newlines.
    return text.replace("\r\n", "\n").strip()


class ListingForm(forms.ModelForm):
    """What staff may change on their listing. Names, address, phones and medications go to review."""

    website = forms.CharField(
        label="Website",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
        help_text="For example: www.example.org",
    )

    class Meta:
        model = Facility
        fields = [
            "intake_phone",
            "phone",
            "hotline",
            "website",
            "hours",
            "intake_hours",
            "description",
            "insurers",
            "name",
            "name2",
            "street1",
            "street2",
            "city",
            "state",
            "zip_code",
        ]
        labels = {
            "intake_phone": "Intake phone (for new patients)",
            "hours": "Opening hours",
            "intake_hours": "Intake hours",
            "description": "About your facility",
            "insurers": "Insurance companies you take",
            "name": "Facility name",
        }
        help_texts = {"description": "In plain words, for families: who you help and how."}
        # normalize_url checks the address (clean_website); a forms.URLField would guess a scheme of its own.
        field_classes = {"website": forms.CharField, "insurers": IdsChoiceField}
        widgets = {
            "intake_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "hotline": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "hours": forms.Textarea(attrs={"rows": 3}),
            "intake_hours": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "insurers": forms.CheckboxSelectMultiple,
            "zip_code": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""  # labels are phrases, as on the search form
        for name in REVIEWED_FIELDS:
            help_text = self.fields[name].help_text
            self.fields[name].help_text = f"{help_text} {REVIEW_HELP}" if help_text else REVIEW_HELP
        services = list(Service.objects.filter(category__in=STAFF_CATEGORIES))
        self.reviewed_codes = {s.code for s in services if s.category in REVIEWED_CATEGORIES}
        self.staff_codes = {s.code for s in services}
        codes = self.instance.service_codes() if self.instance.pk else set()
        self.service_field_names = []
        for category in STAFF_CATEGORIES:
            in_category = [s for s in services if s.category == category]
            if not in_category:
                continue
            labels = [s.label for s in in_category]
            # Two codes can share a label (ITU and IHS); the code tells them apart.
            choices = [(s.code, f"{s.label} ({s.code})" if labels.count(s.label) > 1 else s.label) for s in in_category]
            name = f"services_{category.name.lower()}"
            self.fields[name] = forms.MultipleChoiceField(
                label=category.label,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[s.code for s in in_category if s.code in codes],
                help_text=REVIEW_HELP if category in REVIEWED_CATEGORIES else "",
            )
            self.service_field_names.append(name)

    # Field groups, for the template's sections.

    def _group(self, names):
        return [self[name] for name in names]

    def contact_fields(self):
        return self._group(["intake_phone", "phone", "hotline", "website"])

    def hours_fields(self):
        return self._group(["hours", "intake_hours", "description"])

    def name_address_fields(self):
        return self._group(["name", "name2", "street1", "street2", "city", "state", "zip_code"])

    def service_fields(self):
        return self._group(self.service_field_names)

    # Cleaning.

    def _clean_phone(self, name):
        text = self.cleaned_data[name].strip()
        if not text:
            return ""
        if not PHONE_RE.fullmatch(text):
            raise ValidationError(
                "Enter a 10-digit US phone number, like (404) 555-0100. Add “ext. 12” for an extension."
            )
        return normalize_phone(text)

    def clean_intake_phone(self):
        return self._clean_phone("intake_phone")

    def clean_phone(self):
        return self._clean_phone("phone")

    def clean_hotline(self):
        return self._clean_phone("hotline")

    def clean_website(self):
        try:
            return normalize_url(self.cleaned_data["website"])
        except ValidationError:
            raise ValidationError("Enter a web address, like www.example.org.") from None

    def clean_zip_code(self):
        zip_code = self.cleaned_data["zip_code"].strip()
        if not (len(zip_code) == 5 and zip_code.isdigit()):
            raise ValidationError("Enter a 5-digit ZIP code, like 30303.")
        return zip_code

    def clean_hours(self):
        return _lines(self.cleaned_data["hours"])

    def clean_intake_hours(self):
        return _lines(self.cleaned_data["intake_hours"])

    def clean_description(self):
        return _lines(self.cleaned_data["description"])

    # Saving.

    def _values(self, source: dict, services: set[str]) -> dict:
        values = {name: source[name] for name in self._meta.fields if name != "insurers"}
        values["insurers"] = sorted(insurer.pk for insurer in source["insurers"])
        values["services"] = services
        return values

    def split(self) -> tuple[dict, dict]:
        """The submitted edit, split by ``split_changes`` into live and reviewed changes."""
        old = self._values(self.initial, self.instance.service_codes() & self.staff_codes)
        for name in ("hours", "intake_hours", "description"):
            old[name] = _lines(old[name])
        for name in ("phone", "intake_phone", "hotline"):
            # Imported numbers may be stored unformatted; retyping the same number is no change.
            old[name] = normalize_phone(old[name]) or old[name]
        chosen = {code for name in self.service_field_names for code in self.cleaned_data[name]}
        new = self._values(self.cleaned_data, chosen)
        waiting = self.instance.pending_changes.pending().values_list("changes", flat=True)
        return split_changes(old, new, self.reviewed_codes, already_proposed=list(waiting))

    @transaction.atomic
    def save(self, user) -> tuple[dict, PendingChange | None]:
        """Apply the live changes and file the reviewed ones as one PendingChange; returns both."""
        live, review = self.split()
        facility = self.instance
        # Validation copied every submitted value onto the instance; the public keeps the old
        # reviewed values until a steward approves them.
        for name in REVIEWED_FIELDS:
            setattr(facility, name, self.initial[name])
        if any(name not in ("services", "insurers") for name in live):
            facility._change_reason = "Edited by facility staff"
            facility.save()
        if "insurers" in live:
            facility.insurers.set(live["insurers"]["new"])
        services = live.get("services", {})
        if services.get("add"):
            facility.services.add(*services["add"])
        if services.get("remove"):
            facility.services.remove(*services["remove"])
        change = None
        if review:
            change = PendingChange.objects.create(facility=facility, changes=review, submitted_by=user)
        return live, change


def describe_changes(changes) -> list[PendingChange]:
    """The changes, each with ``lines``: plain sentences naming fields and services as staff know them."""
    changes = list(changes)
    codes = {code for c in changes for codes in c.changes.get("services", {}).values() for code in codes}
    labels = dict(Service.objects.filter(code__in=codes).values_list("code", "label"))
    for change in changes:
        change.lines = []
        for name, value in change.changes.items():
            if name == "services":
                for action, verb in (("add", "Add"), ("remove", "Remove")):
                    for code in value.get(action, []):
                        change.lines.append(f"{verb}: {labels.get(code, code)}")
            elif name == "insurers":
                change.lines.append("Insurance companies changed")
            else:
                label = capfirst(Facility._meta.get_field(name).verbose_name)
                change.lines.append(f"{label}: “{value['old'] or '(blank)'}” → “{value['new'] or '(blank)'}”")
    return changes


def saved_summary(live: dict, change: PendingChange | None) -> str:
    """The message after saving a listing edit."""
    if not live and change is None:
        return "Nothing changed, so nothing was saved."
    parts = []
    if live:
        parts.append("Your changes are live on Finder now.")
    if change is not None:
        parts.append(
            "Changes to the name, address, phone numbers or medications are waiting for the Finder team to check; "
            "families see the old details until then."
        )
    return " ".join(parts)


# Problem reports --------------------------------------------------------------------------------


class ResolveReportForm(forms.Form):
    note = forms.CharField(
        label="What did you fix?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="If they left an email address, the person who reported it gets this note.",
        error_messages={"required": "Say what you fixed or checked, so the person who reported it knows."},
    )


# Invitations ------------------------------------------------------------------------------------


class AcceptInvitationForm(UserCreationForm):
    """Choose a username and password to join a facility; the password passes Django's validators."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)
        labels = {"username": "Username"}
        help_texts = {"username": "You'll log in with this. Your email address works well."}

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.label_suffix = ""
        self.instance.email = invitation.email  # so the password can't be too similar to it
        self.fields["username"].initial = invitation.email
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password1"].label = "Password"
        self.fields[
            "password1"
        ].help_text = (
            "At least 8 characters. Not a common password, not only numbers, and not like your username or email."
        )
        self.fields["password2"].label = "Password again"
        self.fields["password2"].help_text = "Type the same password, to catch typos."

    def validate_password_for_user(self, user, password_field_name="password1"):
        # The validators' advice belongs next to the password, not next to its repeat.
        super().validate_password_for_user(user, password_field_name)

    @transaction.atomic
    def save(self, commit=True):
        user = super().save()
        self.invitation.accept(user)
        return user


def invitation_situation(invitation: Invitation, user) -> str:
    """How this person can take up the invitation.

    "new-account" (choose a username and password), "join" (logged in with the invited email),
    "log-in-first" (an account has that email) or "other-account" (logged in as someone else).
    """
    if user.is_authenticated:
        invited = bool(user.email) and user.email.lower() == invitation.email.lower()
        return "join" if invited else "other-account"
    if get_user_model().objects.filter(email__iexact=invitation.email).exists():
        return "log-in-first"
    return "new-account"


class StaffLoginForm(AuthenticationForm):
    """Django's login form, with labels written like the rest of Finder (no trailing colon)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
