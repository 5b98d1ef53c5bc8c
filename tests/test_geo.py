import random
from unittest import mock

import pytest
from geopy.distance import geodesic
from geopy.exc import GeocoderUnavailable

from centers import geo


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
    assert geo.lookup_place("33.75,-84.39") == geo.Point(33.75, -84.39, "your location")
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
    with pytest.raises(geo.PlaceNotFound, match="ZIP code or a city and state"):
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


def test_bounding_box_contains_every_point_within_the_radius():
    rng = random.Random(4)
    for _ in range(500):
        origin = geo.Point(rng.uniform(18, 65), rng.uniform(-160, -66))
        miles = rng.choice([5, 10, 25, 50, 100])
        bearing = rng.uniform(0, 360)
        edge = geodesic(miles=miles * 0.999).destination((origin.latitude, origin.longitude), bearing)
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(origin, miles)
        assert min_lat <= edge.latitude <= max_lat
        assert min_lng <= edge.longitude <= max_lng


def test_nearest_state_from_coordinates():
    assert geo.nearest_state(geo.Point(33.75, -84.39)) == "GA"
    assert geo.nearest_state(geo.Point(61.2, -149.9)) == "AK"
