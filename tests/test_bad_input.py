"""Hostile and mistyped input: each once made a 500; now each is a 404, a form error or a safe redirect."""

import pytest
from django.urls import reverse

from centers.models import Insurer
from finder.ids import parse_id
from tests.test_staff_access import listing_data

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"  # 20 digits: more than a 64-bit primary key holds
JUST_TOO_BIG = "9223372036854775808"  # 2**63


def test_ids_are_ascii_digits_that_fit_in_a_primary_key():
    assert parse_id("42") == 42
    assert parse_id(42) == 42
    assert parse_id("999999999999999999") == 10**18 - 1
    for value in ["²³", "١٢٣", TOO_BIG, JUST_TOO_BIG, "-1", " 1", "1.0", "", "\x00", 10**18, -1, True]:
        assert parse_id(value) is None, value


@pytest.mark.parametrize("number", [TOO_BIG, JUST_TOO_BIG])
def test_a_facility_id_too_large_for_the_database_is_a_404_in_staff_urls(client, editor, number):
    client.force_login(editor)

    assert client.get(f"/staff/facility/{number}/").status_code == 404
    assert client.post(f"/staff/facility/{number}/availability/", {"level": "medical-detox"}).status_code == 404
    assert client.get(f"/staff/facility/{number}/edit/").status_code == 404


def test_ids_too_large_for_the_database_are_a_404_in_public_and_helpline_urls(client, helpline_worker):
    assert client.get(f"/facility/{TOO_BIG}/report/").status_code == 404
    assert client.get(f"/facility/{TOO_BIG}/some-place/").status_code == 404
    client.force_login(helpline_worker)
    assert client.post(f"/helpline/facility/{TOO_BIG}/called/", {"outcome": "confirmed"}).status_code == 404
    assert client.post(f"/helpline/referrals/{TOO_BIG}/follow-up/", {"follow_up_outcome": "other"}).status_code == 404


def test_an_insurer_id_too_large_for_the_database_is_a_form_error(client, editor, detox_atlanta):
    Insurer.objects.create(name="Aetna", slug="aetna")
    client.force_login(editor)

    response = client.post(
        reverse("portal:edit-listing", args=[detox_atlanta.pk]), listing_data(detox_atlanta, insurers=[TOO_BIG])
    )

    assert response.status_code == 400
    assert f"“{TOO_BIG}” is not a valid value." in response.content.decode()
    assert list(detox_atlanta.insurers.all()) == []


def test_a_shortlist_facility_id_too_large_for_the_database_is_a_form_error(client, helpline_worker):
    client.force_login(helpline_worker)

    response = client.post(reverse("helpline:shortlist-add"), {"facility": TOO_BIG})

    assert response.status_code == 400
    assert "That facility isn&#x27;t listed" in response.content.decode()


@pytest.mark.parametrize("next_value", ["0", "search", "//evil.example/", "https://evil.example/", "javascript:x"])
def test_a_next_that_is_not_a_local_path_returns_to_the_helpline_search(
    client, helpline_worker, detox_atlanta, next_value
):
    client.force_login(helpline_worker)

    added = client.post(reverse("helpline:shortlist-add"), {"facility": detox_atlanta.pk, "next": next_value})
    called = client.post(
        reverse("helpline:called-facility", args=[detox_atlanta.pk]), {"outcome": "confirmed", "next": next_value}
    )

    assert (added.status_code, added["Location"]) == (302, reverse("helpline:search"))
    assert (called.status_code, called["Location"]) == (302, reverse("helpline:search"))


def test_a_next_that_is_a_local_path_is_followed(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)

    response = client.post(
        reverse("helpline:shortlist-add"), {"facility": detox_atlanta.pk, "next": "/helpline/?location=30303"}
    )

    assert response["Location"] == "/helpline/?location=30303"


@pytest.mark.parametrize("number", ["²³", "١٢٣", TOO_BIG])
def test_the_referral_form_offers_nothing_for_ids_that_are_not_numbers_a_database_holds(
    client, helpline_worker, detox_atlanta, number
):
    client.force_login(helpline_worker)
    url = reverse("helpline:log-referral")

    from_shortlist = client.get(url, {"facility": [number, number]})
    by_number = client.get(url, {"q": number})
    posted = client.post(url, {"facility": number, "outcome": "referred"})

    assert from_shortlist.status_code == 200
    assert list(from_shortlist.context["form"].fields["facility"].queryset) == []
    assert by_number.status_code == 200
    assert list(by_number.context["form"].fields["facility"].queryset) == []
    assert posted.status_code == 400
    assert "Please choose one of the facilities listed." in posted.content.decode()


