"""The stewards' admin: facility list, filters, actions, review queues, staff access and the staleness dashboard."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from centers.models import Availability, Facility
from centers.vocabulary import Status, VerifiedBy
from portal.admin.display import availability_badge, verified_badge
from portal.models import ClaimRequest, Invitation, LoginSession, Membership, PendingChange, ProblemReport
from tests.conftest import make_facility, make_user

pytestmark = pytest.mark.django_db

FACILITIES = reverse("admin:centers_facility_changelist")
DASHBOARD = reverse("admin:centers_facility_staleness")


@pytest.fixture
def steward_client(client, steward):
    client.force_login(steward)
    return client


def days_ago(days, hours=0):
    return timezone.now() - timedelta(days=days, hours=hours)


def listed_names(client, **params) -> set[str]:
    response = client.get(FACILITIES, params)
    assert response.status_code == 200
    return {facility.name for facility in response.context["cl"].result_list}


def run_action(client, model: str, action: str, objects, **extra):
    app = "centers" if model == "facility" else "portal"
    url = reverse(f"admin:{app}_{model}_changelist")
    return client.post(url, {"action": action, "_selected_action": [obj.pk for obj in objects], **extra}, follow=True)


def messages_in(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def form_data(response) -> dict:
    """What a browser would post back for the admin form as rendered: the main form and any inlines."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if value is True:
                data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(getattr(item, "pk", item)) for item in value]
            else:
                data[field.html_name] = str(getattr(value, "pk", value))

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update({field.html_name: field.value() for field in formset.management_form})
        for form in formset.forms:
            add(form)
    return data


def add_availability(facility, hours_ago, status="accepting", level="medical-detox"):
    return Availability.objects.create(
        facility=facility, level=level, status=status, updated_at=timezone.now() - timedelta(hours=hours_ago)
    )


def report_on(facility, **values):
    return ProblemReport.objects.create(facility=facility, kind=ProblemReport.Kind.PHONE, **values)


# The facility list


def test_facility_list_shows_badges_and_open_report_counts(steward_client, detox_atlanta, outpatient_decatur):
    Facility.objects.filter(pk=detox_atlanta.pk).update(last_verified_at=days_ago(3))
    add_availability(detox_atlanta, hours_ago=5)
    report_on(detox_atlanta)
    report_on(detox_atlanta)
    report_on(detox_atlanta, status=ProblemReport.Status.RESOLVED)

    html = steward_client.get(FACILITIES).content.decode()

    assert "verified 3 days ago" in html
    assert "updated 5 hours ago" in html
    assert "never verified" in html and "never set" in html
    reports_url = reverse("admin:portal_problemreport_changelist")
    assert f'<a href="{reports_url}?facility__id__exact={detox_atlanta.pk}&amp;status__exact=open">2</a>' in html


def test_verified_badge_is_green_recent_amber_stale_and_red_never():
    assert "verified 3 days ago" in verified_badge(days_ago(3)) and "good" in verified_badge(days_ago(3))
    assert "verified today" in verified_badge(timezone.now())
    stale = verified_badge(days_ago(200))
    assert "not verified in 200 days" in stale and "warning" in stale
    assert "never verified" in verified_badge(None) and "bad" in verified_badge(None)


def test_availability_badge_says_how_old_and_warns_after_72_hours():
    assert "updated 5 hours ago" in availability_badge(timezone.now() - timedelta(hours=5, minutes=5))
    assert "updated less than an hour ago" in availability_badge(timezone.now())
    outdated = availability_badge(days_ago(4))
    assert "not updated in 4 days" in outdated and "warning" in outdated
    assert "never set" in availability_badge(None)


