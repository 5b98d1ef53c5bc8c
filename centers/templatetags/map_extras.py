"""Data for the maps (static/js/map.js), handed to the page with ``json_script``: the page has no inline script."""

from __future__ import annotations

import json
from functools import cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.translation import gettext

from centers.templatetags.centers_extras import miles, tel_href

register = template.Library()

COUNTIES_INDEX = "vendor/us-atlas/counties/index.json"


@cache
def county_files() -> dict[str, tuple[list[float], str]]:
    """Each state's county outlines: (west, south, east, north) and the file's URL. Read once per process."""
    with open(finders.find(COUNTIES_INDEX), encoding="utf-8") as index:
        bounds = json.load(index)
    return {state: (box, static(f"vendor/us-atlas/counties/{state}.json")) for state, box in bounds.items()}


def base_map(around: list[tuple[float, float]] | None = None, *, interactive: bool = True) -> dict:
    """What every map needs: the outlines' files and the optional tile layer.

    With ``around`` (latitude, longitude pairs), only the counties of states within a degree or so of them are
    offered: the page is not made heavier by the URLs of fifty states it will not show.
    """
    counties = [
        {"bounds": box, "url": url} for box, url in county_files().values() if around is None or _near(box, around)
    ]
    return {
        "states": static("vendor/us-atlas/states-10m.json"),
        "counties": counties,
        "tiles": settings.FINDER_MAP_TILES_URL,
        "tilesAttribution": settings.FINDER_MAP_TILES_ATTRIBUTION,
        "outlinesAttribution": gettext("Outlines: US Census Bureau"),
        "interactive": interactive,
    }


def _near(box: list[float], points: list[tuple[float, float]], margin: float = 1.5) -> bool:
    west, south, east, north = box
    return any(south - margin <= lat <= north + margin and west - margin <= lng <= east + margin for lat, lng in points)


def marker(facility, number: int | None = None) -> dict | None:
    if facility.latitude is None or facility.longitude is None:
        return None
    distance = getattr(facility, "distance_miles", None)
    phone = facility.call_phone
    return {
        "number": number,
        "name": facility.name,
        "lat": facility.latitude,
        "lng": facility.longitude,
        "url": facility.get_absolute_url(),
        "distance": gettext("%(distance)s away") % {"distance": miles(distance)} if distance is not None else "",
        "phone": phone,
        "call": gettext("Call %(phone)s") % {"phone": phone},
        "tel": tel_href(phone),
    }


@register.simple_tag
def results_map_data(page, filterset) -> dict:
    """The map of one page of results: markers numbered like the list, the search point and its radius."""
    markers = [marker(facility, number) for number, facility in enumerate(page, start=page.start_index())]
    markers = [item for item in markers if item]
    origin = filterset.origin
    radius = filterset.form.cleaned_data.get("radius") if origin else None
    around = [(item["lat"], item["lng"]) for item in markers]
    if origin:
        around.append((origin.latitude, origin.longitude))
    return {
        **base_map(around),
        "markers": markers,
        "origin": {"lat": origin.latitude, "lng": origin.longitude, "label": origin.label} if origin else None,
        # "state" searches have no circle to draw.
        "radiusMiles": float(radius) if radius and radius != "state" else None,
    }


@register.simple_tag
def facility_map_data(facility) -> dict:
    """The small, still map on a facility's page."""
    item = marker(facility)
    around = [(item["lat"], item["lng"])] if item else []
    return {
        **base_map(around, interactive=False),
        "markers": [item] if item else [],
        "origin": None,
        "radiusMiles": None,
    }


@register.simple_tag
def gaps_map_data(points) -> dict:
    """Circles sized by the number of searches that found nothing there (``points``: helpline.charts.PlotPoint)."""
    circles = [{"lat": p.latitude, "lng": p.longitude, "count": p.count, "label": p.label} for p in points]
    return {**base_map(), "markers": [], "origin": None, "radiusMiles": None, "gaps": circles}
