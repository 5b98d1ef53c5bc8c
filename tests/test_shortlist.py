"""The call's shortlist: kept in the session, reordered, and handed to the caller as print, text or email."""

import logging
import re
import smtplib
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse

from helpline.shortlist import MAX_FACILITIES, SESSION_KEY, Shortlist, shorten, shortlist_text
from tests.conftest import make_facility

pytestmark = pytest.mark.django_db
SHORTLIST = reverse("helpline:shortlist")
ADD = reverse("helpline:shortlist-add")
REMOVE = reverse("helpline:shortlist-remove")
MOVE = reverse("helpline:shortlist-move")
CLEAR = reverse("helpline:shortlist-clear")
PRINT = reverse("helpline:shortlist-print")
EMAIL = reverse("helpline:shortlist-email")
CALLER = "caller.private@example.net"


@pytest.fixture
def worker_client(client, helpline_worker):
    client.force_login(helpline_worker)
    return client


@pytest.fixture
def three(detox_atlanta, outpatient_decatur, methadone_macon):
    return [detox_atlanta, outpatient_decatur, methadone_macon]


def shortlisted(client) -> list[int]:
    return client.session.get(SESSION_KEY, [])


def add_all(client, facilities):
    for facility in facilities:
        assert client.post(ADD, {"facility": facility.pk}).status_code == 302


# The Shortlist class


def test_shortlist_keeps_ids_in_order_without_duplicates():
    session = {}
    shortlist = Shortlist(session)
    assert shortlist.add(3) and shortlist.add(1) and shortlist.add(2)
    assert shortlist.add(1) is False
    assert session[SESSION_KEY] == [3, 1, 2]
    shortlist.move(2, "up")
    assert shortlist.ids == [3, 2, 1]
    shortlist.move(3, "up")  # already first: nothing changes
    shortlist.move(1, "down")  # already last
    assert shortlist.ids == [3, 2, 1]
    shortlist.remove(2)
    assert shortlist.ids == [3, 1] and len(shortlist) == 2 and 3 in shortlist
    shortlist.clear()
    assert SESSION_KEY not in session


def test_shortlist_refuses_an_eleventh_facility():
    shortlist = Shortlist({})
    for pk in range(MAX_FACILITIES):
        shortlist.add(pk)
    assert shortlist.is_full
    with pytest.raises(ValueError):
        shortlist.add(99)


def test_facilities_come_back_in_order_and_unlisted_ones_drop_out(detox_atlanta, outpatient_decatur, methadone_macon):
    session = {}
    shortlist = Shortlist(session)
    for facility in (methadone_macon, detox_atlanta, outpatient_decatur):
        shortlist.add(facility.pk)
    assert shortlist.facilities() == [methadone_macon, detox_atlanta, outpatient_decatur]
    detox_atlanta.is_listed = False
    detox_atlanta.save()
    assert shortlist.facilities() == [methadone_macon, outpatient_decatur]
    assert session[SESSION_KEY] == [methadone_macon.pk, outpatient_decatur.pk]


# Adding, removing, moving, clearing


def test_added_facilities_survive_page_loads(worker_client, three):
    add_all(worker_client, three)
    worker_client.get(reverse("helpline:search"))
    html = worker_client.get(SHORTLIST).content.decode()
    assert shortlisted(worker_client) == [facility.pk for facility in three]
    positions = [html.index(f'id="facility-{facility.pk}-name"') for facility in three]
    assert positions == sorted(positions)
    assert "3 of 10 facilities" in html


def test_adding_says_so_and_goes_back_to_the_results(worker_client, detox_atlanta):
    search = reverse("helpline:search") + "?location=30303#facility-1"
    response = worker_client.post(ADD, {"facility": detox_atlanta.pk, "next": search}, follow=True)
    assert response.redirect_chain == [(search, 302)]
    assert "Added Peachtree Medical Detox to the shortlist (1 of 10)." in response.content.decode()


def test_adding_twice_keeps_one(worker_client, detox_atlanta):
    add_all(worker_client, [detox_atlanta, detox_atlanta])
    assert shortlisted(worker_client) == [detox_atlanta.pk]


