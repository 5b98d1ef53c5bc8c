"""Issue 8, the search pages in real Chromium: results on the first screen of a phone and a desktop, with
and without JavaScript; the Refine panel and its chips; "Use my location"; the crisis line; axe-core.

Same requirements and fixtures as tests/test_browser.py (Chromium at /usr/bin/chromium, axe-core).
"""

import os
import re

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see tests/test_browser.py

import pytest  # noqa: E402

from tests import test_browser as shared  # noqa: E402
from tests.browser import AXE_JS, FIND_OVERFLOW_JS, axe_violations, describe_violations, skip_or_fail  # noqa: E402

# The browser, its contexts (which fail a test on any CSP violation) and the cast are tests/test_browser.py's.
# (One Chromium per session: the `browser` fixture is in tests/conftest.py.)
new_context, directory = shared.new_context, shared.directory
ATLANTA, PHONE, helpline_groups, log_in = shared.ATLANTA, shared.PHONE, shared.helpline_groups, shared.log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1366, "height": 900}
SCREENS = {
    "phone": {"viewport": PHONE, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": DESKTOP},
}
RESULTS = "/?location=30301&radius=25&level=intensive-outpatient"


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not on the page"
    return found


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("screen", SCREENS)
def test_after_a_search_the_heading_and_first_result_are_on_the_first_screen(
    new_context, live_server, directory, screen, javascript
):
    page = new_context(java_script_enabled=javascript, **SCREENS[screen]).new_page()
    page.goto(live_server.url + RESULTS)
    height = SCREENS[screen]["viewport"]["height"]
    heading, card = box(page, "#results-heading"), box(page, ".result-list .card")
    assert page.evaluate("window.scrollY") == 0
    assert heading["y"] + heading["height"] <= height, f"results heading ends at {heading['y'] + heading['height']}px"
    assert card["y"] < height - 100, f"first result card starts at {card['y']}px on a {height}px-high screen"
    if javascript:  # keyboard and screen-reader users start at the results
        assert page.evaluate("document.activeElement.id") == "results-heading"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_on_a_wide_screen_the_filters_are_a_side_column_beside_the_results(
    new_context, live_server, directory, javascript
):
    page = new_context(java_script_enabled=javascript, viewport=DESKTOP).new_page()
    page.goto(live_server.url + RESULTS)
    form, results = box(page, ".search-form"), box(page, ".results")
    assert form["x"] + form["width"] <= results["x"], "the form is not beside the results"
    assert abs(form["y"] - results["y"]) < 200
    assert page.get_by_label("ZIP code or city").is_visible()  # open, even without JavaScript
    assert page.get_by_label("Intensive outpatient (IOP)", exact=True).is_checked()


def test_on_a_phone_the_filters_fold_into_refine_and_a_chip_removes_a_filter_in_one_tap(
    new_context, live_server, directory
):
    from playwright.sync_api import expect

    page = new_context(**SCREENS["phone"]).new_page()
    page.goto(live_server.url + RESULTS + "&payment=medicaid")
    expect(page.get_by_label("ZIP code or city")).to_be_hidden()
    cast = directory["iop_downtown"].name  # offers IOP but takes no Medicaid
    expect(page.get_by_role("link", name=cast)).to_have_count(0)
    page.get_by_role("link", name="Remove Medicaid").click()
    page.wait_for_url(lambda url: "payment=" not in url)
    assert "level=intensive-outpatient" in page.url and "location=30301" in page.url
    expect(page.get_by_role("link", name="Remove Medicaid")).to_have_count(0)
    expect(page.get_by_role("link", name=cast)).to_have_count(1)

    page.get_by_text("Refine search").click()
    expect(page.get_by_label("ZIP code or city")).to_have_value("30301")


def test_use_my_location_searches_at_once(new_context, live_server, directory):
    from playwright.sync_api import expect

    page = new_context(permissions=["geolocation"], geolocation=ATLANTA).new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Use my location").click()  # no second tap on Search
    page.wait_for_url("**/?*location=33.7500%2C-84.3900*")
    expect(page.locator(".result-list .card h3 a").first).to_have_text(directory["iop_downtown"].name)


def test_use_my_location_refused_says_so_and_returns_to_the_box(new_context, live_server, directory):
    from playwright.sync_api import expect

    page = new_context().new_page()  # no geolocation permission: Chromium refuses
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("[data-locate-status]")).to_contain_text("Location is blocked for this site")
    expect(page.get_by_label("ZIP code or city")).to_be_focused()
    assert page.url == live_server.url + "/"


