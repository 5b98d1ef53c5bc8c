"""The public "I work here: claim this listing" form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import ClaimRequest

pytestmark = pytest.mark.django_db


def claim_url(facility):
    return reverse("portal:claim", kwargs={"pk": facility.pk})


def valid_claim(**overrides):
    return {
        "name": "Dana Whitfield",
        "email": "dana@peachtreedetox.example",
        "job_title": "Admissions coordinator",
        "phone": "(404) 555-0199",
        "message": "I answer the intake line.",
        "website": "",
        **overrides,
    }


def test_form_asks_who_you_are_and_explains_the_check(client, detox_atlanta):
    response = client.get(claim_url(detox_atlanta))
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Your name", "Work email", "Job title", "Work phone"):
        assert label in html
    assert "calling the facility at the phone number listed on Finder" in html
    assert '<div class="visually-hidden">' in html and 'name="website"' in html and 'tabindex="-1"' in html


def test_valid_claim_is_saved_as_pending_and_redirects_to_thanks(client, detox_atlanta):
    response = client.post(claim_url(detox_atlanta), valid_claim())
    assert response.status_code == 302
    assert response["Location"] == f"{claim_url(detox_atlanta)}?sent=1"
    claim = ClaimRequest.objects.get()
    assert claim.facility == detox_atlanta
    assert claim.status == ClaimRequest.Status.PENDING
    assert (claim.name, claim.email, claim.job_title, claim.phone) == (
        "Dana Whitfield",
        "dana@peachtreedetox.example",
        "Admissions coordinator",
        "(404) 555-0199",
    )
    assert claim.message == "I answer the intake line."


def test_message_is_optional(client, detox_atlanta):
    assert client.post(claim_url(detox_atlanta), valid_claim(message="")).status_code == 302
    assert ClaimRequest.objects.get().message == ""


def test_thanks_page_explains_a_steward_calls_the_listed_number_before_inviting(client, detox_atlanta):
    response = client.post(claim_url(detox_atlanta), valid_claim(phone="(678) 555-0000"), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "received your request" in html
    assert "A Finder steward will call Peachtree Medical Detox at the phone number listed on Finder" in html
    assert "(404) 555-0100" in html  # the facility's number, not the one they gave
    assert "(678) 555-0000" not in html
    assert "email an invitation" in html


def test_filled_honeypot_looks_successful_but_saves_nothing(client, detox_atlanta):
    response = client.post(claim_url(detox_atlanta), valid_claim(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == f"{claim_url(detox_atlanta)}?sent=1"
    assert ClaimRequest.objects.count() == 0


def test_post_without_csrf_token_is_refused(detox_atlanta):
    response = Client(enforce_csrf_checks=True).post(claim_url(detox_atlanta), valid_claim())
    assert response.status_code == 403
    assert ClaimRequest.objects.count() == 0


def test_fourth_claim_in_a_day_for_one_facility_and_email_is_refused(client, detox_atlanta):
    for _ in range(3):
        assert client.post(claim_url(detox_atlanta), valid_claim()).status_code == 302
    response = client.post(claim_url(detox_atlanta), valid_claim(email="DANA@peachtreedetox.example"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "We already have several requests from this email address" in html
    assert 'role="alert"' in html
    assert ClaimRequest.objects.count() == 3


def test_claim_limit_is_per_email_and_per_facility(client, detox_atlanta, outpatient_decatur):
    for _ in range(3):
        client.post(claim_url(detox_atlanta), valid_claim())
    assert client.post(claim_url(detox_atlanta), valid_claim(email="sam@peachtreedetox.example")).status_code == 302
    assert client.post(claim_url(outpatient_decatur), valid_claim()).status_code == 302
    assert ClaimRequest.objects.count() == 5


def test_claims_older_than_a_day_do_not_count(client, detox_atlanta):
    for _ in range(3):
        client.post(claim_url(detox_atlanta), valid_claim())
    ClaimRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert client.post(claim_url(detox_atlanta), valid_claim()).status_code == 302


def test_missing_required_fields_return_400_with_messages_next_to_them(client, detox_atlanta):
    response = client.post(claim_url(detox_atlanta), valid_claim(name="", email="", job_title="", phone=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary" role="alert"' in html
    for field in ("name", "email", "job_title", "phone"):
        assert f'<p class="field-error" id="id_{field}_error">' in html
    assert "Please enter your name." in html
    assert "Please enter your work email." in html
    assert ClaimRequest.objects.count() == 0


def test_bad_email_returns_400_with_message(client, detox_atlanta):
    response = client.post(claim_url(detox_atlanta), valid_claim(email="dana at work"))
    assert response.status_code == 400
    assert "Please check the email address." in response.content.decode()
    assert ClaimRequest.objects.count() == 0


def test_phone_without_area_code_returns_400(client, detox_atlanta):
    response = client.post(claim_url(detox_atlanta), valid_claim(phone="555-0199"))
    assert response.status_code == 400
    assert "Please enter a full phone number with area code" in response.content.decode()


def test_message_over_1000_characters_returns_400(client, detox_atlanta):
    response = client.post(claim_url(detox_atlanta), valid_claim(message="x" * 1001))
    assert response.status_code == 400
    assert "Please shorten your message to 1000 characters or fewer." in response.content.decode()
    assert ClaimRequest.objects.count() == 0


def test_unlisted_facility_cannot_be_claimed(client, unlisted_center):
    assert client.get(claim_url(unlisted_center)).status_code == 404
    assert client.post(claim_url(unlisted_center), valid_claim()).status_code == 404
    assert ClaimRequest.objects.count() == 0


def test_missing_facility_returns_404(client, db):
    assert client.get(reverse("portal:claim", kwargs={"pk": 999999})).status_code == 404


def test_claim_and_report_urls_are_not_mistaken_for_a_detail_slug(client, detox_atlanta):
    assert client.get(claim_url(detox_atlanta)).status_code == 200
    assert client.get(reverse("portal:report", kwargs={"pk": detox_atlanta.pk})).status_code == 200


def test_rejecting_a_claim_tells_the_claimant(detox_atlanta, steward, mailoutbox):
    from portal.models import ClaimRequest

    claim = ClaimRequest.objects.create(
        facility=detox_atlanta, name="Pat", email="pat@example.org", job_title="Intake", phone="(404) 555-0190"
    )
    claim.reject(steward, "We couldn't reach you at the facility's number.")
    assert claim.status == ClaimRequest.Status.REJECTED
    assert mailoutbox[-1].to == ["pat@example.org"]
    assert "couldn't reach you" in mailoutbox[-1].body