def test_changelist_query_count_does_not_grow_with_rows(steward_client, django_assert_max_num_queries):
    def add_facilities(count):
        for _ in range(count):
            facility = make_facility(codes=["HID", "OP"], last_verified_at=days_ago(10))
            add_availability(facility, hours_ago=3)
            add_availability(facility, hours_ago=100, level="outpatient")
            report_on(facility)
            Membership.objects.create(user=make_user(f"staff{facility.pk}"), facility=facility)

    add_facilities(3)
    with CaptureQueriesContext(connection) as three_rows:
        assert steward_client.get(FACILITIES).status_code == 200
    add_facilities(17)
    with django_assert_max_num_queries(len(three_rows.captured_queries)):
        response = steward_client.get(FACILITIES)
    assert len(response.context["cl"].result_list) == 20


def test_search_finds_by_name_city_zip_and_source_id(steward_client, detox_atlanta, outpatient_decatur, demo_center):
    assert listed_names(steward_client, q="peachtree") == {"Peachtree Medical Detox"}
    assert listed_names(steward_client, q="Decatur") == {"Decatur Outpatient Counseling"}
    assert listed_names(steward_client, q="30030") == {"Decatur Outpatient Counseling"}
    assert listed_names(steward_client, q="demo-1") == {"Fictional Demo Place"}


def test_state_and_status_filters(steward_client, detox_atlanta, closed_center):
    make_facility(name="Birmingham Recovery", state="AL", city="Birmingham", zip_code="35203")
    assert listed_names(steward_client, state__exact="AL") == {"Birmingham Recovery"}
    assert listed_names(steward_client, status__exact=Status.CLOSED) == {"Closed Old Clinic"}


def test_level_of_care_filter_uses_the_care_vocabulary(steward_client, detox_atlanta, outpatient_decatur):
    assert listed_names(steward_client, level="medical-detox") == {"Peachtree Medical Detox"}
    assert listed_names(steward_client, level="intensive-outpatient") == {"Decatur Outpatient Counseling"}
    assert listed_names(steward_client, level="not-a-level") == {
        "Peachtree Medical Detox",
        "Decatur Outpatient Counseling",
    }


def test_listed_filter_matches_what_search_shows(steward_client, detox_atlanta, unlisted_center, closed_center):
    assert listed_names(steward_client, listed="yes") == {"Peachtree Medical Detox"}
    assert listed_names(steward_client, listed="no") == {"Hidden Unlisted Center", "Closed Old Clinic"}


def test_verified_filter_buckets(steward_client):
    for name, days in [("Recent", 3), ("Ninety", 60), ("OneTwenty", 120), ("Stale", 200)]:
        make_facility(name=name, last_verified_at=days_ago(days))
    make_facility(name="Never")

    assert listed_names(steward_client, verified="0-30") == {"Recent"}
    assert listed_names(steward_client, verified="30-180") == {"Ninety", "OneTwenty"}
    assert listed_names(steward_client, verified="stale") == {"Stale", "Never"}
    # The dashboard's finer buckets.
    assert listed_names(steward_client, verified="30-90") == {"Ninety"}
    assert listed_names(steward_client, verified="90-180") == {"OneTwenty"}
    assert listed_names(steward_client, verified="180+") == {"Stale"}
    assert listed_names(steward_client, verified="never") == {"Never"}


def test_availability_filter_buckets_use_the_freshness_window(steward_client, detox_atlanta, outpatient_decatur):
    make_facility(name="Never Set")
    add_availability(detox_atlanta, hours_ago=10)
    add_availability(detox_atlanta, hours_ago=200, level="outpatient")  # one fresh level is enough
    add_availability(outpatient_decatur, hours_ago=73)

    assert listed_names(steward_client, availability="fresh") == {"Peachtree Medical Detox"}
    assert listed_names(steward_client, availability="outdated") == {"Decatur Outpatient Counseling"}
    assert listed_names(steward_client, availability="never") == {"Never Set"}


def test_open_reports_staff_and_demo_filters(steward_client, detox_atlanta, outpatient_decatur, demo_center, editor):
    report_on(outpatient_decatur)
    report_on(demo_center, status=ProblemReport.Status.RESOLVED)

    assert listed_names(steward_client, open_reports="yes") == {"Decatur Outpatient Counseling"}
    assert listed_names(steward_client, open_reports="no") == {"Peachtree Medical Detox", "Fictional Demo Place"}
    assert listed_names(steward_client, staff="yes") == {"Peachtree Medical Detox"}
    assert listed_names(steward_client, staff="no") == {"Decatur Outpatient Counseling", "Fictional Demo Place"}
    assert listed_names(steward_client, demo="yes") == {"Fictional Demo Place"}
    assert listed_names(steward_client, demo="no") == {"Peachtree Medical Detox", "Decatur Outpatient Counseling"}


