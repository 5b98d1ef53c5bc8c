"""The helpline workspace search: the public vocabulary plus helpline-only filters, and "called the facility"."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from centers import search_flags
from centers.models import Availability, Facility, Insurer
from centers.vocabulary import VerifiedBy
from helpline.filters import HelplineFacilityFilter
from helpline.models import SearchGap
from portal.models import ProblemReport
from tests.conftest import ATLANTA, make_facility

pytestmark = pytest.mark.django_db
URL = reverse("helpline:search")


@pytest.fixture
def worker_client(client, helpline_worker):
    client.force_login(helpline_worker)
    return client


def names(response):
    """Facility names on the result cards, in order."""
    headings = re.findall(r"<h3 [^>]*><a [^>]*>(.*?)</a>", response.content.decode(), re.S)
    return [heading.strip() for heading in headings]


def set_availability(facility, hours_ago, level="medical-detox", status="accepting"):
    return Availability.objects.create(
        facility=facility, level=level, status=status, updated_at=timezone.now() - timedelta(hours=hours_ago)
    )


def test_focus_starts_in_the_location_box(worker_client):
    html = worker_client.get(URL).content.decode()
    assert re.search(r'<input type="text" name="location"[^>]* autofocus', html)
    assert '<label for="id_location">ZIP code or city</label>' in html


def test_every_filter_is_on_the_page_without_a_collapsed_section(worker_client):
    html = worker_client.get(URL).content.decode()
    assert "<details" not in html
    for name in ["location", "radius", "level", "medication", "payment", "insurer", "population", "language"]:
        assert f'name="{name}"' in html, name
    for name in ["telehealth", "accepting", "sort", "q", "updated_within", "on_medication"]:
        assert f'name="{name}"' in html, name
    assert "Accepts patients already on methadone or buprenorphine" in html
    assert '<option value="4">Last 4 hours</option>' in html


def test_search_by_zip_orders_nearest_first(worker_client, detox_atlanta, outpatient_decatur):
    response = worker_client.get(URL, {"location": "30030"})
    assert response.status_code == 200
    assert names(response) == ["Decatur Outpatient Counseling", "Peachtree Medical Detox"]


def test_result_card_shows_what_a_worker_reads_out(worker_client, detox_atlanta, outpatient_decatur):
    detox_atlanta.intake_phone = "(404) 555-0199"
    detox_atlanta.intake_hours = "24/7, walk-ins welcome"
    detox_atlanta.save()
    detox_atlanta.insurers.add(Insurer.objects.create(name="Aetna", slug="aetna"))
    set_availability(detox_atlanta, hours_ago=2, level="medical-detox")
    html = worker_client.get(URL, {"location": "30303"}).content.decode()
    assert '<p class="distance">0.2 miles</p>' in html
    assert '<a class="call" href="tel:+14045550199">(404) 555-0199</a> <span class="phone-note">intake</span>' in html
    assert '<a class="call" href="tel:+14045550100">(404) 555-0100</a> <span class="phone-note">main</span>' in html
    assert "24/7, walk-ins welcome" in html
    assert "Accepting new patients" in html and "updated 2\xa0hours ago" in html
    assert "Medicaid, Private health insurance" in html
    assert "<dd>Aetna</dd>" in html
    assert "Buprenorphine" in html
    # Decatur: programs for women, Spanish.
    assert "<dd>Women</dd>" in html
    assert "<dd>Spanish</dd>" in html


def test_public_filters_work_the_same(worker_client, detox_atlanta, outpatient_decatur):
    response = worker_client.get(URL, {"location": "30303", "level": "intensive-outpatient"})
    assert names(response) == ["Decatur Outpatient Counseling"]
    response = worker_client.get(URL, {"location": "30303", "language": "spanish", "payment": "self-pay"})
    assert names(response) == ["Decatur Outpatient Counseling"]


def test_updated_within_keeps_only_recently_updated_availability(worker_client, detox_atlanta, outpatient_decatur):
    set_availability(detox_atlanta, hours_ago=2)
    set_availability(outpatient_decatur, hours_ago=30, level="outpatient", status="waitlist")
    assert names(worker_client.get(URL, {"location": "30303", "updated_within": "4"})) == ["Peachtree Medical Detox"]
    assert names(worker_client.get(URL, {"location": "30303", "updated_within": "24"})) == ["Peachtree Medical Detox"]
    assert len(names(worker_client.get(URL, {"location": "30303", "updated_within": "72"}))) == 2
    assert len(names(worker_client.get(URL, {"location": "30303", "updated_within": ""}))) == 2


def test_updated_within_ignores_facilities_that_never_set_availability(worker_client, detox_atlanta):
    assert names(worker_client.get(URL, {"location": "30303", "updated_within": "72"})) == []


def test_on_medication_finds_places_that_take_patients_already_on_it(worker_client, detox_atlanta):
    on_it = make_facility(name="Welcoming Recovery", codes=["OP", "MOA"])
    response = worker_client.get(URL, {"location": "30303", "on_medication": "on"})
    assert names(response) == ["Welcoming Recovery"]
    assert "Accepts patients already on it" in response.content.decode()
    assert set(HelplineFacilityFilter({"on_medication": "on"}, queryset=Facility.objects.all()).qs) == {on_it}


def test_helpline_filterset_reuses_the_public_vocabulary():
    from centers.filters import FacilityFilter

    assert issubclass(HelplineFacilityFilter, FacilityFilter)
    assert set(FacilityFilter.base_filters) < set(HelplineFacilityFilter.base_filters)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"location": "99999"}, "couldn&#x27;t find the ZIP code 99999"),
        ({"location": "30303", "updated_within": "5"}, "Select a valid choice"),
        ({"location": "30303", "updated_within": "soon"}, "Select a valid choice"),
        ({"location": "30303", "radius": "abc"}, "Select a valid choice"),
        ({"location": "30303", "level": "nonsense"}, "nonsense is not one of the available choices"),
        ({"location": "30303", "page": "99"}, "There is no page 99"),
        ({"location": "x" * 5000}, "at most 200 characters"),
    ],
)
def test_bad_input_returns_400_with_a_message(worker_client, detox_atlanta, params, message):
    response = worker_client.get(URL, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert "result-list" not in html


def test_query_count_does_not_grow_with_results(worker_client, django_assert_num_queries, db):
    aetna = Insurer.objects.create(name="Aetna", slug="aetna")
    for number in range(3):
        facility = make_facility(name=f"Small {number}", codes=["OIT", "MD", "BU", "SP", "WN"], insurers=[aetna])
        set_availability(facility, hours_ago=1, level="intensive-outpatient")
    params = {"location": "30303", "level": "intensive-outpatient", "updated_within": "24"}
    worker_client.get(URL, params)  # the session and its user are loaded once either way
    with django_assert_num_queries(9) as three:
        assert worker_client.get(URL, params).status_code == 200
    for number in range(17):
        facility = make_facility(name=f"More {number}", codes=["OIT", "MD", "BU", "PI", "TAY"], insurers=[aetna])
        set_availability(facility, hours_ago=1, level="intensive-outpatient")
    with django_assert_num_queries(len(three.captured_queries)):
        response = worker_client.get(URL, params)
    assert len(names(response)) == 20


def test_an_empty_search_is_counted_as_a_helpline_gap(worker_client, methadone_macon):
    response = worker_client.get(URL, {"location": "30303", "radius": "25", "level": "medical-detox"})
    assert response.status_code == 200
    assert "No facilities match this search" in response.content.decode()
    gap = SearchGap.objects.get()
    assert gap.surface == SearchGap.Surface.HELPLINE
    assert (gap.state, gap.level_of_care, gap.radius) == ("GA", "medical-detox", "25")


def test_a_search_with_results_records_no_gap(worker_client, detox_atlanta):
    worker_client.get(URL, {"location": "30303"})
    assert SearchGap.objects.count() == 0


def test_results_offer_add_to_shortlist_and_the_header_counts_the_shortlist(worker_client, detox_atlanta):
    html = worker_client.get(URL, {"location": "30303"}).content.decode()
    assert 'Shortlist <span class="shortlist-count">(0' in html
    assert 'Add to shortlist<span class="visually-hidden"> for Peachtree Medical Detox</span>' in html
    worker_client.post(reverse("helpline:shortlist-add"), {"facility": detox_atlanta.pk})
    html = worker_client.get(URL, {"location": "30303"}).content.decode()
    assert 'Shortlist <span class="shortlist-count">(1' in html
    assert "On the shortlist" in html
    assert "Add to shortlist<" not in html


def test_add_from_results_returns_to_the_same_result(worker_client, detox_atlanta):
    search = URL + "?location=30303&level=medical-detox"
    response = worker_client.post(reverse("helpline:shortlist-add"), {"facility": detox_atlanta.pk, "next": search})
    assert response["Location"] == search
    html = worker_client.get(URL, {"location": "30303"}).content.decode()
    assert f'name="next" value="{URL}?location=30303#facility-{detox_atlanta.pk}"' in html


# Called the facility


def called(client, facility, outcome, **extra):
    return client.post(reverse("helpline:called-facility", args=[facility.pk]), {"outcome": outcome, **extra})


def test_called_and_confirmed_marks_the_listing_verified_by_the_helpline(worker_client, helpline_worker, detox_atlanta):
    response = called(worker_client, detox_atlanta, "confirmed", next=URL + "?location=30303")
    assert response.status_code == 302
    assert response["Location"] == URL + "?location=30303"
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.last_verified_source == VerifiedBy.HELPLINE
    assert detox_atlanta.last_verified_by == helpline_worker
    assert timezone.now() - detox_atlanta.last_verified_at < timedelta(minutes=1)
    assert ProblemReport.objects.count() == 0
    html = worker_client.get(URL, {"location": "30303"}).content.decode()
    assert "now shows as verified by a helpline worker" in html
    assert "Verified by a helpline worker on" in html


def test_called_and_the_phone_was_wrong_opens_a_phone_report(worker_client, detox_atlanta):
    assert called(worker_client, detox_atlanta, "phone-wrong").status_code == 302
    report = ProblemReport.objects.get()
    assert (report.facility, report.kind, report.status) == (detox_atlanta, "phone", "open")
    assert report.note == "Reported by the helpline: the phone number did not work"
    assert report.contact_email == ""
    detox_atlanta.refresh_from_db()
    assert detox_atlanta.last_verified_at is None


def test_called_and_not_accepting_opens_a_report_for_staff_and_stewards(worker_client, detox_atlanta):
    assert called(worker_client, detox_atlanta, "not-accepting").status_code == 302
    report = ProblemReport.objects.get()
    assert (report.kind, report.status) == ("other", "open")
    assert report.note == "Reported by the helpline: not accepting new patients"
    assert list(detox_atlanta.problem_reports.open()) == [report]


@pytest.mark.parametrize("outcome", ["", "closed", "confirmed\n"])
def test_called_with_an_unknown_outcome_is_400(worker_client, detox_atlanta, outcome):
    response = called(worker_client, detox_atlanta, outcome)
    assert response.status_code == 400
    assert "Choose what happened when you called." in response.content.decode()
    assert ProblemReport.objects.count() == 0


def test_called_about_an_unlisted_facility_is_404(worker_client, unlisted_center):
    assert called(worker_client, unlisted_center, "confirmed").status_code == 404


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"])
def test_called_never_redirects_off_site(worker_client, detox_atlanta, next_url):
    response = called(worker_client, detox_atlanta, "confirmed", next=next_url)
    assert response["Location"] == URL


def test_result_cards_offer_the_called_buttons(worker_client, detox_atlanta):
    html = worker_client.get(URL, {"location": "30303"}).content.decode()
    action = reverse("helpline:called-facility", args=[detox_atlanta.pk])
    assert f'action="{action}"' in html
    for value, label in [
        ("confirmed", "Details confirmed"),
        ("phone-wrong", "Phone didn't work"),
        ("not-accepting", "Not taking new patients"),
    ]:
        assert f'name="outcome" value="{value}" class="secondary compact">{label}</button>' in html


def test_search_by_facility_name_without_a_place(worker_client, detox_atlanta):
    response = worker_client.get(URL, {"q": "peachtree"})
    assert names(response) == ["Peachtree Medical Detox"]


def test_search_by_coordinates(worker_client, detox_atlanta):
    response = worker_client.get(URL, {"location": f"{ATLANTA[0]},{ATLANTA[1]}"})
    assert names(response) == ["Peachtree Medical Detox"]


def test_card_names_other_languages_and_every_program(worker_client, db):
    from centers.models import Service

    Service.create_missing(["F12"])
    make_facility(name="Many Voices Recovery", codes=["OP", "AH", "F12", "VET", "PW"])
    html = worker_client.get(URL, {"location": "30303"}).content.decode()
    assert "<dd>Deaf and hard of hearing (ASL), Another language (call to ask which)</dd>" in html
    assert "<dd>Pregnant or postpartum women, Veterans</dd>" in html


def test_updated_within_counts_only_the_care_asked_for(worker_client, outpatient_decatur):
    set_availability(outpatient_decatur, hours_ago=2, level="outpatient")
    set_availability(outpatient_decatur, hours_ago=50, level="intensive-outpatient")
    recent_outpatient = {"location": "30303", "updated_within": "4", "level": "outpatient"}
    recent_iop = {"location": "30303", "updated_within": "4", "level": "intensive-outpatient"}
    assert names(worker_client.get(URL, recent_outpatient)) == ["Decatur Outpatient Counseling"]
    assert names(worker_client.get(URL, recent_iop)) == []


def test_card_facts_come_from_the_search_bits_the_filters_test(worker_client, detox_atlanta):
    # Bits that disagree with the services: what a worker reads out is what the filters would find.
    bits = {"payment": ["free"], "population": ["veterans"], "language": ["deaf"], "on-medication": ["yes"]}
    flags = 0
    for kind, choices in bits.items():
        flags |= search_flags.mask(kind, choices)
    Facility.objects.filter(pk=detox_atlanta.pk).update(search_flags=flags)
    response = worker_client.get(URL, {"location": "30303", "on_medication": "on"})
    assert names(response) == ["Peachtree Medical Detox"]
    html = response.content.decode()
    assert "<dd>Accepts patients already on it</dd>" in html
    assert "<dt>Payment</dt><dd>Free treatment</dd>" in html
    assert "<dd>Veterans</dd>" in html
    assert "<dd>Deaf and hard of hearing (ASL)</dd>" in html
    Facility.objects.refresh_search_flags()  # in step again for the check every database test ends with