def test_what_the_scripts_say_is_in_the_page_s_language(new_context, live_server, directory):
    from playwright.sync_api import expect

    page = new_context(locale="es").new_page()  # no geolocation permission: Chromium refuses
    page.goto(live_server.url + "/es/")
    page.get_by_role("button", name="Usar mi ubicación").click()
    expect(page.locator("[data-locate-status]")).to_contain_text("La ubicación está bloqueada para este sitio")
    page.goto(live_server.url + "/es" + directory["iop_downtown"].get_absolute_url())
    page.evaluate("Object.defineProperty(navigator, 'share', {value: undefined})")  # copy instead of a share sheet
    page.get_by_role("button", name="Compartir esta ficha").click()
    expect(page.locator("[data-share-status]")).to_contain_text(re.compile("Copie este enlace:|Enlace copiado"))


def test_crisis_numbers_are_within_the_first_150_pixels_of_a_phone(new_context, live_server, directory):
    page = new_context(**SCREENS["phone"]).new_page()
    for path in ("/", RESULTS, directory["iop_downtown"].get_absolute_url(), "/understanding-care/"):
        page.goto(live_server.url + path)
        for link in ("tel:988", "sms:988", "tel:911", "tel:+18006624357"):
            found = box(page, f'.crisis-bar a[href="{link}"]')
            assert found["y"] + found["height"] <= 150, f"{link} ends {found['y'] + found['height']}px down {path}"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} is {width}px wide: {page.evaluate(FIND_OVERFLOW_JS)}"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_helpline_results_are_beside_the_form_on_a_desk_screen(new_context, live_server, directory, javascript):
    from tests.conftest import PASSWORD, make_user

    worker = make_user("helpline-hana")
    worker.groups.add(*helpline_groups())
    page = new_context(java_script_enabled=javascript, viewport=DESKTOP).new_page()
    log_in(page, live_server, worker.username, PASSWORD, landing="**/helpline/")
    page.goto(live_server.url + "/helpline/?location=30303&radius=10&level=intensive-outpatient")
    form, card = box(page, ".helpline-search"), box(page, ".result-list > li")
    assert card["y"] < DESKTOP["height"] - 100, f"first result starts at {card['y']}px"
    assert form["x"] + form["width"] <= card["x"]


AUDITED = {
    "results on a phone": (RESULTS, SCREENS["phone"]),
    "results on a desktop": (RESULTS, {"viewport": DESKTOP}),
    "no results on a phone": ("/?location=30303&radius=5&level=medical-detox&language=deaf", SCREENS["phone"]),
    "Refine open on a phone": (RESULTS + "&age=adults", SCREENS["phone"]),
}


@pytest.mark.parametrize("name", AUDITED)
def test_search_pages_have_no_serious_accessibility_violations(name, new_context, live_server, directory):
    if not AXE_JS.exists():
        skip_or_fail("node_modules/axe-core is missing; run `make node_modules`")
    path, options = AUDITED[name]
    page = new_context(**options).new_page()
    assert page.goto(live_server.url + path).status == 200
    if name.startswith("Refine open"):
        page.get_by_text("Refine search").click()
    violations = axe_violations(page)
    assert not violations, describe_violations(f"{name} ({path})", violations)
