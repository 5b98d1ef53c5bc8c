import math
import random
from unittest import mock

import pytest
from geopy.distance import geodesic, great_circle
from geopy.exc import GeocoderUnavailable

from centers import geo
from tests.conftest import make_facility


def test_zip_resolves_offline_to_its_center():
    point = geo.lookup_place("30301")
    assert point.state == "GA"
    assert abs(point.latitude - 33.75) < 0.2 and abs(point.longitude - -84.39) < 0.2


def test_zip_plus_four_uses_the_first_five_digits():
    assert geo.lookup_place("30301-1234") == geo.lookup_place("30301")


def test_unknown_zip_says_so():
    with pytest.raises(geo.PlaceNotFound, match="couldn't find the ZIP code 99999"):
        geo.lookup_place("99999")


@pytest.mark.parametrize("text", ["Atlanta, GA", "atlanta ga", "Atlanta, Georgia", "  Atlanta ,  GA "])
def test_city_and_state_resolve_in_any_common_spelling(text):
    point = geo.lookup_place(text)
    assert point.state == "GA"
    assert geo.miles_between(point, geo.lookup_place("30303")) < 15


def test_saint_and_st_are_the_same_city():
    assert geo.lookup_place("St. Louis, MO") == geo.lookup_place("Saint Louis, MO")


def test_unknown_city_names_the_state():
    with pytest.raises(geo.PlaceNotFound, match="Notarealtown in Georgia"):
        geo.lookup_place("Notarealtown, GA")


def test_coordinates_are_accepted_and_range_checked():
    assert geo.lookup_place("33.75,-84.39") == geo.Point(33.75, -84.39, "your location", "GA")
    with pytest.raises(geo.PlaceNotFound, match="off the map"):
        geo.lookup_place("999,-84")


def test_partial_zip_asks_for_five_digits():
    with pytest.raises(geo.PlaceNotFound, match="5 digits"):
        geo.lookup_place("303")


def test_too_long_text_is_refused():
    with pytest.raises(geo.PlaceNotFound, match="too long"):
        geo.lookup_place("x" * 5000)


def test_street_address_needs_a_configured_geocoder(settings):
    settings.FINDER_GEOCODER = ""
    with pytest.raises(geo.PlaceNotFound, match="Street addresses can.t be looked up here. Enter a ZIP code or a city"):
        geo.lookup_place("100 Peachtree St NW, Atlanta")


def _fake_geocoder(result=None, error=None):
    def geocode(text, **kwargs):
        if error:
            raise error
        return result

    return mock.patch.object(geo, "_geocoder", return_value=geocode)


def test_street_address_goes_to_the_configured_geocoder(settings):
    settings.FINDER_GEOCODER = "nominatim"
    location = mock.Mock(latitude=33.7573, longitude=-84.3963)
    with _fake_geocoder(result=location):
        point = geo.lookup_place("100 Peachtree St NW, Atlanta")
    assert (point.latitude, point.longitude, point.state) == (33.7573, -84.3963, "GA")


def test_geocoder_failure_is_a_plain_message(settings):
    settings.FINDER_GEOCODER = "nominatim"
    with _fake_geocoder(error=GeocoderUnavailable("down")):
        with pytest.raises(geo.PlaceNotFound, match="isn't answering"):
            geo.lookup_place("100 Peachtree St NW, Atlanta")
    with _fake_geocoder(result=None):
        with pytest.raises(geo.PlaceNotFound, match="couldn't find that address"):
            geo.lookup_place("1 Nowhere Lane, Atlanta")


def test_street_address_abroad_is_refused_like_coordinates_abroad(settings):
    settings.FINDER_GEOCODER = "nominatim"
    with _fake_geocoder(result=mock.Mock(latitude=48.8566, longitude=2.3522)):  # "Paris" taken as France
        with pytest.raises(geo.PlaceNotFound, match="outside the United States and its territories"):
            geo.lookup_place("10 Main St, Paris")


