"""Any place name a family might type: ZIP, city with or without its state, county, lat,lng, street address."""

import dataclasses
from unittest import mock

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string

from centers import geo
from centers.filters import FacilityFilter
from centers.models import Facility
from tests.conftest import MACON, make_facility

DOWNTOWN_ATLANTA = geo.Point(33.7529, -84.3925)


def place(text):
    return geo.lookup_place(text)


def test_a_zip_code_says_which_city_it_is_in():
    assert place("30303").label == "30303 (Atlanta, GA)"


def test_a_zip_code_after_the_city_and_state_is_the_zip_code():
    assert place("Atlanta, GA 30303") == place("30303")
    assert place("atlanta ga 30303-1234") == place("30303")


@pytest.mark.parametrize("text", ["Atlanta, GA", "atlanta ga", "Atlanta, Georgia", "ATLANTA,GA", "Atlanta, GA, USA"])
def test_city_and_state_is_labelled_as_understood(text):
    point = place(text)
    assert (point.label, point.state, point.alternatives) == ("Atlanta, GA", "GA", ())
    assert geo.miles_between(point, DOWNTOWN_ATLANTA) < 10


@pytest.mark.parametrize(
    "text, label",
    [
        ("Charleston West Virginia", "Charleston, WV"),  # "West Virginia" is read before "Virginia"
        ("Kansas City Kansas", "Kansas City, KS"),
        ("New York New York", "New York, NY"),
        ("Marlborough, MA", "Marlborough, MA"),  # ends in "borough" but is a city, not a county
        ("Fulton, KY", "Fulton, KY"),  # "Fulton, ST" stays a city where there is one
    ],
)
def test_city_and_state_without_a_comma_or_with_tricky_words(text, label):
    assert place(text).label == label


@pytest.mark.parametrize(
    "text, label, state, others",
    [
        ("Atlanta", "Atlanta, GA", "GA", ["Atlanta, ID", "Atlanta, IL"]),
        ("Portland", "Portland, OR", "OR", ["Portland, ME"]),
        ("savannah", "Savannah, GA", "GA", ["Savannah, MO"]),
        ("Kansas City", "Kansas City, MO", "MO", ["Kansas City, KS"]),
        ("St. Louis", "Saint Louis, MO", "MO", ["Saint Louis, MI"]),
    ],
)
def test_a_city_alone_is_the_largest_of_that_name_with_the_others_as_alternatives(text, label, state, others):
    point = place(text)
    assert (point.label, point.state) == (label, state)
    assert point.alternatives[: len(others)] == tuple(others)
    assert label not in point.alternatives
    assert 1 <= len(point.alternatives) <= geo.MAX_ALTERNATIVES


def test_the_largest_city_is_the_one_with_the_most_zip_codes():
    # Portland, OR has 65 ZIP codes under its own name and Portland, ME 9; the rest have one each.
    assert geo.miles_between(place("Portland"), place("97205")) < 10
    assert place("Portland").alternatives[0] == "Portland, ME"


def test_a_city_alone_resolves_to_the_same_point_as_the_city_with_its_state():
    assert (place("Savannah").latitude, place("Savannah").longitude) == (
        place("Savannah, GA").latitude,
        place("Savannah, GA").longitude,
    )


@pytest.mark.parametrize("text", ["Fulton County, GA", "Fulton County GA", "fulton county, georgia"])
def test_county_and_state(text):
    point = place(text)
    assert (point.label, point.state) == ("Fulton County, GA", "GA")
    assert geo.miles_between(point, DOWNTOWN_ATLANTA) < 15


@pytest.mark.parametrize(
    "text, label",
    [
        ("Orleans Parish, LA", "Orleans Parish, LA"),
        ("Nome Census Area", "Nome Census Area, AK"),
        ("De Kalb County, GA", "DeKalb County, GA"),
    ],
)
def test_parishes_census_areas_and_spelling_variants_of_counties(text, label):
    assert place(text).label == label


def test_a_county_alone_offers_the_others_of_that_name():
    point = place("Fulton County")
    assert point.label == "Fulton County, GA"
    assert point.alternatives[0] == "Fulton County, IL"


