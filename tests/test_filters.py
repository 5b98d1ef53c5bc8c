import pytest

from centers.filters import FacilityFilter
from centers.models import Facility, Insurer
from tests.conftest import make_facility

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


def bound(**params) -> FacilityFilter:
    filterset = FacilityFilter(params, queryset=Facility.objects.listed())
    assert filterset.is_valid(), filterset.errors
    return filterset


SAVANNAH = (32.08, -81.09)  # about 215 miles from downtown Atlanta
ST_MARYS = (30.73, -81.55)  # about 270 miles, still in Georgia


def test_next_radius_counts_what_a_wider_search_would_find(detox_atlanta, methadone_macon):
    filterset = bound(location="30303", radius="50", level=["opioid-treatment-program"])
    assert list(filterset.qs) == []
    words, count, query = filterset.next_radius()
    assert (words, count) == ("within 100 miles", 1)
    assert "radius=100" in query and "level=opioid-treatment-program" in query


def test_next_radius_skips_radii_that_also_find_nothing(db, django_assert_num_queries):
    make_facility(name="Savannah Recovery", city="Savannah", zip_code="31401", at=SAVANNAH)
    filterset = bound(location="30303", radius="10")
    assert list(filterset.qs) == []
    with django_assert_num_queries(4):  # one COUNT each for 25, 50, 100 and 250 miles
        suggestion = filterset.next_radius()
    assert suggestion.words == "within 250 miles" and suggestion.count == 1
    assert "radius=250" in suggestion.query


def test_250_miles_reaches_what_100_does_not(db):
    savannah = make_facility(name="Savannah Recovery", city="Savannah", zip_code="31401", at=SAVANNAH)
    assert search(location="30303", radius="100") == []
    assert search(location="30303", radius="250") == [savannah]


def test_next_radius_offers_the_whole_state_when_no_radius_finds_anything(db, django_assert_num_queries):
    make_facility(name="St. Marys Counseling", city="St. Marys", zip_code="31558", at=ST_MARYS)
    filterset = bound(location="30303", radius="5")
    with django_assert_num_queries(6):  # 10, 25, 50, 100, 250 miles, then the state
        suggestion = filterset.next_radius()
    assert (suggestion.words, suggestion.count) == ("anywhere in the state", 1)
    assert "radius=state" in suggestion.query


def test_next_radius_after_the_whole_state_looks_across_its_border(detox_atlanta):
    filterset = bound(location="37402", radius="state")  # Chattanooga, Tennessee: nothing in the state
    assert list(filterset.qs) == []
    assert filterset.next_radius()[:2] == ("within 250 miles", 1)


def test_next_radius_is_none_when_nothing_is_anywhere_near(db):
    assert bound(location="30303", radius="25").next_radius() is None


def test_fewer_filters_names_the_filter_whose_removal_finds_the_most(
    detox_atlanta, outpatient_decatur, django_assert_num_queries
):
    make_facility(name="Grady Detox", codes=["HID", "MD"])
    filterset = bound(location="30303", level=["medical-detox"], payment=["self-pay"], language=["deaf"])
    assert list(filterset.qs) == []
    with django_assert_num_queries(3):  # one COUNT per active filter
        suggestion = filterset.fewer_filters()
    # No one signs, so dropping the payment or the type of care finds nothing; no detox takes cash,
    # so dropping the language finds nothing either: there is no suggestion, never "0 facilities".
    assert suggestion is None

    filterset = bound(location="30303", level=["medical-detox"], payment=["self-pay"])
    words, count, query = filterset.fewer_filters()
    assert (words, count) == ("How you will pay: Cash or self-pay", 2)  # two detox programs, against one
    assert "level=medical-detox" in query and "payment" not in query and "location=30303" in query


def test_fewer_filters_never_suggests_an_empty_search(detox_atlanta):
    assert bound(q="no such name").fewer_filters() is None  # it would "find" the whole directory
    assert bound(q="no such name", level=["medical-detox"]).fewer_filters()[:2] == ("Facility name: no such name", 1)


def test_active_filters_are_chips_that_each_remove_one_value(db):
    cigna = Insurer.objects.create(name="Cigna", slug="cigna")
    filterset = bound(
        location="30303",
        level=["medical-detox", "outpatient"],
        insurer=cigna.slug,
        accepting="on",
        age=["seniors"],
        sort="availability",
        page="2",
    )
    chips = {chip.label: chip.query for chip in filterset.active_filters()}
    assert list(chips) == [
        "Medical detox",
        "Outpatient",
        "Your insurance company: Cigna",
        "Seniors",
        "Accepting new patients now",
    ]
    assert "level=outpatient" in chips["Medical detox"] and "medical-detox" not in chips["Medical detox"]
    assert "insurer" not in chips["Your insurance company: Cigna"] and "level=medical-detox" in chips["Seniors"]
    assert "accepting" not in chips["Accepting new patients now"]
    assert all("location=30303" in query and "sort=availability" in query for query in chips.values())
    assert not any("page=" in query for query in chips.values())  # back to the first page


def test_no_chips_for_place_distance_and_sort_alone(db):
    assert bound(location="30303", radius="50", sort="availability").active_filters() == []


def test_order_words_follow_the_sort(detox_atlanta):
    assert bound(location="30303").order_words == "Nearest first"
    assert bound(location="30303", sort="availability").order_words == "Accepting new patients first, then nearest"
    assert bound(q="peachtree").order_words == "By state, city and name"


@pytest.mark.parametrize(
    "age, codes_found",
    [
        ("children", {"CHLD", "AD"}),
        ("young-adults", {"YAD", "TAY"}),
        ("adults", {"ADLT"}),
        ("seniors", {"SNR", "SE"}),
    ],
)
def test_age_filter_finds_the_facilities_with_its_samhsa_codes(db, age, codes_found):
    by_code = {
        code: make_facility(name=f"Center {code}", codes=[code])
        for code in ("CHLD", "AD", "YAD", "TAY", "ADLT", "SNR", "SE")
    }
    make_facility(name="No ages listed", codes=["OP"])
    assert {facility.name for facility in search(location="30303", age=[age])} == {
        f"Center {code}" for code in codes_found
    }
    assert set(search(location="30303", age=["children", "seniors"])) == {
        by_code[code] for code in ("CHLD", "AD", "SNR", "SE")
    }


def test_the_age_migration_sets_the_new_bits_on_stored_facilities(db):
    import importlib

    from django.apps import apps

    from centers import search_flags

    child = make_facility(name="Kids First", codes=["CHLD", "OP"])
    Facility.objects.filter(pk=child.pk).update(search_flags=search_flags.flags_for(["OP"]))  # as stored before
    assert search(location="30303", age=["children"]) == []
    migration = importlib.import_module("centers.migrations.0009_age_search_bits")
    migration.refresh_search_flags(apps, None)
    assert search(location="30303", age=["children"]) == [child]


@pytest.mark.django_db
def test_ages_are_offered_once_in_the_age_filter_not_again_among_programs():
    form = FacilityFilter(queryset=Facility.objects.listed()).form
    ages = {label for _, label in form.fields["age"].choices}
    programs = {label for _, label in form.fields["population"].choices}
    assert {"Children and teens", "Seniors"} <= ages
    assert not any(word in label.lower() for label in programs for word in ("teen", "young adult", "senior"))
