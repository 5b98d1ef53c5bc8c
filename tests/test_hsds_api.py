"""The HSDS 3.1 read API (/api/hsds/): every answer valid against Open Referral's schemas, and each parameter
filtering what it says, on real rows (the cast, demo data, hand-made facilities)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centers.models import Availability, Facility
from centers.vocabulary import LevelOfCare
from opendata import ids, taxonomy
from opendata.models import TaxonomyTerm, TermLink
from tests.conftest import DECATUR, make_facility
from tests.hsds_schemas import require_schemas

pytestmark = pytest.mark.django_db

API = "/api/hsds"
ALL = {"per_page": 1000}


@pytest.fixture
def cast(detox_atlanta, outpatient_decatur, methadone_macon, unlisted_center, closed_center):
    Availability.objects.create(
        facility=outpatient_decatur, level=LevelOfCare.OUTPATIENT, status="accepting", open_slots=4
    )
    return {"detox": detox_atlanta, "outpatient": outpatient_decatur, "methadone": methadone_macon}


@pytest.fixture
def hsds_schemas():
    return require_schemas()


def get(client, path, **params):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == 200, (path, response.status_code, response.content[:500])
    return response.json()


def service_names(page) -> list[tuple[str, str]]:
    """(organization name, service name) of each service on a page."""
    return [(service["organization"]["name"], service["name"]) for service in page["contents"]]


def test_the_root_says_which_hsds_version_and_where_its_openapi_is(client):
    answer = get(client, "/")
    assert answer == {
        "version": "3.1",
        "profile": "https://docs.openreferral.org/en/v3.1/",
        "openapi_url": "https://raw.githubusercontent.com/openreferral/specification/3.1/schema/openapi.json",
    }


def test_services_are_one_per_level_of_care_of_listed_open_facilities(client, cast, hsds_schemas):
    page = get(client, "/services", **ALL)

    hsds_schemas.check_page("compiled/service_list.json", page)
    assert sorted(service_names(page)) == [
        ("Decatur Outpatient Counseling", "Intensive outpatient (IOP)"),
        ("Decatur Outpatient Counseling", "Outpatient"),
        ("Middle Georgia Methadone Clinic", "Opioid treatment program (methadone clinic)"),
        ("Peachtree Medical Detox", "Medical detox"),
    ]
    assert page["total_items"] == 4 and page["total_pages"] == 1 and page["size"] == 4
    assert page["first_page"] and page["last_page"] and not page["empty"]


def test_a_facility_without_a_level_of_care_has_one_general_service(client, hsds_schemas):
    make_facility(name="Plain Place", codes=["SA"])

    page = get(client, "/services")

    hsds_schemas.check_page("compiled/service_list.json", page)
    assert service_names(page) == [("Plain Place", "Substance use treatment")]


def test_full_services_validate_with_capacity_phones_and_terms(client, cast, hsds_schemas):
    outpatient = cast["outpatient"]
    page = get(client, "/services", full="true", **ALL)

    hsds_schemas.check_page("compiled/service_list.json", page)
    for service in page["contents"]:
        hsds_schemas.check("compiled/service.json", service)
    by_name = {(s["organization"]["name"], s["name"]): s for s in page["contents"]}
    outpatient_service = by_name["Decatur Outpatient Counseling", "Outpatient"]
    assert [capacity["available"] for capacity in outpatient_service["capacities"]] == [4]
    assert outpatient_service["capacities"][0]["unit"]["name"] == "Beds or openings"
    (link,) = outpatient_service["service_at_locations"]
    assert link["location"]["id"] == str(outpatient.uuid)
    assert link["location"]["addresses"][0]["postal_code"] == "30030"
    assert [phone["number"] for phone in link["location"]["phones"]] == ["(404) 555-0100"]
    terms = {attribute["taxonomy_term"]["name"] for attribute in outpatient_service["attributes"]}
    assert "Outpatient" in terms


def test_minimal_services_are_ids_with_what_the_schema_requires(client, cast, hsds_schemas):
    page = get(client, "/services", minimal="true", **ALL)

    hsds_schemas.check_page("compiled/service_list.json", page)
    assert {frozenset(service) for service in page["contents"]} == {
        frozenset({"id", "name", "status", "last_modified"})
    }


def test_each_service_and_its_service_at_location_is_found_by_id(client, cast, hsds_schemas):
    for listed in get(client, "/services", **ALL)["contents"]:
        service = get(client, f"/services/{listed['id']}")
        hsds_schemas.check("compiled/service.json", service)
        assert service["id"] == listed["id"] and service["name"] == listed["name"]
        (link,) = service["service_at_locations"]
        found = get(client, f"/service_at_locations/{link['id'].upper()}")
        hsds_schemas.check("compiled/service_at_location.json", found)
        assert found["service"]["id"] == listed["id"]


def test_organizations_list_detail_and_full(client, cast, hsds_schemas):
    page = get(client, "/organizations", **ALL)
    hsds_schemas.check_page("compiled/organization_list.json", page)
    assert sorted(org["name"] for org in page["contents"]) == [
        "Decatur Outpatient Counseling",
        "Middle Georgia Methadone Clinic",
        "Peachtree Medical Detox",
    ]
    full = get(client, "/organizations", full="true", **ALL)
    hsds_schemas.check_page("compiled/organization_list.json", full)
    organization_id = ids.organization(str(cast["outpatient"].uuid))
    for full_service in ("false", "true"):
        organization = get(client, f"/organizations/{organization_id}", full_service=full_service)
        hsds_schemas.check("compiled/organization.json", organization)
        assert sorted(service["name"] for service in organization["services"]) == [
            "Intensive outpatient (IOP)",
            "Outpatient",
        ]
        assert [location["id"] for location in organization["locations"]] == [str(cast["outpatient"].uuid)]
    assert "capacities" in organization["services"][0]  # full_service=true nests each service fully


def test_service_at_locations_list_and_full(client, cast, hsds_schemas):
    for full in ("false", "true"):
        page = get(client, "/service_at_locations", full=full, **ALL)
        hsds_schemas.check_page("compiled/service_at_location_list.json", page)
        assert page["total_items"] == 4
        for link in page["contents"]:
            if full == "true":
                hsds_schemas.check("compiled/service_at_location.json", link)
            assert link["location"]["id"] == link["location_id"]
            assert link["service"]["id"] == link["service_id"]


def test_taxonomies_and_terms_validate_and_filter(client, hsds_schemas):
    taxonomies = get(client, "/taxonomies")
    hsds_schemas.check_page("taxonomy.json", taxonomies)
    assert {row["name"] for row in taxonomies["contents"]} == {"SAMHSA service codes", "Finder search choices"}
    found = get(client, f"/taxonomies/{taxonomy.FINDER_TAXONOMY_ID}")
    hsds_schemas.check("taxonomy.json", found)

    terms = get(client, "/taxonomy_terms", **ALL)
    hsds_schemas.check_page("taxonomy_term.json", terms)
    level_filter = ids.finder_term("filter:level")
    children = get(client, "/taxonomy_terms", parent_id=level_filter, **ALL)["contents"]
    assert {term["name"] for term in children} == {level.label for level in LevelOfCare}
    top = get(client, "/taxonomy_terms", top_only="true", taxonomy_id=taxonomy.FINDER_TAXONOMY_ID, **ALL)
    assert {term["code"] for term in top["contents"]} == {f"filter:{kind}" for kind in taxonomy.FILTER_LABELS}
    outpatient = get(client, "/taxonomy_terms", search="outpatient detox", **ALL)["contents"]
    assert {term["code"] for term in outpatient} >= {"OD", "level:outpatient-detox"}
    term = get(client, f"/taxonomy_terms/{taxonomy.LEVEL_TERM_IDS[LevelOfCare.OUTPATIENT]}")
    hsds_schemas.check("taxonomy_term.json", term)
    assert term["taxonomy_detail"]["name"] == "Finder search choices"


def test_pages_cover_every_service_once_in_a_fixed_order(client, cast):
    make_facility(name="Second Detox", codes=["HID", "OIT", "OP", "OTP"])  # four services on one facility
    everything = [service["id"] for service in get(client, "/services", **ALL)["contents"]]
    assert len(everything) == 8

    for per_page in (1, 3, 5, 8):
        seen = []
        number = 1
        while True:
            page = get(client, "/services", page=number, per_page=per_page)
            assert page["page_number"] == number and page["total_items"] == 8
            assert page["total_pages"] == -(-8 // per_page)
            assert page["first_page"] == (number == 1)
            seen += [service["id"] for service in page["contents"]]
            if page["last_page"]:
                break
            number += 1
        assert seen == everything, per_page


def test_a_page_past_the_last_is_empty_not_an_error(client, cast):
    for number in ("3", "999999999999999999"):
        page = get(client, "/services", page=number, per_page=2)
        assert page["contents"] == [] and page["empty"] and page["last_page"] and page["total_items"] == 4


def test_taxonomy_term_of_a_level_finds_only_that_levels_services(client, cast):
    term = taxonomy.LEVEL_TERM_IDS[LevelOfCare.OUTPATIENT]

    page = get(client, "/services", taxonomy_term_id=term, **ALL)

    assert service_names(page) == [("Decatur Outpatient Counseling", "Outpatient")]


def test_a_term_on_the_location_finds_every_service_there(client, cast):
    # Decatur offers Spanish (SAMHSA code SP): the code and the search choice are terms of its location.
    choices = taxonomy.CHOICE_BY_TERM_ID.values()
    spanish_choice = next(choice for choice in choices if choice.kind == "language" and "SP" in choice.codes)
    decatur_only = [
        ("Decatur Outpatient Counseling", "Intensive outpatient (IOP)"),
        ("Decatur Outpatient Counseling", "Outpatient"),
    ]

    for term_id in (spanish_choice.term_id, ids.samhsa_term("SP")):
        assert sorted(service_names(get(client, "/services", taxonomy_term_id=term_id, **ALL))) == decatur_only
    organizations = get(client, "/organizations", taxonomy_term_id=ids.samhsa_term("SP"))["contents"]
    assert [org["name"] for org in organizations] == ["Decatur Outpatient Counseling"]


def test_a_parent_term_finds_what_its_children_name(client, cast):
    languages = ids.samhsa_term("category:language")  # only Decatur has a language code (SP)
    names = service_names(get(client, "/services", taxonomy_term_id=languages, **ALL))
    assert sorted(names) == [
        ("Decatur Outpatient Counseling", "Intensive outpatient (IOP)"),
        ("Decatur Outpatient Counseling", "Outpatient"),
    ]
    level_filter = ids.finder_term("filter:level")
    assert get(client, "/services", taxonomy_term_id=level_filter, **ALL)["total_items"] == 4


def test_an_unknown_term_or_taxonomy_finds_nothing(client, cast):
    unknown = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
    assert get(client, "/services", taxonomy_term_id=unknown)["total_items"] == 0
    assert get(client, "/services", taxonomy_id=unknown)["total_items"] == 0
    assert get(client, "/organizations", taxonomy_id=unknown)["total_items"] == 0


def test_taxonomy_id_finds_services_with_any_term_of_it(client, cast):
    make_facility(name="No Codes At All")  # a general service, no terms at all
    assert get(client, "/services", **ALL)["total_items"] == 5
    assert get(client, "/services", taxonomy_id=taxonomy.SAMHSA_TAXONOMY_ID, **ALL)["total_items"] == 4
    assert get(client, "/services", taxonomy_id=taxonomy.FINDER_TAXONOMY_ID, **ALL)["total_items"] == 4


def test_a_kept_term_from_an_imported_package_finds_where_it_was_linked(client, cast):
    kept = TaxonomyTerm.objects.create(id="0b5ad0a7-8a3e-4b7e-9a56-1f7a2d3c4e5f", name="Peer support", description="x")
    TermLink.objects.create(facility=cast["outpatient"], term=kept, level=LevelOfCare.OUTPATIENT)
    TermLink.objects.create(facility=cast["detox"], term=kept, level="")

    names = service_names(get(client, "/services", taxonomy_term_id=str(kept.id), **ALL))

    assert sorted(names) == [
        ("Decatur Outpatient Counseling", "Outpatient"),
        ("Peachtree Medical Detox", "Medical detox"),
    ]


def test_organization_id_finds_its_services(client, cast):
    organization_id = ids.organization(str(cast["outpatient"].uuid))
    page = get(client, "/services", organization_id=organization_id, **ALL)
    assert {service["organization_id"] for service in page["contents"]} == {organization_id}
    assert page["total_items"] == 2
    assert get(client, "/services", organization_id="3f7b145d-84af-42d7-8fae-eaca714b02b2")["total_items"] == 0


def test_modified_after_finds_services_changed_since(client, cast):
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    Facility.objects.exclude(pk=cast["methadone"].pk).update(updated_at=long_ago)

    page = get(client, "/services", modified_after="2024-06-01", **ALL)
    assert service_names(page) == [("Middle Georgia Methadone Clinic", "Opioid treatment program (methadone clinic)")]
    assert all(service["last_modified"] >= "2024-06-01" for service in page["contents"])
    exact = get(client, "/services", modified_after="2020-01-01T00:00:00Z", **ALL)
    assert exact["total_items"] == 4  # "on or after"
    later = (long_ago + timedelta(seconds=1)).isoformat()
    assert get(client, "/services", modified_after=later, **ALL)["total_items"] == 1


def test_search_finds_a_facility_by_name_or_services_by_their_name(client, cast):
    by_name = service_names(get(client, "/services", search="decatur outpatient", **ALL))
    assert sorted(by_name) == [
        ("Decatur Outpatient Counseling", "Intensive outpatient (IOP)"),
        ("Decatur Outpatient Counseling", "Outpatient"),
    ]
    by_service = service_names(get(client, "/services", search="DETOX", **ALL))
    assert by_service == [("Peachtree Medical Detox", "Medical detox")]
    assert get(client, "/services", search="nothing like this")["total_items"] == 0
    assert [org["name"] for org in get(client, "/organizations", search="methadone")["contents"]] == [
        "Middle Georgia Methadone Clinic"
    ]


def test_proximity_finds_services_near_a_postcode_nearest_first(client, cast):
    far_decatur = make_facility(name="Farther Decatur", codes=["OP"], at=(DECATUR[0] + 0.01, DECATUR[1] + 0.01))

    page = get(client, "/service_at_locations", postcode="30303", proximity="16000", **ALL)

    locations = [link["location"]["name"] for link in page["contents"]]
    assert locations == [
        "Peachtree Medical Detox",
        "Decatur Outpatient Counseling",
        "Decatur Outpatient Counseling",
        "Farther Decatur",
    ]
    assert far_decatur.name not in [
        link["location"]["name"]
        for link in get(client, "/service_at_locations", postcode="30303", proximity="9000", **ALL)["contents"]
    ]
    at_zip = get(client, "/service_at_locations", postcode="30030", **ALL)["contents"]
    assert {link["location"]["name"] for link in at_zip} == {"Decatur Outpatient Counseling"}


@pytest.mark.parametrize(
    ("path", "params", "field", "message"),
    [
        ("/services", {"page": "0"}, "page", "Give a page number: a whole number, 1 or more."),
        ("/services", {"page": "9" * 5000}, "page", "Give a page number: a whole number, 1 or more."),
        ("/services", {"page": "²"}, "page", "Give a page number: a whole number, 1 or more."),
        ("/services", {"per_page": "1001"}, "per_page", "Give a whole number of results per page, from 1 to 1000."),
        ("/services", {"per_page": "-1"}, "per_page", "Give a whole number of results per page, from 1 to 1000."),
        ("/services", {"modified_after": "yesterday"}, "modified_after", "Give a date and time in ISO 8601"),
        ("/services", {"modified_after": "2025-02-30"}, "modified_after", "Give a date and time in ISO 8601"),
        ("/services", {"modified_after": "0001-01-01T00:00:00+01:00"}, "modified_after", "Give a date and time"),
        ("/services", {"full": "yes please"}, "full", "Give true or false."),
        ("/services", {"minimal": "2"}, "minimal", "Give true or false."),
        ("/services", {"format": "xml"}, "format", "The format is json (the default) or ndjson."),
        ("/services", {"taxonomy_term_id": "OIT"}, "taxonomy_term_id", "This is not an HSDS id"),
        ("/services", {"search": "a" * 201}, "search", "Search for at most 200 characters."),
        ("/services", {"search": "de\x00tox"}, "search", "This parameter contains a NUL character."),
        ("/organizations", {"full_service": "maybe"}, "full_service", "Give true or false."),
        ("/taxonomy_terms", {"top_only": "x"}, "top_only", "Give true or false."),
        ("/taxonomy_terms", {"parent_id": "1"}, "parent_id", "This is not an HSDS id"),
        ("/service_at_locations", {"postcode": "3030"}, "postcode", "Give a 5-digit ZIP code, like 30303."),
        ("/service_at_locations", {"postcode": "00000"}, "postcode", "We couldn't find the ZIP code 00000."),
        ("/service_at_locations", {"postcode": "30303", "proximity": "far"}, "proximity", "Give a distance in metres"),
        ("/service_at_locations", {"postcode": "30303", "proximity": "0"}, "proximity", "Give a distance in metres"),
        ("/service_at_locations", {"postcode": "30303", "proximity": "1e9"}, "proximity", "Give a distance in metres"),
        ("/service_at_locations", {"proximity": "1000"}, "proximity", "Give a postcode too"),
    ],
)
def test_a_bad_parameter_is_a_400_with_a_message_for_it(client, path, params, field, message):
    response = client.get(f"{API}{path}", params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()[field][0].startswith(message)


def test_every_bad_parameter_is_named_at_once(client):
    response = client.get(f"{API}/services", {"page": "x", "per_page": "y", "full": "z"})
    assert response.status_code == 400
    assert set(response.json()) == {"page", "per_page", "full"}


@pytest.mark.parametrize(
    "path",
    [
        "/services/not-a-uuid",
        "/services/3f7b145d-84af-42d7-8fae-eaca714b02b2",
        "/services/" + "9" * 5000,
        "/services/%00",
        "/services/%C3%A9",
        "/organizations/3f7b145d-84af-42d7-8fae-eaca714b02b2",
        "/service_at_locations/x",
        "/taxonomies/3f7b145d-84af-42d7-8fae-eaca714b02b2",
        "/taxonomy_terms/nope",
        "/services/a/b",
        "/no-such-table",
    ],
)
def test_an_unknown_or_malformed_id_is_a_json_404(client, cast, path):
    response = client.get(f"{API}{path}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_unlisted_and_closed_facilities_are_not_found_by_id(client, cast, unlisted_center, closed_center):
    for facility in (unlisted_center, closed_center):
        service_id = ids.service(str(facility.uuid), LevelOfCare.INTENSIVE_OUTPATIENT)
        assert client.get(f"{API}/services/{service_id}").status_code == 404
        assert client.get(f"{API}/organizations/{ids.organization(str(facility.uuid))}").status_code == 404


def test_paths_answer_with_or_without_a_trailing_slash_never_redirecting(client, cast):
    service_id = get(client, "/services")["contents"][0]["id"]
    for path in ("/services", "/services/", f"/services/{service_id}", f"/services/{service_id}/", "/", ""):
        response = client.get(f"{API}{path}", {"per_page": "2"})
        assert response.status_code == 200, path


def test_only_get_is_answered(client, cast):
    response = client.post(f"{API}/services", {"search": "detox"})
    assert response.status_code == 405
    assert "detail" in response.json()


def test_ndjson_streams_every_service_one_a_line(client, cast, hsds_schemas):
    response = client.get(f"{API}/services", {"format": "ndjson", "per_page": "1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()
    services = [json.loads(line) for line in lines]
    assert len(services) == 4  # everything, not a page
    for service in services:
        hsds_schemas.check("compiled/service_list.json", service)
    organizations = b"".join(client.get(f"{API}/organizations", {"format": "ndjson"}).streaming_content)
    assert len(organizations.splitlines()) == 3


def test_a_page_of_services_costs_the_same_queries_for_1_or_50(client, cast):
    for number in range(30):
        make_facility(name=f"Clinic {number}", codes=["OIT", "OP", "HID"])

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            get(client, "/services", **params)
        return len(captured)

    assert queries(per_page=1) == queries(per_page=50) == queries(per_page=50, page=2)
    assert queries(per_page=1, full="true") == queries(per_page=50, full="true")
    with CaptureQueriesContext(connection) as few:
        get(client, "/organizations", per_page=1)
    with CaptureQueriesContext(connection) as many:
        get(client, "/organizations", per_page=50, full_service="true")
    assert len(few) == len(many)


def test_demo_data_validates_page_by_page(client, hsds_schemas):
    call_command("load_demo", "--count", "60")
    first = get(client, "/services", per_page=100, full="true")
    assert first["total_items"] >= 60
    hsds_schemas.check_page("compiled/service_list.json", first)
    for service in first["contents"]:
        hsds_schemas.check("compiled/service.json", service)
    organizations = get(client, "/organizations", per_page=100, full="true", full_service="true")
    assert organizations["total_items"] == Facility.objects.listed().count()
    for organization in organizations["contents"]:
        hsds_schemas.check("compiled/organization.json", organization)
    links = get(client, "/service_at_locations", per_page=100, full="true")
    for link in links["contents"]:
        hsds_schemas.check("compiled/service_at_location.json", link)


def test_hsds_paths_are_left_out_of_finders_own_openapi_schema(settings):
    from drf_spectacular.generators import SchemaGenerator
    from rest_framework.settings import api_settings

    settings.REST_FRAMEWORK = {"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"}
    api_settings.reload()
    try:
        paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    finally:
        api_settings.reload()
    assert not [path for path in paths if path.startswith("/api/hsds")]
