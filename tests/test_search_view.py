import re

import pytest
from django.urls import reverse

from tests.conftest import ATLANTA, make_facility

pytestmark = pytest.mark.django_db
URL = reverse("centers:search")


def names(response):
    """Facility names on the result cards, in order."""
    headings = re.findall(r"<h3 [^>]*><a [^>]*>(.*?)</a>", response.content.decode(), re.S)
    return [heading.strip() for heading in headings]


def test_empty_search_page_shows_the_form_and_crisis_lines(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_location">ZIP code or city</label>' in html
    assert "988" in html and "1-800-662-4357" in html and "911" in html
    assert "result-list" not in html


def test_search_by_zip_orders_nearest_first(client, detox_atlanta, outpatient_decatur):
    response = client.get(URL, {"location": "30030"})  # Decatur
    assert response.status_code == 200
    assert names(response) == ["Decatur Outpatient Counseling", "Peachtree Medical Detox"]
    assert "2 facilities within 25 miles of 30030 (Decatur, GA)" in response.content.decode()


def test_result_card_shows_distance_phone_badges_payment_and_verification(client, detox_atlanta):
    html = client.get(URL, {"location": "30303"}).content.decode()
    assert "miles away" in html
    assert 'href="tel:+14045550100"' in html
    assert "Medical detox" in html and "Buprenorphine" in html
    assert "Payment:</span> Medicaid, Private health insurance" in html
    assert "Not yet verified" in html


def test_level_filter_from_the_query_string(client, detox_atlanta, outpatient_decatur):
    response = client.get(URL, {"location": "30303", "level": "intensive-outpatient"})
    assert names(response) == ["Decatur Outpatient Counseling"]


def test_unlisted_and_closed_facilities_never_appear(client, detox_atlanta, unlisted_center, closed_center):
    assert names(client.get(URL, {"location": "30303"})) == ["Peachtree Medical Detox"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"location": "99999"}, "couldn&#x27;t find the ZIP code 99999"),
        ({"location": "30303", "radius": "abc"}, "Select a valid choice"),
        ({"location": "999,-84"}, "off the map"),
        ({"location": "x" * 5000}, "at most 200 characters"),
        ({"location": "30303", "level": "nonsense"}, "nonsense is not one of the available choices"),
        ({"location": "30303", "insurer": "nope"}, "Select a valid choice"),
        ({"location": "30303", "page": "99999"}, "There is no page 99999"),
        ({"location": "30303", "page": "abc"}, "There is no page abc"),
        ({"location": "1600 Pennsylvania Ave"}, "Street addresses can&#x27;t be looked up"),
    ],
)
def test_bad_input_returns_400_with_a_message(client, detox_atlanta, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_invalid_field_is_marked_for_screen_readers(client, db):
    html = client.get(URL, {"location": "99999"}).content.decode()
    assert 'aria-invalid="true"' in html
    assert 'id="id_location_error"' in html


def test_zero_results_suggest_the_next_radius(client, methadone_macon):
    response = client.get(URL, {"location": "30303", "radius": "50"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No facilities match this search" in html
    assert "within 100 miles" in html and "radius=100" in html
    assert "1-800-662-4357" in html


def test_pagination_keeps_the_search(client, settings, db):
    settings.FINDER_RESULTS_PER_PAGE = 2
    for number in range(5):
        make_facility(name=f"Center {number}", at=(ATLANTA[0] + number * 0.01, ATLANTA[1]))
    response = client.get(URL, {"location": "30303", "level": "", "page": "2"})
    assert response.status_code == 200
    assert names(response) == ["Center 2", "Center 3"]
    assert "page=3" in response.content.decode() and "location=30303" in response.content.decode()


def test_query_count_does_not_grow_with_results(client, django_assert_num_queries, settings, db):
    for number in range(3):
        make_facility(name=f"Small {number}", codes=["OIT", "MD", "BU"])
    params = {"location": "30303", "level": "intensive-outpatient", "payment": "medicaid"}
    with django_assert_num_queries(6):
        assert client.get(URL, params).status_code == 200
    for number in range(20):
        make_facility(name=f"More {number}", codes=["OIT", "MD", "BU", "SP", "PI"])
    with django_assert_num_queries(6):
        response = client.get(URL, params)
    assert len(names(response)) == settings.FINDER_RESULTS_PER_PAGE == 10


def test_demo_banner_shows_only_while_demo_facilities_are_listed(client, detox_atlanta, demo_center):
    assert "Demo data: these are not real facilities" in client.get(URL).content.decode()
    demo_center.delete()
    assert "Demo data" not in client.get(URL).content.decode()


def test_blank_form_preselects_the_default_radius(client, db):
    html = client.get(URL).content.decode()
    assert '<option value="25" selected>25 miles</option>' in html


def test_checkbox_groups_keep_their_choices_and_labels(client, db):
    html = client.get(URL, {"location": "30303", "level": ["intensive-outpatient", "outpatient"]}).content.decode()
    assert (
        '<label for="id_level_6"><input type="checkbox" name="level" value="intensive-outpatient" '
        'id="id_level_6" checked> Intensive outpatient (IOP)</label>'
    ) in html
    assert 'value="medical-detox" id="id_level_0">' in html  # not chosen, so not checked
