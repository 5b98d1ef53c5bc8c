import re
from datetime import date
from functools import lru_cache

from django import forms, template
from django.template.loader import get_template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.http import urlencode
from django.utils.timesince import timesince
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from centers.taxonomy import ServiceCategory

register = template.Library()


@register.filter
def tel_href(phone: str) -> str:
    """'(404) 555-0100 ext. 12' -> 'tel:+14045550100,12' for tap-to-call."""
    match = re.match(r"\D*(\d{3})\D*(\d{3})\D*(\d{4})(?:\D+(\d+))?", phone or "")
    if not match:
        return ""
    area, exchange, number, extension = match.groups()
    return f"tel:+1{area}{exchange}{number}" + (f",{extension}" if extension else "")


@register.filter
def miles(distance) -> str:
    if distance is None:
        return ""
    if distance < 0.1:
        return gettext("under 0.1 miles")
    return gettext("%(n)s miles") % {"n": number_format(distance, 1 if distance < 10 else 0)}


@register.filter
def age(moment) -> str:
    """'3 days ago' for a past datetime; 'just now' under a minute ago (not '0 minutes ago')."""
    if not moment:
        return ""
    now = timezone.now()
    if (now - moment).total_seconds() < 60:
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(moment, now).split(",")[0]}


@register.filter
def calendar_date(moment) -> str:
    """'Mar 4, 2026' ('4 de marzo de 2026' in Spanish): the day of a moment in the site's time zone, for cards."""
    return _calendar_date(timezone.localdate(moment), get_language()) if moment else ""


@lru_cache(maxsize=512)
def _calendar_date(day: date, language: str) -> str:
    # Once per day and language: a page of cards imported on the same day formats one date, not ten.
    # English as |date:"M j, Y" says it; other languages in their own date format (Django's locale formats).
    return date_format(day, "M j, Y" if language == "en" else "DATE_FORMAT")


@register.simple_tag
def directions_url(facility) -> str:
    # Directions from wherever the person is, in their maps app; the link shares no more than the
    # facility's address, and nothing is requested from Google until it is tapped.
    return "https://www.google.com/maps/dir/?" + urlencode({"api": "1", "destination": facility.full_address})


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """The current search's query string with another page number."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def as_heading(label) -> str:
    """A field label ready to put before its error: "What happened?" -> "What happened"."""
    return str(label).rstrip("?: ")


@register.filter
def checkbox_options(field):
    """(id, value, label, checked) for each option of a checkbox group.

    Rendering the options in the including template is several milliseconds faster than Django's
    widget, which renders a template per option (36 on the search form); the markup is the same.
    """
    chosen = {str(value) for value in (field.value() or [])}
    return [
        (f"{field.auto_id}_{index}", str(value), label, str(value) in chosen)
        for index, (value, label) in enumerate(field.field.choices)
    ]


# A search form's choice fields look the same on every request but for which choices are ticked (and an
# empty text box the same for everyone): each is rendered by centers/_field.html once per process, language
# and ticked choices, then reused. Bounded: the keys hold only choices the field offers, never typed text;
# cleared when full rather than grown.
FIELD_MARKUP: dict[tuple, str] = {}
FIELD_MARKUP_LIMIT = 2000


@register.simple_tag
def search_field(field):
    """A search form's field rendered by centers/_field.html; without errors or typed text, from FIELD_MARKUP."""
    key = _markup_key(field)
    if key is None:
        return get_template("centers/_field.html").render({"field": field})
    markup = FIELD_MARKUP.get(key)
    if markup is None:
        if len(FIELD_MARKUP) >= FIELD_MARKUP_LIMIT:
            FIELD_MARKUP.clear()
        markup = FIELD_MARKUP[key] = get_template("centers/_field.html").render({"field": field})
    return markup


