"""Places and distances. The only module that imports ``zipcodes`` or ``geopy``.

ZIP codes, cities (with or without their state) and counties resolve offline from the US ZIP
gazetteer that ships inside ``zipcodes``, indexed once into a file that each process reads in a
millisecond (gazetteer_file.py).
A street address goes to an online geopy geocoder only when ``FINDER_GEOCODER`` is set.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db.models import F, FloatField, Func

from centers import gazetteer_file, zip_index
from centers import place_messages as says
from centers.gazetteer_file import add_to_centre, centres_of, states_by_size
from centers.zip_index import EARTH_RADIUS_MILES, NearestZip, ZipIndex  # noqa: F401 (EARTH_RADIUS_MILES: geo's too)

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
    # Other places with the name that was typed ("Portland, ME" for "Portland"), largest first.
    alternatives: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_valid(self) -> bool:
        return -90 <= self.latitude <= 90 and -180 <= self.longitude <= 180


class PlaceNotFound(ValueError):
    """A place we could not resolve; the message is shown to the person searching."""


# The gazetteer ---------------------------------------------------------------------------

# A lat,lng farther than this from every ZIP centre (and every place in UNZIPPED_PLACES) is outside
# the United States and its territories. Inhabited parts of the states and territories are within
# about 100 miles of a ZIP centre (Ta'u, American Samoa: 80). Without state outlines, points just
# across a border or a strait (Tijuana, Windsor, Havana) count as covered: a search from there is
# harmless, and cheap.
COVERAGE_MILES = 150.0
# Inhabited US places with no ZIP centre within COVERAGE_MILES: the western Aleutians (Shemya and
# Attu in the Near Islands; Amchitka and Kiska in the Rat Islands) have no civilian ZIP code.
UNZIPPED_PLACES = (("AK", 52.72, 174.11), ("AK", 51.57, 178.88))
OUTSIDE_COVERAGE = says.OUTSIDE_COVERAGE  # the words people read are in centers/place_messages.py, translated


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
    # Read-only mappings (gazetteer_file.PackedTable) of plain tuples, made into Points when looked up.
    zips: Mapping[str, tuple[float, float, str, str]]  # ZIP: latitude, longitude, label, state
    # (name key, state): latitude, longitude, label. Counties by their whole name ("FULTON COUNTY").
    cities: Mapping[tuple[str, str], tuple[float, float, str]]
    counties: Mapping[tuple[str, str], tuple[float, float, str]]
    # Name key: the states with a place of that name, the one with the most ZIP codes first.
    city_states: Mapping[str, tuple[str, ...]]
    county_states: Mapping[str, tuple[str, ...]]
    index: ZipIndex


_NON_LETTERS = re.compile(r"[^A-Z ]")
_ABBREVIATIONS = {"ST": "SAINT", "FT": "FORT", "MT": "MOUNT"}
# The last words of a county's name in the Census file ("Fulton County", "Orleans Parish", "Nome Census Area").
COUNTY_WORDS = re.compile(r"^.*\w.*\s(?:county|parish|borough|census area|municipality|municipio)\.?$", re.IGNORECASE)


def _city_key(city: str) -> str:
    """Letters only, with St, Ft and Mt spelt out: "St. Louis", "Saint Louis" and "ST LOUIS" are one city."""
    # Without spaces, too: the file writes "O Fallon" and "Lagrange" where people type O'Fallon and La Grange.
    words = _NON_LETTERS.sub("", city.upper().replace("-", " ").replace(".", " ")).split()
    return "".join(_ABBREVIATIONS.get(word, word) for word in words)


def _is_county(name: str) -> bool:
    """Whether a name ends with a word that makes it a county ("Fulton County"; not "Marlborough")."""
    return COUNTY_WORDS.match(name) is not None


@cache
def _gazetteer() -> _Gazetteer:
    """The gazetteer, from the place index file; built from ``zipcodes`` (1.5 s) if that is missing or stale."""
    tables = gazetteer_file.load_or_build(gazetteer_file.configured_path(), _file_key(), _build_gazetteer, _KINDS)
    return _Gazetteer(**tables)


def _file_key() -> bytes:
    import zipcodes  # for its version: its data is read only to build the index

    return gazetteer_file.file_key(zipcodes.__version__, [__file__, zip_index.__file__])


# How each table is packed in the file: "f" a float, "s" a string, "t" a tuple of strings (gazetteer_file.py).
_KINDS = {"zips": "ffss", "cities": "ffs", "counties": "ffs", "city_states": "t", "county_states": "t"}


def _build_gazetteer() -> dict:
    """The ~42,000 ZIP records of ``zipcodes``, as dicts: what the place index file holds."""
    import zipcodes

    zips: dict[str, tuple[float, float, str, str]] = {}
    city_sums: dict[tuple[str, str], list] = {}
    county_sums: dict[tuple[str, str], list] = {}
    # The file has no population. The number of ZIP codes whose main name is the city's (street,
    # PO box and single-building codes alike) grows with the number of people and businesses: it
    # ranks Portland, OR (65) over Portland, ME (9), and Atlanta, GA (106) over ten Atlantas of one.
    city_sizes: dict[tuple[str, str], int] = {}
    keys: dict[str, str] = {}  # many ZIPs share a city name; normalise each name once
    county_keys: dict[str, str] = {}
    centres: dict[tuple[float, float], str] = {}  # many ZIPs share a centre, too
    for row in zipcodes.list_all():
        latitude, longitude = float(row["lat"]), float(row["long"])
        if latitude == 0 and longitude == 0:
            continue
        zip_code, state = row["zip_code"], row["state"]
        zips[zip_code] = (latitude, longitude, f"{zip_code} ({row['city']}, {state})", state)
        if state not in STATE_NAMES:
            continue  # military post offices (AA, AE, AP)
        centres.setdefault((latitude, longitude), state)
        for city in [row["city"], *row["acceptable_cities"]]:
            name = keys.get(city)
            if name is None:
                name = keys[city] = _city_key(city)
            add_to_centre(
                city_sums, (name, state), latitude, longitude, f"{city.title() if city.isupper() else city}, {state}"
            )
        city_name = keys[row["city"]]
        city_sizes[city_name, state] = city_sizes.get((city_name, state), 0) + 1
        county = row["county"]
        name = county_keys.get(county)
        if name is None:
            name = county_keys[county] = _city_key(county) if _is_county(county) else ""  # not "Baltimore city"
        if name:
            add_to_centre(county_sums, (name, state), latitude, longitude, f"{county}, {state}")
    index_centres = [(latitude, longitude, state) for (latitude, longitude), state in centres.items()]
    index_centres += [(latitude, longitude, state) for state, latitude, longitude in UNZIPPED_PLACES]
    return {
        "zips": zips,
        "cities": centres_of(city_sums),
        "counties": centres_of(county_sums),
        "city_states": states_by_size(city_sums, city_sizes),
        "county_states": states_by_size(county_sums, {key: sums[2] for key, sums in county_sums.items()}),
        "index": ZipIndex(index_centres),
    }


def load_gazetteer() -> None:
    """Read the place index now (a few ms), building it first if it is missing or stale (about 1.5 s)."""
    _gazetteer()


def build_place_index() -> Path | None:
    """Rebuild the place index file now (``manage.py build_place_index``); returns where it is."""
    path = gazetteer_file.configured_path()
    if path is not None:
        gazetteer_file.write(path, _file_key(), gazetteer_file.pack(_build_gazetteer(), _KINDS))
    return path


def zip_point(zip_code: str) -> Point | None:
    """The center of a 5-digit ZIP code, or None if the gazetteer doesn't know it."""
    found = _gazetteer().zips.get(zip_code[:5])
    return Point(*found) if found else None


