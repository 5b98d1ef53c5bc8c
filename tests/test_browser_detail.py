"""A facility's page in real Chromium: Call first on a phone, Share (share sheet or copy the link), Print on
ONE page without staff links, and "Back to results" returning to the family's search, with JavaScript on and off.

Screenshots go to /tmp/finder-detail-*.png for a person to look at.
"""

import os
import re
from urllib.parse import parse_qs, urlsplit

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as in test_browser.py: sync ORM setup beside Playwright

import pytest  # noqa: E402

from tests import test_browser as shared  # noqa: E402
from tests.browser import AXE_JS, axe_violations, describe_violations, skip_or_fail  # noqa: E402

# Browser contexts that fail a test on any CSP violation, and the demo directory, as in test_browser.py; the one
# Chromium they open pages in is conftest.py's `browser`.
new_context, page_without_js, directory = shared.new_context, shared.page_without_js, shared.directory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SEARCH = "/?location=30301&radius=25&level=intensive-outpatient"

# The most services any facility lists in SAMHSA's national file (59 codes, Safford, AZ), plus detox,
# residential and methadone: the longest listing a family could print.
CROWDED_CODES = (
    "AD ADLT ADM AH BU CHLD CJ CO CT DU DV F17 F19 F28 F30 F31 F37 F4 F42 F43 F47 F66 F67 F70 F81 F92 FEM FX GL "
    "IHS MALE MC MD MF MHSAF MI MN N13 N18 N23 N24 N40 NX OIT OMB OP ORT PI PW SA SE SF SI SP TRMA VET WN XA YAD "
    "HID RD RS RL OTP MM VTRL JC CARF STAG"
).split()


@pytest.fixture
def crowded(directory):
    """A listing with everything filled in: three phones, hours, a long description, openings with notes."""
    from centers.models import Availability, Facility, Insurer, Service

    Service.create_missing(CROWDED_CODES)
    facility = Facility.objects.create(
        name="Southeastern Arizona Behavioral Health Services",
        name2="(SEABHS) Safford Outpatient and Residential Campus",
        street1="1615 South 1st Avenue",
        street2="Building C, Suite 200",
        city="Safford",
        state="AZ",
        zip_code="85546",
        county="Graham County",
        latitude=32.82,
        longitude=-109.707,
        phone="(928) 555-0150",
        intake_phone="(928) 555-0151 ext. 12",
        hotline="(800) 555-0152",
        website="https://www.seabhs.example.org/locations/safford-outpatient",
        hours="Monday to Friday 7am to 7pm\nSaturday 9am to 1pm",
        intake_hours="Walk-in intake Monday to Friday 8am to 4pm",
        description="A community behavioral health center serving Graham, Greenlee and Cochise counties with "
        "outpatient, intensive outpatient and residential programs, medication for opioid use disorder, and "
        "services for veterans, adolescents and families. " * 3,
    )
    facility.services.add(*Service.objects.filter(code__in=CROWDED_CODES))
    for name in ("Aetna", "Blue Cross Blue Shield of Arizona", "Cigna", "Mercy Care", "TRICARE West"):
        insurer, _ = Insurer.objects.get_or_create(slug=name.lower().replace(" ", "-"), defaults={"name": name})
        facility.insurers.add(insurer)
    for level, status, note in [
        ("medical-detox", "accepting", "Call before noon for same-day admission; bring photo ID and your medicines."),
        ("residential-short-term", "waitlist", "The waitlist moves fast; call every morning to keep your place."),
        ("intensive-outpatient", "accepting", "Evening groups Monday to Thursday."),
    ]:
        Availability.objects.create(facility=facility, level=level, status=status, note=note, open_slots=3)
    facility.refresh_search_flags()
    return facility


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


# Call first


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_call_button_is_large_and_on_the_first_screen(new_context, live_server, crowded, size):
    from playwright.sync_api import expect

    options = PHONE if size == "phone" else DESKTOP
    page = new_context(**options).new_page()
    page.goto(live_server.url + crowded.get_absolute_url())
    call = page.locator(".call-button").first
    expect(call).to_contain_text("Call intake")
    expect(call).to_have_attribute("href", "tel:+19285550151,12")
    box = call.bounding_box()
    assert box["height"] >= 48, f"The Call button is {box['height']}px tall"
    assert box["y"] + box["height"] <= options["viewport"]["height"], (
        f"The Call button ends at {box['y'] + box['height']}px"
    )
    if size == "phone":
        assert box["width"] >= 340, f"The Call button is {box['width']}px wide on a 390px phone"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= options["viewport"]["width"], f"The page scrolls sideways ({scroll_width}px)"
    page.screenshot(path=f"/tmp/finder-detail-{size}.png")
    page.screenshot(path=f"/tmp/finder-detail-{size}-full.png", full_page=True)


# Print


