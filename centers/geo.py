"""Places and distances. The only module that imports ``zipcodes`` or ``geopy``.

ZIP codes and "City, ST" resolve offline from the US ZIP gazetteer that ships inside ``zipcodes``.
A street address goes to an online geopy geocoder only when ``FINDER_GEOCODER`` is set.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db.models import F, FloatField, Func

MAX_PLACE_LENGTH = 200
KM_PER_MILE = 1.609344

STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands", "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands", "FM": "Micronesia", "MH": "Marshall Islands", "PW": "Palau",
}  # fmt: skip
STATE_CHOICES = sorted(STATE_NAMES.items(), key=lambda item: item[1])

ZIP_RE = re.compile(r"^(\d{5})(?:-?\d{4})?$")
COORDINATES_RE = re.compile(r"^\s*([-+]?\d{1,3}(?:\.\d+)?)\s*[, ]\s*([-+]?\d{1,3}(?:\.\d+)?)\s*$")
CITY_STATE_RE = re.compile(r"^(?P<city>[a-z .'\-]+?)[\s,]+(?P<state>[a-z .]+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    label: str = ""
    state: str = ""

    @property
    def is_valid(self) -> bool:
        return -90 <= self.latitude <= 90 and -180 <= self.longitude <= 180


class PlaceNotFound(ValueError):
    """A place we could not resolve; the message is shown to the person searching."""


# The gazetteer ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ZipPlace:
    zip_code: str
    city: str
    state: str
    county: str
    latitude: float
    longitude: float
    area_code: str


@dataclass
class _Gazetteer:
    places: list[ZipPlace]
    zips: dict[str, Point]
    cities: dict[tuple[str, str], Point]
    grid: dict[tuple[int, int], list[Point]]


def _city_key(city: str) -> str:
    city = re.sub(r"[^A-Z ]", "", city.upper().replace("-", " "))
    city = re.sub(r"\bST\b", "SAINT", city)
    city = re.sub(r"\bFT\b", "FORT", city)
    city = re.sub(r"\bMT\b", "MOUNT", city)
    return " ".join(city.split())


@cache
def _gazetteer() -> _Gazetteer:
    import zipcodes  # ~40k records; loaded once per process, on first use.

    places: list[ZipPlace] = []
    zips: dict[str, Point] = {}
    city_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    city_names: dict[tuple[str, str], str] = {}
    grid: dict[tuple[int, int], list[Point]] = defaultdict(list)
    for row in zipcodes.list_all():
        latitude, longitude = float(row["lat"]), float(row["long"])
        if latitude == 0 and longitude == 0:
            continue
        point = Point(latitude, longitude, f"{row['zip_code']} ({row['city']}, {row['state']})", row["state"])
        zips[row["zip_code"]] = point
        if row["zip_code_type"] == "STANDARD" and row["active"] and row["state"] in STATE_NAMES:
            area_code = (row.get("area_codes") or ["555"])[0]
            places.append(
                ZipPlace(row["zip_code"], row["city"], row["state"], row["county"], latitude, longitude, area_code)
            )
        grid[int(math.floor(latitude)), int(math.floor(longitude))].append(point)
        for city in [row["city"], *row.get("acceptable_cities", [])]:
            key = (_city_key(city), row["state"])
            city_points[key].append((latitude, longitude))
            city_names.setdefault(key, f"{city.title() if city.isupper() else city}, {row['state']}")
    cities = {
        key: Point(
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
            city_names[key],
            key[1],
        )
        for key, points in city_points.items()
    }
    return _Gazetteer(places=places, zips=zips, cities=cities, grid=grid)


def zip_point(zip_code: str) -> Point | None:
    """The center of a 5-digit ZIP code, or None if the gazetteer doesn't know it."""
    return _gazetteer().zips.get(zip_code[:5])


def all_zip_points() -> list[Point]:
    return list(_gazetteer().zips.values())


def residential_zip_places() -> list[ZipPlace]:
    """Active standard (street-delivery) ZIP codes in the states and territories, for demo data."""
    return _gazetteer().places


def _state_code(text: str) -> str | None:
    text = " ".join(text.replace(".", "").split()).upper()
    if text in STATE_NAMES:
        return text
    for code, name in STATE_NAMES.items():
        if name.upper() == text:
            return code
    return None


def nearest_state(point: Point) -> str:
    """The state of the nearest ZIP code center (for "anywhere in this state" from coordinates)."""
    grid = _gazetteer().grid
    row, col = int(math.floor(point.latitude)), int(math.floor(point.longitude))
    candidates = [p for dr in (-1, 0, 1) for dc in (-1, 0, 1) for p in grid.get((row + dr, col + dc), [])]
    if not candidates:
        candidates = all_zip_points()
    best = min(candidates, key=lambda p: miles_between(point, p))
    return best.state


# Looking up what people type ----------------------------------------------------------------


