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


def test_near_leaves_out_the_corners_of_the_bounding_box(db):
    _, max_lat, _, max_lng = geo.bounding_box(atlanta, 25)
    # Well inside the box, but 0.9 of the way to its corner: about 30 miles away, outside the circle.
    corner = (
        atlanta.latitude + 0.9 * (max_lat - atlanta.latitude),
        atlanta.longitude + 0.9 * (max_lng - atlanta.longitude),
    )
    make_facility(name="In the corner", at=corner)
    inside = make_facility(name="Inside", at=(atlanta.latitude + 0.3, atlanta.longitude))  # about 21 miles north
    assert geo.miles_between(atlanta, geo.Point(*corner)) > 28
    assert list(Facility.objects.near(atlanta, 25)) == [inside]


# The antimeridian: the western Aleutians are east of 180 degrees, the rest of Alaska west of it.
ADAK = geo.Point(51.88, -176.66)
SHEMYA = (52.72, 174.11)
ATTU = (52.93, 173.18)


def test_near_reaches_across_the_antimeridian(db):
    adak = make_facility(
        name="Adak Clinic", city="Adak", state="AK", zip_code="99546", at=(ADAK.latitude, ADAK.longitude)
    )
    shemya = make_facility(name="Shemya Clinic", city="Shemya", state="AK", zip_code="99546", at=SHEMYA)
    attu = make_facility(name="Attu Clinic", city="Attu", state="AK", zip_code="99546", at=ATTU)
    # 850 miles east, and (Kamchatka) 1,000 miles west.
    make_facility(name="Kodiak Clinic", city="Kodiak", state="AK", zip_code="99615", at=(57.79, -152.41))
    make_facility(name="Too Far West", city="Attu", state="AK", zip_code="99546", at=(53.0, 158.65))
    found = list(Facility.objects.near(ADAK, 500).by_distance(ADAK))
    assert found == [adak, shemya, attu]
    for facility in found[1:]:
        expected = geodesic((ADAK.latitude, ADAK.longitude), (facility.latitude, facility.longitude)).miles
        assert facility.distance_miles == pytest.approx(expected, rel=0.01)
    assert list(Facility.objects.near(geo.Point(*SHEMYA), 100).by_distance(geo.Point(*SHEMYA))) == [shemya, attu]


def test_distance_ordering_across_the_antimeridian_without_a_radius(db):
    """'Anywhere in the state' from Adak: the islands west of 180 degrees are nearer than Anchorage."""
    anchorage = make_facility(
        name="Anchorage Clinic", city="Anchorage", state="AK", zip_code="99501", at=(61.22, -149.87)
    )
    attu = make_facility(name="Attu Clinic", city="Attu", state="AK", zip_code="99546", at=ATTU)
    shemya = make_facility(name="Shemya Clinic", city="Shemya", state="AK", zip_code="99546", at=SHEMYA)
    ordered = list(Facility.objects.in_state("AK").by_distance(ADAK))
    assert ordered == [shemya, attu, anchorage]
    assert ordered[1].distance_miles == pytest.approx(geo.miles_between(ADAK, geo.Point(*ATTU)), rel=0.01)


def test_guam_and_american_samoa_searches_find_their_islands(db):
    guam = make_facility(name="Guam Clinic", city="Hagatna", state="GU", zip_code="96910", at=(13.48, 144.75))
    saipan = make_facility(name="Saipan Clinic", city="Saipan", state="MP", zip_code="96950", at=(15.18, 145.75))
    pago_pago = make_facility(
        name="Pago Pago Clinic", city="Pago Pago", state="AS", zip_code="96799", at=(-14.27, -170.70)
    )
    assert list(Facility.objects.near(geo.Point(13.44, 144.79), 100)) == [guam]
    assert set(Facility.objects.near(geo.Point(13.44, 144.79), 150)) == {guam, saipan}
    [found] = Facility.objects.near(geo.Point(-14.28, -170.70), 25)
    assert found == pago_pago and found.distance_miles < 1


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
