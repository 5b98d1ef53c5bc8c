"""The API's documentation page (/api/docs/) in real Chromium: Swagger UI from Finder's own static files, under the
site's Content-Security-Policy, asking no other host for anything, and able to run a search."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as in test_browser.py: sync ORM setup beside Playwright

import pytest  # noqa: E402

from tests import test_browser as shared  # noqa: E402
from tests.conftest import make_facility  # noqa: E402

# Contexts that fail the test on any Content-Security-Policy violation (test_browser.py).
new_context = shared.new_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_docs_page_describes_the_api_and_runs_a_search_from_finders_own_files(new_context, live_server):
    make_facility(name="Docs Page Recovery", codes=["OP"])
    page = new_context(viewport={"width": 1366, "height": 900}).new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{live_server.url}/api/docs/")
    page.get_by_text("Finder API", exact=False).first.wait_for()
    search = page.locator("#operations-Facilities-search_facilities")
    search.wait_for()
    assert page.locator(".opblock-get").count() == 2  # the search and one facility
    search.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("textbox", name="location").fill("30303")
    page.get_by_role("button", name="Execute").click()
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    assert "Docs Page Recovery" in page.locator(".live-responses-table tbody pre").first.inner_text()
    page.screenshot(path="/tmp/finder-api-docs.png", full_page=False)
    elsewhere = [url for url in asked if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert not elsewhere, f"the docs page asked other hosts: {elsewhere}"
