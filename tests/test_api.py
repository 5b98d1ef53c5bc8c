"""Finder's JSON search API (/api/v1/facilities/): the search page's search, parameters and messages, in JSON."""

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from geopy.distance import great_circle

from centers.models import Availability, Insurer
from centers.vocabulary import VerifiedBy
from tests.conftest import ATLANTA, DECATUR, make_facility

pytestmark = pytest.mark.django_db
URL = reverse("api:facilities")
PAGE = reverse("centers:search")


def query(url: str) -> dict:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("http", "testserver", URL)
    return parse_qs(parts.query, keep_blank_values=True)


def names(response):
    return [facility["name"] for facility in response.json()["results"]]


def page_names(response):
    headings = re.findall(r"<h3 [^>]*><a [^>]*>(.*?)</a>", response.content.decode(), re.S)
    return [html.unescape(heading.strip()) for heading in headings]


def test_search_by_zip_orders_nearest_first_with_the_distance(client, detox_atlanta, outpatient_decatur):
    response = client.get(URL, {"location": "30030"})  # Decatur
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert names(response) == ["Decatur Outpatient Counseling", "Peachtree Medical Detox"]
    decatur_centre = (33.7713, -84.2971)  # ZIP 30030's centre in the gazetteer, roughly
    atlanta = response.json()["results"][1]
    assert atlanta["distance_miles"] == pytest.approx(great_circle(decatur_centre, ATLANTA).miles, abs=0.5)


