"""The Spanish guide pages in real Chromium on a phone: readable, linked in Spanish, searchable, and axe-clean.

Uses the harness and the directory of tests/test_browser.py (Chromium at /usr/bin/chromium, axe-core from npm).
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as in tests/test_browser.py

import pytest  # noqa: E402

from tests import test_browser as harness  # noqa: E402
from tests.browser import AXE_JS, axe_violations, describe_violations, skip_or_fail  # noqa: E402

new_context, directory = harness.new_context, harness.directory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def open_phone_page(new_context, live_server, path):
    page = new_context(**PHONE, locale="es-US").new_page()
    response = page.goto(live_server.url + path)
    assert response.status == 200, f"{path} answered {response.status}"
    return page


@pytest.mark.parametrize(
    ("topic", "heading"),
    [("medical-detox", "Después de la desintoxicación: un momento de riesgo"), ("buprenorphine", "Cómo funciona")],
    ids=["medical-detox", "buprenorphine"],
)
def test_spanish_guide_page_reads_on_a_phone_without_sideways_scroll_or_accessibility_violations(
    new_context, live_server, topic, heading
):
    from playwright.sync_api import expect

    if not AXE_JS.exists():
        skip_or_fail(f"{AXE_JS.relative_to(AXE_JS.parents[2])} is missing; run `make node_modules`")
    path = f"/es/understanding-care/{topic}/"
    page = open_phone_page(new_context, live_server, path)
    assert page.locator("html").get_attribute("lang") == "es"
    for name in ("Qué es", "Para quién es", "Cuánto dura", "Qué pasa cuando usted llama", heading):
        expect(page.get_by_role("heading", level=2, name=name, exact=True)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"{path} scrolls sideways by {width}px"
    violations = axe_violations(page)
    assert not violations, describe_violations(f"Spanish guide page ({path})", violations)


def test_family_follows_a_spanish_link_then_searches_from_the_guide_in_spanish(new_context, live_server, directory):
    from playwright.sync_api import expect

    page = open_phone_page(new_context, live_server, "/es/understanding-care/outpatient/")
    # A link inside a translated paragraph leads to the next page in Spanish.
    page.get_by_role("link", name="tratamiento ambulatorio intensivo (IOP)").first.click()
    page.wait_for_url("**/es/understanding-care/intensive-outpatient/")
    expect(page.get_by_role("heading", level=2, name="Qué es", exact=True)).to_be_visible()

    page.locator("#find-location").fill("30303")
    page.get_by_role("button", name="Buscar", exact=True).click()
    page.wait_for_url("**/es/?*location=30303*")
    assert "level=intensive-outpatient" in page.url
    assert page.locator("html").get_attribute("lang") == "es"
    names = page.locator(".result-list .card h3 a").all_inner_texts()
    assert directory["iop_downtown"].name in names
    assert directory["outpatient_only"].name not in names