@pytest.mark.parametrize("value", ["", "abc", "999999", "1; DROP TABLE", "99999999999999999999999", "-1", "1.5"])
def test_adding_a_bad_id_is_400_with_a_message(worker_client, detox_atlanta, value):
    response = worker_client.post(ADD, {"facility": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Choose a facility to add." in html or "isn&#x27;t listed" in html
    assert shortlisted(worker_client) == []


def test_unlisted_and_closed_facilities_cannot_be_added(worker_client, unlisted_center, closed_center):
    for facility in (unlisted_center, closed_center):
        response = worker_client.post(ADD, {"facility": facility.pk})
        assert response.status_code == 400
        assert "That facility isn&#x27;t listed, so it can&#x27;t go on the shortlist." in response.content.decode()
    assert shortlisted(worker_client) == []


def test_the_shortlist_holds_at_most_ten(worker_client, db):
    facilities = [make_facility(name=f"Center {number}") for number in range(MAX_FACILITIES + 1)]
    add_all(worker_client, facilities[:MAX_FACILITIES])
    response = worker_client.post(ADD, {"facility": facilities[-1].pk})
    assert response.status_code == 400
    assert "The shortlist holds up to 10 facilities. Remove one before adding another." in response.content.decode()
    assert len(shortlisted(worker_client)) == MAX_FACILITIES
    # Adding one that is already there is still fine.
    assert worker_client.post(ADD, {"facility": facilities[0].pk}).status_code == 302
    html = worker_client.get(reverse("helpline:search"), {"q": "Center"}).content.decode()
    assert "The shortlist is full. Remove one to add another." in html


def test_remove_takes_one_off(worker_client, three):
    add_all(worker_client, three)
    response = worker_client.post(REMOVE, {"facility": three[1].pk})
    assert response["Location"] == SHORTLIST
    assert shortlisted(worker_client) == [three[0].pk, three[2].pk]


@pytest.mark.parametrize("value", ["", "abc", "999999", "99999999999999999999999"])
def test_removing_what_is_not_on_the_list_is_400(worker_client, detox_atlanta, outpatient_decatur, value):
    add_all(worker_client, [detox_atlanta])
    for data in ({"facility": value}, {"facility": outpatient_decatur.pk}):
        response = worker_client.post(REMOVE, data)
        assert response.status_code == 400
    assert "That facility isn&#x27;t on the shortlist." in response.content.decode()
    assert shortlisted(worker_client) == [detox_atlanta.pk]


def test_move_up_and_down_reorders(worker_client, three):
    add_all(worker_client, three)
    a, b, c = (facility.pk for facility in three)
    assert worker_client.post(MOVE, {"facility": c, "direction": "up"}).status_code == 302
    assert shortlisted(worker_client) == [a, c, b]
    worker_client.post(MOVE, {"facility": a, "direction": "down"})
    assert shortlisted(worker_client) == [c, a, b]
    worker_client.post(MOVE, {"facility": c, "direction": "up"})  # first already
    assert shortlisted(worker_client) == [c, a, b]


@pytest.mark.parametrize("data", [{"direction": "sideways"}, {"direction": ""}, {"facility": "999999"}])
def test_bad_moves_are_400(worker_client, three, data):
    add_all(worker_client, three)
    response = worker_client.post(MOVE, {"facility": three[0].pk, "direction": "down", **data})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert shortlisted(worker_client) == [facility.pk for facility in three]


def test_first_row_has_no_move_up_and_last_no_move_down(worker_client, three):
    add_all(worker_client, three)
    html = worker_client.get(SHORTLIST).content.decode()
    assert html.count(">Move up<") == 2 and html.count(">Move down<") == 2
    assert f'Move up<span class="visually-hidden"> for {three[0].name}' not in html
    assert f'Move down<span class="visually-hidden"> for {three[2].name}' not in html


def test_start_a_new_call_clears_the_shortlist(worker_client, three):
    add_all(worker_client, three)
    response = worker_client.post(CLEAR, follow=True)
    assert response.redirect_chain == [(reverse("helpline:search"), 302)]
    assert shortlisted(worker_client) == []
    assert 'Shortlist <span class="shortlist-count">(0' in response.content.decode()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "http://testserver.evil/"])
def test_next_never_leaves_the_site(worker_client, detox_atlanta, next_url):
    response = worker_client.post(ADD, {"facility": detox_atlanta.pk, "next": next_url})
    assert response["Location"] == reverse("helpline:search")


def test_the_shortlist_page_offers_every_way_to_hand_over_the_list(worker_client, three):
    add_all(worker_client, three)
    html = worker_client.get(SHORTLIST).content.decode()
    for facility in three:
        assert f'href="{reverse("helpline:log-referral")}?facility={facility.pk}"' in html
        assert f'action="{reverse("helpline:called-facility", args=[facility.pk])}"' in html
    assert f'href="{PRINT}"' in html
    assert re.search(r'<textarea id="shortlist-text" readonly[^>]*>1\) Peachtree Medical Detox', html)
    assert 'data-copy="shortlist-text"' in html and ">Copy</button>" in html
    assert f'action="{EMAIL}"' in html and '<label for="id_email">Caller&#x27;s email address</label>' in html
    assert f'action="{CLEAR}"' in html and "Start a new call" in html


