"""Only Django staff reach the admin: admissions staff and the public are sent to the admin login."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from centers.models import Facility
from portal.models import PendingChange
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


def login_as(client, request, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    return client


def admin_urls(own, other) -> list[str]:
    return [
        reverse("admin:index"),
        reverse("admin:centers_facility_changelist"),
        reverse("admin:centers_facility_change", args=[own.pk]),
        reverse("admin:centers_facility_change", args=[other.pk]),
        reverse("admin:centers_facility_history", args=[own.pk]),
        reverse("admin:centers_facility_staleness"),
        reverse("admin:portal_pendingchange_changelist"),
        reverse("admin:portal_membership_add"),
        reverse("admin:portal_invitation_add"),
    ]


@pytest.mark.parametrize("who", ["editor", "clerk", None])
def test_admissions_staff_and_the_public_are_sent_to_the_admin_login(
    client, request, who, detox_atlanta, outpatient_decatur
):
    login_as(client, request, who)

    for url in admin_urls(detox_atlanta, outpatient_decatur):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{LOGIN}?next={quote(url)}", url


@pytest.mark.parametrize("who", ["editor", "clerk", None])
def test_posting_a_facility_change_through_the_admin_changes_nothing(
    client, request, who, detox_atlanta, outpatient_decatur
):
    login_as(client, request, who)
    for facility in [detox_atlanta, outpatient_decatur]:
        url = reverse("admin:centers_facility_change", args=[facility.pk])
        data = {"name": "Taken Over", "phone": "(404) 555-0666", "street1": "1 Elsewhere", "city": "Atlanta"}

        response = client.post(url, {**data, "state": "GA", "zip_code": "30303", "status": "active"})

        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Facility.objects.filter(name="Taken Over").exists()
    assert set(Facility.objects.values_list("phone", flat=True)) == {"(404) 555-0100"}


@pytest.mark.parametrize("who", ["editor", "clerk", None])
def test_admin_actions_are_refused_to_non_staff(client, request, who, detox_atlanta):
    login_as(client, request, who)

    response = client.post(
        reverse("admin:centers_facility_changelist"), {"action": "unlist", "_selected_action": [detox_atlanta.pk]}
    )

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert Facility.objects.get(pk=detox_atlanta.pk).is_listed


def test_editor_cannot_approve_their_own_pending_change_in_the_admin(client, editor, detox_atlanta):
    change = PendingChange.objects.create(
        facility=detox_atlanta,
        changes={"phone": {"old": "(404) 555-0100", "new": "(404) 555-0666"}},
        submitted_by=editor,
    )
    client.force_login(editor)

    response = client.post(reverse("admin:portal_pendingchange_change", args=[change.pk]), {"status": "approved"})

    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert PendingChange.objects.get(pk=change.pk).status == "pending"
    assert Facility.objects.get(pk=detox_atlanta.pk).phone == "(404) 555-0100"


def test_staff_user_without_permissions_cannot_see_facilities_or_the_dashboard(client, detox_atlanta):
    client.force_login(make_user("intern", is_staff=True))

    assert client.get(reverse("admin:centers_facility_changelist")).status_code == 403
    assert client.get(reverse("admin:centers_facility_staleness")).status_code == 403
    assert reverse("admin:centers_facility_staleness") not in client.get(reverse("admin:index")).content.decode()


def test_steward_reaches_every_page(client, steward, detox_atlanta, outpatient_decatur):
    client.force_login(steward)

    for url in admin_urls(detox_atlanta, outpatient_decatur):
        assert client.get(url).status_code == 200, url