# Facility actions


def test_mark_verified_action_stamps_the_steward_and_reports_the_count(
    steward_client, steward, detox_atlanta, outpatient_decatur, demo_center
):
    response = run_action(steward_client, "facility", "mark_verified", [detox_atlanta, outpatient_decatur])

    assert "2 facilities marked verified." in messages_in(response)
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.last_verified_by == steward
    assert detox_atlanta.last_verified_source == VerifiedBy.STEWARD
    assert timezone.now() - detox_atlanta.last_verified_at < timedelta(minutes=1)
    assert Facility.objects.get(pk=demo_center.pk).last_verified_at is None
    assert detox_atlanta.history.first().history_user == steward


def test_unlist_and_relist_actions_change_only_what_differs(steward_client, detox_atlanta, unlisted_center):
    response = run_action(steward_client, "facility", "unlist", [detox_atlanta, unlisted_center])
    assert "1 facility unlisted. 1 already was." in messages_in(response)
    assert not Facility.objects.get(pk=detox_atlanta.pk).is_listed
    assert not Facility.objects.listed().exists()

    response = run_action(steward_client, "facility", "relist", [detox_atlanta, unlisted_center])
    assert "2 facilities relisted." in messages_in(response)
    assert Facility.objects.filter(is_listed=True).count() == 2


def test_export_selected_as_csv(steward_client, detox_atlanta, outpatient_decatur, unlisted_center):
    Facility.objects.filter(pk=detox_atlanta.pk).update(
        intake_phone="(404) 555-0111",
        website="https://peachtree.example.org",
        last_verified_at=days_ago(3),
        last_verified_source=VerifiedBy.STEWARD,
    )
    Availability.objects.create(facility=detox_atlanta, level="medical-detox", status="accepting", open_slots=2)
    make_facility(name="=HYPERLINK(1)")
    formula = Facility.objects.get(name="=HYPERLINK(1)")

    response = run_action(steward_client, "facility", "export_csv", [detox_atlanta, outpatient_decatur, formula])

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="finder-facilities-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["name"] for row in rows] == [
        "'=HYPERLINK(1)",
        "Decatur Outpatient Counseling",
        "Peachtree Medical Detox",
    ]
    detox = rows[2]
    assert detox["id"] == str(detox_atlanta.pk)
    assert detox["address"] == "100 Peachtree St, Atlanta, GA 30303"
    assert detox["phones"] == "Intake: (404) 555-0111; Main: (404) 555-0100"
    assert detox["website"] == "https://peachtree.example.org"
    assert detox["levels of care"] == "Medical detox"
    assert detox["last verified"].endswith("by the Finder team")
    assert detox["availability"].startswith("Medical detox: Accepting new patients, 2 open (as of ")
    assert rows[1]["last verified"] == "never" and rows[1]["availability"] == ""


# Editing a facility, its history and revert


