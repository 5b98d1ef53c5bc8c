"""Issue 11, the family journey in Spanish on a phone (390x844), in real Chromium: a Spanish browser arrives at /es/,
searches by ZIP with a filter, reads a card, opens a facility, switches to English and back keeping the search;
the pages say lang="es" and pass axe-core.

Same requirements and fixtures as tests/test_browser.py (Chromium at /usr/bin/chromium, axe-core).
"""

import os
import re

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see tests/test_browser.py

import pytest  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from tests import test_browser as shared  # noqa: E402
from tests.browser import AXE_JS, axe_violations, describe_violations, skip_or_fail  # noqa: E402

new_context, directory, PHONE = shared.new_context, shared.directory, shared.PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SPANISH_PHONE = {"viewport": PHONE, "is_mobile": True, "has_touch": True, "locale": "es-MX"}


def audit(page, where: str) -> None:
    assert page.locator("html").get_attribute("lang") == "es", f"{where}: not lang=es"
    violations = axe_violations(page)
    assert not violations, describe_violations(f"{where} ({page.url})", violations)


def test_a_family_finds_care_in_spanish_on_a_phone_and_switches_language_keeping_the_search(
    new_context, live_server, directory
):
    if not AXE_JS.exists():
        skip_or_fail("node_modules/axe-core is missing; run `make node_modules`")
    page = new_context(**SPANISH_PHONE).new_page()

    # A Spanish browser's first visit: the Spanish page.
    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/es/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Encuentre tratamiento para adicciones cerca de usted")
    audit(page, "Spanish search page")

    # Search by ZIP with a filter.
    page.get_by_label("Código postal (ZIP) o ciudad").fill("30303")
    page.get_by_text("Tipo de atención, pago y más").click()
    page.get_by_label("Tratamiento ambulatorio intensivo (IOP)").check()
    page.get_by_role("button", name="Buscar").click()
    assert re.search(r"/es/\?.*location=30303", page.url) and "level=intensive-outpatient" in page.url
    expect(page.locator("#results-heading")).to_contain_text("a menos de 25 millas de 30303 (Atlanta, GA)")
    audit(page, "Spanish results")

    # Read a card: its words are Spanish, its data as stored.
    card = page.locator(".result-list .card").first
    expect(card.locator(".call")).to_contain_text("Llamar al")
    expect(card.locator(".badges")).to_contain_text("Tratamiento ambulatorio intensivo (IOP)")
    name = card.locator("h3 a").inner_text()

    # Open the facility: its page in Spanish, with the way back to these results.
    card.locator("h3 a").click()
    assert re.search(r"/es/facility/\d+/", page.url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    expect(page.get_by_role("link", name="Volver a los resultados")).to_be_visible()
    audit(page, "Spanish facility page")

    # Switch to English: the same facility, still with the way back to the same search.
    page.get_by_role("link", name="English").click()
    assert re.search(r"^[^?]*/facility/\d+/", page.url) and "/es/" not in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="Back to results").click()
    assert "/es/" not in page.url and "location=30303" in page.url and "level=intensive-outpatient" in page.url
    expect(page.locator("#results-heading")).to_contain_text("within 25 miles of 30303 (Atlanta, GA)")

    # Having chosen English, the home page stays English for this Spanish browser.
    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/" and page.locator("html").get_attribute("lang") == "en"

    # And back to Spanish from the English results, keeping the search.
    page.go_back()
    page.get_by_role("link", name="Español").click()
    assert "/es/?" in page.url and "location=30303" in page.url and "level=intensive-outpatient" in page.url
    expect(page.locator("#results-heading")).to_contain_text("a menos de 25 millas de 30303 (Atlanta, GA)")
    assert page.locator("html").get_attribute("lang") == "es"
