"""Who may use the helpline workspace's search and shortlist: workers and supervisors, nobody else."""

import pytest
from django.core import mail
from django.urls import reverse

from helpline.shortlist import SESSION_KEY
from portal.models import ProblemReport
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def workspace_requests(facility):
    """Every search and shortlist request, in an order that succeeds for a worker: (method, url, data, status)."""
    pk = facility.pk
    return [
        ("get", reverse("helpline:search"), {"location": "30303"}, 200),
        ("get", reverse("helpline:shortlist"), None, 200),
        ("post", reverse("helpline:shortlist-add"), {"facility": pk}, 302),
        ("post", reverse("helpline:shortlist-move"), {"facility": pk, "direction": "down"}, 302),
        ("get", reverse("helpline:shortlist-print"), None, 200),
        ("post", reverse("helpline:shortlist-email"), {"email": "caller@example.net"}, 302),
        ("post", reverse("helpline:called-facility", args=[pk]), {"outcome": "phone-wrong"}, 302),
        ("post", reverse("helpline:shortlist-remove"), {"facility": pk}, 302),
        ("post", reverse("helpline:shortlist-clear"), {}, 302),
    ]


def send(client, method, url, data):
    return getattr(client, method)(url, data or {})


def test_anonymous_visitors_are_sent_to_log_in_from_every_workspace_page(client, detox_atlanta):
    for method, url, data, _ in workspace_requests(detox_atlanta):
        response = send(client, method, url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("portal:login") + "?next="), url
    assert ProblemReport.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("who", ["editor", "plain user", "other staff"])
def test_admissions_staff_and_other_users_are_refused_everywhere(client, detox_atlanta, editor, who):
    user = {"editor": editor, "plain user": make_user("pat"), "other staff": make_user("olga", is_staff=True)}[who]
    client.force_login(user)
    for method, url, data, _ in workspace_requests(detox_atlanta):
        response = send(client, method, url, data)
        assert response.status_code == 403, url
    assert SESSION_KEY not in client.session
    assert ProblemReport.objects.count() == 0
    assert mail.outbox == []
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.last_verified_at is None


@pytest.mark.parametrize("who", ["helpline_worker", "supervisor"])
def test_workers_and_supervisors_reach_every_workspace_page(client, detox_atlanta, request, who):
    client.force_login(request.getfixturevalue(who))
    for method, url, data, status in workspace_requests(detox_atlanta):
        response = send(client, method, url, data)
        assert response.status_code == status, url
        if status == 302:
            assert not response["Location"].startswith(reverse("portal:login")), url
    assert len(mail.outbox) == 1
    assert ProblemReport.objects.filter(facility=detox_atlanta).count() == 1


def test_superusers_count_as_helpline_workers(client, detox_atlanta, steward):
    client.force_login(steward)
    assert client.get(reverse("helpline:search")).status_code == 200


def test_posting_only_actions_refuse_get_for_workers(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)
    for name in ["shortlist-add", "shortlist-remove", "shortlist-move", "shortlist-clear", "shortlist-email"]:
        assert client.get(reverse(f"helpline:{name}")).status_code == 405, name
    assert client.get(reverse("helpline:called-facility", args=[detox_atlanta.pk])).status_code == 405