def test_the_referral_form_still_finds_a_facility_by_its_number(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)

    response = client.get(reverse("helpline:log-referral"), {"q": str(detox_atlanta.pk)})

    assert list(response.context["form"].fields["facility"].queryset) == [detox_atlanta]


def test_a_nul_byte_in_the_referral_search_is_ignored(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)

    response = client.get(reverse("helpline:log-referral"), {"q": "Peach\x00tree"})

    assert response.status_code == 200
    assert list(response.context["form"].fields["facility"].queryset) == [detox_atlanta]


@pytest.mark.parametrize(
    "url, data",
    [
        ("portal:report", {"kind": "phone", "note": "Wrong\x00number"}),
        (
            "portal:claim",
            {"name": "Ada\x00", "email": "ada@example.org", "job_title": "Intake", "phone": "4045550100"},
        ),
    ],
)
def test_a_nul_byte_in_a_public_text_field_is_a_form_error(client, detox_atlanta, url, data):
    response = client.post(reverse(url, args=[detox_atlanta.pk]), data)

    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()


@pytest.mark.parametrize("year", ["2147483648", "99999999999999999999", "0", "²³"])
def test_a_date_drilldown_year_out_of_range_in_the_admin_starts_the_list_again(client, steward, year):
    client.force_login(steward)

    for url, field in [
        (reverse("admin:helpline_referral_changelist"), "created_at"),
        (reverse("admin:helpline_searchgap_changelist"), "searched_on"),
    ]:
        response = client.get(url, {f"{field}__year": year})

        assert (response.status_code, response["Location"]) == (302, f"{url}?e=1")


def test_a_valid_date_drilldown_in_the_admin_still_works(client, steward):
    client.force_login(steward)

    response = client.get(
        reverse("admin:helpline_referral_changelist"), {"created_at__year": "2026", "created_at__month": "3"}
    )

    assert response.status_code == 200


def test_an_invitation_link_with_characters_no_token_has_is_a_404(client):
    assert client.get("/staff/invitation/abc%00def/").status_code == 404
    assert client.get("/staff/invitation/abc.def/").status_code == 404


def test_a_nul_byte_in_a_service_code_in_the_admin_is_no_such_service(client, steward):
    client.force_login(steward)

    response = client.get("/admin/centers/service/OP%00/change/")

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


@pytest.mark.parametrize(
    "period", [{"to": "0001-01-01"}, {"from": "2025-01-01", "to": "9999-12-31"}, {"from": "1999-12-31"}]
)
def test_report_dates_far_outside_the_calendar_are_a_form_error(client, supervisor, period):
    client.force_login(supervisor)

    for url in [reverse("helpline:reports"), reverse("helpline:reports-csv"), reverse("helpline:gaps")]:
        response = client.get(url, period)

        assert response.status_code == 400, url
        assert "Please enter a date from 2000-01-01 to 2099-12-31." in response.content.decode(), url


def test_a_history_page_for_an_id_that_is_not_a_number_is_a_404(client, steward, detox_atlanta):
    client.force_login(steward)

    assert client.get("/admin/centers/facility/%20/history/").status_code == 404
    assert client.get("/admin/centers/availability/abc/history/").status_code == 404
    assert client.get(f"/admin/centers/facility/{detox_atlanta.pk}/history/").status_code == 200


def test_a_nul_byte_in_an_admin_list_filter_is_a_400(client, steward, detox_atlanta):
    client.force_login(steward)

    response = client.get(reverse("admin:centers_availability_changelist"), {"facility__state__in": "\x00"})
    searched = client.get(reverse("admin:centers_facility_changelist"), {"q": "Peach\x00"})
    filtered = client.get(reverse("admin:centers_facility_changelist"), {"state__exact": "GA"})

    assert response.status_code == 400
    assert searched.status_code == 400
    assert filtered.status_code == 200