def test_print_fits_one_page_without_staff_links_or_buttons(new_context, live_server, crowded):
    from playwright.sync_api import expect

    page = new_context().new_page()
    page.goto(live_server.url + crowded.get_absolute_url())
    staff_link = page.get_by_role("link", name="Work here? Keep this listing up to date")
    expect(staff_link).to_be_visible()  # on screen it is there, so hiding it on paper is the print stylesheet's doing

    for paper in ("Letter", "A4"):
        pdf = page.pdf(format=paper)
        assert pdf_page_count(pdf) == 1, f"The listing prints on {pdf_page_count(pdf)} {paper} pages"
        # Chromium writes every printed link as a URI annotation: the phones are there, the staff links are not.
        assert b"tel:+19285550151,12" in pdf and b"tel:+19285550150" in pdf
        assert b"/claim/" not in pdf and b"/report/" not in pdf
        assert b"google.com/maps" not in pdf  # the Directions button is for the screen

    page.emulate_media(media="print")
    for hidden in (staff_link, page.get_by_role("link", name="Report a problem with this listing")):
        expect(hidden).to_be_hidden()
    for button in ("Share", "Print"):
        expect(page.get_by_role("button", name=re.compile(button))).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.locator(".contact")).to_contain_text("(928) 555-0151 ext. 12")
    expect(page.locator(".contact")).to_contain_text("1615 South 1st Avenue")
    page.set_viewport_size({"width": 703, "height": 965})  # Letter less the margins
    page.screenshot(path="/tmp/finder-detail-print.png", full_page=True)


def test_the_print_button_opens_the_print_dialog(new_context, live_server, crowded):
    context = new_context()
    context.add_init_script("window.print = () => { window.finderPrinted = (window.finderPrinted || 0) + 1; };")
    page = context.new_page()
    page.goto(live_server.url + crowded.get_absolute_url())
    page.get_by_role("button", name="Print this listing").click()
    assert page.evaluate("window.finderPrinted") == 1


# Share


def test_share_copies_the_link_and_says_so_where_there_is_no_share_sheet(new_context, live_server, crowded):
    from playwright.sync_api import expect

    context = new_context(permissions=["clipboard-read", "clipboard-write"], **PHONE)
    context.add_init_script("delete Navigator.prototype.share;")  # a desktop browser: no share sheet
    page = context.new_page()
    listing = live_server.url + crowded.get_absolute_url()
    page.goto(listing + "?back=" + "location%3D85546%26radius%3D25")
    status = page.locator("[data-share-status]")
    expect(status).to_be_hidden()
    page.get_by_role("button", name="Share this listing").click()
    expect(status).to_have_text("Link copied. Paste it into a text or an email.")
    expect(status).to_be_visible()
    # The listing alone: the family's search (where they are) stays with them.
    assert page.evaluate("navigator.clipboard.readText()") == listing
    page.screenshot(path="/tmp/finder-detail-link-copied.png")


def test_share_opens_the_share_sheet_where_there_is_one(new_context, live_server, crowded):
    from playwright.sync_api import expect

    context = new_context(**PHONE)
    context.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'share', {configurable: true,"
        " value(data) { window.finderShared = data; return Promise.resolve(); }});"
    )
    page = context.new_page()
    page.goto(live_server.url + crowded.get_absolute_url() + "?back=location%3D85546")
    page.get_by_role("button", name="Share this listing").click()
    expect(page.locator("[data-share-status]")).to_be_hidden()
    assert page.evaluate("window.finderShared") == {
        "title": f"{crowded.name}, Safford, AZ",
        "url": live_server.url + crowded.get_absolute_url(),
    }


def test_without_javascript_share_is_a_plain_link_and_print_is_left_to_the_browser(
    page_without_js, live_server, crowded
):
    from playwright.sync_api import expect

    listing = live_server.url + crowded.get_absolute_url()
    page_without_js.goto(listing)
    expect(page_without_js.get_by_role("link", name="Link to this page")).to_have_attribute("href", listing)
    expect(page_without_js.locator("[data-share]")).to_be_hidden()
    expect(page_without_js.locator("[data-print]")).to_be_hidden()
    expect(page_without_js.locator(".call-button").first).to_be_visible()


# Back to the family's search


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without JavaScript"])
def test_back_to_results_returns_to_the_familys_search_with_its_filters(
    new_context, live_server, directory, javascript
):
    from playwright.sync_api import expect

    page = new_context(java_script_enabled=javascript, **PHONE).new_page()
    page.goto(live_server.url + SEARCH)
    names = page.locator(".result-list .card h3 a").all_inner_texts()
    assert names, "The search found nothing"
    page.locator(".result-list .card h3 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(names[0])

    page.get_by_role("link", name="Back to results").click()
    page.wait_for_url("**/?*location=30301*")
    assert parse_qs(urlsplit(page.url).query) == parse_qs(urlsplit(SEARCH).query)
    assert page.locator(".result-list .card h3 a").all_inner_texts() == names
    expect(page.locator("input[name=level][value=intensive-outpatient]")).to_be_checked()


# Accessibility


def test_the_detail_page_has_no_serious_accessibility_violations_on_a_phone(new_context, live_server, crowded):
    if not AXE_JS.exists():
        skip_or_fail("node_modules/axe-core is missing; run `make node_modules`")
    page = new_context(**PHONE).new_page()
    page.goto(live_server.url + crowded.get_absolute_url() + "?back=location%3D85546")
    page.get_by_role("button", name="Share this listing").wait_for()  # share.js has run: every control is shown
    violations = axe_violations(page)
    assert not violations, describe_violations("detail page (phone)", violations)