def test_an_empty_shortlist_page_says_how_to_add(worker_client, db):
    html = worker_client.get(SHORTLIST).content.decode()
    assert "The shortlist is empty." in html
    assert "<textarea" not in html


# Print view


def test_print_view_puts_phones_and_address_before_the_name(worker_client, detox_atlanta, outpatient_decatur):
    detox_atlanta.intake_phone = "(404) 555-0199"
    detox_atlanta.hotline = "(800) 555-0123"
    detox_atlanta.save()
    add_all(worker_client, [outpatient_decatur, detox_atlanta])
    response = worker_client.get(PRINT)
    assert response.status_code == 200
    html = response.content.decode()
    for facility, phone in [(outpatient_decatur, "(404) 555-0100"), (detox_atlanta, "(404) 555-0199")]:
        name = html.index(f"<h2>{facility.name}</h2>")
        start = html.rindex("<li>", 0, name)
        assert start < html.index(phone, start) < html.index(facility.full_address, start) < name
    assert html.index("Decatur Outpatient Counseling") < html.index("Peachtree Medical Detox")
    assert "(800) 555-0123 <small>(24-hour)</small>" in html
    assert "Medical detox" in html and "Payment: Medicaid, Private health insurance" in html


def test_print_view_ends_with_the_helpline_and_crisis_numbers(worker_client, detox_atlanta):
    add_all(worker_client, [detox_atlanta])
    html = worker_client.get(PRINT).content.decode()
    help_section = html.index('class="handout-help"')
    assert help_section > html.index("Peachtree Medical Detox")
    for number in ["1-800-662-4357", "988", "911"]:
        assert number in html[help_section:]
    assert "site-header" not in html  # its own page: no navigation to print


# Text message


def long_named(number):
    return make_facility(
        name=f"The Very Long Named Comprehensive Behavioral Health and Addiction Recovery Center Number {number}",
        street1="12345 Martin Luther King Junior Memorial Boulevard Southwest, Building C, Suite 400",
        city="North Druid Hills Brookhaven Heights",
        intake_phone=f"(404) 555-01{number}0 ext. 1234",
    )


def test_text_for_three_long_named_facilities_stays_under_480_characters(db):
    facilities = [long_named(number) for number in (1, 2, 3)]
    text = shortlist_text(facilities)
    assert len(text) < 480
    for facility in facilities:
        assert facility.intake_phone in text
    assert text.splitlines()[0].startswith("1) The Very Long Named Comprehensive...")
    assert text.endswith("Help 24/7: 1-800-662-4357. Crisis: 988")
    assert text.isascii()


def test_text_reads_like_a_text_message(three):
    text = shortlist_text(three)
    assert text.splitlines() == [
        "1) Peachtree Medical Detox (404) 555-0100, 100 Peachtree St, Atlanta GA",
        "2) Decatur Outpatient Counseling (404) 555-0100, 100 Peachtree St, Decatur GA",
        "3) Middle Georgia Methadone Clinic (404) 555-0100, 100 Peachtree St, Macon GA",
        "Help 24/7: 1-800-662-4357. Crisis: 988",
    ]


def test_text_prefers_the_intake_phone(detox_atlanta):
    detox_atlanta.intake_phone = "(404) 555-0199"
    assert "(404) 555-0199" in shortlist_text([detox_atlanta])
    assert "(404) 555-0100" not in shortlist_text([detox_atlanta])


@pytest.mark.parametrize(
    "text, limit, expected",
    [
        ("Short name", 40, "Short name"),
        ("Alpha Beta Gamma Delta Epsilon", 20, "Alpha Beta Gamma..."),
        ("Supercalifragilisticexpialidocious", 12, "Supercali..."),
        ("Spaces   inside\nname", 40, "Spaces inside name"),
    ],
)
def test_shorten_cuts_at_a_word(text, limit, expected):
    assert shorten(text, limit) == expected
    assert len(shorten(text, limit)) <= limit