@cache
def residential_zip_places() -> list[ZipPlace]:
    """Active standard (street-delivery) ZIP codes in the states and territories, for demo data."""
    import zipcodes  # read directly: the place index keeps only what searches need

    return [
        ZipPlace(
            row["zip_code"],
            row["city"],
            row["state"],
            row["county"],
            float(row["lat"]),
            float(row["long"]),
            (row.get("area_codes") or ["555"])[0],
        )
        for row in zipcodes.list_all()
        if row["state"] in STATE_NAMES
        and row["zip_code_type"] == "STANDARD"
        and row["active"]
        and (float(row["lat"]) != 0 or float(row["long"]) != 0)
    ]


_STATE_CODES = {**{code: code for code in STATE_NAMES}, **{name.upper(): code for code, name in STATE_NAMES.items()}}


def _state_code(text: str) -> str | None:
    return _STATE_CODES.get(" ".join(text.replace(".", "").split()).upper())


def nearest_zip(point: Point, within_miles: float = COVERAGE_MILES) -> NearestZip | None:
    """The ZIP centre nearest ``point`` if one is within ``within_miles``; bounded work for any point."""
    return _gazetteer().index.nearest(point.latitude, point.longitude, within_miles)


def nearest_state(point: Point) -> str:
    """The state of the nearest ZIP centre, or "" for a point outside the US and its territories."""
    nearest = nearest_zip(point)
    return nearest.state if nearest else ""


