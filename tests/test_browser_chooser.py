"""The "what kind of care?" chooser in real Chromium on a phone, in English and in Spanish, with and without
JavaScript: one question per screen, the pre-set search at the end finds care, and axe-core finds no serious
problem on any screen.

Same requirements and fixtures as tests/test_browser.py (Chromium at /usr/bin/chromium, axe-core).
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # see tests/test_browser.py

import pytest  # noqa: E402

from tests import test_browser as shared  # noqa: E402
from tests.browser import AXE_JS, FIND_OVERFLOW_JS, axe_violations, describe_violations, skip_or_fail  # noqa: E402

new_context, directory, PHONE = shared.new_context, shared.directory, shared.PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Someone who drinks but not daily, has a safe home and can take time away: IOP or outpatient, as the cast offers.
ANSWERS = [
    ("danger", ["no"]),
    ("substances", ["alcohol", "stimulants"]),
    ("withdrawal", ["no"]),
    ("home", ["yes"]),
    ("work", ["no"]),
    ("people", ["none"]),
    ("pay", ["not-sure"]),
]
WORDS = {
    "en": {"first": "Is anyone in danger right now?", "result": "Care that may fit", "search": "Search"},
    "es": {"first": "¿Hay alguien en peligro ahora mismo?", "result": "Atención que podría servir", "search": "Buscar"},
}


def audit(page, label: str, javascript: bool) -> None:
    """No serious axe-core problem, nothing wider than the phone, and the page's main button on the first screen."""
    assert page.evaluate(FIND_OVERFLOW_JS) == [] if javascript else True
    if javascript:
        violations = axe_violations(page)
        assert not violations, describe_violations(label, violations)


@pytest.mark.parametrize(
    "language, javascript", [("en", True), ("es", True), ("es", False)], ids=["en", "es", "es-no-js"]
)
def test_a_family_answers_the_questions_on_a_phone_and_searches(
    new_context, live_server, directory, language, javascript
):
    if javascript and not AXE_JS.exists():
        skip_or_fail(f"{AXE_JS.relative_to(AXE_JS.parents[2])} is missing; run `make node_modules`")
    prefix = "" if language == "en" else "/es"
    words = WORDS[language]
    page = new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript, locale=language
    ).new_page()
    response = page.goto(f"{live_server.url}{prefix}/understanding-care/choose/")
    assert response.status == 200
    assert page.locator("h1").first.inner_text().strip() == words["first"]
    for number, (question, values) in enumerate(ANSWERS, start=1):
        assert page.locator("input[name=step]").get_attribute("value") == question
        # One question per screen: the question, its answers and the Next button fit on a phone's screen together
        # (measured from the question down: the demo data's banner above it is not there in production).
        next_button = page.locator("button[name=go][value=next]")
        box = next_button.bounding_box()
        top = page.locator("fieldset.chooser-question legend").bounding_box()
        assert box and top and box["y"] + box["height"] - top["y"] <= PHONE["height"], (
            f"{question} is taller than a phone"
        )
        assert page.locator("fieldset.chooser-question").count() == 1
        audit(page, f"{language} question {number} ({question})", javascript)
        for value in values:
            page.locator(f"input[name={question}][value={value}]").check()
        next_button.click()
    assert page.locator("h1").first.inner_text().strip() == words["result"]
    assert f"{prefix}/understanding-care/intensive-outpatient/" in page.locator(".chooser-levels").inner_html()
    audit(page, f"{language} result", javascript)
    search = page.locator("form.chooser-search")
    search.locator("input[name=location]").fill("30303")
    search.get_by_role("button", name=words["search"]).click()
    page.wait_for_url(f"**{prefix}/?*")
    assert "level=intensive-outpatient" in page.url and "level=outpatient" in page.url
    names = page.locator(".result-list .card h3, .result-list .card h2").all_inner_texts()
    assert any("Peachtree Crossing Recovery" in name for name in names), names
    assert "Five Points Counseling" in " ".join(names)  # outpatient only: one of the levels asked for


def test_danger_shows_911_and_988_first_and_back_keeps_the_answer(new_context, live_server, directory):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(live_server.url + "/understanding-care/choose/")
    page.locator("input[name=danger][value=yes]").check()
    page.locator("button[name=go][value=next]").click()
    crisis = page.locator(".chooser-crisis")
    assert crisis.locator('a[href="tel:911"]').is_visible() and crisis.locator('a[href="tel:988"]').is_visible()
    box = crisis.locator('a[href="tel:988"]').bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    audit(page, "crisis screen", True)
    page.locator("button[name=go][value=next]").click()
    assert page.locator("input[name=step]").get_attribute("value") == "substances"
    page.locator("button[name=go][value=back]").click()
    page.locator("button[name=go][value=back]").click()
    assert page.locator("input[name=step]").get_attribute("value") == "danger"
    assert page.locator("input[name=danger][value=yes]").is_checked()
