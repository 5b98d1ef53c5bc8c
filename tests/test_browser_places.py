"""From a guide page to results for that type of care, on a phone, with and without JavaScript (Playwright).

Uses the Chromium, Content-Security-Policy recording and axe-core audit of tests/test_browser.py.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as in tests/test_browser.py

import pytest  # noqa: E402

from tests import test_browser  # noqa: E402
from tests.browser import AXE_JS, FIND_OVERFLOW_JS, axe_violations, describe_violations, skip_or_fail  # noqa: E402
from tests.conftest import DECATUR, make_facility  # noqa: E402

# The context factory that fails a test on any Content-Security-Policy violation (the session's one
# Chromium, the `browser` fixture, is in tests/conftest.py).
new_context = test_browser.new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
DETOX_GUIDE = "/understanding-care/medical-detox/"


@pytest.fixture
def cast():
    from centers import geo
    from centers.models import Service

    geo.load_gazetteer()  # as finder/wsgi.py does at start-up; the live server runs in this process
    Service.create_missing(["HID", "RD", "OIT", "ORT"])  # a transactional test may start with none
    return {
        "detox": make_facility(name="Peachtree Medical Detox", codes=["HID", "RD"]),
        "outpatient": make_facility(name="Decatur Outpatient Counseling", codes=["OIT", "ORT"], at=DECATUR),
    }


def phone_page(new_context, javascript=True):
    return new_context(**PHONE, java_script_enabled=javascript).new_page()


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_from_a_guide_page_a_family_types_a_city_and_lands_on_that_care_nearby(
    new_context,
    live_server,
    cast,
    javascript,
):
    from playwright.sync_api import expect

    page = phone_page(new_context, javascript)
    page.goto(live_server.url + DETOX_GUIDE)
    place = page.get_by_label("ZIP code or city")
    box = place.bounding_box()
    assert box["y"] + box["height"] <= PHONE["viewport"]["height"], "The place box is below the first screen"
    page.screenshot(path=f"/tmp/places-guide-phone-{'js' if javascript else 'nojs'}.png")
    place.fill("Atlanta")
    page.get_by_role("button", name="Search", exact=True).click()

    page.wait_for_url("**/?*location=Atlanta*")
    assert "level=medical-detox" in page.url
    expect(page.get_by_role("heading", name="within 25 miles of Atlanta, GA")).to_be_visible()
    names = page.locator(".result-list .card h3 a").all_inner_texts()
    assert names == [cast["detox"].name]
    expect(page.get_by_label("Medical detox", exact=True)).to_be_checked()
    page.screenshot(path=f"/tmp/places-results-phone-{'js' if javascript else 'nojs'}.png")


def test_guide_search_without_a_place_asks_for_one_on_the_search_page(new_context, live_server, cast):
    from playwright.sync_api import expect

    page = phone_page(new_context)
    page.goto(live_server.url + DETOX_GUIDE)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/?*level=medical-detox*")
    expect(page.locator("#id_location_error")).to_contain_text("Enter a ZIP code or a city to find care near you")
    expect(page.locator(".result-list")).to_have_count(0)
    expect(page.get_by_label("Medical detox", exact=True)).to_be_checked()
    page.screenshot(path="/tmp/places-guide-no-place-phone.png")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_guide_page_with_its_search_form_passes_axe_and_fits(new_context, live_server, cast, size):
    if not AXE_JS.exists():
        skip_or_fail(f"{AXE_JS.relative_to(AXE_JS.parents[2])} is missing; run `make node_modules`")
    options = PHONE if size == "phone" else {"viewport": {"width": 1366, "height": 900}}
    page = new_context(**options).new_page()
    response = page.goto(live_server.url + DETOX_GUIDE)
    assert response.status == 200
    violations = axe_violations(page)
    assert not violations, describe_violations(f"guide page ({DETOX_GUIDE}, {size})", violations)
    width = options["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.evaluate(FIND_OVERFLOW_JS)
    page.screenshot(path=f"/tmp/places-guide-{size}.png")


def test_did_you_mean_on_the_search_page_passes_axe(new_context, live_server, cast):
    if not AXE_JS.exists():
        skip_or_fail(f"{AXE_JS.relative_to(AXE_JS.parents[2])} is missing; run `make node_modules`")
    page = phone_page(new_context)
    page.goto(live_server.url + "/?location=Portland")
    assert page.get_by_role("link", name="Portland, ME").count() == 1
    violations = axe_violations(page)
    assert not violations, describe_violations("search page with Did you mean", violations)
    page.locator(".did-you-mean").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/places-did-you-mean-phone.png")
