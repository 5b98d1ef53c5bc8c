"""The public "Report a problem with this listing" form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import ProblemReport
from portal.reporting import sender_key

pytestmark = pytest.mark.django_db


def report_url(facility):
    return reverse("portal:report", kwargs={"pk": facility.pk})


def valid_report(**overrides):
    return {"kind": "phone", "note": "It rings and rings.", "contact_email": "", "website": "", **overrides}


def test_form_shows_every_kind_of_problem_as_a_radio_button(client, detox_atlanta):
    response = client.get(report_url(detox_atlanta))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Peachtree Medical Detox" in html
    for kind in ProblemReport.Kind:
        assert f'type="radio" name="kind" value="{kind.value}"' in html
        assert kind.label.replace("'", "&#x27;") in html
    assert "---------" not in html


def test_form_has_a_hidden_honeypot_labelled_for_screen_readers(client, detox_atlanta):
    html = client.get(report_url(detox_atlanta)).content.decode()
    assert '<div class="visually-hidden">' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html and 'autocomplete="off"' in html
    assert "Leave this empty" in html


def test_valid_report_is_saved_with_a_hashed_sender_and_redirects_to_thanks(client, rf, detox_atlanta):
    response = client.post(
        report_url(detox_atlanta), valid_report(contact_email="mom@example.org"), REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 302
    assert response["Location"] == f"{report_url(detox_atlanta)}?sent=1"
    report = ProblemReport.objects.get()
    assert report.facility == detox_atlanta
    assert report.kind == ProblemReport.Kind.PHONE
    assert report.note == "It rings and rings."
    assert report.contact_email == "mom@example.org"
    assert report.status == ProblemReport.Status.OPEN
    assert report.reporter_key == sender_key(rf.post("/", REMOTE_ADDR="203.0.113.7"))
    assert len(report.reporter_key) == 64
    assert "203.0.113" not in report.reporter_key


def test_report_appears_among_the_facilitys_open_reports(client, detox_atlanta, outpatient_decatur):
    client.post(report_url(detox_atlanta), valid_report(kind="closed"))
    assert ProblemReport.objects.open().filter(facility=detox_atlanta).count() == 1
    assert ProblemReport.objects.open().filter(facility=outpatient_decatur).count() == 0


def test_note_and_email_are_optional(client, detox_atlanta):
    response = client.post(report_url(detox_atlanta), {"kind": "other"})
    assert response.status_code == 302
    assert ProblemReport.objects.get().note == ""


def test_thanks_page_says_who_will_check_the_report(client, detox_atlanta):
    response = client.post(report_url(detox_atlanta), valid_report(), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thank you for your report" in html
    assert "staff and the Finder team will check it" in html
    assert "If you left your email, we'll write to you" in html
    assert detox_atlanta.get_absolute_url() in html


def test_filled_honeypot_looks_successful_but_saves_nothing(client, detox_atlanta):
    response = client.post(report_url(detox_atlanta), valid_report(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == f"{report_url(detox_atlanta)}?sent=1"
    assert ProblemReport.objects.count() == 0


def test_filled_honeypot_with_invalid_data_still_looks_successful(client, detox_atlanta):
    response = client.post(report_url(detox_atlanta), valid_report(kind="nonsense", website="x"))
    assert response.status_code == 302
    assert ProblemReport.objects.count() == 0


def test_post_without_csrf_token_is_refused(detox_atlanta):
    client = Client(enforce_csrf_checks=True)
    response = client.post(report_url(detox_atlanta), valid_report())
    assert response.status_code == 403
    assert ProblemReport.objects.count() == 0


def test_post_with_csrf_token_from_the_form_is_accepted(detox_atlanta):
    client = Client(enforce_csrf_checks=True)
    client.get(report_url(detox_atlanta))
    token = client.cookies["csrftoken"].value
    response = client.post(report_url(detox_atlanta), valid_report(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert ProblemReport.objects.count() == 1


def test_sixth_report_in_an_hour_from_one_address_is_refused_kindly(client, detox_atlanta, settings):
    settings.FINDER_REPORTS_PER_HOUR = 5
    for _ in range(5):
        assert client.post(report_url(detox_atlanta), valid_report(), REMOTE_ADDR="10.0.0.1").status_code == 302
    response = client.post(report_url(detox_atlanta), valid_report(note="sixth"), REMOTE_ADDR="10.0.0.1")
    html = response.content.decode()
    assert response.status_code == 429
    assert "You&#x27;ve sent several reports in the last hour." in html
    assert "1-800-662-4357" in html
    assert 'role="alert"' in html
    assert ProblemReport.objects.count() == 5
    assert not ProblemReport.objects.filter(note="sixth").exists()


def test_rate_limit_is_per_address(client, detox_atlanta, settings):
    settings.FINDER_REPORTS_PER_HOUR = 5
    for _ in range(5):
        client.post(report_url(detox_atlanta), valid_report(), REMOTE_ADDR="10.0.0.1")
    response = client.post(report_url(detox_atlanta), valid_report(), REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302
    assert ProblemReport.objects.count() == 6


def test_rate_limit_counts_reports_about_any_facility(client, detox_atlanta, outpatient_decatur, settings):
    settings.FINDER_REPORTS_PER_HOUR = 2
    client.post(report_url(detox_atlanta), valid_report())
    client.post(report_url(outpatient_decatur), valid_report())
    assert client.post(report_url(detox_atlanta), valid_report()).status_code == 429


def test_reports_older_than_an_hour_do_not_count(client, detox_atlanta, settings):
    settings.FINDER_REPORTS_PER_HOUR = 1
    client.post(report_url(detox_atlanta), valid_report())
    ProblemReport.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert client.post(report_url(detox_atlanta), valid_report()).status_code == 302


def test_unknown_kind_returns_400_with_message_next_to_the_field(client, detox_atlanta):
    response = client.post(report_url(detox_atlanta), valid_report(kind="nonsense"))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary" role="alert"' in html
    assert '<li><a href="#id_kind">What is wrong: Please choose one of the options listed.</a></li>' in html
    assert '<p class="field-error" id="id_kind_error">' in html
    assert ProblemReport.objects.count() == 0


def test_missing_kind_returns_400_asking_what_is_wrong(client, detox_atlanta):
    response = client.post(report_url(detox_atlanta), valid_report(kind=""))
    assert response.status_code == 400
    assert "Please choose what is wrong with this listing." in response.content.decode()


def test_note_over_1000_characters_returns_400_and_keeps_the_text(client, detox_atlanta):
    response = client.post(report_url(detox_atlanta), valid_report(note="x" * 1001))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Please shorten the details to 1000 characters or fewer. It has 1001." in html
    assert "x" * 1001 in html
    assert ProblemReport.objects.count() == 0


def test_note_of_1000_characters_with_browser_line_breaks_fits(client, detox_atlanta):
    note = "\r\n".join(["x" * 99] * 10)  # 990 letters and 9 line breaks, as a browser sends them
    response = client.post(report_url(detox_atlanta), valid_report(note=note))
    assert response.status_code == 302
    assert ProblemReport.objects.get().note == note.replace("\r\n", "\n")


def test_bad_email_returns_400_with_message(client, detox_atlanta):
    response = client.post(report_url(detox_atlanta), valid_report(contact_email="not-an-email"))
    html = response.content.decode()
    assert response.status_code == 400
    assert '<p class="field-error" id="id_contact_email_error">' in html
    assert "Please check the email address." in html
    assert ProblemReport.objects.count() == 0


def test_invalid_posts_do_not_count_towards_the_rate_limit(client, detox_atlanta, settings):
    settings.FINDER_REPORTS_PER_HOUR = 1
    for _ in range(3):
        assert client.post(report_url(detox_atlanta), valid_report(kind="")).status_code == 400
    assert client.post(report_url(detox_atlanta), valid_report()).status_code == 302


def test_unlisted_facility_cannot_be_reported(client, unlisted_center):
    assert client.get(report_url(unlisted_center)).status_code == 404
    assert client.post(report_url(unlisted_center), valid_report()).status_code == 404
    assert ProblemReport.objects.count() == 0


def test_missing_facility_returns_404(client, db):
    assert client.get(reverse("portal:report", kwargs={"pk": 999999})).status_code == 404


def test_closed_but_listed_facility_can_still_be_reported(client, closed_center):
    response = client.post(report_url(closed_center), valid_report(kind="closed"))
    assert response.status_code == 302


def test_other_methods_are_not_allowed(client, detox_atlanta):
    assert client.put(report_url(detox_atlanta)).status_code == 405


def test_sender_key_is_a_keyed_hash_of_the_address(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1")
    key = sender_key(request)
    assert key == sender_key(rf.get("/", REMOTE_ADDR="10.0.0.1"))
    assert key != sender_key(rf.get("/", REMOTE_ADDR="10.0.0.2"))
    settings.SECRET_KEY = "another-secret"
    assert sender_key(request) != key
