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


# How the history pages read: local times, labels, whole lists of services and insurers


def history_page(client, facility) -> str:
    response = client.get(reverse("admin:centers_facility_history", args=[facility.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "zone, local", [("America/New_York", "Jan. 15, 2025, 10:30 a.m. EST"), ("America/Denver", "8:30 a.m. MST")]
)
def test_history_shows_times_in_the_configured_time_zone(steward_client, settings, zone, local):
    from datetime import UTC, datetime

    settings.TIME_ZONE = zone
    moment = datetime(2025, 1, 15, 15, 30, tzinfo=UTC)
    facility = make_facility()
    facility.last_verified_at = moment
    facility.save()
    facility.history.filter(pk=facility.history.latest().pk).update(history_date=moment)

    html = history_page(steward_client, facility)

    assert html.count(local) == 2  # when the version was saved, and the value that changed
    assert "15:30" not in html and "+00:00" not in html and "3:30 p.m." not in html


def test_history_lists_every_service_and_insurer_added_or_removed_by_label(steward_client):
    aetna, cigna = (
        Insurer.objects.create(name="Aetna", slug="aetna"),
        Insurer.objects.create(name="Cigna", slug="cigna"),
    )
    facility = make_facility(codes=["OP", "OIT", "HID", "RD", "BU", "MD"], insurers=[aetna])

    edit_in_admin(steward_client, facility, services=["OP", "MD", "TELE", "SF"], insurers=[str(cigna.pk)])
    html = history_page(steward_client, facility)

    removed = "Buprenorphine used in treatment; Hospital inpatient detox; Intensive outpatient treatment (IOP); "
    assert f"<strong>Services removed:</strong> {removed}Residential detox</li>" in html
    added = "Cash or self-payment; Telehealth (video or phone visits)"
    assert f"<strong>Services added:</strong> {added}</li>" in html
    assert "<strong>Insurers added:</strong> Cigna</li>" in html
    assert "<strong>Insurers removed:</strong> Aetna</li>" in html
    assert "chars]" not in html and "(OIT)" not in html  # nothing cut off, no codes or ids


def test_history_shows_choice_labels_and_blanks_in_words(steward_client, steward):
    from centers.vocabulary import Status, VerifiedBy

    facility = make_facility()
    edit_in_admin(steward_client, facility, status=Status.TEMPORARILY_CLOSED)
    facility.mark_verified(steward, VerifiedBy.STEWARD)

    html = history_page(steward_client, facility)

    assert "<strong>Status:</strong> Open &rarr; Temporarily closed</li>" in html
    assert "<strong>Verified by:</strong> (blank) &rarr; the Finder team</li>" in html
    assert "<strong>Last verified by:</strong> (blank) &rarr; stella</li>" in html
    assert "Deleted user" not in html and "pk=None" not in html


def test_the_revert_page_says_when_the_version_was_saved_in_local_time(steward_client, steward):
    from datetime import UTC, datetime

    facility = make_facility()
    edit_in_admin(steward_client, facility, phone="(404) 555-0199")
    version = facility.history.latest()
    facility.history.filter(pk=version.pk).update(history_date=datetime(2025, 7, 4, 16, 5, tzinfo=UTC))

    url = reverse("admin:centers_facility_simple_history", args=[facility.pk, version.history_id])
    html = steward_client.get(url).content.decode()

    assert "This is the version of" in html and "July 4, 2025, 12:05 p.m. EDT" in html and "saved by stella" in html


def test_a_version_id_that_is_not_a_number_is_a_404(steward_client):
    facility = make_facility()
    url = reverse("admin:centers_facility_history", args=[facility.pk]) + "abc/"
    assert steward_client.get(url).status_code == 404