def covered(point: Point) -> Point:
    """``point`` with its state, or PlaceNotFound if it is outside the US and its territories."""
    nearest = nearest_zip(point)
    if nearest is None:
        raise PlaceNotFound(OUTSIDE_COVERAGE)
    return Point(point.latitude, point.longitude, point.label, point.state or nearest.state)


# Looking up what people type ----------------------------------------------------------------

ASK_FOR_A_PLACE, NO_ADDRESS_LOOKUP = says.ASK_FOR_A_PLACE, says.NO_ADDRESS_LOOKUP
MAX_ALTERNATIVES = 5
PLACE_NAME_RE = re.compile(r"^[^\W\d_][^\W\d_ .,'\-]*(?:[ .,'\-]+[^\W\d_]+)*\.?$")
TRAILING_ZIP_RE = re.compile(r"^[^\W\d_][^\d]*[ ,](\d{5})(?:-?\d{4})?$")  # "Atlanta, GA 30303"
COUNTRY_RE = re.compile(r"[ ,]+(?:USA|U\.S\.A\.|US|U\.S\.|United States(?: of America)?)$", re.IGNORECASE)


def lookup_place(text: str) -> Point:
    """Resolve a ZIP, a city, "City, ST", "County, ST", "lat,lng" or (with a geocoder) a street address.

    A city or county named without its state is the largest of that name, with the others (largest
    first) in ``alternatives``.
    """
    text = " ".join(text.split())
    if not text:
        raise PlaceNotFound(ASK_FOR_A_PLACE)
    if len(text) > MAX_PLACE_LENGTH:
        raise PlaceNotFound(says.TOO_LONG % {"n": MAX_PLACE_LENGTH})

    if match := ZIP_RE.match(text) or TRAILING_ZIP_RE.match(text):
        point = zip_point(match.group(1))
        if point is None:
            raise PlaceNotFound(says.ZIP_NOT_FOUND % {"zip": match.group(1)})
        return point

    if match := COORDINATES_RE.match(text):
        point = Point(float(match.group(1)), float(match.group(2)), says.YOUR_LOCATION)
        if not point.is_valid:
            raise PlaceNotFound(says.OFF_THE_MAP)
        return covered(point)

    if text.isdigit():
        raise PlaceNotFound(says.ZIP_DIGITS)

    name = COUNTRY_RE.sub("", text) or text
    if PLACE_NAME_RE.match(name):
        point = _place_named(name)
        if point is not None:
            return point
        if not geocoder_enabled():
            if state := _state_code(name):
                raise PlaceNotFound(says.WHICH_PART_OF_STATE % {"state": STATE_NAMES[state]})
            raise PlaceNotFound(says.NO_PLACE_CALLED % {"name": name})
    return geocode_address(text)


def _place_named(text: str) -> Point | None:
    """A city or county by name, with or without its state; None if no place has that name."""
    unknown = None
    for name, state in _names_and_states(text):
        if point := _named_place(name, state):
            return point
        unknown = unknown or (name, state)
    if point := _named_place(text, None):
        return point
    if unknown:
        name, state = unknown
        key = _city_key(name)
        if _is_county(name):
            raise PlaceNotFound(says.NOT_IN_STATE % {"name": name, "state": STATE_NAMES[state]})
        message = says.NO_CITY_IN_STATE % {"name": name, "state": STATE_NAMES[state]}
        if (f"{key}COUNTY", state) in _gazetteer().counties:
            message += " " + says.FOR_THE_COUNTY % {"name": name, "code": state}
        raise PlaceNotFound(message)
    return None


def _names_and_states(text: str):
    """Ways to read ``text`` as a name then a state: after the last comma, else its last 1 to 3 words."""
    if "," in text:
        name, _, tail = text.rpartition(",")
        if (state := _state_code(tail)) and name.strip(" ,"):
            yield name.strip(" ,"), state
        return
    words = text.split()
    for start in range(max(1, len(words) - 3), len(words)):  # "West Virginia" before "Virginia"
        if state := _state_code(" ".join(words[start:])):
            yield " ".join(words[:start]), state


