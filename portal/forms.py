"""The listing editor: what staff may change at once, what waits for a steward, and resolving problem reports."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from centers.models import Facility, Service
from centers.normalize import PHONE_RE, normalize_phone, normalize_url
from centers.taxonomy import ServiceCategory
from finder.ids import IdsChoiceField
from portal.models import PendingChange

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
        label=_("Website"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
        help_text=_("For example: www.example.org"),
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
                gettext("Enter a 10-digit US phone number, like (404) 555-0100. Add “ext. 12” for an extension.")
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
            raise ValidationError(gettext("Enter a web address, like www.example.org.")) from None

    def clean_zip_code(self):
        zip_code = self.cleaned_data["zip_code"].strip()
        if not (len(zip_code) == 5 and zip_code.isdigit()):
            raise ValidationError(gettext("Enter a 5-digit ZIP code, like 30303."))
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
        changed = [name for name in live if name not in ("services", "insurers")]
        if changed:
            facility._change_reason = "Edited by facility staff"
            # Only what this person changed: a steward's edit since the page was loaded stays.
            facility.save(update_fields=[*changed, "updated_at"])
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


def saved_summary(live: dict, change: PendingChange | None) -> str:
    """The message after saving a listing edit."""
    if not live and change is None:
        return gettext("Nothing changed, so nothing was saved.")
    parts = []
    if live:
        parts.append(gettext("Your changes are live on Finder now."))
    if change is not None:
        parts.append(
            gettext(
                "Changes to the name, address, phone numbers or medications are waiting for the Finder team to "
                "check; families see the old details until then."
            )
        )
    return " ".join(parts)


# Problem reports --------------------------------------------------------------------------------


class ResolveReportForm(forms.Form):
    note = forms.CharField(
        label=_("What did you fix?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("If they left an email address, the person who reported it gets this note."),
        error_messages={"required": _("Say what you fixed or checked, so the person who reported it knows.")},
    )


# Invitations ------------------------------------------------------------------------------------