def test_edit_phone_records_history_and_revert_restores_it(steward_client, steward):
    facility = make_facility(name="History Test Center")
    change_url = reverse("admin:centers_facility_change", args=[facility.pk])
    data = form_data(steward_client.get(change_url))
    data["phone"] = "(404) 555-0199"

    response = steward_client.post(change_url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    facility.refresh_from_db()
    assert facility.phone == "(404) 555-0199"
    assert facility.history.count() == 2
    assert facility.history.first().history_user == steward
    history_page = steward_client.get(reverse("admin:centers_facility_history", args=[facility.pk]))
    assert "(404) 555-0199" in history_page.content.decode()

    original = facility.history.earliest()
    revert_url = reverse("admin:centers_facility_simple_history", args=[facility.pk, original.history_id])
    response = steward_client.post(revert_url, form_data(steward_client.get(revert_url)))

    assert response.status_code == 302
    facility.refresh_from_db()
    assert facility.phone == "(404) 555-0100"
    assert facility.history.count() == 3


def test_change_form_checkbox_marks_the_listing_verified(steward_client, steward, detox_atlanta):
    change_url = reverse("admin:centers_facility_change", args=[detox_atlanta.pk])
    data = {**form_data(steward_client.get(change_url)), "mark_verified": "on"}

    assert steward_client.post(change_url, data).status_code == 302
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.last_verified_by == steward and detox_atlanta.last_verified_source == VerifiedBy.STEWARD


def test_change_form_has_plain_sections_and_staff_inline(steward_client, editor, detox_atlanta):
    add_availability(detox_atlanta, hours_ago=2)
    response = steward_client.get(reverse("admin:centers_facility_change", args=[detox_atlanta.pk]))
    html = response.content.decode()
    titles = [fieldset.name for fieldset in response.context["adminform"]]
    assert titles == ["Name and status", "Contact", "Hours", "Address", "Services", "Verification", "Source"]
    assert "eddie" in html and "Staff members" in html
    assert "Accepting new patients" in html


def test_adding_staff_in_the_facility_inline_stamps_who_added_them(steward_client, steward, detox_atlanta):
    newcomer = make_user("nina")
    change_url = reverse("admin:centers_facility_change", args=[detox_atlanta.pk])
    data = form_data(steward_client.get(change_url))
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-user": str(newcomer.pk),
            "memberships-0-role": Membership.Role.EDITOR,
            "memberships-0-facility": str(detox_atlanta.pk),
        }
    )

    assert steward_client.post(change_url, data).status_code == 302
    membership = Membership.objects.get(user=newcomer)
    assert membership.facility == detox_atlanta and membership.created_by == steward


# The staleness dashboard


def test_dashboard_counts_listings_by_staleness(steward_client, editor, detox_atlanta, unlisted_center):
    for name, days in [("Recent", 3), ("Sixty", 60), ("OneTwenty", 120), ("Stale", 200), ("Stale2", 365)]:
        make_facility(name=name, last_verified_at=days_ago(days))
    Facility.objects.filter(pk=detox_atlanta.pk).update(last_verified_at=days_ago(10))
    add_availability(Facility.objects.get(name="Recent"), hours_ago=80)
    add_availability(detox_atlanta, hours_ago=1)
    report_on(detox_atlanta)
    report_on(unlisted_center)
    PendingChange.objects.create(
        facility=detox_atlanta, changes={"name": {"old": "a", "new": "b"}}, submitted_by=editor
    )

    response = steward_client.get(DASHBOARD)

    assert response.status_code == 200
    context = response.context
    assert context["listed_count"] == 6  # the unlisted center is not counted
    assert [bucket["count"] for bucket in context["verified"]] == [2, 1, 1, 2, 0]
    assert [f.name for f in context["longest_unverified"]] == ["Stale2", "Stale"]
    assert context["availability_outdated_count"] == 1
    assert [f.name for f in context["availability_outdated"]] == ["Recent"]
    assert context["availability_never_count"] == 4
    assert context["without_staff_count"] == 5
    assert context["open_report_count"] == 2
    assert context["pending_change_count"] == 1
    html = response.content.decode()
    assert f'href="{FACILITIES}?listed=yes&amp;verified=30-90"' in html
    assert f'href="{FACILITIES}?listed=yes&amp;staff=no"' in html
    assert "Listings needing attention" in html


def test_dashboard_bucket_links_show_the_counted_rows(steward_client):
    make_facility(name="Sixty", last_verified_at=days_ago(60))
    make_facility(name="Never")
    buckets = steward_client.get(DASHBOARD).context["verified"]

    for bucket in buckets:
        response = steward_client.get(bucket["url"])
        assert response.context["cl"].result_count == bucket["count"]