@pytest.mark.parametrize(
    "params",
    [
        {"location": "30303"},
        {"location": "30303", "level": "intensive-outpatient"},
        {"location": "30303", "level": ["medical-detox", "opioid-treatment-program"], "radius": "100"},
        {"location": "30303", "payment": "medicaid", "sort": "availability"},
        {"location": "Atlanta, GA", "radius": "state"},
        {"location": "30303", "language": "spanish", "telehealth": "on"},
        {"location": "30303", "accepting": "on"},
        {"q": "clinic"},
        {"location": "30303", "population": "women", "age": "adults"},
    ],
)
def test_the_api_finds_what_the_search_page_finds_in_the_same_order(
    client, detox_atlanta, outpatient_decatur, methadone_macon, unlisted_center, closed_center, params
):
    Availability.objects.create(facility=methadone_macon, level="opioid-treatment-program", status="accepting")
    page = client.get(PAGE, params)
    api = client.get(URL, params)
    assert page.status_code == api.status_code == 200
    assert names(api) == page_names(page)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"location": "99999"}, "location"),
        ({"location": "30303", "radius": "abc"}, "radius"),
        ({"location": "999,-84"}, "location"),
        ({"location": "x" * 5000}, "location"),
        ({"location": "30303", "level": "nonsense"}, "level"),
        ({"location": "30303", "insurer": "nope"}, "insurer"),
        ({"location": "30303", "page": "99999"}, "page"),
        ({"location": "30303", "page": "abc"}, "page"),
        ({"location": "30303", "page": "0"}, "page"),
        ({"location": "1600 Pennsylvania Ave"}, "location"),
        ({"level": "outpatient"}, "location"),  # a type of care needs a place, as on the page
        ({"location": "30303\x00"}, "location"),
    ],
)
def test_bad_input_is_a_400_with_the_search_pages_message_for_that_parameter(client, detox_atlanta, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    page = client.get(PAGE, params)
    assert page.status_code == 400
    for message in errors[field]:
        assert html.escape(message) in page.content.decode()


@pytest.mark.parametrize("per_page", ["0", "101", "-1", "abc", "1e3", "99999999999999999999999"])
def test_a_per_page_outside_1_to_100_is_a_400(client, detox_atlanta, per_page):
    response = client.get(URL, {"per_page": per_page})
    assert response.status_code == 400
    assert response.json() == {"per_page": ["Ask for 1 to 100 results per page, like per_page=20."]}


def test_pages_are_the_search_pages_pages_and_links_keep_the_search(client, settings, db):
    settings.FINDER_RESULTS_PER_PAGE = 2
    for number in range(5):
        make_facility(name=f"Center {number}", at=(ATLANTA[0] + number * 0.01, ATLANTA[1]))
    params = {"location": "30303", "level": "", "page": "2"}
    body = client.get(URL, params).json()
    assert [f["name"] for f in body["results"]] == ["Center 2", "Center 3"] == page_names(client.get(PAGE, params))
    assert (body["count"], body["pages"], body["page"], body["per_page"]) == (5, 3, 2, 2)
    assert query(body["next"]) == {"location": ["30303"], "level": [""], "page": ["3"]}
    assert query(body["previous"]) == {"location": ["30303"], "level": [""]}  # page 1: no page parameter
    last = client.get(body["next"]).json()
    assert [f["name"] for f in last["results"]] == ["Center 4"] and last["next"] is None
    wide = client.get(URL, {"location": "30303", "per_page": "100"}).json()
    assert wide["per_page"] == 100 and len(wide["results"]) == 5 and wide["pages"] == 1


def test_without_parameters_every_listed_facility_is_listed_by_state_city_and_name(
    client, detox_atlanta, outpatient_decatur, methadone_macon, unlisted_center
):
    body = client.get(URL).json()
    assert [f["name"] for f in body["results"]] == [
        "Peachtree Medical Detox",
        "Decatur Outpatient Counseling",
        "Middle Georgia Methadone Clinic",
    ]
    assert all(f["distance_miles"] is None for f in body["results"])


def test_no_results_is_an_empty_page_not_an_error(client, methadone_macon):
    body = client.get(URL, {"location": "30303", "radius": "10"}).json()
    assert (body["count"], body["pages"], body["results"]) == (0, 1, [])


def test_a_result_says_what_its_card_says(client, db):
    staff = VerifiedBy.FACILITY_STAFF
    facility = make_facility(
        name="Harbor Light",
        name2="Harbor Light Outpatient",
        codes=["OP", "MD", "BU", "PI", "TELE"],
        intake_phone="(404) 555-0199",
        hotline="(800) 555-0111",
        website="https://harbor.example.org",
        last_verified_at=timezone.now() - timedelta(days=3),
        last_verified_source=staff,
    )
    facility.insurers.add(Insurer.objects.create(name="Aetna", slug="aetna"))
    Availability.objects.create(
        facility=facility,
        level="outpatient",
        status="accepting",
        open_slots=3,
        note="Call before noon",
        updated_at=timezone.now() - timedelta(hours=5, minutes=30),
    )
    Availability.objects.create(
        facility=facility, level="medical-detox", status="waitlist", updated_at=timezone.now() - timedelta(hours=80)
    )
    result = client.get(URL, {"location": "30303"}).json()["results"][0]
    assert result["id"] == facility.pk and result["uuid"] == str(facility.uuid)
    assert (result["name"], result["name2"], result["zip_code"]) == ("Harbor Light", "Harbor Light Outpatient", "30303")
    assert [(p["type"], p["number"]) for p in result["phones"]] == [
        ("intake", "(404) 555-0199"),
        ("main", "(404) 555-0100"),
        ("hotline", "(800) 555-0111"),
    ]
    assert result["website"] == "https://harbor.example.org"
    assert {"value": "outpatient", "label": "Outpatient"} in result["levels_of_care"]
    assert [m["value"] for m in result["medications"]] == ["buprenorphine"]
    assert [p["value"] for p in result["payments"]] == ["medicaid", "private-insurance"]
    assert result["insurers"] == [{"slug": "aetna", "name": "Aetna"}]
    detox, outpatient = result["availability"]  # in level-of-care order, as on the card
    assert (outpatient["level"], outpatient["status"], outpatient["is_current"]) == ("outpatient", "accepting", True)
    assert (outpatient["open_slots"], outpatient["note"], outpatient["age_hours"]) == (3, "Call before noon", 5)
    assert (detox["status"], detox["is_current"], detox["age_hours"]) == ("waitlist", False, 80)
    assert result["accepting_now"] is True
    assert result["verification"]["verified_by"] == "facility staff"
    assert result["verification"]["stale"] is False
    assert result["url"] == f"http://testserver{facility.get_absolute_url()}"
    assert result["api_url"] == f"http://testserver/api/v1/facilities/{facility.pk}/"


def test_a_listing_not_verified_for_long_is_stale_and_never_names_who_verified_it(client, steward, db):
    facility = make_facility(last_verified_at=timezone.now() - timedelta(days=400), last_verified_by=steward)
    verification = client.get(URL).json()["results"][0]["verification"]
    assert verification["stale"] is True
    assert verification["verified_by"] == "the Finder team"
    assert "stella" not in client.get(URL).content.decode()
    assert facility.last_verified_source == ""


def test_the_query_count_does_not_grow_with_the_results(client, django_assert_num_queries, db):
    for number in range(3):
        make_facility(name=f"Small {number}", codes=["OIT", "MD", "BU"])
    params = {"location": "30303", "level": "intensive-outpatient", "payment": "medicaid"}
    # The page with its count, insurers, availability; the search version's time (Last-Modified).
    with django_assert_num_queries(4):
        assert client.get(URL, params).status_code == 200
    for number in range(20):
        make_facility(name=f"More {number}", codes=["OIT", "MD", "BU", "SP", "PI"])
    with django_assert_num_queries(4):
        assert len(names(client.get(URL, params))) == 10


def test_a_facility_in_detail_has_its_page_and_its_services(client, detox_atlanta):
    response = client.get(reverse("api:facility", kwargs={"pk": detox_atlanta.pk}))
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Peachtree Medical Detox" and body["status"] == "Open"
    assert {service["code"] for service in body["services"]} == {"HID", "RD", "MD", "PI", "BU"}
    assert body["distance_miles"] is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/facilities/{unlisted}/",
        "/api/v1/facilities/999999/",
        "/api/v1/facilities/99999999999999999999999/",
        "/api/v1/facilities/abc/",
    ],
)
def test_an_unknown_or_unlisted_facility_is_a_json_404(client, unlisted_center, path):
    response = client.get(path.format(unlisted=unlisted_center.pk))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_unknown_parameters_are_ignored_like_the_search_page_does(client, detox_atlanta):
    response = client.get(URL, {"location": "30303", "utm_source": "x", "format": "xml"})
    assert response.status_code == 200 and names(response) == ["Peachtree Medical Detox"]


