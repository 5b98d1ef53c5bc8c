import re

from django import template
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.timesince import timesince

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
        return "under 0.1 miles"
    return f"{distance:.1f} miles" if distance < 10 else f"{distance:.0f} miles"


@register.filter
def age(moment) -> str:
    """'3 days ago' for a past datetime; 'just now' under a minute ago (not '0 minutes ago')."""
    if not moment:
        return ""
    now = timezone.now()
    if (now - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment, now).split(',')[0]} ago"


@register.simple_tag
def directions_url(facility) -> str:
    # A search by address works in every maps app and shares no more than the facility's address.
    return "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": facility.full_address})


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