def test_a_city_that_is_not_there_suggests_the_county_of_that_name():
    with pytest.raises(
        geo.PlaceNotFound, match="city called Fulton in Georgia.*For the county, enter Fulton County, GA"
    ):
        place("Fulton, GA")


def test_unknown_county_names_the_state():
    with pytest.raises(geo.PlaceNotFound, match="couldn't find Notareal County in Georgia"):
        place("Notareal County, GA")


def test_coordinates_are_labelled_as_your_location():
    assert place("33.75, -84.39").label == "your location"


def test_a_state_alone_asks_which_part():
    with pytest.raises(geo.PlaceNotFound, match="Which part of Georgia"):
        place("Georgia")


def _geocoder_returning(latitude, longitude):
    geocode = mock.Mock(return_value=mock.Mock(latitude=latitude, longitude=longitude))
    return geocode, mock.patch.object(geo, "_geocoder", return_value=geocode)


def test_without_a_geocoder_a_street_address_says_it_cant_be_looked_up_and_suggests_zip_or_city(settings):
    settings.FINDER_GEOCODER = ""
    geocode, patched = _geocoder_returning(33.7573, -84.3963)
    with patched, pytest.raises(geo.PlaceNotFound) as raised:
        place("100 Peachtree St NW, Atlanta")
    assert (
        str(raised.value)
        == "Street addresses can't be looked up here. Enter a ZIP code or a city, like 30301 or Atlanta, GA."
    )
    geocode.assert_not_called()


def test_with_a_geocoder_a_street_address_is_looked_up_and_labelled_as_typed(settings):
    settings.FINDER_GEOCODER = "nominatim"
    geocode, patched = _geocoder_returning(33.7573, -84.3963)
    with patched:
        point = place("100  Peachtree St NW, Atlanta")
    geocode.assert_called_once()
    assert (point.latitude, point.longitude, point.state, point.label) == (
        33.7573,
        -84.3963,
        "GA",
        "100 Peachtree St NW, Atlanta",
    )


def test_places_the_gazetteer_knows_never_reach_the_geocoder(settings):
    settings.FINDER_GEOCODER = "nominatim"
    geocode, patched = _geocoder_returning(0, 0)
    with patched:
        for text in ["30303", "Atlanta", "Atlanta, GA", "Fulton County, GA", "33.75,-84.39"]:
            place(text)
    geocode.assert_not_called()


def test_an_unknown_name_goes_to_the_geocoder_only_when_one_is_configured(settings):
    settings.FINDER_GEOCODER = ""
    with pytest.raises(geo.PlaceNotFound, match="couldn't find a place called Atlantaa. Check the spelling"):
        place("Atlantaa")
    settings.FINDER_GEOCODER = "nominatim"
    geocode, patched = _geocoder_returning(33.75, -84.39)
    with patched:
        assert place("Atlantaa").state == "GA"
    geocode.assert_called_once()


class NoScan(dict):
    """A gazetteer table that fails the test if a lookup walks through it instead of indexing it."""

    def _scan(self, *args):
        raise AssertionError("a place lookup scanned a whole gazetteer table")

    __iter__ = keys = values = items = _scan


def test_every_kind_of_place_is_looked_up_without_scanning_the_gazetteer(settings):
    settings.FINDER_GEOCODER = ""
    gazetteer = geo._gazetteer()
    tables = ["zips", "cities", "counties", "city_states", "county_states"]
    guarded = dataclasses.replace(gazetteer, **{name: NoScan(getattr(gazetteer, name)) for name in tables})
    with mock.patch.object(geo, "_gazetteer", return_value=guarded):
        for text in [
            "30303",
            "Portland",
            "Atlanta, GA",
            "Fulton County",
            "Fulton County, GA",
            "Fulton, GA",
            "Atlantaa",
        ]:
            try:
                place(text)
            except geo.PlaceNotFound:
                pass


# The search: labels, "Did you mean", and a place before a type of care ------------------------


