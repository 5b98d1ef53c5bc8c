"""What families see of availability and freshness in search results and on detail pages."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from centers import geo
from centers.models import Availability, AvailabilityStatus, Facility
from centers.vocabulary import LevelOfCare, VerifiedBy
from portal.models import Membership
from tests.conftest import ATLANTA, make_facility

pytestmark = pytest.mark.django_db
URL = reverse("centers:search")
IOP = LevelOfCare.INTENSIVE_OUTPATIENT


def set_availability(facility, status, hours_ago=1, level=IOP, **extra):
    return Availability.objects.create(
        facility=facility, level=level, status=status, updated_at=timezone.now() - timedelta(hours=hours_ago), **extra
    )


def test_accepting_filter_keeps_only_current_accepting_facilities(client, detox_atlanta, outpatient_decatur):
    stale = make_facility(name="Stale Accepting Place", codes=["OIT"])
    set_availability(outpatient_decatur, AvailabilityStatus.ACCEPTING, hours_ago=3)
    set_availability(detox_atlanta, AvailabilityStatus.WAITLIST, level=LevelOfCare.MEDICAL_DETOX)
    set_availability(stale, AvailabilityStatus.ACCEPTING, hours_ago=80)  # older than 72 hours
    assert list(Facility.objects.accepting_new_patients()) == [outpatient_decatur]
    html = client.get(URL, {"location": "30303", "accepting": "on"}).content.decode()
    assert "Decatur Outpatient Counseling" in html
    assert "Peachtree Medical Detox" not in html and "Stale Accepting Place" not in html


def test_freshness_threshold_is_a_setting(settings, outpatient_decatur):
    set_availability(outpatient_decatur, AvailabilityStatus.ACCEPTING, hours_ago=30)
    settings.FINDER_AVAILABILITY_FRESH_HOURS = 24
    assert not Facility.objects.accepting_new_patients().exists()
    settings.FINDER_AVAILABILITY_FRESH_HOURS = 72
    assert Facility.objects.accepting_new_patients().exists()


def test_availability_first_sort_puts_accepting_facilities_first(client, detox_atlanta, outpatient_decatur):
    set_availability(outpatient_decatur, AvailabilityStatus.ACCEPTING)
    nearest = client.get(URL, {"location": "30303"}).content.decode()
    assert nearest.index("Peachtree Medical Detox") < nearest.index("Decatur Outpatient Counseling")
    accepting_first = client.get(URL, {"location": "30303", "sort": "availability"}).content.decode()
    assert accepting_first.index("Decatur Outpatient Counseling") < accepting_first.index("Peachtree Medical Detox")


def test_result_card_shows_availability_with_its_age(client, outpatient_decatur):
    set_availability(outpatient_decatur, AvailabilityStatus.ACCEPTING, hours_ago=3, open_slots=4)
    html = client.get(URL, {"location": "30303"}).content.decode()
    assert "Accepting new patients" in html and "(4 open)" in html and "updated 3\xa0hours ago" in html


def test_old_availability_shows_as_unknown(client, outpatient_decatur):
    set_availability(outpatient_decatur, AvailabilityStatus.ACCEPTING, hours_ago=100)
    html = client.get(outpatient_decatur.get_absolute_url()).content.decode()
    assert "Unknown, call to check" in html
    assert "Accepting new patients" not in html


def test_detail_page_shows_each_level_and_note(client, outpatient_decatur):
    set_availability(outpatient_decatur, AvailabilityStatus.WAITLIST, waitlist_days=5, note="Call before noon")
    html = client.get(outpatient_decatur.get_absolute_url()).content.decode()
    assert "IOP" in html and "Waitlist" in html and "about 5 days" in html and "Call before noon" in html


def test_verification_wording(client, detox_atlanta, editor):
    html = client.get(detox_atlanta.get_absolute_url()).content.decode()
    assert "Not yet verified" in html
    detox_atlanta.imported_at = timezone.now()
    detox_atlanta.save()
    assert "Imported from SAMHSA on" in client.get(detox_atlanta.get_absolute_url()).content.decode()
    detox_atlanta.mark_verified(editor, VerifiedBy.FACILITY_STAFF)
    html = client.get(detox_atlanta.get_absolute_url()).content.decode()
    assert f"Verified by facility staff on {timezone.localdate():%b} " in html
    assert "not verified recently" not in html


def test_listings_not_verified_for_180_days_are_marked_and_ranked_after_fresh_ones(client, db):
    old = make_facility(name="Old Listing", last_verified_at=timezone.now() - timedelta(days=200))
    fresh = make_facility(name="Fresh Listing", last_verified_at=timezone.now() - timedelta(days=3))
    # Same place: equal distance. Alphabetically "Fresh" < "Old" anyway, so also check the reverse.
    origin = geo.Point(*ATLANTA)
    assert list(Facility.objects.near(origin, 5).by_distance(origin)) == [fresh, old]
    old.name, fresh.name = "A Old Listing", "Z Fresh Listing"
    old.save(), fresh.save()
    assert list(Facility.objects.near(origin, 5).by_distance(origin)) == [fresh, old]
    html = client.get(URL, {"location": "30303"}).content.decode()
    assert "not verified recently" in html


def test_nearer_listing_still_comes_first_even_if_unverified(db):
    near = make_facility(name="Near Unverified")
    far = make_facility(name="Far Verified", at=(ATLANTA[0] + 0.1, ATLANTA[1]), last_verified_at=timezone.now())
    origin = geo.Point(*ATLANTA)
    assert list(Facility.objects.near(origin, 25).by_distance(origin)) == [near, far]


def test_demo_accounts_are_created_only_for_demo_data_and_removed_with_it(capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("create_demo_accounts")
    call_command("load_demo", "--count", "300")
    call_command("create_demo_accounts")
    output = capsys.readouterr().out
    assert "steward / demo-steward-pass" in output and "admissions / demo-admissions-pass" in output
    membership = Membership.objects.get(user__username="admissions")
    assert membership.facility.is_demo and membership.role == Membership.Role.EDITOR
    call_command("remove_demo")
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username__in=["steward", "admissions"]).exists()