def _markup_key(field) -> tuple | None:
    """What a field's markup depends on; None for a field to render afresh (typed text, errors)."""
    form_field, widget = field.field, field.field.widget
    if field.errors:
        return None
    if isinstance(form_field, forms.ModelChoiceField):
        # Choices from the database (insurers): read them here, the one query the widget would have run, so
        # that they are part of the key and a render on a miss reads the same list.
        widget.choices = [choice for choice in widget.choices]  # not list(): its len() would run a COUNT
    if isinstance(widget, forms.CheckboxInput):
        state = widget.check_test(field.value())
    elif isinstance(form_field, forms.ChoiceField):
        offered = {str(value) for value, _ in widget.choices}
        value = field.value()
        values = value if isinstance(value, (list, tuple)) else [value]
        state = frozenset(str(item) for item in values if item is not None) & offered
    elif field.value() in (None, ""):
        state = ""  # an empty text box looks the same for everyone; typed text is never kept
    else:
        return None
    return (
        get_language(),
        field.html_name,
        field.auto_id,
        str(field.label),
        str(field.help_text),
        type(widget),
        form_field.required,
        field.form.label_suffix,
        tuple(sorted((name, str(value)) for name, value in widget.attrs.items())),
        tuple((str(value), str(label)) for value, label in getattr(widget, "choices", ())),
        state,
    )


@register.simple_tag(takes_context=True)
def back_query(context) -> str:
    """The query string "?back=" and the current search, for links to a facility's page ("Back to results"); or ""."""
    query = context["request"].GET.urlencode()
    return f"?{urlencode({'back': query})}" if query else ""


# The detail page's headings for the service taxonomy, in the words and the order a family reads them.
# (The taxonomy's own labels are the staff portal's, where they name form sections.)
PLAIN_SERVICE_HEADINGS = {
    ServiceCategory.SETTING: _("Where care happens"),
    ServiceCategory.TYPE_OF_CARE: _("What they treat"),
    ServiceCategory.MEDICATION: _("Medicines for addiction"),
    ServiceCategory.DETOX: _("Help through withdrawal from"),
    ServiceCategory.PAYMENT: _("Ways to pay"),
    ServiceCategory.PAYMENT_ASSISTANCE: _("Help with the cost"),
    ServiceCategory.AGE: _("Ages they treat"),
    ServiceCategory.GENDER: _("Who they treat"),
    ServiceCategory.SPECIAL_PROGRAMS: _("Programs for"),
    ServiceCategory.LANGUAGE: _("Languages and sign language"),
    ServiceCategory.PRIMARY_FOCUS: _("Main focus"),
    ServiceCategory.OPERATION: ServiceCategory.OPERATION.label,  # already plain: "Run by"
    ServiceCategory.LICENSE: ServiceCategory.LICENSE.label,
    ServiceCategory.ACCREDITATION: _("Checked and approved by (accreditation)"),
    ServiceCategory.OTHER: ServiceCategory.OTHER.label,
}


# SAMHSA codes other languages one by one (F1-F119 spoken, N1-N40 Native American) without naming them;
# a family reads "3 other languages (call to ask which)" once rather than the same words three times.
OTHER_LANGUAGE_CODES = {"F": "other", "N": "native"}


def _language_labels(services) -> list[str]:
    labels, others = [], {}
    for service in services:
        kind = OTHER_LANGUAGE_CODES.get(service.code[:1]) if service.code[1:].isdigit() else None
        if kind:
            others[kind] = others.get(kind, 0) + 1
        else:
            labels.append(gettext(service.label))  # stored in English (centers.taxonomy); shown translated
    for kind, count in others.items():
        if kind == "native":
            words = ngettext(
                "%(n)s Native American language (call to ask which)",
                "%(n)s Native American languages (call to ask which)",
                count,
            )
        else:
            words = ngettext(
                "%(n)s other language (call to ask which)", "%(n)s other languages (call to ask which)", count
            )
        labels.append(words % {"n": count})
    return labels


@register.filter
def plain_service_groups(facility) -> list[tuple[str, str, list[str]]]:
    """(category, plain heading, labels) in a family's reading order, insurance companies after the ways to pay.

    Reads facility.services.all() and facility.insurers.all(): prefetch them.
    """
    services: dict[str, list] = {}
    for service in sorted(facility.services.all(), key=lambda service: service.label):
        services.setdefault(service.category, []).append(service)
    insurers = [insurer.name for insurer in facility.insurers.all()]
    groups = []
    for category, heading in PLAIN_SERVICE_HEADINGS.items():
        if category == ServiceCategory.LANGUAGE and category in services:
            groups.append((category.value, heading, _language_labels(services[category])))
        elif category in services:
            labels = sorted(gettext(service.label) for service in services[category])  # in the reader's alphabet
            groups.append((category.value, heading, labels))
        if category == ServiceCategory.PAYMENT and insurers:
            groups.append(("insurers", gettext("Insurance companies"), insurers))
    return groups
