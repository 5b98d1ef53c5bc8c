"""A facility's history: revert restores fields, services and insurers, and imported facilities have a first version."""

import pytest
from django.urls import reverse

from centers import search_flags
from centers.demo import load_demo
from centers.importers import import_samhsa_file
from centers.models import Facility, Insurer
from centers.vocabulary import Source
from portal.models import PendingChange
from tests.conftest import export_row, make_facility, write_export
from tests.test_admin import form_data
from tests.test_staff_access import listing_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward_client(client, steward):
    client.force_login(steward)
    return client


def revert(client, facility, version):
    """Press "Revert" on a version in the admin, posting the form as the revert page shows it."""
    url = reverse("admin:centers_facility_simple_history", args=[facility.pk, version.history_id])
    return client.post(url, form_data(client.get(url)))


def edit_in_admin(client, facility, **changes):
    url = reverse("admin:centers_facility_change", args=[facility.pk])
    data = {**form_data(client.get(url)), **changes}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def iop_names() -> set[str]:
    return set(Facility.objects.offering(["intensive-outpatient"]).values_list("name", flat=True))


def test_revert_restores_services_insurers_and_search_flags(steward_client):
    aetna, cigna = (
        Insurer.objects.create(name="Aetna", slug="aetna"),
        Insurer.objects.create(name="Cigna", slug="cigna"),
    )
    facility = make_facility(name="Revert Me", codes=["OP", "OIT"], insurers=[aetna])
    version = facility.history.latest()  # outpatient and intensive outpatient (OIT), Aetna
    assert iop_names() == {"Revert Me"}

    edit_in_admin(steward_client, facility, services=["OP"], insurers=[str(cigna.pk)])
    assert facility.service_codes() == {"OP"} and iop_names() == set()

    assert revert(steward_client, facility, version).status_code == 302

    facility.refresh_from_db()
    assert facility.service_codes() == {"OP", "OIT"}
    assert set(facility.insurers.all()) == {aetna}
    assert facility.search_flags == search_flags.flags_for({"OP", "OIT"})
    assert iop_names() == {"Revert Me"}


def test_the_revert_page_shows_the_versions_services_not_todays(steward_client):
    facility = make_facility(codes=["OP", "OIT"])
    version = facility.history.latest()
    facility.services.remove("OIT")

    url = reverse("admin:centers_facility_simple_history", args=[facility.pk, version.history_id])
    form = steward_client.get(url).context["adminform"].form

    assert sorted(form["services"].value()) == ["OIT", "OP"]


def test_first_admin_edit_of_an_imported_facility_can_be_undone(tmp_path, steward_client):
    import_samhsa_file(write_export(tmp_path / "export.csv", [export_row(op="1", md="1")]))
    facility = Facility.objects.get(source=Source.SAMHSA)
    assert not facility.history.exists()  # imports write in bulk

    edit_in_admin(steward_client, facility, phone="(404) 555-0199", services=["OP"])

    imported = facility.history.earliest()
    assert imported.history_change_reason == "As imported" and imported.history_user is None
    assert imported.phone == "(404) 555-0123"
    assert revert(steward_client, facility, imported).status_code == 302
    facility.refresh_from_db()
    assert facility.phone == "(404) 555-0123"
    assert facility.service_codes() == {"OP", "MD"}


def test_first_portal_change_to_an_imported_facility_is_recorded_after_the_imported_version(tmp_path, client, editor):
    import_samhsa_file(write_export(tmp_path / "export.csv", [export_row(op="1", md="1", bu="0")]))
    facility = Facility.objects.get(source=Source.SAMHSA)
    editor.memberships.update(facility=facility)
    client.force_login(editor)

    # Only services change: no save() of the facility, just the services relation.
    data = listing_data(facility)
    data["services_payment"] = ["MD", "SF"]  # Medicaid, and now cash
    response = client.post(reverse("portal:edit-listing", args=[facility.pk]), data)
    assert response.status_code == 302

    oldest = facility.history.earliest()
    assert oldest.history_change_reason == "As imported"
    assert {row.service_id for row in oldest.services.all()} == {"OP", "MD"}
    assert {row.service_id for row in facility.history.latest().services.all()} == {"OP", "MD", "SF"}


def test_a_reimport_is_a_version_of_its_own(tmp_path, steward_client, steward):
    import_samhsa_file(write_export(tmp_path / "a.csv", [export_row(website="www.first.example.org")]))
    facility = Facility.objects.get(source=Source.SAMHSA)
    edit_in_admin(steward_client, facility, hours="Mon–Fri 9–5")
    import_samhsa_file(write_export(tmp_path / "b.csv", [export_row(website="www.second.example.org")]))

    PendingChange.objects.create(facility=facility, changes={"name2": {"old": "", "new": "Harbor"}}).approve(steward)

    websites = [version.website for version in facility.history.all()]
    assert websites == [
        "http://www.second.example.org",  # the approved change
        "http://www.second.example.org",  # as re-imported
        "http://www.first.example.org",  # the steward's edit
        "http://www.first.example.org",  # as first imported
    ]


def test_demo_facilities_get_a_first_version_too(steward_client):
    load_demo(count=3)
    facility = Facility.objects.demo().first()
    edit_in_admin(steward_client, facility, hours="Always open")

    assert [v.history_change_reason for v in facility.history.all()][-1] == "As generated (demo data)"


def test_facilities_added_in_finder_get_no_extra_version():
    facility = make_facility()
    facility.phone = "(404) 555-0101"
    facility.save()
    assert facility.history.count() == 2
