"""A family's search in real Chromium (Playwright), with and without JavaScript, plus an axe-core audit.

Needs /usr/bin/chromium (apt-get install chromium) and node_modules/axe-core (make node_modules).
Without them these tests skip, or fail when FINDER_REQUIRE_BROWSER=1 (as in CI).
"""

import os

# Playwright's sync API runs an asyncio loop in this thread, and Django refuses ORM calls from a
# thread with a running loop. The ORM calls here are plain synchronous test setup, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

from tests.browser import (  # noqa: E402
    AXE_JS,
    FIND_OVERFLOW_JS,
    axe_violations,
    describe_violations,
    flush_csp_violations,
    parse_miles,
    record_csp_violations,
    skip_or_fail,
)

# transaction=True: the live server runs in another thread and must see the test's data.
# serialized_rollback=True: the flush after each test empties every table, including the Service
# rows the data migration made; this restores them before the next test.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ATLANTA = {"latitude": 33.75, "longitude": -84.39}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def new_context(browser):
    """Opens browser contexts (cookies, permissions, viewport) and closes them after the test.

    No page opened in them may cause a Content-Security-Policy violation: checked after the test.
    """
    contexts, recorded = [], []

    def new_context(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        if options.get("java_script_enabled", True):  # without JavaScript, pages can't report
            recorded.append((context, record_csp_violations(context)))
        return context

    yield new_context
    for context, _ in recorded:
        flush_csp_violations(context)
    for context in contexts:
        context.close()
    reported = [violation for _, violations in recorded for violation in violations]
    assert not reported, f"{len(reported)} Content-Security-Policy violation(s):\n" + "\n".join(reported)


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def page_without_js(new_context):
    return new_context(java_script_enabled=False).new_page()


@pytest.fixture
def directory():
    """400 demo facilities around the country plus a small cast in downtown Atlanta."""
    from centers.demo import load_demo
    from centers.models import Facility, Service

    load_demo(count=400, seed=7)
    iop, outpatient = Service.objects.get(code="OIT"), Service.objects.get(code="ORT")
    cast = {
        "iop_downtown": Facility.objects.create(
            name="Peachtree Crossing Recovery",
            street1="55 Park Pl NE",
            city="Atlanta",
            state="GA",
            zip_code="30303",
            latitude=33.7525,
            longitude=-84.3888,
            phone="(404) 555-0101",
        ),
        "iop_old_fourth_ward": Facility.objects.create(
            name="Sweet Auburn Intensive Outpatient",
            street1="101 Auburn Ave NE",
            city="Atlanta",
            state="GA",
            zip_code="30303",
            latitude=33.7555,
            longitude=-84.3800,
            phone="(404) 555-0102",
        ),
        "outpatient_only": Facility.objects.create(
            name="Five Points Counseling",
            street1="30 Alabama St SW",
            city="Atlanta",
            state="GA",
            zip_code="30303",
            latitude=33.7537,
            longitude=-84.3916,
            phone="(404) 555-0103",
        ),
    }
    cast["iop_downtown"].services.add(iop, outpatient)
    cast["iop_old_fourth_ward"].services.add(iop)
    cast["outpatient_only"].services.add(outpatient)
    return cast


def search_for_intensive_outpatient_near_30301(page, live_server, directory):
    """The journey a family takes, using only what they can see: labels, the summary, the button."""
    from playwright.sync_api import expect

    response = page.goto(live_server.url + "/")
    assert response.status == 200
    page.get_by_label("ZIP code or city").fill("30301")
    # Chosen, not left at the default: ZIP 30301's center is about 8 miles from downtown.
    page.get_by_label("Distance").select_option("25")
    page.get_by_text("Type of care, payment and more").click()
    page.get_by_label("Intensive outpatient (IOP)", exact=True).check()
    page.get_by_role("button", name="Search", exact=True).click()

    page.wait_for_url("**/?*location=30301*")
    assert "radius=25" in page.url and "level=intensive-outpatient" in page.url
    expect(page.locator(".result-list .card").first).to_be_visible()
    distances = [parse_miles(text) for text in page.locator(".result-list .card .distance").all_inner_texts()]
    names = page.locator(".result-list .card h3 a").all_inner_texts()
    assert distances, "Result cards show no distance"
    assert len(distances) == len(names)
    assert distances == sorted(distances), f"Results are not nearest first: {list(zip(names, distances, strict=True))}"
    assert directory["iop_downtown"].name in names
    assert directory["iop_old_fourth_ward"].name in names
    assert directory["outpatient_only"].name not in names

    page.locator(".result-list .card h3 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(names[0])  # plus any second name


def test_family_finds_intensive_outpatient_near_a_zip_code(page, live_server, directory):
    search_for_intensive_outpatient_near_30301(page, live_server, directory)


def test_family_finds_intensive_outpatient_without_javascript(page_without_js, live_server, directory):
    search_for_intensive_outpatient_near_30301(page_without_js, live_server, directory)


def test_use_my_location_fills_in_coordinates(new_context, live_server, directory):
    from playwright.sync_api import expect

    page = new_context(permissions=["geolocation"], geolocation=ATLANTA).new_page()
    page.goto(live_server.url + "/")
    button = page.get_by_role("button", name="Use my location")
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_label("ZIP code or city")).to_have_value("33.7500,-84.3900")

    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/?*location=*")
    expect(page.locator(".result-list .card h3 a").first).to_have_text(directory["iop_downtown"].name)


def test_use_my_location_is_hidden_without_javascript(page_without_js, live_server, directory):
    from playwright.sync_api import expect

    page_without_js.goto(live_server.url + "/")
    expect(page_without_js.get_by_label("ZIP code or city")).to_be_visible()
    expect(page_without_js.locator("[data-locate]")).to_be_hidden()


def test_search_and_results_fit_a_phone_screen(new_context, live_server, directory):
    page = new_context(viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True).new_page()
    pages = {
        "search page, filters open": "/",
        "results page": "/?location=30301&radius=25&level=intensive-outpatient",
        "detail page": directory["iop_downtown"].get_absolute_url(),
    }
    for label, path in pages.items():
        page.goto(live_server.url + path)
        if path == "/":
            page.get_by_text("Type of care, payment and more").click()
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= PHONE["width"], (
            f"{label} scrolls sideways on a {PHONE['width']}px-wide phone ({scroll_width}px wide). "
            f"Too wide: {page.evaluate(FIND_OVERFLOW_JS)}"
        )


AUDITED_PAGES = {
    "search": lambda cast: "/",
    "results": lambda cast: "/?location=30301&radius=25&level=intensive-outpatient",
    "detail": lambda cast: cast["iop_downtown"].get_absolute_url(),
    "guide": lambda cast: "/understanding-care/",
}


@pytest.mark.parametrize("name", AUDITED_PAGES)
def test_page_has_no_serious_accessibility_violations(name, page, live_server, directory):
    if not AXE_JS.exists():
        skip_or_fail(f"{AXE_JS.relative_to(AXE_JS.parents[2])} is missing; run `make node_modules`")
    path = AUDITED_PAGES[name](directory)
    response = page.goto(live_server.url + path)
    assert response.status == 200, f"{path} answered {response.status}"
    violations = axe_violations(page)
    assert not violations, describe_violations(f"{name} page ({path})", violations)


AUDITED_PAGES.update(
    {
        "report a problem": lambda cast: f"/facility/{cast['iop_downtown'].pk}/report/",
        "claim a listing": lambda cast: f"/facility/{cast['iop_downtown'].pk}/claim/",
        "staff login": lambda cast: "/staff/login/",
    }
)


def helpline_groups():
    """The helpline groups. A data migration makes them, but the flush between live-server tests can drop them."""
    from django.contrib.auth.models import Group

    return [Group.objects.get_or_create(name=name)[0] for name in ("Helpline workers", "Helpline supervisors")]


def make_admissions_user(facility):
    from portal.models import Membership
    from tests.conftest import PASSWORD, make_user

    user = make_user("intake-nurse")
    Membership.objects.create(user=user, facility=facility, role=Membership.Role.EDITOR)
    return user, PASSWORD


def log_in(page, live_server, username, password, landing="**/staff/"):
    next_page = "" if landing == "**/staff/" else "?next=" + landing.strip("*")
    page.goto(live_server.url + "/staff/login/" + next_page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(landing)


def test_staff_member_updates_iop_in_one_tap_and_families_see_it(new_context, live_server, directory):
    """Admissions staff on a phone mark IOP as accepting; a family's "accepting now" search then finds it."""
    from playwright.sync_api import expect

    facility = directory["iop_downtown"]
    family = new_context().new_page()
    accepting_nearby = live_server.url + "/?location=30303&radius=5&accepting=on"
    family.goto(accepting_nearby)
    assert facility.name not in family.locator("main").inner_text()

    user, password = make_admissions_user(facility)
    phone = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    log_in(phone, live_server, user.username, password)
    phone.get_by_role("link", name=facility.name).first.click()
    expect(phone.get_by_role("heading", name="Intensive outpatient (IOP)")).to_be_visible()
    phone.get_by_role("button", name="Accepting for Intensive outpatient (IOP)", exact=True).click()  # one tap
    expect(phone.get_by_text("Accepting new patients").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    family.goto(accepting_nearby)
    card = family.locator(".result-list .card", has_text=facility.name)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Accepting new patients")
    expect(card).to_contain_text("updated")


def test_staff_portal_page_has_no_serious_accessibility_violations(new_context, live_server, directory):
    if not AXE_JS.exists():
        skip_or_fail("node_modules/axe-core is missing; run `make node_modules`")
    facility = directory["iop_downtown"]
    user, password = make_admissions_user(facility)
    page = new_context().new_page()
    log_in(page, live_server, user.username, password)
    for path in ("/staff/", f"/staff/facility/{facility.pk}/", f"/staff/facility/{facility.pk}/edit/"):
        assert page.goto(live_server.url + path).status == 200
        violations = axe_violations(page)
        assert not violations, describe_violations(f"staff page {path}", violations)


def test_helpline_worker_shortlists_three_copies_the_text_logs_a_referral_and_sees_it_reported(
    new_context, live_server, directory
):
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD, make_user

    worker = make_user("helpline-hana")
    worker.groups.add(*helpline_groups())
    context = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    log_in(page, live_server, worker.username, PASSWORD, landing="**/helpline/")

    search_box = page.get_by_label("ZIP code or city")
    expect(search_box).to_be_focused()  # keyboard-first: type straight away
    search_box.fill("30303")
    search_box.press("Enter")
    page.wait_for_url("**/helpline/?*location=30303*")

    chosen = [directory[key].name for key in ("iop_downtown", "iop_old_fourth_ward", "outpatient_only")]
    for name in chosen:
        page.get_by_role("button", name=f"Add to shortlist for {name}").click()
        expect(page.get_by_role("button", name=f"Remove from shortlist for {name}")).to_be_visible()
    page.get_by_role("link", name="Shortlist (3)").click()

    message = page.get_by_label("As a text message").input_value()
    assert len(message) < 480 and all(name[:20] in message for name in chosen)
    page.get_by_role("button", name="Copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == message

    page.get_by_role("link", name=f"Log a referral to {chosen[0]}").click()
    page.get_by_label("Type of care they need").select_option("intensive-outpatient")
    page.get_by_label("Facility full").check()
    page.get_by_role("button", name="Log referral").click()
    expect(page.get_by_text(f"Referral logged: {chosen[0]}")).to_be_visible()

    page.get_by_role("link", name="Reports").click()
    outcomes = page.locator("#by-outcome-table tbody tr")
    expect(outcomes).to_have_count(1)
    expect(outcomes.first).to_contain_text("Facility full")
    expect(outcomes.first.locator("td")).to_have_text("1")
    full_by_level = page.locator("#full-by-level-table tbody tr").first
    expect(full_by_level).to_contain_text("Intensive outpatient (IOP)")
    expect(full_by_level.locator("td")).to_have_text("1")


def test_helpline_pages_have_no_serious_accessibility_violations(new_context, live_server, directory):
    if not AXE_JS.exists():
        skip_or_fail("node_modules/axe-core is missing; run `make node_modules`")
    from tests.conftest import PASSWORD, make_user

    supervisor = make_user("helpline-sam")
    supervisor.groups.add(*helpline_groups())
    page = new_context().new_page()
    log_in(page, live_server, supervisor.username, PASSWORD, landing="**/helpline/")
    facility = directory["iop_downtown"]
    for path in (
        "/helpline/?location=30303&radius=10",
        "/helpline/shortlist/",
        f"/helpline/referrals/new/?facility={facility.pk}",
        "/helpline/referrals/",
        "/helpline/follow-ups/",
        "/helpline/reports/",
        "/helpline/gaps/",
    ):
        assert page.goto(live_server.url + path).status == 200, path
        violations = axe_violations(page)
        assert not violations, describe_violations(f"helpline page {path}", violations)


# Content-Security-Policy. Every test above also checks that its pages caused no violation (new_context).


def test_the_policy_blocks_injected_script_and_style_and_the_harness_reports_it(browser, live_server, db):
    """Guards the check in new_context: a page that breaks the policy must be reported, not pass silently."""
    from tests.browser import flush_csp_violations, record_csp_violations

    context = browser.new_context()
    try:
        violations = record_csp_violations(context)
        page = context.new_page()
        page.goto(live_server.url + "/understanding-care/")
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.append(script);
                document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
            }"""
        )
        flush_csp_violations(context)
        assert page.evaluate("window.injected") is None, "An injected inline script ran"
        assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
        assert any(violation.startswith("script-src-elem blocked inline") for violation in violations), violations
        assert any(violation.startswith("style-src-attr blocked inline") for violation in violations), violations
    finally:
        context.close()


def test_stewards_admin_works_under_the_content_security_policy(new_context, live_server, directory):
    """The admin's own scripts (filters, autocomplete, date and slug helpers) run; no page breaks the policy."""
    from playwright.sync_api import expect

    from centers.models import Facility, Insurer
    from tests.conftest import PASSWORD, make_user

    steward = make_user("steward-stella", is_staff=True, is_superuser=True)
    facility = directory["iop_downtown"]
    facility.name = "Peachtree Crossing Recovery Center"
    facility.save()  # a second version, so the history page lists changes
    Insurer.objects.create(name="Peach State Health Plan", slug="peach-state")
    page = new_context().new_page()
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(steward.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")

    for path in (
        "/admin/",
        "/admin/centers/facility/",
        "/admin/centers/facility/staleness/",
        f"/admin/centers/facility/{facility.pk}/history/",
        "/admin/centers/availability/",
        "/admin/portal/problemreport/",
        "/admin/portal/invitation/",
        "/admin/helpline/referral/",
    ):
        assert page.goto(live_server.url + path).status == 200, path

    # Two-box service picker (SelectFilter2): its filter box only exists when the script ran.
    page.goto(live_server.url + f"/admin/centers/facility/{facility.pk}/change/")
    expect(page.locator("#id_services_input")).to_have_count(1)
    # The slug fills in from the name (prepopulate.js and URLify).
    page.goto(live_server.url + "/admin/centers/insurer/add/")
    page.locator("#id_name").press_sequentially("Blue Ridge Health")  # it listens for keyup
    expect(page.locator("#id_slug")).to_have_value("blue-ridge-health")
    # Autocomplete (select2) looks facilities up as the steward types.
    page.goto(live_server.url + "/admin/portal/invitation/add/")
    page.locator(".select2-selection").first.click()
    page.locator(".select2-search__field").fill("Sweet Auburn")
    expect(page.locator(".select2-results__option", has_text="Sweet Auburn Intensive Outpatient")).to_be_visible()
    assert Facility.objects.filter(name="Sweet Auburn Intensive Outpatient").exists()