def test_dashboard_is_linked_from_the_facility_list_and_the_admin_index(steward_client):
    assert f'href="{DASHBOARD}"' in steward_client.get(FACILITIES).content.decode()
    assert f'href="{DASHBOARD}"' in steward_client.get(reverse("admin:index")).content.decode()


# Pending changes


@pytest.fixture
def phone_change(detox_atlanta, editor):
    return PendingChange.objects.create(
        facility=detox_atlanta,
        changes={
            "phone": {"old": "(404) 555-0100", "new": "(404) 555-0199"},
            "services": {"add": ["OP"], "remove": ["BU"]},
        },
        submitted_by=editor,
    )


def change_url(change):
    return reverse("admin:portal_pendingchange_change", args=[change.pk])


def test_pending_changes_list_shows_waiting_first_with_a_readable_diff(steward_client, steward, phone_change, editor):
    decided = PendingChange.objects.create(
        facility=phone_change.facility, changes={"name": {"old": "a", "new": "b"}}, submitted_by=editor
    )
    decided.reject(steward, "No.")
    PendingChange.objects.filter(pk=phone_change.pk).update(submitted_at=days_ago(1))

    response = steward_client.get(reverse("admin:portal_pendingchange_changelist"))

    assert list(response.context["cl"].result_list) == [phone_change, decided]
    html = response.content.decode()
    # The same words staff read in the portal (one description of a pending change): labels, not codes.
    assert "Main phone: “(404) 555-0100” → “(404) 555-0199”" in html
    assert "Add: Outpatient" in html and "Remove: Buprenorphine used in treatment" in html


def test_approving_in_the_change_form_applies_values_and_services(steward_client, steward, phone_change):
    response = steward_client.post(change_url(phone_change), {"status": "approved", "review_note": "Checked."})

    assert response.status_code == 302
    facility = Facility.objects.get(pk=phone_change.facility_id)
    assert facility.phone == "(404) 555-0199"
    assert "OP" in facility.service_codes() and "BU" not in facility.service_codes()
    phone_change.refresh_from_db()
    assert (phone_change.status, phone_change.reviewed_by, phone_change.review_note) == (
        "approved",
        steward,
        "Checked.",
    )
    assert facility.history.first().history_user == steward


def test_rejecting_needs_a_note_for_the_staff_member(steward_client, phone_change):
    response = steward_client.post(change_url(phone_change), {"status": "rejected", "review_note": "  "})

    assert response.status_code == 200
    assert "Tell the staff member why" in response.content.decode()
    phone_change.refresh_from_db()
    assert phone_change.status == "pending"


def test_rejecting_keeps_the_facility_unchanged_and_stores_the_note(steward_client, steward, phone_change):
    response = steward_client.post(
        change_url(phone_change), {"status": "rejected", "review_note": "That's a fax line."}
    )

    assert response.status_code == 302
    facility = Facility.objects.get(pk=phone_change.facility_id)
    assert facility.phone == "(404) 555-0100" and "BU" in facility.service_codes()
    phone_change.refresh_from_db()
    assert (phone_change.status, phone_change.review_note, phone_change.reviewed_by) == (
        "rejected",
        "That's a fax line.",
        steward,
    )


def test_decided_changes_are_read_only(steward_client, steward, phone_change):
    phone_change.reject(steward, "No.")

    assert steward_client.get(change_url(phone_change)).context["has_change_permission"] is False
    response = steward_client.post(change_url(phone_change), {"status": "approved", "review_note": ""})

    assert response.status_code == 403
    assert Facility.objects.get(pk=phone_change.facility_id).phone == "(404) 555-0100"


def test_approve_selected_action_applies_pending_changes_only(steward_client, steward, phone_change, editor):
    already = PendingChange.objects.create(
        facility=phone_change.facility, changes={"name": {"old": "x", "new": "Rejected Name"}}, submitted_by=editor
    )
    already.reject(steward, "No.")

    response = run_action(steward_client, "pendingchange", "approve_selected", [phone_change, already])

    assert "1 pending change approved and applied." in messages_in(response)
    facility = Facility.objects.get(pk=phone_change.facility_id)
    assert facility.phone == "(404) 555-0199" and facility.name == "Peachtree Medical Detox"


