"""The admissions staff portal: availability, listing edits and review, verification, reports, invitations."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from centers.models import Availability, AvailabilityStatus, Facility, Insurer
from centers.vocabulary import VerifiedBy
from portal.availability_forms import AvailabilityForm
from portal.forms import ListingForm, split_changes
from portal.models import Invitation, Membership, PendingChange, ProblemReport
from portal.models.review import ReviewStatus
from tests.conftest import make_facility, make_user
from tests.test_staff_access import listing_data

pytestmark = pytest.mark.django_db

SAVED_AT = re.compile(r"saved \d{1,2}:\d\d [ap]m")


def set_availability(client, facility, **data):
    return client.post(reverse("portal:set-availability", args=[facility.pk]), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def stale_detox(detox_atlanta, clerk):
    """Peachtree said five days ago it had two beds for medical detox."""
    return Availability.objects.create(
        facility=detox_atlanta,
        level="medical-detox",
        status=AvailabilityStatus.ACCEPTING,
        open_slots=2,
        note="Call before noon",
        updated_by=clerk,
        updated_at=timezone.now() - timedelta(days=5),
    )


# Home ------------------------------------------------------------------------------------------


def test_home_lists_my_facilities_with_availability_age_reports_and_pending_changes(
    client, editor, detox_atlanta, stale_detox
):
    ProblemReport.objects.create(facility=detox_atlanta, kind=ProblemReport.Kind.PHONE)
    ProblemReport.objects.create(facility=detox_atlanta, kind=ProblemReport.Kind.CLOSED)
    PendingChange.objects.create(
        facility=detox_atlanta, changes={"name": {"old": detox_atlanta.name, "new": "Peachtree Recovery"}}
    )
    client.force_login(editor)
    html = client.get(reverse("portal:home")).content.decode()
    assert "Peachtree Medical Detox" in html
    assert reverse("portal:facility", args=[detox_atlanta.pk]) in html
    assert "Availability updated 5\xa0days ago" in html and "Needs updating" in html
    assert "2 open problem reports" in html
    assert "1 change waiting for review" in html
    assert "Pending review" in html and "Peachtree Recovery" in html


def test_home_runs_a_fixed_number_of_queries(client, editor, detox_atlanta, django_assert_max_num_queries):
    for n in range(3):
        other = make_facility(name=f"Clinic {n}")
        Membership.objects.create(user=editor, facility=other, role=Membership.Role.EDITOR)
        ProblemReport.objects.create(facility=other, kind=ProblemReport.Kind.OTHER)
    client.force_login(editor)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("portal:home")).status_code == 200


# Availability ----------------------------------------------------------------------------------


def test_availability_page_has_one_row_of_buttons_per_level_offered(client, clerk, detox_atlanta):
    client.force_login(clerk)
    html = client.get(reverse("portal:facility", args=[detox_atlanta.pk])).content.decode()
    assert html.count("<h1") == 1
    assert 'id="level-medical-detox"' in html and 'id="level-outpatient"' not in html
    for status in ("accepting", "waitlist", "not-accepting"):
        assert f'name="status" value="{status}"' in html
    assert "Not set yet" in html
    # "Still accurate" needs something to confirm.
    assert "Still accurate" not in html


def test_a_level_with_availability_shows_even_if_not_offered(client, clerk, detox_atlanta):
    Availability.objects.create(facility=detox_atlanta, level="outpatient", status=AvailabilityStatus.WAITLIST)
    client.force_login(clerk)
    html = client.get(reverse("portal:facility", args=[detox_atlanta.pk])).content.decode()
    assert 'id="level-medical-detox"' in html and 'id="level-outpatient"' in html


def test_stale_availability_warns_and_offers_still_accurate(client, clerk, detox_atlanta, stale_detox):
    client.force_login(clerk)
    html = client.get(reverse("portal:facility", args=[detox_atlanta.pk])).content.decode()
    assert "Not updated for 5 days" in html
    assert "Still accurate" in html
    assert "Accepting new patients" in html and "2 open beds" in html and "Call before noon" in html


def test_one_tap_sets_the_status_and_redirects_back_with_a_message(client, clerk, detox_atlanta):
    client.force_login(clerk)
    response = set_availability(client, detox_atlanta, level="medical-detox", status="accepting")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/staff/facility/{detox_atlanta.pk}/#level-medical-detox")
    availability = Availability.objects.get(facility=detox_atlanta, level="medical-detox")
    assert availability.status == AvailabilityStatus.ACCEPTING
    assert availability.updated_by == clerk
    assert timezone.now() - availability.updated_at < timedelta(seconds=10)
    page = client.get(response["Location"])
    [message] = messages_of(page)
    assert message.startswith("Medical detox: Accepting new patients, saved ")
    assert SAVED_AT.search(message)
    assert message in page.content.decode()


def test_availability_history_records_who_changed_it(client, clerk, detox_atlanta):
    client.force_login(clerk)
    set_availability(client, detox_atlanta, level="medical-detox", status="accepting")
    set_availability(client, detox_atlanta, level="medical-detox", status="not-accepting")
    history = Availability.objects.get(facility=detox_atlanta).history.all()
    assert [h.status for h in history] == ["not-accepting", "accepting"]
    assert {h.history_user for h in history} == {clerk}


def test_still_accurate_refreshes_the_time_and_keeps_the_values(client, editor, detox_atlanta, stale_detox):
    client.force_login(editor)
    response = set_availability(client, detox_atlanta, level="medical-detox", confirm="1")
    assert response.status_code == 302
    stale_detox.refresh_from_db()
    assert stale_detox.status == AvailabilityStatus.ACCEPTING
    assert stale_detox.open_slots == 2 and stale_detox.note == "Call before noon"
    assert stale_detox.updated_by == editor and stale_detox.is_current
    [message] = messages_of(client.get(response["Location"]))
    assert "Medical detox: Accepting new patients, confirmed" in message


def test_still_accurate_with_nothing_to_confirm_is_400(client, clerk, detox_atlanta):
    client.force_login(clerk)
    response = set_availability(client, detox_atlanta, level="medical-detox", confirm="1")
    assert response.status_code == 400
    assert "nothing to confirm yet" in response.content.decode()
    assert not Availability.objects.exists()


def test_changing_the_status_by_tap_clears_numbers_meant_for_the_old_one(client, clerk, detox_atlanta, stale_detox):
    client.force_login(clerk)
    set_availability(client, detox_atlanta, level="medical-detox", status="waitlist")
    stale_detox.refresh_from_db()
    assert stale_detox.status == AvailabilityStatus.WAITLIST
    assert stale_detox.open_slots is None and stale_detox.note == "Call before noon"


def test_details_form_saves_numbers_and_note(client, clerk, detox_atlanta):
    client.force_login(clerk)
    data = {"level": "medical-detox", "details": "True", "status": "waitlist", "waitlist_days": "7", "note": "Ask"}
    response = set_availability(client, detox_atlanta, open_slots="", **data)
    assert response.status_code == 302
    availability = Availability.objects.get(facility=detox_atlanta)
    assert (availability.status, availability.waitlist_days, availability.open_slots, availability.note) == (
        "waitlist",
        7,
        None,
        "Ask",
    )


def test_still_accurate_after_a_colleague_changed_the_status_keeps_their_status(
    client, clerk, editor, detox_atlanta, stale_detox
):
    # Clara's "Still accurate" is validated (reading the row), then Eddie's change lands, then hers is saved.
    form = AvailabilityForm({"level": "medical-detox", "confirm": "1"}, facility=detox_atlanta)
    assert form.is_valid()
    client.force_login(editor)
    assert set_availability(client, detox_atlanta, level="medical-detox", status="not-accepting").status_code == 302

    saved = form.save(clerk)

    stale_detox.refresh_from_db()
    assert stale_detox.status == AvailabilityStatus.NOT_ACCEPTING
    assert stale_detox.updated_by == clerk and stale_detox.is_current
    assert form.saved_message(saved).startswith("Medical detox: Not accepting new patients, confirmed")
    assert [h.status for h in stale_detox.history.all()][:2] == ["not-accepting", "not-accepting"]


def test_details_from_an_older_page_write_only_what_was_changed_there(
    client, clerk, editor, detox_atlanta, stale_detox
):
    client.force_login(clerk)
    page = client.get(reverse("portal:facility", args=[detox_atlanta.pk])).content.decode()
    # The details form carries what it showed, so the server can tell what this person changed.
    assert 'name="initial-status" value="accepting"' in page and 'name="initial-open_slots" value="2"' in page
    stale_detox.status, stale_detox.open_slots = AvailabilityStatus.WAITLIST, None
    stale_detox.save()  # a colleague, after Clara's page was loaded

    shown = {"status": "accepting", "open_slots": "2", "waitlist_days": "", "note": "Call before noon"}
    data = {**shown, **{f"initial-{name}": value for name, value in shown.items()}}
    response = set_availability(
        client, detox_atlanta, level="medical-detox", details="True", **{**data, "note": "Ring"}
    )

    assert response.status_code == 302
    stale_detox.refresh_from_db()
    assert (stale_detox.status, stale_detox.open_slots, stale_detox.note) == ("waitlist", None, "Ring")


def test_a_listing_edit_writes_only_what_staff_changed(editor, steward, detox_atlanta):
    form = ListingForm(listing_data(detox_atlanta, hours="Mon–Fri 8–6"), instance=detox_atlanta)
    assert form.is_valid()
    steward_copy = Facility.objects.get(pk=detox_atlanta.pk)
    steward_copy.description = "Medical detox with a nurse on site at all hours."
    steward_copy.save()  # a steward, after the page was loaded

    form.save(editor)

    detox_atlanta.refresh_from_db()
    assert detox_atlanta.hours == "Mon–Fri 8–6"
    assert detox_atlanta.description == "Medical detox with a nurse on site at all hours."


def test_still_accurate_for_a_row_deleted_meanwhile_says_so_and_creates_nothing(clerk, detox_atlanta, stale_detox):
    form = AvailabilityForm({"level": "medical-detox", "confirm": "1"}, facility=detox_atlanta)
    assert form.is_valid()
    stale_detox.delete()  # a steward removed the wrong row

    assert form.save(clerk) is None
    assert "removed a moment ago" in form.non_field_errors()[0]
    assert not Availability.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"level": "moon-base", "status": "accepting"}, "Choose a type of care."),
        ({"level": "medical-detox", "status": "maybe"}, "Choose accepting, waitlist or not accepting."),
        ({"level": "medical-detox"}, "Choose accepting, waitlist or not accepting."),
        ({"level": "medical-detox", "status": "accepting", "details": "True", "open_slots": "-1"}, "0 to 999"),
        ({"level": "medical-detox", "status": "accepting", "details": "True", "open_slots": "1000"}, "0 to 999"),
        ({"level": "medical-detox", "status": "accepting", "details": "True", "open_slots": "lots"}, "whole number"),
        ({"level": "medical-detox", "status": "waitlist", "details": "True", "waitlist_days": "366"}, "0 to 365"),
        ({"level": "medical-detox", "status": "waitlist", "details": "True", "note": "x" * 201}, "200 characters"),
    ],
)
def test_bad_availability_input_is_400_with_a_message_and_changes_nothing(
    client, clerk, detox_atlanta, stale_detox, data, error
):
    client.force_login(clerk)
    before = Availability.objects.values().get(pk=stale_detox.pk)
    response = set_availability(client, detox_atlanta, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html and error in html
    assert Availability.objects.count() == 1
    assert Availability.objects.values().get(pk=stale_detox.pk) == before


# Listing edits ---------------------------------------------------------------------------------


def edit(client, facility, **changes):
    return client.post(reverse("portal:edit-listing", args=[facility.pk]), listing_data(facility, **changes))


def test_edit_page_groups_services_by_category_with_labels(client, editor, detox_atlanta):
    Insurer.objects.create(name="Aetna", slug="aetna")
    client.force_login(editor)
    response = client.get(reverse("portal:edit-listing", args=[detox_atlanta.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1") == 1
    for legend in ("Type of care", "Service setting", "Medications", "Payment accepted", "Languages and communication"):
        assert f"<legend>{legend}</legend>" in html
    assert "Insurance companies you take" in html and "Aetna" in html
    assert 'value="BU" id="id_services_medication_' in html and "checked" in html
    assert '<label for="id_intake_phone">' in html
    assert "Checked by the Finder team before families see it." in html


def test_low_risk_changes_go_live_immediately(client, editor, detox_atlanta):
    aetna = Insurer.objects.create(name="Aetna", slug="aetna")
    client.force_login(editor)
    response = edit(
        client,
        detox_atlanta,
        hours="Mon–Fri 8am–6pm\r\nSat 9am–1pm",
        website="www.peachtree.example.org",
        description="Medical detox with a caring team.",
        insurers=[str(aetna.pk)],
    )
    assert response.status_code == 302
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.hours == "Mon–Fri 8am–6pm\nSat 9am–1pm"
    assert detox_atlanta.website == "http://www.peachtree.example.org"
    assert list(detox_atlanta.insurers.all()) == [aetna]
    assert not PendingChange.objects.exists()
    assert "live on Finder now" in messages_of(client.get(response["Location"]))[0]
    public = client.get(detox_atlanta.get_absolute_url()).content.decode()
    assert "Medical detox with a caring team." in public and "Aetna" in public


def test_high_risk_changes_wait_for_review_and_the_public_keeps_the_old_value(client, editor, detox_atlanta):
    client.force_login(editor)
    response = edit(client, detox_atlanta, phone="404.555.0199", name="Peachtree Recovery", hours="24/7")
    assert response.status_code == 302
    change = PendingChange.objects.get(facility=detox_atlanta)
    assert change.status == ReviewStatus.PENDING and change.submitted_by == editor
    assert change.changes == {
        "phone": {"old": "(404) 555-0100", "new": "(404) 555-0199"},
        "name": {"old": "Peachtree Medical Detox", "new": "Peachtree Recovery"},
    }
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.phone == "(404) 555-0100" and detox_atlanta.name == "Peachtree Medical Detox"
    assert detox_atlanta.hours == "24/7"
    assert detox_atlanta.history.first().name == "Peachtree Medical Detox"
    public = client.get(detox_atlanta.get_absolute_url()).content.decode()
    assert "(404) 555-0100" in public and "555-0199" not in public and "Peachtree Recovery" not in public
    for url in (
        reverse("portal:facility", args=[detox_atlanta.pk]),
        reverse("portal:edit-listing", args=[detox_atlanta.pk]),
    ):
        html = client.get(url).content.decode()
        assert "Pending review" in html
        assert "Main phone: “(404) 555-0100” → “(404) 555-0199”" in html
        assert "Peachtree Recovery" in html


def test_medication_changes_wait_for_review_and_other_services_go_live(client, editor, detox_atlanta):
    client.force_login(editor)
    data = listing_data(detox_atlanta)
    data["services_medication"] = ["NU"]  # remove buprenorphine (BU), add naltrexone (NU)
    data["services_language"] = ["SP"]
    response = client.post(reverse("portal:edit-listing", args=[detox_atlanta.pk]), data)
    assert response.status_code == 302
    assert detox_atlanta.service_codes() == {"HID", "RD", "MD", "PI", "BU", "SP"}
    change = PendingChange.objects.get(facility=detox_atlanta)
    assert change.changes == {"services": {"add": ["NU"], "remove": ["BU"]}}
    html = client.get(reverse("portal:facility", args=[detox_atlanta.pk])).content.decode()
    assert "Add: Naltrexone used in treatment" in html and "Remove: Buprenorphine used in treatment" in html
    change.approve(make_user("stewie", is_staff=True))
    assert detox_atlanta.service_codes() == {"HID", "RD", "MD", "PI", "NU", "SP"}


def test_services_outside_the_staff_categories_are_kept(client, editor, detox_atlanta):
    detox_atlanta.services.add("JC")  # accreditation: maintained by stewards
    client.force_login(editor)
    edit(client, detox_atlanta, services_payment=["MD"])
    assert detox_atlanta.service_codes() == {"HID", "RD", "MD", "BU", "JC"}


def test_saving_an_unchanged_form_changes_nothing(client, editor, detox_atlanta):
    detox_atlanta.phone = "404-555-0100"  # imported unformatted
    detox_atlanta.description = "Line one\nLine two"
    detox_atlanta.save()
    client.force_login(editor)
    history = detox_atlanta.history.count()
    response = edit(client, detox_atlanta, description="Line one\r\nLine two")
    assert response.status_code == 302
    assert not PendingChange.objects.exists()
    assert detox_atlanta.history.count() == history
    assert messages_of(client.get(response["Location"])) == ["Nothing changed, so nothing was saved."]


def test_pressing_save_twice_files_one_review(client, editor, detox_atlanta):
    client.force_login(editor)
    edit(client, detox_atlanta, intake_phone="(404) 555-0111", services_medication=[])
    edit(client, detox_atlanta, intake_phone="(404) 555-0111", services_medication=[])
    assert PendingChange.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"phone": "555-0100"}, "10-digit US phone number"),
        ({"hotline": "call us"}, "10-digit US phone number"),
        ({"intake_phone": "404-555-01001"}, "10-digit US phone number"),
        ({"website": "not a web address"}, "Enter a web address"),
        ({"zip_code": "3030"}, "5-digit ZIP code"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_listing_input_is_400_and_changes_nothing(client, editor, detox_atlanta, changes, error):
    client.force_login(editor)
    response = edit(client, detox_atlanta, hours="24/7", **changes)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html and error in html
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.hours == "" and not PendingChange.objects.exists()


def test_a_rejected_change_shows_the_stewards_note(client, editor, detox_atlanta, steward):
    client.force_login(editor)
    edit(client, detox_atlanta, street1="1 Fake St")
    PendingChange.objects.get().reject(steward, "We called: you're still at 100 Peachtree St.")
    html = client.get(reverse("portal:facility", args=[detox_atlanta.pk])).content.decode()
    assert "Rejected" in html and "still at 100 Peachtree St." in html


def test_split_changes_sends_names_addresses_phones_and_medications_to_review():
    old = {"name": "A", "hours": "", "phone": "(404) 555-0100", "insurers": [], "services": {"BU", "MD", "SP"}}
    new = {"name": "B", "hours": "24/7", "phone": "(404) 555-0100", "insurers": [3], "services": {"NU", "MD", "AH"}}
    live, review = split_changes(old, new, reviewed_codes={"BU", "NU"})
    assert live == {
        "hours": {"old": "", "new": "24/7"},
        "insurers": {"old": [], "new": [3]},
        "services": {"add": ["AH"], "remove": ["SP"]},
    }
    assert review == {"name": {"old": "A", "new": "B"}, "services": {"add": ["NU"], "remove": ["BU"]}}


def test_split_changes_drops_proposals_already_waiting():
    old = {"name": "A", "city": "Atlanta", "services": {"BU"}}
    new = {"name": "B", "city": "Decatur", "services": {"NU"}}
    waiting = [{"name": {"old": "A", "new": "B"}, "services": {"add": ["NU"]}}]
    live, review = split_changes(old, new, reviewed_codes={"BU", "NU"}, already_proposed=waiting)
    assert live == {}
    assert review == {"city": {"old": "Atlanta", "new": "Decatur"}, "services": {"remove": ["BU"]}}


def test_listing_form_split_compares_with_the_saved_listing(detox_atlanta):
    form = ListingForm(listing_data(detox_atlanta, hours="24/7", zip_code="30030"), instance=detox_atlanta)
    assert form.is_valid(), form.errors
    live, review = form.split()
    assert live == {"hours": {"old": "", "new": "24/7"}}
    assert review == {"zip_code": {"old": "30303", "new": "30030"}}


# Verification ----------------------------------------------------------------------------------


def test_confirming_the_listing_marks_it_verified_by_facility_staff(client, editor, detox_atlanta):
    client.force_login(editor)
    response = client.post(reverse("portal:verify-listing", args=[detox_atlanta.pk]))
    assert response.status_code == 302
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.last_verified_by == editor
    assert detox_atlanta.last_verified_source == VerifiedBy.FACILITY_STAFF
    assert not detox_atlanta.is_verification_stale
    assert "Verified by facility staff" in client.get(detox_atlanta.get_absolute_url()).content.decode()


# Problem reports -------------------------------------------------------------------------------


@pytest.fixture
def phone_report(detox_atlanta):
    return ProblemReport.objects.create(
        facility=detox_atlanta, kind=ProblemReport.Kind.PHONE, note="Nobody answers.", contact_email="fam@example.org"
    )


def test_reports_are_listed_open_first_without_the_reporters_address(client, editor, detox_atlanta, phone_report):
    done = ProblemReport.objects.create(facility=detox_atlanta, kind=ProblemReport.Kind.ADDRESS)
    done.resolve(editor, "Moved the pin.")
    client.force_login(editor)
    html = client.get(reverse("portal:facility", args=[detox_atlanta.pk])).content.decode()
    assert html.index("The phone number doesn&#x27;t work") < html.index("Recently resolved")
    assert "Moved the pin." in html and "Nobody answers." in html
    assert "fam@example.org" not in html


def test_resolving_a_report_emails_the_reporter(client, editor, detox_atlanta, phone_report):
    client.force_login(editor)
    url = reverse("portal:resolve-report", args=[detox_atlanta.pk, phone_report.pk])
    response = client.post(url, {"note": "The intake line now rings through."})
    assert response.status_code == 302
    phone_report.refresh_from_db()
    assert phone_report.status == ProblemReport.Status.RESOLVED and phone_report.resolved_by == editor
    [email] = mail.outbox
    assert email.to == ["fam@example.org"] and "The intake line now rings through." in email.body
    assert "We emailed the person who reported it." in messages_of(client.get(response["Location"]))[0]
    # Pressing the button again doesn't email them twice.
    client.post(url, {"note": "Again"})
    assert len(mail.outbox) == 1


def test_resolving_without_a_note_is_400(client, editor, detox_atlanta, phone_report):
    client.force_login(editor)
    response = client.post(reverse("portal:resolve-report", args=[detox_atlanta.pk, phone_report.pk]), {"note": " "})
    assert response.status_code == 400
    assert "Say what you fixed" in response.content.decode()
    phone_report.refresh_from_db()
    assert phone_report.status == ProblemReport.Status.OPEN and not mail.outbox


# Invitations -----------------------------------------------------------------------------------


@pytest.fixture
def invitation(detox_atlanta, steward):
    return Invitation.objects.create(
        email="nina@peachtree.example.org", facility=detox_atlanta, role=Membership.Role.EDITOR, invited_by=steward
    )


def accept(client, invitation, password="a long new passphrase", **extra):
    data = {"username": invitation.email, "password1": password, "password2": password, **extra}
    return client.post(invitation.link_path(), data)


def test_invitation_page_prefills_the_username_with_the_email(client, invitation):
    response = client.get(invitation.link_path())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Join Peachtree Medical Detox on Finder" in html
    assert 'value="nina@peachtree.example.org"' in html
    assert '<label for="id_password1">' in html and '<label for="id_password2">' in html


def test_accepting_an_invitation_creates_the_account_and_membership_and_logs_in(client, invitation, steward):
    response = accept(client, invitation)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    user = get_user_model().objects.get(username="nina@peachtree.example.org")
    assert user.email == invitation.email and not user.is_staff
    membership = Membership.objects.get(user=user)
    assert membership.facility == invitation.facility and membership.role == Membership.Role.EDITOR
    assert membership.created_by == steward
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == user
    assert "Peachtree Medical Detox" in client.get(reverse("portal:home")).content.decode()


def test_an_invitation_works_only_once(client, invitation):
    accept(client, invitation)
    client.logout()
    response = client.get(invitation.link_path())
    assert response.status_code == 410 and "already been used" in response.content.decode()
    assert accept(client, invitation, username="someone-else").status_code == 410
    assert get_user_model().objects.filter(email=invitation.email).count() == 1


def test_an_expired_invitation_asks_for_a_new_one(client, invitation):
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    response = accept(client, invitation)
    assert response.status_code == 410
    assert "expired" in response.content.decode() and "send a new one" in response.content.decode()
    assert not get_user_model().objects.filter(email=invitation.email).exists()


def test_an_unknown_invitation_is_404(client, db):
    response = client.get(reverse("portal:accept-invitation", args=["no-such-token"]))
    assert response.status_code == 404 and "new invitation" in response.content.decode()


@pytest.mark.parametrize(
    ("password", "password2", "error"),
    [
        ("password", "password", "This password is too common."),
        ("1234567890123", "1234567890123", "This password is entirely numeric."),
        ("short", "short", "too short"),
        ("a long new passphrase", "a long new passphrasf", "didn’t match"),
    ],
)
def test_a_weak_or_mistyped_password_is_refused(client, invitation, password, password2, error):
    response = accept(client, invitation, password=password, password2=password2)
    assert response.status_code == 400 and error in response.content.decode()
    assert not get_user_model().objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_a_password_like_the_email_is_refused(client, invitation):
    response = accept(client, invitation, username="nina", password="nina@peachtree")
    assert response.status_code == 400 and "too similar" in response.content.decode()


def test_a_taken_username_is_refused(client, invitation, editor):
    response = accept(client, invitation, username="EDDIE")
    assert response.status_code == 400 and "already exists" in response.content.decode()


def test_someone_logged_in_with_the_invited_email_just_joins(client, invitation, other_editor):
    other_editor.email = "NINA@peachtree.example.org"
    other_editor.save()
    client.force_login(other_editor)
    assert "Join Peachtree Medical Detox" in client.get(invitation.link_path()).content.decode()
    response = client.post(invitation.link_path())
    assert response.status_code == 302
    assert other_editor.memberships.count() == 2
    assert get_user_model().objects.filter(email__iexact=invitation.email).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_by == other_editor


def test_an_existing_account_must_log_in_before_joining(client, invitation):
    make_user("nina").__class__.objects.filter(username="nina").update(email=invitation.email)
    response = accept(client, invitation, username="nina2")
    assert response.status_code == 200 and "Log in with it" in response.content.decode()
    assert not get_user_model().objects.filter(username="nina2").exists()
    assert Invitation.objects.get().is_usable


def test_someone_logged_in_as_another_person_cannot_use_the_invitation(client, invitation, other_editor):
    client.force_login(other_editor)
    response = client.post(invitation.link_path())
    assert response.status_code == 403 and "Log out, then open the link again" in response.content.decode()
    assert other_editor.memberships.count() == 1
    assert Invitation.objects.get().is_usable


def test_two_first_answers_for_one_level_at_the_same_moment_do_not_fail(detox_atlanta, editor, clerk):
    from centers.models import Availability, AvailabilityStatus
    from portal.availability_forms import AvailabilityForm

    data = {"level": "medical-detox", "status": AvailabilityStatus.WAITLIST}
    first = AvailabilityForm(data, facility=detox_atlanta)
    second = AvailabilityForm({**data, "status": AvailabilityStatus.ACCEPTING}, facility=detox_atlanta)
    assert first.is_valid() and second.is_valid()  # both forms saw no row yet
    first.save(editor)
    second.save(clerk)
    row = Availability.objects.get(facility=detox_atlanta, level="medical-detox")
    assert (row.status, row.updated_by) == (AvailabilityStatus.ACCEPTING, clerk)


def test_an_invitation_used_a_moment_ago_by_another_request_creates_no_account(client, detox_atlanta):
    from portal.models import Invitation

    invitation = Invitation.objects.create(email="new@example.org", facility=detox_atlanta)
    page = client.get(invitation.link_path())  # both people open the link...
    assert page.status_code == 200
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())  # ...one of them finishes first
    from portal.account_forms import AcceptInvitationForm
    from portal.models.staff import InvitationAlreadyUsed

    form = AcceptInvitationForm(
        {"username": "new@example.org", "password1": "a long new passphrase", "password2": "a long new passphrase"},
        invitation=invitation,
    )
    assert form.is_valid(), form.errors
    with pytest.raises(InvitationAlreadyUsed):
        form.save()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="new@example.org").exists()  # rolled back


def test_approving_a_change_keeps_edits_made_after_the_facility_was_loaded(editor, steward, detox_atlanta):
    change = PendingChange.objects.create(
        facility=detox_atlanta, changes={"name2": {"old": "", "new": "Peachtree Recovery"}}, submitted_by=editor
    )
    steward_copy = Facility.objects.get(pk=detox_atlanta.pk)
    steward_copy.hours = "Open 24/7"
    steward_copy.save()

    change.approve(steward)  # change.facility is the copy loaded before the steward's edit

    detox_atlanta.refresh_from_db()
    assert (detox_atlanta.name2, detox_atlanta.hours) == ("Peachtree Recovery", "Open 24/7")