def _named_place(name: str, state: str | None) -> Point | None:
    gazetteer, key = _gazetteer(), _city_key(name)
    places, states = (
        (gazetteer.counties, gazetteer.county_states) if _is_county(name) else (gazetteer.cities, gazetteer.city_states)
    )
    if state is not None:
        found = places.get((key, state))
        return Point(*found, state) if found else None
    best, *others = states.get(key) or (None,)
    if best is None:
        return None
    alternatives = tuple(places[key, other][2] for other in others[:MAX_ALTERNATIVES])
    return Point(*places[key, best], best, alternatives)


def geocoder_enabled() -> bool:
    return bool(settings.FINDER_GEOCODER)


def geocode_address(text: str) -> Point:
    """Look up a street address with the configured online geocoder (never called when off)."""
    if not geocoder_enabled():
        raise PlaceNotFound(NO_ADDRESS_LOOKUP)
    from geopy.exc import GeopyError

    try:
        location = _geocoder()(text, exactly_one=True, timeout=5)
    except GeopyError:
        raise PlaceNotFound(says.GEOCODER_DOWN) from None
    if location is None:
        raise PlaceNotFound(says.ADDRESS_NOT_FOUND)
    return covered(Point(location.latitude, location.longitude, text))


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


class BoundingBox(NamedTuple):
    """Latitude and longitude ranges in degrees, longitudes within [-180, 180].

    A box that crosses the antimeridian (the Aleutians) has ``min_lng > max_lng``, as in GeoJSON
    (RFC 7946, section 5.2): it is the two ranges given by ``longitude_ranges()``.
    """

    min_lat: float
    max_lat: float
    min_lng: float
    max_lng: float

    def longitude_ranges(self) -> list[tuple[float, float]]:
        if self.min_lng <= self.max_lng:
            return [(self.min_lng, self.max_lng)]
        return [(self.min_lng, 180.0), (-180.0, self.max_lng)]

    def contains(self, point: Point) -> bool:
        return self.min_lat <= point.latitude <= self.max_lat and any(
            low <= point.longitude <= high for low, high in self.longitude_ranges()
        )


def _normalised_longitude(longitude: float) -> float:
    return (longitude + 180.0) % 360.0 - 180.0


def bounding_box(origin: Point, miles: float) -> BoundingBox:
    """A box that contains every point within ``miles`` of ``origin`` (see BoundingBox)."""
    # A degree of latitude is at least 68.7 miles; using slightly small degree lengths makes the
    # box a little larger than the circle, never smaller.
    lat_delta = miles / 68.6
    min_lat, max_lat = max(origin.latitude - lat_delta, -90.0), min(origin.latitude + lat_delta, 90.0)
    widest_latitude = max(abs(min_lat), abs(max_lat))
    # Near a pole the circle may hold every longitude.
    lng_delta = 180.0 if widest_latitude >= 89.0 else miles / (68.9 * math.cos(math.radians(widest_latitude)))
    if lng_delta >= 180.0:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(
        min_lat,
        max_lat,
        _normalised_longitude(origin.longitude - lng_delta),
        _normalised_longitude(origin.longitude + lng_delta),
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
        # The longitude difference wrapped into [-180, 180], so that across the antimeridian (Adak to
        # Attu) it is the short way round. ROUND() is in SQLite's core and in PostgreSQL.
        longitude_difference = f"(({lng_sql} - %s) - 360.0 * ROUND(({lng_sql} - %s) / 360.0))"
        longitude_params = [*lng_params, self.origin.longitude, *lng_params, self.origin.longitude]
        east_west = f"({longitude_difference} * (111.41513 * COS({mean}) - 0.09455 * COS({mean} * 3.0)))"
        east_west_params = [*longitude_params, *mean_params, *mean_params]
        sql = f"(SQRT({north_south} * {north_south} + {east_west} * {east_west}) / {KM_PER_MILE})"
        return sql, [*north_south_params, *north_south_params, *east_west_params, *east_west_params]


def distance_miles_expression(origin: Point, latitude: str = "latitude", longitude: str = "longitude"):
    """A database expression for the distance in miles from ``origin`` to each row (see DistanceMiles)."""
    return DistanceMiles(origin, latitude, longitude)