# Email


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_email_sends_the_list_and_keeps_nothing_about_the_caller(worker_client, three, caplog):
    add_all(worker_client, three)
    before = row_counts()
    caplog.set_level(logging.DEBUG)
    response = worker_client.post(EMAIL, {"email": CALLER, "note": "Good talking with you today."}, follow=True)
    assert response.redirect_chain == [(SHORTLIST, 302)]
    assert "Sent." in response.content.decode()
    [message] = mail.outbox
    assert message.to == [CALLER]
    assert message.subject == "Treatment options from the helpline"
    assert message.body.startswith("Good talking with you today.\n\nHere are the treatment options")
    for facility in three:
        assert facility.name in message.body and facility.full_address in message.body
        assert f"http://testserver{facility.get_absolute_url()}" in message.body
    assert "1-800-662-4357" in message.body and "988" in message.body
    # Nothing stored: no new rows anywhere but the session, and no trace of the address in any of them or the logs.
    after = row_counts()
    assert {label: count for label, count in after.items() if count != before[label]} == {}
    assert all(CALLER not in str(session.get_decoded()) for session in Session.objects.all())
    assert CALLER not in caplog.text
    assert CALLER not in response.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": ""}, "Enter the email address to send the list to."),
        ({"email": "not-an-address"}, "Enter a valid email address."),
        ({"email": "a@example.org\nBcc: x@example.org"}, "Enter a valid email address."),
        ({"email": "a@example.org", "note": "x" * 301}, "Ensure this value has at most 300 characters"),
    ],
)
def test_bad_email_input_is_400_and_sends_nothing(worker_client, detox_atlanta, data, message):
    add_all(worker_client, [detox_atlanta])
    response = worker_client.post(EMAIL, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert mail.outbox == []


def test_emailing_an_empty_shortlist_is_400(worker_client, db):
    response = worker_client.post(EMAIL, {"email": CALLER})
    assert response.status_code == 400
    assert "The shortlist is empty." in response.content.decode()
    assert mail.outbox == []


def test_a_mail_server_failure_says_so_without_logging_the_address(worker_client, detox_atlanta, caplog):
    add_all(worker_client, [detox_atlanta])
    refused = smtplib.SMTPRecipientsRefused({CALLER: (550, b"No such user")})
    with mock.patch("finder.mail.send_mail", side_effect=refused):
        response = worker_client.post(EMAIL, {"email": CALLER})
    assert response.status_code == 503
    assert "The email couldn&#x27;t be sent just now." in response.content.decode()
    assert "Could not send an email (SMTPRecipientsRefused)" in caplog.text
    assert CALLER not in caplog.text


def test_error_reports_never_show_the_callers_address(helpline_worker, detox_atlanta):
    from django.core.signals import got_request_exception
    from django.test import Client
    from django.views.debug import SafeExceptionReporterFilter

    worker_client = Client(raise_request_exception=False)
    worker_client.force_login(helpline_worker)
    add_all(worker_client, [detox_atlanta])
    failed = []

    def keep(sender, request, **kwargs):
        failed.append(request)

    got_request_exception.connect(keep)
    try:
        with mock.patch("finder.mail.send_mail", side_effect=RuntimeError("unexpected")):
            assert worker_client.post(EMAIL, {"email": CALLER, "note": "Hello"}).status_code == 500
    finally:
        got_request_exception.disconnect(keep)
    shown = SafeExceptionReporterFilter().get_post_parameters(failed[0])
    assert CALLER not in str(shown) and "Hello" not in str(shown)


def test_text_for_three_facilities_at_every_field_limit_stays_under_480_characters(db):
    facilities = [
        make_facility(name="N" * 200, street1="S" * 200, city="C" * 100, intake_phone=str(number) * 40)
        for number in (1, 2, 3)
    ]
    assert len(shortlist_text(facilities)) < 480


def test_a_worker_can_shortlist_from_the_facility_page(client, helpline_worker, detox_atlanta):
    client.force_login(helpline_worker)
    page = client.get(detox_atlanta.get_absolute_url()).content.decode()
    assert "Add to shortlist" in page
    response = client.post(
        reverse("helpline:shortlist-add"),
        {"facility": detox_atlanta.pk, "next": detox_atlanta.get_absolute_url()},
        follow=True,
    )
    assert f"Added {detox_atlanta.name} to the shortlist" in response.content.decode()
    assert client.session["helpline_shortlist"] == [detox_atlanta.pk]


def test_families_see_no_shortlist_button_and_no_extra_queries(client, detox_atlanta, django_assert_num_queries):
    with django_assert_num_queries(5):  # banner, facility, services, insurers, availability
        page = client.get(detox_atlanta.get_absolute_url()).content.decode()
    assert "Add to shortlist" not in page
