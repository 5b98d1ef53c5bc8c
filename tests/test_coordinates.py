"""Coordinates follow the address on every write path: admin, portal approval, import, revert."""

import pytest
from django.urls import reverse

from centers.importers import import_samhsa_file
from centers.models import Facility
from centers.vocabulary import Source
from portal.models import PendingChange
from tests.conftest import export_row, make_facility, write_export
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

# Centres of the ZIP codes in the gazetteer (zipcodes), where a moved facility is placed.
DECATUR_ZIP = (33.7699, -84.295)
MACON_ZIP = (32.8095, -83.6168)
# A door-step position in downtown Atlanta, deliberately not the 30303 ZIP centre (33.7525, -84.3888).
PEACHTREE_DOOR = (33.7611, -84.3871)


@pytest.fixture
def steward_client(client, steward):
    client.force_login(steward)
    return client


def place(facility) -> tuple[float, float]:
    facility.refresh_from_db()
    return facility.latitude, facility.longitude


# The model --------------------------------------------------------------------------------------


def test_saving_a_new_address_moves_the_facility_to_its_zip_code():
    facility = make_facility(at=PEACHTREE_DOOR)
    facility.street1, facility.city, facility.zip_code = "1 Main St", "Decatur", "30030"
    facility.save()
    assert place(facility) == DECATUR_ZIP


def test_a_new_address_with_new_coordinates_keeps_the_coordinates_given():
    facility = make_facility(at=PEACHTREE_DOOR)
    facility.city, facility.zip_code = "Decatur", "30030"
    facility.latitude, facility.longitude = 33.7751, -84.2963
    facility.save()
    assert place(facility) == (33.7751, -84.2963)


def test_a_suite_number_or_a_retyped_street_does_not_move_the_facility():
    facility = make_facility(at=PEACHTREE_DOOR)
    facility.street2, facility.street1 = "Suite 200", "100  PEACHTREE ST"
    facility.save()
    assert place(facility) == PEACHTREE_DOOR


def test_an_unknown_zip_code_is_placed_at_its_city():
    facility = make_facility(at=PEACHTREE_DOOR)
    facility.city, facility.zip_code = "Macon", "31299"  # not in the gazetteer
    facility.save()
    latitude, longitude = place(facility)
    assert latitude == pytest.approx(32.84, abs=0.1) and longitude == pytest.approx(-83.63, abs=0.1)


# Each write path ---------------------------------------------------------------------------------


def test_admin_change_form_moves_the_coordinates_with_the_address(steward_client):
    facility = make_facility(at=PEACHTREE_DOOR)
    change_url = reverse("admin:centers_facility_change", args=[facility.pk])
    data = form_data(steward_client.get(change_url))
    data.update(street1="1 Main St", city="Decatur", zip_code="30030")

    response = steward_client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert place(facility) == DECATUR_ZIP


def test_admin_change_form_keeps_coordinates_typed_with_the_address(steward_client):
    facility = make_facility(at=PEACHTREE_DOOR)
    change_url = reverse("admin:centers_facility_change", args=[facility.pk])
    data = form_data(steward_client.get(change_url))
    data.update(city="Decatur", zip_code="30030", latitude="33.7751", longitude="-84.2963")

    assert steward_client.post(change_url, data).status_code == 302
    assert place(facility) == (33.7751, -84.2963)


def test_admin_change_form_asks_for_coordinates_when_the_new_place_is_unknown(steward_client):
    facility = make_facility(at=PEACHTREE_DOOR)
    change_url = reverse("admin:centers_facility_change", args=[facility.pk])
    data = form_data(steward_client.get(change_url))
    data.update(city="Nowhere Town", zip_code="00009")

    response = steward_client.post(change_url, data)

    assert response.status_code == 200  # the admin re-renders an invalid change form with 200
    assert "enter the latitude and longitude" in str(response.context["adminform"].form.errors["zip_code"])
    assert place(facility) == PEACHTREE_DOOR


def test_portal_approval_moves_the_coordinates_to_the_new_address(steward, editor):
    facility = make_facility(at=PEACHTREE_DOOR)
    change = PendingChange.objects.create(
        facility=facility,
        changes={"city": {"old": "Atlanta", "new": "Macon"}, "zip_code": {"old": "30303", "new": "31201"}},
    )
    change.approve(steward)
    assert place(facility) == MACON_ZIP


def test_portal_approval_of_a_suite_number_keeps_the_coordinates(steward):
    facility = make_facility(at=PEACHTREE_DOOR)
    PendingChange.objects.create(facility=facility, changes={"street2": {"old": "", "new": "Suite 200"}}).approve(
        steward
    )
    assert place(facility) == PEACHTREE_DOOR


def test_reimport_with_a_new_city_takes_the_files_coordinates_over_a_local_pin(tmp_path, steward_client):
    # The importer knows a facility again by name, street and ZIP code, so a re-import can move it
    # to another city (the source corrected it) but not to another street.
    import_samhsa_file(write_export(tmp_path / "a.csv", [export_row(latitude="33.7529", longitude="-84.3925")]))
    facility = Facility.objects.get(source=Source.SAMHSA)
    # A steward moved the pin to the door, keeping the address.
    change_url = reverse("admin:centers_facility_change", args=[facility.pk])
    data = form_data(steward_client.get(change_url))
    data.update(latitude=str(PEACHTREE_DOOR[0]), longitude=str(PEACHTREE_DOOR[1]))
    assert steward_client.post(change_url, data).status_code == 302
    assert place(facility) == PEACHTREE_DOOR

    row = export_row(city="Decatur", latitude="33.7748", longitude="-84.2963")
    import_samhsa_file(write_export(tmp_path / "b.csv", [row]))

    facility.refresh_from_db()
    assert facility.city == "Decatur"
    assert (facility.latitude, facility.longitude) == (33.7748, -84.2963)


def test_reimport_that_fixes_only_the_city_spelling_keeps_the_files_coordinates(tmp_path):
    import_samhsa_file(write_export(tmp_path / "a.csv", [export_row(city="Atlnta")]))
    facility = Facility.objects.get(source=Source.SAMHSA)
    import_samhsa_file(write_export(tmp_path / "b.csv", [export_row(city="Atlanta")]))
    assert place(facility) == (33.7529, -84.3925)


def test_reverting_an_address_change_restores_the_old_coordinates(steward_client):
    facility = make_facility(at=PEACHTREE_DOOR)
    original = facility.history.latest()
    change_url = reverse("admin:centers_facility_change", args=[facility.pk])
    data = form_data(steward_client.get(change_url))
    data.update(street1="1 Main St", city="Decatur", zip_code="30030")
    assert steward_client.post(change_url, data).status_code == 302
    assert place(facility) == DECATUR_ZIP

    revert_url = reverse("admin:centers_facility_simple_history", args=[facility.pk, original.history_id])
    assert steward_client.post(revert_url, form_data(steward_client.get(revert_url))).status_code == 302

    facility.refresh_from_db()
    assert (facility.street1, facility.zip_code) == ("100 Peachtree St", "30303")
    assert place(facility) == PEACHTREE_DOOR