def test_reject_selected_action_asks_for_a_note_then_rejects(steward_client, phone_change):
    response = run_action(steward_client, "pendingchange", "reject_selected", [phone_change], index="0")
    assert response.templates[0].name == "admin/portal/note_action.html"
    assert PendingChange.objects.get(pk=phone_change.pk).status == "pending"

    response = run_action(steward_client, "pendingchange", "reject_selected", [phone_change], apply="yes", note="Fax.")

    assert "1 pending change rejected." in messages_in(response)
    phone_change.refresh_from_db()
    assert (phone_change.status, phone_change.review_note) == ("rejected", "Fax.")


# Problem reports


def test_resolving_a_report_in_the_change_form_emails_the_reporter(steward_client, steward, detox_atlanta):
    report = report_on(detox_atlanta, contact_email="worried@example.org")
    url = reverse("admin:portal_problemreport_change", args=[report.pk])

    response = steward_client.post(
        url, {"status": "resolved", "resolution_note": "We fixed the phone number."}, follow=True
    )

    assert "Resolved. We emailed the reporter." in messages_in(response)
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == ("resolved", steward)
    assert report.reporter_notified_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["worried@example.org"]
    assert "We fixed the phone number." in mail.outbox[0].body


def test_resolving_needs_a_note(steward_client, detox_atlanta):
    report = report_on(detox_atlanta, contact_email="worried@example.org")
    url = reverse("admin:portal_problemreport_change", args=[report.pk])

    response = steward_client.post(url, {"status": "resolved", "resolution_note": ""})

    assert response.status_code == 200
    assert ProblemReport.objects.get(pk=report.pk).status == "open"
    assert mail.outbox == []


def test_problem_report_list_shows_whether_the_reporter_left_an_email(steward_client, detox_atlanta):
    report_on(detox_atlanta, contact_email="worried@example.org")
    report_on(detox_atlanta)
    response = steward_client.get(reverse("admin:portal_problemreport_changelist"), {"status__exact": "open"})
    html = response.content.decode()

    assert response.context["cl"].result_count == 2
    assert 'alt="True"' in html and 'alt="False"' in html
    assert "worried@example.org" not in html


def test_resolve_selected_action_emails_only_reporters_with_an_address(steward_client, detox_atlanta):
    with_email = report_on(detox_atlanta, contact_email="worried@example.org")
    without = report_on(detox_atlanta)

    response = run_action(
        steward_client, "problemreport", "resolve_selected", [with_email, without], apply="yes", note="Fixed."
    )

    assert "2 problem reports resolved; 1 reporters emailed." in messages_in(response)
    assert not ProblemReport.objects.open().exists()
    assert [message.to for message in mail.outbox] == [["worried@example.org"]]


# Claims, invitations and memberships


@pytest.fixture
def claim(outpatient_decatur):
    return ClaimRequest.objects.create(
        facility=outpatient_decatur,
        name="Dana Director",
        email="dana@decatur.example.org",
        job_title="Admissions director",
        phone="(404) 555-0150",
    )


def emailed_token(message) -> str:
    """The token in an invitation email's link (the database keeps only its hash)."""
    return re.search(r"http://testserver/staff/invitation/([^/\s]+)/", message.body).group(1)


def test_approving_a_claim_creates_an_invitation_and_emails_the_link(steward_client, steward, claim):
    response = run_action(steward_client, "claimrequest", "approve_selected", [claim])

    assert "1 claim request approved; invitations sent to dana@decatur.example.org." in messages_in(response)
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.facility, invitation.role) == (
        claim.email,
        claim.facility,
        Membership.Role.EDITOR,
    )
    assert invitation.invited_by == steward
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (ClaimRequest.Status.APPROVED, steward)
    assert mail.outbox[0].to == ["dana@decatur.example.org"]
    assert Invitation.objects.with_token(emailed_token(mail.outbox[0])).get() == invitation


