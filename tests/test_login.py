"""Staff login: the form, throttling after wrong passwords, and logout everywhere when access is removed."""

import pytest
from django.urls import reverse

from portal.models import LoginSession, Membership
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def log_in(client, username, password=PASSWORD):
    # Through the real form: django-axes needs the request, which client.login() doesn't give it.
    return client.post(reverse("portal:login"), {"username": username, "password": password})


def test_login_page_has_labelled_inputs(client, db):
    response = client.get(reverse("portal:login"))
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1") == 1
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_logging_in_goes_to_the_portal_and_records_the_session(client, editor):
    response = log_in(client, "eddie")
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert LoginSession.objects.filter(user=editor, session_key=client.session.session_key).exists()
    assert client.get(reverse("portal:home")).status_code == 200


def test_logging_in_returns_to_the_page_asked_for(client, editor, detox_atlanta):
    page = reverse("portal:facility", args=[detox_atlanta.pk])
    login_page = client.get(page)["Location"]
    response = client.post(login_page, {"username": "eddie", "password": PASSWORD, "next": page})
    assert response["Location"] == page


def test_a_wrong_password_shows_the_error(client, editor):
    response = log_in(client, "eddie", "wrong")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct username and password" in html and "not logged in yet" in html


def test_logging_out_ends_the_session(client, editor):
    log_in(client, "eddie")
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:login")
    assert client.get(reverse("portal:home")).status_code == 302


def test_removing_a_membership_logs_the_person_out_everywhere(client, editor, detox_atlanta):
    from django.test import Client

    phone = Client()
    log_in(client, "eddie")
    log_in(phone, "eddie")
    assert client.get(reverse("portal:home")).status_code == 200
    Membership.objects.get(user=editor).delete()
    for device in (client, phone):
        response = device.get(reverse("portal:facility", args=[detox_atlanta.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))
    assert not LoginSession.objects.filter(user=editor).exists()


def test_five_wrong_passwords_pause_logging_in_for_that_username(client, editor, clerk):
    for _ in range(4):
        assert log_in(client, "eddie", "wrong").status_code == 200
    log_in(client, "eddie", "wrong")
    response = log_in(client, "eddie")  # the right password, too late
    assert response.status_code == 429
    html = response.content.decode()
    assert "Please wait 30 minutes" in html and "contact the Finder team" in html
    assert "_auth_user_id" not in client.session
    # Someone else on the same connection can still log in.
    assert log_in(client, "clara").status_code == 302


def test_the_pause_uses_the_configured_cooloff(client, editor, settings):
    from datetime import timedelta

    settings.AXES_COOLOFF_TIME = timedelta(minutes=45)
    for _ in range(6):
        response = log_in(client, "eddie", "wrong")
    assert response.status_code == 429 and "Please wait 45 minutes" in response.content.decode()


# Where each person lands: where their work is, unless a safe `next` says otherwise.


def test_a_helpline_worker_lands_in_the_helpline_workspace(client, helpline_worker):
    response = log_in(client, "hana")
    assert response.status_code == 302 and response["Location"] == reverse("helpline:search")
    assert client.get(response["Location"]).status_code == 200


def test_a_helpline_supervisor_lands_in_the_helpline_workspace(client, supervisor):
    assert log_in(client, "sam")["Location"] == reverse("helpline:search")


def test_a_steward_lands_in_the_admin(client, steward):
    response = log_in(client, "stella")
    assert response["Location"] == reverse("admin:index")
    assert client.get(response["Location"]).status_code == 200


def test_facility_staff_land_in_their_portal(client, clerk):
    assert log_in(client, "clara")["Location"] == reverse("portal:home")


def test_someone_linked_to_nothing_lands_in_the_portal_which_says_what_to_do(client, db):
    make_user("nobody")
    response = log_in(client, "nobody")
    assert response["Location"] == reverse("portal:home")
    assert "isn't linked to a facility" in client.get(response["Location"]).content.decode()


def test_the_portal_home_points_a_helpline_worker_to_the_workspace(client, helpline_worker):
    client.force_login(helpline_worker)
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("helpline:search")}"' in html


def test_a_safe_next_still_wins_over_the_workplace(client, helpline_worker):
    page = reverse("helpline:referrals")
    response = client.post(reverse("portal:login"), {"username": "hana", "password": PASSWORD, "next": page})
    assert response["Location"] == page


@pytest.mark.parametrize(
    "hostile",
    ["https://evil.example/", "//evil.example/helpline/", "javascript:alert(1)", "http:\\\\evil.example", "\\/evil"],
)
def test_a_next_to_another_site_falls_back_to_the_workplace(client, helpline_worker, hostile):
    response = client.post(reverse("portal:login"), {"username": "hana", "password": PASSWORD, "next": hostile})
    assert response.status_code == 302 and response["Location"] == reverse("helpline:search")


def test_opening_the_login_page_when_logged_in_goes_to_the_workplace(client, helpline_worker, steward):
    client.force_login(helpline_worker)
    assert client.get(reverse("portal:login"))["Location"] == reverse("helpline:search")
    client.force_login(steward)
    assert client.get(reverse("portal:login"))["Location"] == reverse("admin:index")