# Coverage: the United States and its territories -------------------------------------------

ADAK = geo.Point(51.88, -176.66)
ATTU = geo.Point(52.93, 173.18)
SHEMYA = geo.Point(52.72, 174.11)
GUAM = geo.Point(13.44, 144.79)
PAGO_PAGO = geo.Point(-14.28, -170.70)

# Points no search could mean: far from every ZIP centre, and the hardest ones for the index
# (just beyond the coverage distance from the densest ZIP codes, off New York and New Jersey).
ABROAD = [
    (33.7, 84.3),  # Tibet, from the issue
    (51.5, -0.1),  # London
    (0.0, 0.0),
    (-33.7, 95.6),  # the Indian Ocean, opposite the United States
    (90.0, 0.0),
    (-90.0, 180.0),
    (19.4, -99.1),  # Mexico City
]
# The hardest points for the index: just inside the coverage distance of the densest ZIP codes
# (off New York and New Jersey), where many cells lie near the edge of the search.
OFFSHORE = [(38.85, -71.52), (38.96, -71.80)]


@pytest.mark.parametrize("latitude, longitude", ABROAD)
def test_coordinates_outside_the_united_states_are_refused_with_a_plain_message(latitude, longitude):
    with pytest.raises(geo.PlaceNotFound, match="outside the United States and its territories"):
        geo.lookup_place(f"{latitude},{longitude}")


@pytest.mark.parametrize(
    "latitude, longitude, state",
    [
        (51.88, -176.66, "AK"),  # Adak
        (52.72, 174.11, "AK"),  # Shemya, across the antimeridian, with no civilian ZIP code
        (52.93, 173.18, "AK"),  # Attu
        (51.98, 177.50, "AK"),  # Kiska
        (71.29, -156.79, "AK"),  # Utqiagvik (Barrow)
        (67.80, -153.30, "AK"),  # Gates of the Arctic
        (19.70, -155.08, "HI"),  # Hilo
        (21.90, -160.15, "HI"),  # Niihau
        (13.44, 144.79, "GU"),
        (15.18, 145.75, "MP"),  # Saipan
        (-14.28, -170.70, "AS"),  # Pago Pago
        (-14.23, -169.51, "AS"),  # Ta'u, 80 miles from the only ZIP centre
        (18.47, -66.11, "PR"),  # San Juan
        (17.73, -64.73, "VI"),  # St. Croix
        (24.63, -82.87, "FL"),  # Dry Tortugas
    ],
)
def test_coordinates_anywhere_in_the_states_and_territories_resolve_with_their_state(latitude, longitude, state):
    point = geo.lookup_place(f"{latitude},{longitude}")
    assert (point.latitude, point.longitude, point.state) == (latitude, longitude, state)


