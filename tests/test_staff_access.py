"""Who may open and post each portal page: staff reach only their own facilities, by every path."""

import pytest
from django.urls import reverse

from centers.models import Availability
from portal.forms import ListingForm
from portal.models import PendingChange, ProblemReport
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone_report(detox_atlanta):
    """A family told us Peachtree's phone doesn't work, and left an address for the reply."""
    return ProblemReport.objects.create(
        facility=detox_atlanta, kind=ProblemReport.Kind.PHONE, note="Nobody answers.", contact_email="fam@example.org"
    )


def listing_data(facility, **changes) -> dict:
    """The edit form's fields as the browser would post them unchanged, with ``changes`` applied."""
    form = ListingForm(instance=facility)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = "" if value is None else value
    data.update(changes)
    return data


def portal_requests(facility, report):
    """Every portal request about ``facility``: (method, url, data)."""
    pk = facility.pk
    return [
        ("get", reverse("portal:facility", args=[pk]), None),
        ("post", reverse("portal:set-availability", args=[pk]), {"level": "medical-detox", "status": "accepting"}),
        ("post", reverse("portal:set-availability", args=[pk]), {"level": "medical-detox", "confirm": "1"}),
        ("get", reverse("portal:edit-listing", args=[pk]), None),
        ("post", reverse("portal:edit-listing", args=[pk]), listing_data(facility, name="Taken Over", hours="24/7")),
        ("post", reverse("portal:verify-listing", args=[pk]), {}),
        ("post", reverse("portal:resolve-report", args=[pk, report.pk]), {"note": "Fixed the number."}),
    ]


def snapshot(facility):
    """Everything a portal request could change about ``facility``."""
    facility.refresh_from_db()
    return {
        "facility": (facility.name, facility.hours, facility.last_verified_at, facility.updated_at),
        "availability": list(Availability.objects.filter(facility=facility).values()),
        "pending": PendingChange.objects.filter(facility=facility).count(),
        "reports": list(ProblemReport.objects.filter(facility=facility).values("pk", "status")),
    }


def test_anonymous_visitors_are_sent_to_log_in_from_every_portal_page(client, detox_atlanta, phone_report):
    login_url = reverse("portal:login")
    for method, url, data in [("get", reverse("portal:home"), None), *portal_requests(detox_atlanta, phone_report)]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{login_url}?next="), url


def test_anonymous_posts_change_nothing(client, detox_atlanta, phone_report):
    before = snapshot(detox_atlanta)
    for method, url, data in portal_requests(detox_atlanta, phone_report):
        getattr(client, method)(url, data)
    assert snapshot(detox_atlanta) == before


def test_an_editor_at_another_facility_gets_404_on_every_page_of_peachtree(
    client, other_editor, detox_atlanta, phone_report
):
    client.force_login(other_editor)
    before = snapshot(detox_atlanta)
    for method, url, data in portal_requests(detox_atlanta, phone_report):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
        assert "Peachtree" not in response.content.decode()
    assert snapshot(detox_atlanta) == before
    assert "Peachtree" not in client.get(reverse("portal:home")).content.decode()


def test_a_report_is_only_found_through_its_own_facility(client, editor, detox_atlanta, outpatient_decatur):
    decatur_report = ProblemReport.objects.create(facility=outpatient_decatur, kind=ProblemReport.Kind.CLOSED)
    client.force_login(editor)
    url = reverse("portal:resolve-report", args=[detox_atlanta.pk, decatur_report.pk])
    assert client.post(url, {"note": "Not ours."}).status_code == 404
    decatur_report.refresh_from_db()
    assert decatur_report.status == ProblemReport.Status.OPEN


def test_a_steward_without_membership_gets_404_in_the_portal(client, steward, detox_atlanta, phone_report):
    client.force_login(steward)
    before = snapshot(detox_atlanta)
    for method, url, data in portal_requests(detox_atlanta, phone_report):
        assert getattr(client, method)(url, data).status_code == 404, url
    assert snapshot(detox_atlanta) == before
    home = client.get(reverse("portal:home")).content.decode()
    assert "isn't linked to a facility" in home and reverse("admin:index") in home


def test_staff_are_not_django_staff_so_the_admin_is_closed(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_availability_only_staff_can_set_availability(client, clerk, detox_atlanta):
    client.force_login(clerk)
    assert client.get(reverse("portal:facility", args=[detox_atlanta.pk])).status_code == 200
    url = reverse("portal:set-availability", args=[detox_atlanta.pk])
    assert client.post(url, {"level": "medical-detox", "status": "waitlist"}).status_code == 302
    assert client.post(url, {"level": "medical-detox", "confirm": "1"}).status_code == 302
    assert Availability.objects.get(facility=detox_atlanta).updated_by == clerk


def test_availability_only_staff_get_403_on_listing_edits_verification_and_reports(
    client, clerk, detox_atlanta, phone_report
):
    client.force_login(clerk)
    before = snapshot(detox_atlanta)
    pk = detox_atlanta.pk
    forbidden = [
        ("get", reverse("portal:edit-listing", args=[pk]), None),
        ("post", reverse("portal:edit-listing", args=[pk]), listing_data(detox_atlanta, name="Renamed")),
        ("post", reverse("portal:verify-listing", args=[pk]), {}),
        ("post", reverse("portal:resolve-report", args=[pk, phone_report.pk]), {"note": "Fixed."}),
    ]
    for method, url, data in forbidden:
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, url
        assert "availability only" in response.content.decode()
    assert snapshot(detox_atlanta) == before


def test_availability_only_staff_see_no_edit_or_verify_buttons(client, clerk, detox_atlanta):
    client.force_login(clerk)
    html = client.get(reverse("portal:facility", args=[detox_atlanta.pk])).content.decode()
    assert reverse("portal:edit-listing", args=[detox_atlanta.pk]) not in html
    assert reverse("portal:verify-listing", args=[detox_atlanta.pk]) not in html
    assert "ask an editor" in html


def test_an_editor_can_use_every_portal_page(client, editor, detox_atlanta, phone_report):
    client.force_login(editor)
    for method, url, data in portal_requests(detox_atlanta, phone_report):
        response = getattr(client, method)(url, data)
        assert response.status_code in (200, 302), url
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.hours == "24/7" and detox_atlanta.last_verified_at is not None
    assert PendingChange.objects.get(facility=detox_atlanta).changes["name"]["new"] == "Taken Over"
    phone_report.refresh_from_db()
    assert phone_report.status == ProblemReport.Status.RESOLVED


def test_changes_must_be_posted(client, editor, detox_atlanta, phone_report):
    client.force_login(editor)
    pk = detox_atlanta.pk
    for url in (
        reverse("portal:set-availability", args=[pk]),
        reverse("portal:verify-listing", args=[pk]),
        reverse("portal:resolve-report", args=[pk, phone_report.pk]),
    ):
        assert client.get(url).status_code == 405, url
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.last_verified_at is None


def test_portal_forms_carry_csrf_tokens(editor, detox_atlanta, phone_report):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    url = reverse("portal:set-availability", args=[detox_atlanta.pk])
    assert client.post(url, {"level": "medical-detox", "status": "accepting"}).status_code == 403
    html = client.get(reverse("portal:facility", args=[detox_atlanta.pk])).content.decode()
    assert html.count('method="post"') == html.count('name="csrfmiddlewaretoken"')


def test_a_user_with_no_membership_sees_an_empty_portal(client, db):
    client.force_login(make_user("nobody"))
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "isn't linked to a facility" in response.content.decode()