def test_rejecting_a_claim_sends_no_invitation_but_tells_the_claimant(steward_client, claim):
    response = run_action(steward_client, "claimrequest", "reject_selected", [claim])

    assert "1 claim request rejected." in messages_in(response)
    assert ClaimRequest.objects.get(pk=claim.pk).status == ClaimRequest.Status.REJECTED
    assert not Invitation.objects.exists()
    assert [message.to for message in mail.outbox] == [[claim.email]]
    assert "/staff/invitation/" not in mail.outbox[0].body


def test_adding_an_invitation_emails_the_link_and_shows_it(steward_client, steward, detox_atlanta):
    response = steward_client.post(
        reverse("admin:portal_invitation_add"),
        {"email": "new@peachtree.example.org", "facility": detox_atlanta.pk, "role": "availability"},
        follow=True,
    )

    invitation = Invitation.objects.get()
    token = emailed_token(mail.outbox[0])
    assert Invitation.objects.with_token(token).get() == invitation
    link = f"http://testserver/staff/invitation/{token}/"
    assert invitation.invited_by == steward
    assert f"Invitation emailed to new@peachtree.example.org. Their link: {link}" in messages_in(response)
    assert mail.outbox[0].to == ["new@peachtree.example.org"] and link in mail.outbox[0].body


def test_inviting_someone_who_already_works_there_is_refused(steward_client, editor, detox_atlanta):
    response = steward_client.post(
        reverse("admin:portal_invitation_add"),
        {"email": editor.email, "facility": detox_atlanta.pk, "role": "editor"},
    )

    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_invitation_list_shows_waiting_accepted_and_expired(steward_client, editor, detox_atlanta):
    Invitation.objects.create(email="waiting@example.org", facility=detox_atlanta)
    Invitation.objects.create(email="done@example.org", facility=detox_atlanta, accepted_at=timezone.now())
    Invitation.objects.create(email="late@example.org", facility=detox_atlanta, expires_at=days_ago(1))
    url = reverse("admin:portal_invitation_changelist")

    html = steward_client.get(url).content.decode()

    assert ">waiting<" in html and ">accepted<" in html and ">expired<" in html
    emails = {i.email for i in steward_client.get(url, {"state": "expired"}).context["cl"].result_list}
    assert emails == {"late@example.org"}


def test_membership_admin_adds_staff_and_removing_the_last_logs_them_out(steward_client, steward, clerk, detox_atlanta):
    newcomer = make_user("nina")
    response = steward_client.post(
        reverse("admin:portal_membership_add"),
        {"user": newcomer.pk, "facility": detox_atlanta.pk, "role": "availability"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=newcomer).created_by == steward

    steward_client.logout()
    steward_client.force_login(clerk)
    LoginSession.objects.create(user=clerk, session_key=steward_client.session.session_key)
    steward_client.logout()
    steward_client.force_login(steward)
    membership = Membership.objects.get(user=clerk)
    response = steward_client.post(reverse("admin:portal_membership_delete", args=[membership.pk]), {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(user=clerk).exists()
    assert not LoginSession.objects.filter(user=clerk).exists()


def test_membership_list_searches_by_user_and_facility(steward_client, editor, other_editor):
    url = reverse("admin:portal_membership_changelist")
    assert [m.user for m in steward_client.get(url, {"q": "eddie"}).context["cl"].result_list] == [editor]
    assert [m.user for m in steward_client.get(url, {"q": "Decatur"}).context["cl"].result_list] == [other_editor]


def test_availability_admin_is_read_only_with_history(steward_client, detox_atlanta):
    availability = add_availability(detox_atlanta, hours_ago=2)
    availability.status = "waitlist"
    availability.save()

    response = steward_client.get(reverse("admin:centers_availability_change", args=[availability.pk]))
    assert response.context["has_change_permission"] is False
    history = steward_client.get(reverse("admin:centers_availability_history", args=[availability.pk]))
    assert history.status_code == 200
    assert availability.history.count() == 2
    assert steward_client.get(reverse("admin:centers_availability_add")).status_code == 403
