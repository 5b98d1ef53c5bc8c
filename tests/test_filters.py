import pytest

from centers.filters import FacilityFilter
from centers.models import Facility, Insurer

pytestmark = pytest.mark.django_db


def search(**params):
    filterset = FacilityFilter(params, queryset=Facility.objects.listed())
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def test_location_and_radius_narrow_and_sort(detox_atlanta, outpatient_decatur, methadone_macon):
    assert search(location="30303", radius="25") == [detox_atlanta, outpatient_decatur]
    assert search(location="30303", radius="100") == [detox_atlanta, outpatient_decatur, methadone_macon]


def test_radius_defaults_to_25_miles(detox_atlanta, methadone_macon):
    assert search(location="30303") == [detox_atlanta]


def test_anywhere_in_the_state(detox_atlanta, outpatient_decatur, methadone_macon):
    from tests.conftest import make_facility

    tennessee = make_facility(name="Chattanooga Center", state="TN", zip_code="37402", at=(35.04, -85.31))
    results = search(location="Atlanta, GA", radius="state")
    assert results == [detox_atlanta, outpatient_decatur, methadone_macon]
    assert tennessee not in results


def test_within_a_group_any_across_groups_all(detox_atlanta, outpatient_decatur):
    assert search(location="30303", level=["medical-detox", "intensive-outpatient"]) == [
        detox_atlanta,
        outpatient_decatur,
    ]
    assert search(location="30303", level=["medical-detox", "intensive-outpatient"], payment=["self-pay"]) == [
        outpatient_decatur
    ]
    assert search(location="30303", level=["medical-detox"], payment=["self-pay"]) == []


def test_every_filter_group(detox_atlanta, outpatient_decatur):
    assert search(location="30303", medication=["buprenorphine"]) == [detox_atlanta]
    assert search(location="30303", population=["women"]) == [outpatient_decatur]
    assert search(location="30303", language=["spanish"]) == [outpatient_decatur]
    assert search(location="30303", telehealth="true") == [outpatient_decatur]
    assert search(location="30303", q="peachtree") == [detox_atlanta]


def test_insurer_by_slug(detox_atlanta, outpatient_decatur):
    cigna = Insurer.objects.create(name="Cigna", slug="cigna")
    outpatient_decatur.insurers.add(cigna)
    assert search(location="30303", insurer="cigna") == [outpatient_decatur]


def test_name_search_without_a_place_lists_alphabetically(detox_atlanta, outpatient_decatur):
    assert search(q="center") == []
    assert search(q="e") == [detox_atlanta, outpatient_decatur]  # by state, city, name


@pytest.mark.parametrize(
    "params, field",
    [
        ({"location": "99999"}, "location"),
        ({"location": "30303", "radius": "abc"}, "radius"),
        ({"location": "30303", "level": "bogus"}, "level"),
        ({"location": "30303", "payment": "gold-bars"}, "payment"),
        ({"location": "30303", "insurer": "no-such-plan"}, "insurer"),
        ({"location": "x" * 5000}, "location"),
        ({"location": "30303", "q": "y" * 5000}, "q"),
    ],
)
def test_bad_input_is_an_error_on_that_field(db, params, field):
    filterset = FacilityFilter(params, queryset=Facility.objects.all())
    assert not filterset.is_valid()
    assert field in filterset.errors


def test_next_radius_counts_what_a_wider_search_would_find(detox_atlanta, methadone_macon):
    filterset = FacilityFilter(
        {"location": "30303", "radius": "50", "level": ["opioid-treatment-program"]}, queryset=Facility.objects.listed()
    )
    assert filterset.is_valid() and list(filterset.qs) == []
    radius, count, query = filterset.next_radius()
    assert (radius, count) == ("100", 1)
    assert "radius=100" in query and "level=opioid-treatment-program" in query
