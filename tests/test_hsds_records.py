"""The HSDS mapping (opendata.records.tables_for): every row valid, ids stable, the rules of docs/hsds.md."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest

from centers.models import Availability, Facility, Insurer, Service
from centers.vocabulary import LevelOfCare, Source, Status
from opendata import ids, records, taxonomy
from opendata.models import TaxonomyTerm, TermLink
from opendata.records import tables_for
from opendata.tables import descriptor
from tests.conftest import make_facility
from tests.hsds_package import SHARED_HSDS, rows_problems, shared_descriptor

pytestmark = pytest.mark.django_db


@pytest.fixture
def aetna(db):
    return Insurer.objects.create(name="Aetna", slug="aetna")


@pytest.fixture
def cast(detox_atlanta, outpatient_decatur, methadone_macon, aetna):
    outpatient_decatur.intake_phone = "(404) 555-0199"
    outpatient_decatur.hotline = "(404) 555-0142 ext. 12"
    outpatient_decatur.last_verified_at = datetime(2026, 11, 20, 15, 30, 12, 345678, tzinfo=UTC)
    outpatient_decatur.hours = "Mon-Fri 8am-6pm"
    outpatient_decatur.save()
    outpatient_decatur.insurers.add(aetna)
    Availability.objects.create(
        facility=outpatient_decatur, level=LevelOfCare.INTENSIVE_OUTPATIENT, status="accepting", open_slots=3
    )
    Availability.objects.create(
        facility=outpatient_decatur, level=LevelOfCare.OUTPATIENT, status="waitlist", waitlist_days=9, note="Call"
    )
    return [detox_atlanta, outpatient_decatur, methadone_macon]


def by_id(rows):
    return {row["id"]: row for row in rows}


def test_rows_validate_against_the_hsds_descriptor(cast):
    tables = tables_for(Facility.objects.all(), all_terms=True)
    assert rows_problems(tables, descriptor()) == []
    shared = shared_descriptor()
    if shared is None:
        pytest.skip("../shared/hsds is not here")
    assert rows_problems(tables, shared) == []


def test_rows_of_a_few_facilities_validate_and_name_only_their_terms(cast):
    tables = tables_for([cast[1]])
    assert rows_problems(tables, descriptor()) == []
    term_ids = {row["id"] for row in tables["taxonomy_term"]}
    assert {row["taxonomy_term_id"] for row in tables["attribute"]} <= term_ids
    assert ids.samhsa_term("HID") not in term_ids  # the detox center's code, not this facility's
    assert taxonomy.category_term_id("setting") in term_ids  # OIT's parent


def test_a_facility_is_a_location_with_its_own_organization_and_a_service_per_level(cast):
    decatur = cast[1]
    tables = tables_for([decatur])
    location_id = str(decatur.uuid)
    assert [row["id"] for row in tables["location"]] == [location_id]
    organization_id = ids.organization(location_id)
    assert tables["location"][0]["organization_id"] == organization_id
    assert tables["organization"][0]["name"] == "Decatur Outpatient Counseling"
    services = by_id(tables["service"])
    assert set(services) == {ids.service(location_id, level) for level in decatur.levels_of_care}
    assert {row["name"] for row in services.values()} == {"Intensive outpatient (IOP)", "Outpatient"}
    assert {row["service_id"] for row in tables["service_at_location"]} == set(services)
    assert {row["location_id"] for row in tables["service_at_location"]} == {location_id}
    for row in services.values():
        assert row["status"] == "active"
        assert row["assured_date"] == "2026-11-20"
        assert row["organization_id"] == organization_id


def test_ids_are_derived_and_the_same_every_time(cast):
    first, second = tables_for(Facility.objects.all()), tables_for(Facility.objects.all())
    assert first == second
    for rows in first.values():
        for row in rows:
            uuid.UUID(row["id"])
    assert {row["id"] for row in first["location"]} == {str(facility.uuid) for facility in cast}


def test_phones_come_intake_first_with_their_kind_described(cast):
    phones = tables_for([cast[1]])["phone"]
    assert [row["number"] for row in phones] == ["(404) 555-0199", "(404) 555-0100", "(404) 555-0142"]
    assert phones[0]["description"].startswith("Intake")
    assert phones[2]["description"] == "24-hour hotline" and phones[2]["extension"] == 12
    assert {row["type"] for row in phones} == {"voice"}


def test_capacities_come_from_availability_for_the_service_level(cast):
    decatur = cast[1]
    tables = tables_for([decatur])
    capacities = {row["service_id"]: row for row in tables["service_capacity"]}
    iop = capacities[ids.service(str(decatur.uuid), LevelOfCare.INTENSIVE_OUTPATIENT)]
    assert iop["available"] == 3 and iop["description"] == "Accepting new patients"
    assert iop["unit_id"] == records.UNIT_ID and tables["unit"][0]["name"] == "Beds or openings"
    outpatient = capacities[ids.service(str(decatur.uuid), LevelOfCare.OUTPATIENT)]
    assert outpatient["available"] == 0 and outpatient["description"] == "Waitlist. Note: Call"
    availability = decatur.availability.get(level=LevelOfCare.OUTPATIENT)
    assert outpatient["updated"] == records.format_datetime(availability.updated_at)
    services = by_id(tables["service"])
    assert services[outpatient["service_id"]]["wait_time"] == "About 9 days"


def test_attributes_link_codes_to_the_location_and_levels_to_their_service(cast):
    decatur = cast[1]
    tables = tables_for([decatur])
    location_id = str(decatur.uuid)
    linked = {(row["link_entity"], row["link_id"], row["taxonomy_term_id"]) for row in tables["attribute"]}
    for code in decatur.service_codes():
        assert ("location", location_id, ids.samhsa_term(code)) in linked
    iop = ids.service(location_id, LevelOfCare.INTENSIVE_OUTPATIENT)
    assert ("service", iop, taxonomy.LEVEL_TERM_IDS[LevelOfCare.INTENSIVE_OUTPATIENT]) in linked
    assert ("service", iop, ids.samhsa_term("OIT")) in linked
    assert ("location", location_id, ids.finder_term("language:spanish")) in linked


def test_languages_payments_and_insurers(cast):
    decatur = cast[1]
    tables = tables_for([decatur])
    assert [(row["name"], row["code"]) for row in tables["language"]] == [("Spanish", "es")]
    options = {row["option"] for row in tables["cost_option"]}
    assert {"Cash or self-payment", "Sliding fee scale (cost based on income)", "Aetna"} <= options
    methadone = tables_for([cast[2]])
    assert [row["source"] for row in methadone["funding"]] == ["Medicaid"]


def test_a_facility_with_no_level_gets_one_general_service(db):
    facility = make_facility(codes=["SA", "MD"])
    services = tables_for([facility])["service"]
    assert [row["name"] for row in services] == ["Substance use treatment"]
    assert services[0]["id"] == ids.service(str(facility.uuid), ids.GENERAL_SERVICE)


def test_unlisted_and_closed_facilities_are_not_published(cast, unlisted_center, closed_center):
    assert set(records.published()) == set(cast)
    temporarily = make_facility(name="Closed For Repairs", codes=["OP"], status=Status.TEMPORARILY_CLOSED)
    service = tables_for([temporarily])["service"][0]
    assert service["status"] == "temporarily closed"


def test_samhsa_facilities_publish_their_key_and_every_code_has_a_term(db):
    Service.create_missing(["F17", "ZZTOP"])
    facility = make_facility(codes=["OP", "F17", "ZZTOP"], source=Source.SAMHSA, source_id="abc123")
    tables = tables_for([facility], all_terms=True)
    location = tables["location"][0]
    assert (location["external_identifier"], location["external_identifier_type"]) == (
        "abc123",
        records.SAMHSA_KEY_TYPE,
    )
    terms = {row["code"]: row for row in tables["taxonomy_term"]}
    assert terms["ZZTOP"]["name"] == "Service code ZZTOP"
    assert terms["F17"]["parent_id"] == taxonomy.category_term_id("language")
    assert terms["level:outpatient"]["parent_id"] == ids.finder_term("filter:level")


def test_kept_terms_of_other_publishers_are_published_again(db):
    facility = make_facility(codes=["OP"])
    term = TaxonomyTerm.objects.create(id=uuid.uuid4(), code="BD-1800", name="Substance use", description="211 LA")
    TermLink.objects.create(facility=facility, term=term, level=LevelOfCare.OUTPATIENT)
    tables = tables_for([facility])
    link = next(row for row in tables["attribute"] if row["taxonomy_term_id"] == str(term.id))
    assert link["link_entity"] == "service"
    assert link["link_id"] == ids.service(str(facility.uuid), LevelOfCare.OUTPATIENT)
    assert str(term.id) in {row["id"] for row in tables["taxonomy_term"]}


def test_queries_do_not_grow_with_the_number_of_facilities(cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(8) as one:
        tables_for(Facility.objects.filter(pk=cast[0].pk))
    with django_assert_max_num_queries(len(one.captured_queries)):
        tables_for(Facility.objects.all())


def _present(row: dict) -> dict:
    return {key: value for key, value in row.items() if value is not None}


def test_a_service_nested_from_the_rows_validates_against_the_compiled_hsds_schema(cast):
    """The API nests these rows by their keys; one service, nested plainly, must be valid HSDS JSON."""
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = SHARED_HSDS / "schema" / "compiled" / "service.json"
    if not schema_path.exists():
        pytest.skip("../shared/hsds is not here")
    tables = tables_for([cast[1]])
    terms, units = by_id(tables["taxonomy_term"]), by_id(tables["unit"])
    service = _present(tables["service"][0])
    location = _present(tables["location"][0])
    location["addresses"] = [_present(row) for row in tables["address"]]
    location["phones"] = [_present(row) for row in tables["phone"]]
    location["languages"] = [_present(row) for row in tables["language"]]
    location["attributes"] = [
        {**_present(row), "taxonomy_term": _present(terms[row["taxonomy_term_id"]])}
        for row in tables["attribute"]
        if row["link_id"] == location["id"]
    ]
    service["organization"] = _present(tables["organization"][0])
    service["service_at_locations"] = [
        {**_present(row), "location": location}
        for row in tables["service_at_location"]
        if row["service_id"] == service["id"]
    ]
    service["capacities"] = [
        {**_present(row), "unit": _present(units[row["unit_id"]])}
        for row in tables["service_capacity"]
        if row["service_id"] == service["id"]
    ]
    service["cost_options"] = [_present(row) for row in tables["cost_option"] if row["service_id"] == service["id"]]
    validator = jsonschema.Draft202012Validator(
        json.loads(schema_path.read_text()), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert [error.message for error in validator.iter_errors(service)] == []
    assert service["capacities"] and location["attributes"]  # the nested parts were there to check


def test_the_validator_finds_what_breaks_the_descriptor(cast):
    """The checks above can fail: a bad uuid, a missing required value, a bad enum, a dangling key are all found."""
    tables = tables_for([cast[1]])
    tables["service"][0]["id"] = "not-a-uuid"
    tables["organization"][0]["description"] = None
    tables["location"][0]["location_type"] = "building"
    tables["phone"][0]["location_id"] = str(uuid.uuid4())
    tables["service_capacity"][0]["updated"] = "yesterday"
    problems = "\n".join(rows_problems(tables, descriptor()))
    assert "service line 2: id 'not-a-uuid' is not a valid uuid" in problems
    assert "organization line 2: description is required" in problems
    assert "location line 2: location_type 'building' is not one of" in problems
    assert "is not a location id" in problems
    assert "service_capacity line 2: updated 'yesterday' is not a valid datetime" in problems


def test_a_page_of_facilities_keeps_its_order(cast):
    page = Facility.objects.order_by("-name")[:2]
    assert [row["name"] for row in tables_for(page)["location"]] == [cast[0].name, cast[2].name]
