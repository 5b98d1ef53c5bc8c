"""A facility's page to act on: Call (intake first), Directions, Share, Print, back to the family's search,
and the services in plain words. The browser side (share, print on one page) is in test_browser_detail.py."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centers.models import Insurer, Service
from centers.taxonomy import ServiceCategory
from centers.templatetags.centers_extras import PLAIN_SERVICE_HEADINGS
from centers.views import search_query_from
from tests.conftest import make_facility

pytestmark = pytest.mark.django_db

SEARCH = {"location": "30303", "radius": "25", "level": "medical-detox", "payment": "medicaid"}


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def call_buttons(html: str) -> list[tuple[str, str]]:
    """(class, tel: href) of each Call button, in page order."""
    block = html.split('<ul class="call-buttons">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a class="(call-button[^"]*)" href="(tel:[^"]+)"', block)


def back_link(html: str) -> tuple[str, str]:
    """(href, text) of the link above the facility's name."""
    match = re.search(r'<p class="back"><a href="([^"]*)">(.*?)</a></p>', html)
    assert match, "The page has no back link"
    return unescape(match.group(1)), re.sub(r"<[^>]+>", "", match.group(2))


def card_links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<h3 id="facility-\d+-name"><a href="([^"]+)"', html)]


# Call, directions


def test_the_big_call_button_is_the_intake_number_then_the_main_line_then_the_hotline(client):
    facility = make_facility(phone="(404) 555-0100", intake_phone="(404) 555-0111", hotline="(800) 555-0122")
    buttons = call_buttons(html_of(client.get(facility.get_absolute_url())))
    assert [href for _, href in buttons] == ["tel:+14045550111", "tel:+14045550100", "tel:+18005550122"]
    assert [css for css, _ in buttons] == [
        "call-button",
        "call-button call-button-other",
        "call-button call-button-other",
    ]


def test_without_an_intake_number_the_main_line_is_the_big_button(client):
    facility = make_facility(phone="(404) 555-0100", intake_phone="")
    html = html_of(client.get(facility.get_absolute_url()))
    assert call_buttons(html) == [("call-button", "tel:+14045550100")]
    assert "Call intake" not in html


def test_call_buttons_come_before_everything_else_on_the_page(client):
    facility = make_facility(intake_phone="(404) 555-0111")
    html = html_of(client.get(facility.get_absolute_url()))
    assert (
        html.index('class="call-buttons"') < html.index('id="openings-heading"') < html.index('id="services-heading"')
    )


def test_directions_open_a_maps_app_at_the_facilitys_address(client):
    facility = make_facility(street1="100 Peachtree St", street2="Suite 5", city="Atlanta", zip_code="30303")
    html = html_of(client.get(facility.get_absolute_url()))
    href = unescape(re.search(r'<a class="action-button" href="([^"]+)" rel="noopener">Directions', html).group(1))
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.google.com", "/maps/dir/")
    assert parse_qs(parts.query) == {"api": ["1"], "destination": ["100 Peachtree St, Suite 5, Atlanta, GA 30303"]}


# Share and print


def test_share_offers_the_listing_alone_never_the_familys_search(client):
    facility = make_facility()
    url = facility.get_absolute_url()
    html = html_of(client.get(url, {"back": "location=30303&level=medical-detox"}))
    assert f'data-share-url="http://testserver{url}"' in html
    # Without JavaScript, a plain link to the same page; the Share and Print buttons wait for share.js.
    assert f'<a class="action-button" href="http://testserver{url}" data-share-link>Link to this page</a>' in html
    assert re.search(r"<button [^>]*data-share [^>]*hidden>Share", html)
    assert re.search(r"<li data-print-item hidden><button [^>]*data-print>Print", html)
    assert '<script src="/static/js/share.js" defer></script>' in html


def test_the_staff_links_are_marked_for_the_print_stylesheet_to_hide(client):
    """The print stylesheet hides .listing-actions and .detail-actions (the browser test prints the page)."""
    facility = make_facility()
    html = html_of(client.get(facility.get_absolute_url()))
    actions = html.split('<ul class="listing-actions">', 1)[1].split("</ul>", 1)[0]
    assert "Work here? Keep this listing up to date" in actions and "Report a problem" in actions


# Back to the family's search


def test_result_cards_carry_the_search_to_the_detail_page(client, detox_atlanta):
    links = card_links(html_of(client.get("/", SEARCH)))
    assert links, "The search found nothing"
    parts = urlsplit(links[0])
    assert parts.path == detox_atlanta.get_absolute_url()
    assert parse_qs(parse_qs(parts.query)["back"][0]) == {key: [value] for key, value in SEARCH.items()}


def test_back_to_results_returns_to_the_same_search_with_its_filters(client, detox_atlanta, outpatient_decatur):
    search_page = html_of(client.get("/", {**SEARCH, "page": "1"}))
    detail_page = html_of(client.get(card_links(search_page)[0]))
    href, text = back_link(detail_page)
    assert text == "← Back to results"
    parts = urlsplit(href)
    assert parts.path == "/" and not parts.netloc
    assert parse_qs(parts.query) == {**{key: [value] for key, value in SEARCH.items()}, "page": ["1"]}
    again = html_of(client.get(href))
    assert card_links(again) == card_links(search_page)
    assert re.search(r'<input type="checkbox" name="level" value="medical-detox" id="[^"]+" checked>', again)
    assert outpatient_decatur.name not in again  # the level filter came back with it