def test_finding_the_nearest_zip_centre_examines_a_bounded_number_of_centres_anywhere():
    rng = random.Random(7)
    points = [geo.Point(*point) for point in ABROAD + OFFSHORE]
    # Uniform over the globe, then around random ZIP centres (in the US and a little offshore).
    points += [geo.Point(math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)) for _ in range(2000)]
    centres = list(geo._gazetteer().zips.values())
    for latitude, longitude, *_ in rng.choices(centres, k=2000):
        points.append(geo.Point(max(-90, min(90, latitude + rng.uniform(-2, 2))), longitude + rng.uniform(-2, 2)))
    examined = sorted(
        (found.examined if (found := geo.nearest_zip(point)) else 0, point.latitude, point.longitude)
        for point in points
    )
    # The gazetteer has about 38,000 distinct centres; the worst case seen is about 630 (offshore).
    assert examined[-1][0] <= 1000, examined[-1]
    assert examined[len(examined) // 2][0] <= 50


def test_nearest_zip_centre_agrees_with_a_scan_of_every_centre():
    centres = [(latitude, longitude, state) for latitude, longitude, _, state in geo._gazetteer().zips.values()]
    centres = [centre for centre in centres if centre[2] in geo.STATE_NAMES]
    rng = random.Random(3)
    for latitude, longitude, _ in rng.choices(centres, k=15):
        point = geo.Point(latitude + rng.uniform(-1, 1), longitude + rng.uniform(-1, 1))
        miles = min(_haversine_miles(point, centre) for centre in centres)
        assert geo.nearest_zip(point, within_miles=10_000).miles == pytest.approx(miles, abs=0.01)


def _haversine_miles(point, centre):
    """Great-circle miles, written out: geopy is too slow for 38,000 centres at a time."""
    latitude_1, latitude_2 = math.radians(point.latitude), math.radians(centre[0])
    half_north = math.sin((latitude_2 - latitude_1) / 2)
    half_east = math.sin(math.radians(centre[1] - point.longitude) / 2)
    a = half_north**2 + math.cos(latitude_1) * math.cos(latitude_2) * half_east**2
    return 2 * geo.EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


@pytest.mark.django_db
def test_search_from_coordinates_abroad_answers_400_saying_finder_covers_the_united_states(client):
    response = client.get("/", {"location": "33.7,84.3", "radius": "100"})
    assert response.status_code == 400
    assert "outside the United States and its territories" in response.content.decode()


@pytest.mark.django_db
def test_search_from_coordinates_on_guam_finds_guam(client):
    make_facility(name="Guam Behavioral Health", city="Tamuning", state="GU", zip_code="96913", at=(13.48, 144.78))
    response = client.get("/", {"location": "13.44,144.79", "radius": "25"})
    assert response.status_code == 200
    assert "Guam Behavioral Health" in response.content.decode()


def test_nearest_state_from_coordinates():
    assert geo.nearest_state(geo.Point(33.75, -84.39)) == "GA"
    assert geo.nearest_state(geo.Point(61.2, -149.9)) == "AK"
    assert geo.nearest_state(SHEMYA) == "AK"
    assert geo.nearest_state(geo.Point(33.7, 84.3)) == ""


# Distances and boxes across the antimeridian ------------------------------------------------


def test_miles_between_takes_the_short_way_across_the_antimeridian():
    assert geo.miles_between(ADAK, ATTU) == pytest.approx(
        great_circle((51.88, -176.66), (52.93, 173.18)).miles, rel=0.01
    )
    assert 420 < geo.miles_between(ADAK, ATTU) < 460


def test_bounding_box_contains_every_point_within_the_radius():
    rng = random.Random(4)
    searches = [
        (geo.Point(rng.uniform(18, 65), rng.uniform(-160, -66)), rng.choice([5, 10, 25, 50, 100]), rng.uniform(0, 360))
        for _ in range(500)
    ]
    # The Aleutians either side of 180 degrees, Guam, American Samoa, and near the poles.
    special = [ADAK, ATTU, SHEMYA, GUAM, PAGO_PAGO, geo.Point(51.5, 179.9), geo.Point(52.0, -179.95)]
    special += [geo.Point(89.5, 10.0), geo.Point(-89.9, -170.0)]
    searches += [(origin, miles, bearing) for origin in special for miles in (25, 500) for bearing in range(0, 360, 30)]
    for origin, miles, bearing in searches:
        box = geo.bounding_box(origin, miles)
        assert all(-180 <= longitude <= 180 for longitude in (box.min_lng, box.max_lng))
        edge = geodesic(miles=miles * 0.999).destination((origin.latitude, origin.longitude), bearing)
        assert box.contains(geo.Point(edge.latitude, edge.longitude)), (origin, miles, bearing)


def test_bounding_box_across_the_antimeridian_is_two_narrow_longitude_ranges():
    box = geo.bounding_box(ADAK, 500)
    assert box.contains(ATTU) and box.contains(SHEMYA)
    (west_low, west_high), (east_low, east_high) = box.longitude_ranges()
    assert west_high == 180 and east_low == -180
    assert west_low > 160 and east_high < -160  # not the whole world
    assert not box.contains(geo.Point(52.0, 0.0))