@pytest.mark.django_db
def test_search_by_a_city_alone_says_which_city_it_searched(client, detox_atlanta):
    response = client.get("/", {"location": "Atlanta", "radius": "25"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "within 25 miles of Atlanta, GA" in html
    assert "Peachtree Medical Detox" in html


@pytest.mark.django_db
def test_search_by_county_finds_the_facilities_there(client, detox_atlanta):
    make_facility(name="Macon Recovery", city="Macon", zip_code="31201", at=MACON)
    response = client.get("/", {"location": "Fulton County, GA", "radius": "25"})
    html = response.content.decode()
    assert "of Fulton County, GA" in html
    assert "Peachtree Medical Detox" in html and "Macon Recovery" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, message",
    [
        ("Atlantaa", "We couldn&#x27;t find a place called Atlantaa."),
        ("100 Peachtree St NW", "Street addresses can&#x27;t be looked up here."),
        ("Notarealtown, GA", "We couldn&#x27;t find a city called Notarealtown in Georgia."),
    ],
)
def test_a_place_that_cant_be_found_is_a_400_with_a_plain_message(client, settings, text, message):
    settings.FINDER_GEOCODER = ""
    response = client.get("/", {"location": text})
    assert response.status_code == 400
    assert message in response.content.decode()


def _searched(params):
    filterset = FacilityFilter(QueryDict(params), queryset=Facility.objects.listed())
    assert filterset.is_valid(), filterset.errors
    return filterset


@pytest.mark.django_db
def test_did_you_mean_links_to_the_same_search_at_each_other_place():
    choices = _searched("location=Portland&radius=50&level=medical-detox&page=3").did_you_mean()
    assert choices[0] == ("Portland, ME", "location=Portland%2C+ME&radius=50&level=medical-detox")
    assert len(choices) == geo.MAX_ALTERNATIVES
    assert all("page=" not in query and "level=medical-detox" in query for _, query in choices)


@pytest.mark.django_db
def test_no_did_you_mean_for_a_place_named_with_its_state_or_a_zip():
    assert _searched("location=Portland%2C+OR").did_you_mean() == []
    assert _searched("location=97205").did_you_mean() == []


@pytest.mark.django_db
def test_did_you_mean_include_shows_the_place_searched_and_links_to_the_others():
    html = render_to_string("centers/_did_you_mean.html", {"filterset": _searched("location=Portland&radius=25")})
    assert "Showing Portland, OR. Did you mean:" in html
    assert '<a href="?location=Portland%2C+ME&amp;radius=25">Portland, ME</a> · ' in html
    assert render_to_string("centers/_did_you_mean.html", {"filterset": _searched("location=97205")}).strip() == ""


@pytest.mark.django_db
def test_did_you_mean_link_searches_that_place(client, detox_atlanta):
    make_facility(name="Casco Bay Recovery", city="Portland", state="ME", zip_code="04101", at=(43.66, -70.26))
    make_facility(name="Willamette Recovery", city="Portland", state="OR", zip_code="97205", at=(45.52, -122.69))
    query = dict(_searched("location=Portland&radius=25").did_you_mean())["Portland, ME"]
    html = client.get(f"/?{query}").content.decode()
    assert "within 25 miles of Portland, ME" in html
    assert "Casco Bay Recovery" in html and "Willamette Recovery" not in html


@pytest.mark.django_db
def test_search_page_offers_did_you_mean(client, detox_atlanta):
    html = client.get("/", {"location": "Portland"}).content.decode()
    assert "Did you mean: " in html and ">Portland, ME</a>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"level": "medical-detox"}, {"medication": "buprenorphine", "location": ""}])
def test_a_type_of_care_without_a_place_asks_for_the_place_and_keeps_the_choice(client, detox_atlanta, params):
    response = client.get("/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a ZIP code or a city to find care near you" in html
    assert "Peachtree Medical Detox" not in html  # no nationwide list
    (name, value), *_ = ((name, value) for name, value in params.items() if value)
    assert f'name="{name}" value="{value}" id="id_{name}_' in html and "checked" in html
    checked = response.context["filterset"].form[name].value()
    assert checked == [value]


@pytest.mark.django_db
def test_a_name_search_without_a_place_still_lists_by_name(client, detox_atlanta):
    response = client.get("/", {"q": "Peachtree", "level": "medical-detox"})
    assert response.status_code == 200
    assert "Peachtree Medical Detox" in response.content.decode()


def test_an_unknown_city_is_read_with_the_longest_state_name_that_fits():
    with pytest.raises(geo.PlaceNotFound, match="city called Notarealtown in West Virginia"):
        place("Notarealtown West Virginia")