def test_without_a_search_the_link_offers_a_new_one(client, detox_atlanta):
    assert back_link(html_of(client.get(detox_atlanta.get_absolute_url()))) == ("/", "Search for treatment")


HOSTILE_BACK_VALUES = [
    "https://evil.example/?location=30303",
    "//evil.example",
    "//evil.example/?location=30303",
    "javascript:alert(document.cookie)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/admin/",
    "\\\\evil.example",
    "location=30303\r\nSet-Cookie: stolen=1",
    "location=30303%0D%0ASet-Cookie:%20stolen=1",
    "location=30303\x00",
    "x=" + "a" * 3000,
    "&".join(f"location={n}" for n in range(150)),
    "next=https://evil.example",
]


@pytest.mark.parametrize("back", HOSTILE_BACK_VALUES)
def test_anything_but_a_search_falls_back_to_the_plain_search(client, detox_atlanta, back):
    response = client.get(detox_atlanta.get_absolute_url(), {"back": back})
    html = html_of(response)
    assert back_link(html) == ("/", "Search for treatment")
    assert "evil.example" not in html and "javascript:" not in html and "stolen" not in html


def test_a_search_with_extra_parameters_keeps_only_the_searchs_own(client, detox_atlanta):
    back = "location=30303&level=medical-detox&next=https://evil.example&utm_source=x&page=2"
    href, _ = back_link(html_of(client.get(detox_atlanta.get_absolute_url(), {"back": back})))
    assert href == "/?location=30303&level=medical-detox&page=2"


def test_search_query_from_keeps_values_it_cannot_misread():
    assert search_query_from("?location=Atlanta%2C+GA&level=outpatient") == "location=Atlanta%2C+GA&level=outpatient"
    assert search_query_from("location=%3Cscript%3E") == "location=%3Cscript%3E"  # encoded: text, not markup
    assert search_query_from("") == ""


def test_the_old_slug_redirect_keeps_the_way_back(client, detox_atlanta):
    response = client.get(f"/facility/{detox_atlanta.pk}/old-name/", {"back": "location=30303&level=medical-detox"})
    assert response.status_code == 301
    href, _ = back_link(html_of(client.get(response["Location"])))
    assert href == "/?location=30303&level=medical-detox"


def test_the_detail_page_query_count_does_not_grow_with_services(client):
    facility = make_facility(codes=["HID", "MD"])
    url = facility.get_absolute_url()
    with CaptureQueriesContext(connection) as few:
        html_of(client.get(url, {"back": "location=30303"}))
    Service.create_missing(["F17", "F19", "N13"])
    facility.services.add(*Service.objects.filter(code__in=["OIT", "ORT", "SP", "F17", "F19", "N13", "PI"]))
    facility.insurers.add(Insurer.objects.create(name="Aetna", slug="aetna"))
    with CaptureQueriesContext(connection) as many:
        html = html_of(client.get(url, {"back": "location=30303"}))
    assert "Aetna" in html and "Intensive outpatient (IOP)" in html
    assert len(many.captured_queries) == len(few.captured_queries)


# Services in plain words


def test_services_are_grouped_under_plain_headings_with_the_type_of_care_first(client):
    aetna = Insurer.objects.create(name="Aetna", slug="aetna")
    # Languages SAMHSA codes without naming them, and a code added after the taxonomy was written.
    Service.create_missing(["F17", "F19", "N13", "ZZZ"])
    facility = make_facility(
        codes=["HID", "OIT", "MD", "PI", "BU", "ADLT", "SP", "F17", "F19", "N13", "JC", "ZZZ"], insurers=[aetna]
    )
    html = html_of(client.get(facility.get_absolute_url()))
    services = html.split('id="services-heading"', 1)[1]
    headings = re.findall(r"<h3>(.*?)</h3>", services)
    assert headings == [
        "Types of care",
        "Where care happens",
        "Medicines for addiction",
        "Ways to pay",
        "Insurance companies",
        "Ages they treat",
        "Languages and sign language",
        "Checked and approved by (accreditation)",
        "Other services",
    ]
    # Each level of care links to the guide page that explains it.
    assert '<a href="/understanding-care/medical-detox/">Medical detox</a>' in services
    assert '<a href="/understanding-care/intensive-outpatient/">Intensive outpatient (IOP)</a>' in services
    # SAMHSA's unnamed language codes read once, not once per code.
    assert "<li>2 other languages (call to ask which)</li>" in services
    assert "<li>1 Native American language (call to ask which)</li>" in services
    assert "SAMHSA code F17" not in services
    # The staff portal's section names are not the family's headings.
    assert "Service setting" not in html and "Payment accepted" not in html


def test_every_service_category_has_a_plain_heading():
    assert set(PLAIN_SERVICE_HEADINGS) == set(ServiceCategory)


def test_a_facility_without_services_says_to_call(client):
    facility = make_facility()
    assert "This facility hasn't listed its services yet. Call to ask." in html_of(
        client.get(facility.get_absolute_url())
    )