def lookup_place(text: str) -> Point:
    """Resolve a ZIP, "City, ST", "lat,lng" or (with a geocoder configured) a street address."""
    text = " ".join(text.split())
    if not text:
        raise PlaceNotFound("Enter a ZIP code or a city and state, like 30301 or Atlanta, GA.")
    if len(text) > MAX_PLACE_LENGTH:
        raise PlaceNotFound(f"That is too long for a place. Use at most {MAX_PLACE_LENGTH} characters.")

    if match := ZIP_RE.match(text):
        point = zip_point(match.group(1))
        if point is None:
            raise PlaceNotFound(f"We couldn't find the ZIP code {match.group(1)}. Check the 5 digits, like 30301.")
        return point

    if match := COORDINATES_RE.match(text):
        point = Point(float(match.group(1)), float(match.group(2)), "your location")
        if not point.is_valid:
            raise PlaceNotFound(
                "Those coordinates are off the map. Latitude must be between -90 and 90 and "
                "longitude between -180 and 180."
            )
        return point

    if text.isdigit():
        raise PlaceNotFound("A ZIP code has 5 digits, like 30301.")

    if match := CITY_STATE_RE.match(text):
        state = _state_code(match.group("state"))
        if state:
            point = _gazetteer().cities.get((_city_key(match.group("city")), state))
            if point is None:
                raise PlaceNotFound(
                    f"We couldn't find a city called {match.group('city').strip()} in "
                    f"{STATE_NAMES[state]}. Check the spelling, or try a ZIP code."
                )
            return point

    return geocode_address(text)


def geocoder_enabled() -> bool:
    return bool(settings.FINDER_GEOCODER)


def geocode_address(text: str) -> Point:
    """Look up a street address with the configured online geocoder (never called when off)."""
    if not geocoder_enabled():
        raise PlaceNotFound(
            "Enter a 5-digit ZIP code or a city and state (like Atlanta, GA). "
            "Street addresses can't be looked up on this site."
        )
    from geopy.exc import GeopyError

    try:
        location = _geocoder()(text, exactly_one=True, timeout=5)
    except GeopyError:
        raise PlaceNotFound("The address lookup service isn't answering right now. Try a ZIP code instead.") from None
    if location is None:
        raise PlaceNotFound("We couldn't find that address. Check it, or try a ZIP code.")
    point = Point(location.latitude, location.longitude, text)
    return Point(point.latitude, point.longitude, text, nearest_state(point))


@cache
def _geocoder():
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import get_geocoder_for_service

    geocoder_class = get_geocoder_for_service(settings.FINDER_GEOCODER)
    geocoder = geocoder_class(user_agent=settings.FINDER_GEOCODER_USER_AGENT, **settings.FINDER_GEOCODER_OPTIONS)
    # Public geocoders (Nominatim) allow about one request a second.
    return RateLimiter(geocoder.geocode, min_delay_seconds=1, max_retries=1, swallow_exceptions=False)


# Distances ---------------------------------------------------------------------------------


def miles_between(a: Point, b: Point) -> float:
    """Geodesic (WGS-84) distance in miles."""
    from geopy.distance import geodesic

    return geodesic((a.latitude, a.longitude), (b.latitude, b.longitude)).miles


def bounding_box(origin: Point, miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) that contains every point within ``miles``."""
    # A degree of latitude is at least 68.7 miles; using slightly small degree lengths makes the
    # box a little larger than the circle, never smaller.
    lat_delta = miles / 68.6
    widest_latitude = min(abs(origin.latitude) + lat_delta, 89.0)
    lng_delta = min(miles / (68.9 * math.cos(math.radians(widest_latitude))), 180.0)
    return (
        origin.latitude - lat_delta,
        origin.latitude + lat_delta,
        origin.longitude - lng_delta,
        origin.longitude + lng_delta,
    )


class DistanceMiles(Func):
    """The distance in miles from ``origin`` to each row, as one SQL expression.

    The ellipsoidal flat-earth formula of 47 CFR 73.208 (used by the FCC for distances under
    about 300 miles): within 0.1% of the geodesic there, with one cosine per row instead of the
    several trigonometric calls of the haversine, and more accurate than it on the ellipsoid.
    Longer (state-wide) distances are still ordered correctly but less exact. One node rather than
    a tree of Django math functions, because search builds and compiles it on every request.
    """

    output_field = FloatField()

    def __init__(self, origin: Point, latitude: str = "latitude", longitude: str = "longitude"):
        super().__init__(F(latitude), F(longitude))
        self.origin = origin

    def as_sql(self, compiler, connection, **extra_context):
        lat_sql, lat_params = compiler.compile(self.source_expressions[0])
        lng_sql, lng_params = compiler.compile(self.source_expressions[1])
        origin_radians = math.radians(self.origin.latitude)
        # The km per degree of latitude varies by under 1% across the US; at the origin it is exact
        # enough for any search radius. The km per degree of longitude depends on each row's latitude.
        km_per_degree_latitude = (
            111.13209 - 0.56605 * math.cos(2 * origin_radians) + 0.00120 * math.cos(4 * origin_radians)
        )
        mean = f"RADIANS(({lat_sql} + %s) / 2.0)"
        mean_params = [*lat_params, self.origin.latitude]
        north_south = f"(({lat_sql} - %s) * %s)"
        north_south_params = [*lat_params, self.origin.latitude, km_per_degree_latitude]
        east_west = f"(({lng_sql} - %s) * (111.41513 * COS({mean}) - 0.09455 * COS({mean} * 3.0)))"
        east_west_params = [*lng_params, self.origin.longitude, *mean_params, *mean_params]
        sql = f"(SQRT({north_south} * {north_south} + {east_west} * {east_west}) / {KM_PER_MILE})"
        return sql, [*north_south_params, *north_south_params, *east_west_params, *east_west_params]


def distance_miles_expression(origin: Point, latitude: str = "latitude", longitude: str = "longitude"):
    """A database expression for the distance in miles from ``origin`` to each row (see DistanceMiles)."""
    return DistanceMiles(origin, latitude, longitude)
