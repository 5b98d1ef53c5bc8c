import pytest

from centers.models import Insurer
from centers.vocabulary import Status
from tests.conftest import make_facility

pytestmark = pytest.mark.django_db


def test_detail_page_shows_everything_known(client, detox_atlanta):
    detox_atlanta.intake_phone = "(404) 555-0111"
    detox_atlanta.website = "https://peachtree.example.org"
    detox_atlanta.save()
    detox_atlanta.insurers.add(Insurer.objects.create(name="Aetna", slug="aetna"))
    response = client.get(detox_atlanta.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "Peachtree Medical Detox" in html
    assert 'href="tel:+14045550111"' in html and "Intake (new patients)" in html
    assert "https://peachtree.example.org" in html
    assert "Directions" in html and "google.com/maps/dir/" in html
    # Services grouped by category, in plain words.
    assert "<h3>Where care happens</h3>" in html and "Hospital inpatient detox" in html
    assert "<h3>Ways to pay</h3>" in html and "Medicaid" in html
    assert "<h3>Insurance companies</h3>" in html and "Aetna" in html
    assert "Report a problem with this listing" in html
    assert "Not yet verified" in html


def test_closed_facility_says_so(client):
    facility = make_facility(status=Status.TEMPORARILY_CLOSED)
    html = client.get(facility.get_absolute_url()).content.decode()
    assert "Temporarily closed" in html and "not taking patients right now" in html


def test_old_slug_redirects_to_the_permanent_url(client, detox_atlanta):
    response = client.get(f"/facility/{detox_atlanta.pk}/old-name/")
    assert response.status_code == 301
    assert response["Location"] == detox_atlanta.get_absolute_url()


def test_unlisted_or_missing_facility_is_404(client, unlisted_center):
    assert client.get(unlisted_center.get_absolute_url()).status_code == 404
    assert client.get("/facility/999999/nothing/").status_code == 404


def test_print_stylesheet_is_linked(client, detox_atlanta):
    html = client.get(detox_atlanta.get_absolute_url()).content.decode()
    assert 'media="print"' in html and "print.css" in html


def test_missing_pages_and_forbidden_pages_explain_themselves(client, editor):
    missing = client.get("/facility/999999/nothing/")
    assert missing.status_code == 404 and "We couldn't find that page" in missing.content.decode()
    client.force_login(editor)
    forbidden = client.get("/helpline/")
    assert forbidden.status_code == 403 and "This page is for the helpline team." in forbidden.content.decode()
