"""The maps in real Chromium: one marker per listed result, no request to any other host, keyboard, axe-core.

Uses the harness and the directory of tests/test_browser.py (Chromium at /usr/bin/chromium, axe-core from npm).
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as in tests/test_browser.py

import pytest  # noqa: E402

from tests import test_browser as harness  # noqa: E402
from tests.browser import axe_violations, describe_violations  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402

# Browser contexts that fail a test on any CSP violation, and the directory, as in test_browser.py (the browser
# itself is in conftest.py: one per session).
new_context, directory, log_in = harness.new_context, harness.directory, harness.log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SIZES = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
RESULTS = "/?location=30303&radius=25"
MARKERS = ".leaflet-marker-icon.map-marker"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201"
    "a2ec5d2e0000000049454e44ae426082"
)


def open_page(new_context, live_server, size, path, **options):
    """A page at ``size`` that records every request it makes."""
    page = new_context(**size, **options).new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(live_server.url + path)
    return page


def other_hosts(page, live_server) -> list[str]:
    return [url for url in page.requests if not url.startswith(live_server.url + "/")]


def assert_accessible(page, label):
    violations = axe_violations(page)
    assert not violations, describe_violations(label, violations)


def assert_no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"The page scrolls sideways by {width}px"


def show_map(page, size):
    """On a phone the map is one tap away; on a wide screen it is already beside the list."""
    from playwright.sync_api import expect

    if size is PHONE:
        expect(page.locator("#results-map")).to_be_hidden()
        page.get_by_role("button", name="Map", exact=True).click()
    expect(page.locator("#results-map.map-ready")).to_be_visible()


@SIZES
def test_the_results_map_has_one_marker_per_listed_result_and_asks_no_other_host(
    new_context, live_server, directory, size
):
    from playwright.sync_api import expect

    page = open_page(new_context, live_server, size, RESULTS)
    cards = page.locator(".result-list .card")
    show_map(page, size)

    expect(page.locator(MARKERS)).to_have_count(cards.count())
    assert cards.count() >= 3
    numbers = page.locator(f"{MARKERS} .map-marker-number").all_inner_texts()
    assert sorted(map(int, numbers)) == list(range(1, cards.count() + 1))
    expect(page.locator("#results-map canvas")).to_be_attached()  # the outlines are drawn
    page.wait_for_load_state("networkidle")
    assert any(url.endswith(".json") and "counties" in url for url in page.requests), "No county outlines loaded"
    assert not other_hosts(page, live_server)
    assert_accessible(page, f"search results with the map ({size['viewport']['width']}px)")
    assert_no_sideways_scroll(page)


def test_on_a_phone_the_map_replaces_the_list_only_when_asked(new_context, live_server, directory):
    from playwright.sync_api import expect

    page = open_page(new_context, live_server, PHONE, RESULTS)
    list_button = page.get_by_role("button", name="List", exact=True)
    map_button = page.get_by_role("button", name="Map", exact=True)
    expect(page.locator(".result-list")).to_be_visible()
    expect(list_button).to_have_attribute("aria-pressed", "true")
    # Until the map is asked for, a phone downloads no map library at all.
    assert not [url for url in page.requests if "leaflet.js" in url]

    map_button.click()
    expect(page.locator(".result-list")).to_be_hidden()
    expect(page.locator(MARKERS).first).to_be_visible()
    expect(map_button).to_have_attribute("aria-pressed", "true")

    list_button.click()
    expect(page.locator(".result-list")).to_be_visible()
    expect(page.locator("#results-map")).to_be_hidden()


def test_on_a_wide_screen_the_map_sits_beside_the_list(new_context, live_server, directory):
    page = open_page(new_context, live_server, DESKTOP, RESULTS)
    show_map(page, DESKTOP)

    first_card = page.locator(".result-list .card").first.bounding_box()
    the_map = page.locator("#results-map").bounding_box()
    assert first_card["x"] + first_card["width"] <= the_map["x"], "The list runs under the map"
    assert the_map["y"] < first_card["y"] + first_card["height"], "The map is not beside the first result"


def test_the_keyboard_reaches_a_marker_and_opens_its_popup(new_context, live_server, directory):
    from playwright.sync_api import expect

    page = open_page(new_context, live_server, DESKTOP, RESULTS)
    show_map(page, DESKTOP)
    first_name = page.locator(".result-list .card h3 a").first.inner_text()

    page.locator("#results-heading").focus()
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('map-marker')"):
            break
    else:
        pytest.fail("Tab never reached a map marker")
    focused = page.locator(f"{MARKERS}:focus")
    assert focused.get_attribute("role") == "button"
    number = focused.locator(".map-marker-number").inner_text()
    page.keyboard.press("Enter")

    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("miles away")
    expect(popup.locator("a[href^='tel:']")).to_have_count(1)
    if number == "1":
        expect(popup).to_contain_text(first_name)


def test_without_javascript_the_list_is_the_whole_answer(new_context, live_server, directory):
    page = open_page(new_context, live_server, PHONE, RESULTS, java_script_enabled=False)

    assert page.locator(".result-list .card").count() >= 3
    assert not page.locator("#results-map").is_visible()
    assert not page.get_by_role("button", name="Map", exact=True).is_visible()
    assert not [url for url in page.requests if "/vendor/" in url]  # not even Leaflet's stylesheet


@SIZES
def test_the_detail_page_shows_a_still_map_and_asks_no_other_host(new_context, live_server, directory, size):
    from playwright.sync_api import expect

    page = open_page(new_context, live_server, size, directory["iop_downtown"].get_absolute_url())

    expect(page.locator("#detail-map.map-ready")).to_be_visible()
    expect(page.locator("#detail-map .leaflet-marker-icon")).to_have_count(1)
    # Nothing to operate: no zoom buttons, and neither the map nor its marker takes focus.
    expect(page.locator("#detail-map .leaflet-control-zoom")).to_have_count(0)
    expect(page.locator("#detail-map [tabindex]")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert not other_hosts(page, live_server)
    assert_accessible(page, f"detail page with its map ({size['viewport']['width']}px)")
    assert_no_sideways_scroll(page)


@SIZES
def test_the_gaps_page_draws_each_place_on_the_base_map(new_context, live_server, steward, size):
    from playwright.sync_api import expect

    from helpline.models import SearchGap

    places = [("GA", 33.8, -84.4, 30), ("MT", 46.9, -110.4, 2), ("AK", 61.2, -149.9, 1)]
    for state, latitude, longitude, searches in places:
        SearchGap.objects.create(
            surface="public", state=state, latitude=latitude, longitude=longitude, radius="25", searches=searches
        )
    page = new_context(**size).new_page()
    log_in(page, live_server, steward.username, PASSWORD, landing="**/helpline/gaps/")
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.reload()

    expect(page.locator("#gaps-map.map-ready")).to_be_visible()
    circles = page.locator("#gaps-map path.leaflet-interactive")
    expect(circles).to_have_count(len(places))
    expect(page.locator("#gap-areas tbody tr")).to_have_count(len(places))
    page.wait_for_load_state("networkidle")
    assert not other_hosts(page, live_server)
    assert_accessible(page, f"gaps page with its map ({size['viewport']['width']}px)")
    assert_no_sideways_scroll(page)


def test_a_configured_tile_layer_is_drawn_and_allowed(new_context, live_server, directory, settings):
    from playwright.sync_api import expect

    tiles = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.FINDER_MAP_TILES_URL = tiles
    settings.FINDER_MAP_TILES_ATTRIBUTION = "Example tiles"
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **policy["DIRECTIVES"],
            "img-src": [*policy["DIRECTIVES"]["img-src"], "https://tiles.example.org"],
        }
    }
    context = new_context(**DESKTOP)
    served = []

    def serve_tile(route):
        served.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PNG)

    context.route("https://tiles.example.org/**", serve_tile)
    page = context.new_page()
    page.goto(live_server.url + RESULTS)

    expect(page.locator("#results-map img.leaflet-tile-loaded").first).to_be_attached()
    expect(page.locator("#results-map .leaflet-control-attribution")).to_contain_text("Example tiles")
    assert served and all(url.startswith("https://tiles.example.org/") for url in served)
    # new_context fails the test on any Content-Security-Policy violation, so the tiles were allowed.