def test_decatur_is_found_from_its_own_coordinates(client, outpatient_decatur):
    response = client.get(URL, {"location": f"{DECATUR[0]},{DECATUR[1]}", "radius": "5"})
    assert names(response) == ["Decatur Outpatient Counseling"]
    assert response.json()["results"][0]["distance_miles"] == 0.0


def test_the_schema_documents_the_search_pages_parameters_choices_and_errors(client, db):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert sorted(schema["paths"]) == ["/api/v1/facilities/", "/api/v1/facilities/{id}/"]
    search = schema["paths"]["/api/v1/facilities/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in search["parameters"]}
    assert {"location", "radius", "level", "medication", "payment", "insurer", "population", "age", "language",
            "telehealth", "accepting", "sort", "q", "page", "per_page"} <= set(parameters)  # fmt: skip
    assert "outpatient" in parameters["level"]["schema"]["items"]["enum"]
    assert parameters["level"]["schema"]["type"] == "array"
    assert "state" in parameters["radius"]["schema"]["enum"]
    assert parameters["telehealth"]["schema"]["type"] == "boolean"
    assert "A ZIP code (30301)" in parameters["location"]["description"]
    assert {"200", "400", "429"} <= set(search["responses"])
    assert "Retry-After" in search["responses"]["429"]["headers"]
    detail = schema["paths"]["/api/v1/facilities/{id}/"]["get"]
    assert {"200", "404", "429"} <= set(detail["responses"])


@pytest.mark.parametrize("value", ["maybe", "1", "yes"])
def test_a_yes_or_no_parameter_that_is_neither_is_a_400(client, detox_atlanta, value):
    response = client.get(URL, {"location": "30303", "telehealth": value})
    assert response.status_code == 400
    assert response.json() == {"telehealth": ["telehealth is true or false (or on, as the search page sends)."]}
    for accepted in ("true", "on", "false", ""):
        assert client.get(URL, {"location": "30303", "telehealth": accepted}).status_code == 200
