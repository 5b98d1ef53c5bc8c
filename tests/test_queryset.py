import random

import pytest
from geopy.distance import geodesic

from centers import geo
from centers.models import Facility, Insurer
from centers.vocabulary import Language, LevelOfCare, Medication, Payment, Population
from tests.conftest import ATLANTA, make_facility

pytestmark = pytest.mark.django_db
atlanta = geo.Point(*ATLANTA)


def test_listed_hides_unlisted_and_closed(detox_atlanta, unlisted_center, closed_center):
    assert list(Facility.objects.listed()) == [detox_atlanta]


def test_near_keeps_only_facilities_inside_the_radius(detox_atlanta, outpatient_decatur, methadone_macon):
    within_25 = Facility.objects.near(atlanta, 25)
    assert set(within_25) == {detox_atlanta, outpatient_decatur}
    assert set(Facility.objects.near(atlanta, 100)) == {detox_atlanta, outpatient_decatur, methadone_macon}
    assert list(Facility.objects.near(atlanta, 5)) == [detox_atlanta]


def test_by_distance_orders_nearest_first(detox_atlanta, outpatient_decatur, methadone_macon):
    origin = geo.Point(33.70, -84.00)  # east of Decatur
    ordered = list(Facility.objects.near(origin, 100).by_distance(origin))
    assert ordered == [outpatient_decatur, detox_atlanta, methadone_macon]
    distances = [facility.distance_miles for facility in ordered]
    assert distances == sorted(distances)


def test_sql_distance_is_within_half_a_percent_of_geodesic(db):
    rng = random.Random(11)
    origin = geo.Point(39.0, -98.0)
    points = []
    for _ in range(200):
        bearing, miles = rng.uniform(0, 360), rng.uniform(1, 99)
        destination = geodesic(miles=miles).destination((origin.latitude, origin.longitude), bearing)
        points.append(make_facility(at=(destination.latitude, destination.longitude)))
    for facility in Facility.objects.near(origin, 100):
        expected = geodesic((origin.latitude, origin.longitude), (facility.latitude, facility.longitude)).miles
        assert facility.distance_miles == pytest.approx(expected, rel=0.005)
    assert Facility.objects.near(origin, 100).count() == len(points)


@pytest.mark.parametrize("latitude", [18.4, 33.7, 47.6, 61.2])
def test_sql_distance_accuracy_across_us_latitudes(db, latitude):
    origin = geo.Point(latitude, -100.0)
    for bearing in (0, 45, 90, 135):
        destination = geodesic(miles=60).destination((latitude, -100.0), bearing)
        make_facility(at=(destination.latitude, destination.longitude))
    for facility in Facility.objects.near(origin, 100):
        assert facility.distance_miles == pytest.approx(60, rel=0.005)


def test_offering_matches_any_code_of_a_level(detox_atlanta, outpatient_decatur, methadone_macon):
    assert list(Facility.objects.offering([LevelOfCare.MEDICAL_DETOX])) == [detox_atlanta]
    assert set(Facility.objects.offering([LevelOfCare.MEDICAL_DETOX, LevelOfCare.INTENSIVE_OUTPATIENT])) == {
        detox_atlanta,
        outpatient_decatur,
    }
    assert list(Facility.objects.offering([LevelOfCare.OPIOID_TREATMENT_PROGRAM])) == [methadone_macon]


def test_filters_never_repeat_a_facility(outpatient_decatur):
    # Decatur offers OIT and ORT and OP: three matching codes, still one row.
    chosen = [LevelOfCare.INTENSIVE_OUTPATIENT, LevelOfCare.OUTPATIENT]
    assert Facility.objects.offering(chosen).count() == 1


def test_medication_payment_population_language_and_telehealth(detox_atlanta, outpatient_decatur, methadone_macon):
    assert list(Facility.objects.with_medications([Medication.BUPRENORPHINE])) == [detox_atlanta]
    assert list(Facility.objects.with_medications([Medication.NALTREXONE])) == [outpatient_decatur]
    assert set(Facility.objects.paying_with([Payment.MEDICAID])) == {detox_atlanta, methadone_macon}
    assert list(Facility.objects.paying_with([Payment.SLIDING_SCALE])) == [outpatient_decatur]
    assert list(Facility.objects.serving([Population.ADULT_WOMEN])) == [outpatient_decatur]
    assert list(Facility.objects.speaking([Language.SPANISH])) == [outpatient_decatur]
    assert list(Facility.objects.with_telehealth()) == [outpatient_decatur]


def test_other_languages_means_any_language_code_but_spanish_and_asl(detox_atlanta, outpatient_decatur):
    from centers.models import Service

    Service.objects.create(code="F17", category="language", label="Another language")
    detox_atlanta.services.add("F17")
    assert list(Facility.objects.speaking([Language.OTHER])) == [detox_atlanta]


def test_named_insurer(detox_atlanta, outpatient_decatur):
    aetna = Insurer.objects.create(name="Aetna", slug="aetna")
    detox_atlanta.insurers.add(aetna)
    assert list(Facility.objects.accepting_insurers([aetna])) == [detox_atlanta]


def test_named_matches_either_name(detox_atlanta):
    make_facility(name="Other Place", name2="Peachtree Annex")
    assert Facility.objects.named("peachtree").count() == 2


def test_levels_medications_and_payments_read_from_services(detox_atlanta):
    facility = Facility.objects.prefetch_related("services").get(pk=detox_atlanta.pk)
    assert facility.levels_of_care == [LevelOfCare.MEDICAL_DETOX]
    assert facility.medications == [Medication.BUPRENORPHINE]
    assert facility.payments == [Payment.MEDICAID, Payment.PRIVATE_INSURANCE]


def test_saving_without_coordinates_places_the_facility_at_its_zip(db):
    facility = make_facility(at=(None, None), zip_code="30303")
    facility.refresh_from_db()
    assert facility.latitude == pytest.approx(33.75, abs=0.1)
    assert facility.slug == "test-recovery-center-atlanta-ga"


def test_every_level_of_care_has_codes_and_a_description():
    for level in LevelOfCare:
        assert level.codes and len(level.description) > 40
