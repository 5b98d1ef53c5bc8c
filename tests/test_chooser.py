"""The guided "what kind of care?" chooser: every path through its questions, the search it pre-sets, bad
and hostile posts, and that no answer is kept anywhere."""

import logging
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from centers import chooser
from centers.filters import FacilityFilter
from centers.models import Facility
from centers.vocabulary import Age, LevelOfCare, Medication, Payment, Population

URL = "/understanding-care/choose/"
CRISIS_LINKS = ('href="tel:911"', 'href="tel:988"')


class Page(HTMLParser):
    """A chooser page's forms: each form's method, action and inputs (name, type, value, checked)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": attrs.get("method"), "action": attrs.get("action"), "inputs": []})
        elif tag in ("input", "button") and self.forms:
            self.forms[-1]["inputs"].append(attrs)

    @property
    def chooser_form(self) -> dict:
        (form,) = [form for form in self.forms if form["method"] == "post"]
        return form

    @property
    def search_form(self) -> dict:
        (form,) = [form for form in self.forms if form["method"] == "get" and form["action"] in ("/", "/es/")]
        return form

    def carried(self) -> list[tuple[str, str]]:
        """The hidden fields the chooser form sends back (answers, step, resume), without the CSRF token."""
        return [
            (field["name"], field["value"])
            for field in self.chooser_form["inputs"]
            if field.get("type") == "hidden" and field["name"] != "csrfmiddlewaretoken"
        ]

    def screen(self) -> str:
        return dict(self.carried())["step"]

    def checked(self, name: str) -> list[str]:
        return [f["value"] for f in self.chooser_form["inputs"] if f.get("name") == name and "checked" in f]


def screen_of(response) -> str:
    if b'class="guide-search chooser-search"' in response.content:
        return chooser.RESULT
    return Page(response.content.decode()).screen()


def post(client, page: Page, url=URL, **extra):
    """Press a button on the screen: the hidden fields the page carries, plus this screen's answer and the button."""
    data = {}
    for name, value in page.carried():
        data.setdefault(name, []).append(value)
    for name, value in extra.items():
        data[name] = value
    return client.post(url, data)


def walk(client, answers: dict, url=URL):
    """Answer every screen the chooser shows, as a family would; returns the screens seen and the last response."""
    response = client.get(url)
    seen = []
    while True:
        assert response.status_code == 200, (seen, response.content.decode()[:3000])
        assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
        screen = screen_of(response)
        seen.append(screen)
        if screen == chooser.RESULT:
            return seen, response
        page = Page(response.content.decode())
        answer = {} if screen == chooser.CRISIS else {screen: answers[screen]}
        response = post(client, page, url, go="next", **answer)


def search_parameters(response) -> list[tuple[str, str]]:
    """The parameters the result's search form sends as it is (ticked boxes; the place is typed by the family)."""
    form = Page(response.content.decode()).search_form
    return [
        (field["name"], field.get("value", "on"))
        for field in form["inputs"]
        if field.get("type") == "checkbox" and "checked" in field
    ]


CALM = {
    "danger": "no",
    "substances": ["alcohol"],
    "withdrawal": "no",
    "home": "yes",
    "work": "no",
    "people": ["none"],
    "pay": "not-sure",
}
QUESTIONS_ASKED = ["danger", "substances", "withdrawal", "home", "work", "people", "pay"]

# (changes to CALM, the screens shown, the search parameters the result pre-sets)
PATHS = {
    "alcohol, no daily use, safe home: IOP or outpatient": (
        {},
        [*QUESTIONS_ASKED, "result"],
        [("level", "intensive-outpatient"), ("level", "outpatient")],
    ),
    "danger now: 911 and 988 first, straight after the first question": (
        {"danger": "yes"},
        ["danger", "crisis", *QUESTIONS_ASKED[1:], "result"],
        [("level", "intensive-outpatient"), ("level", "outpatient")],
    ),
    "daily alcohol: medical detox": (
        {"withdrawal": "yes"},
        [*QUESTIONS_ASKED, "result"],
        [("level", "medical-detox"), ("level", "intensive-outpatient"), ("level", "outpatient")],
    ),
    "benzodiazepines, not sure about withdrawal: medical detox to be safe": (
        {"substances": ["benzodiazepines"], "withdrawal": "not-sure"},
        [*QUESTIONS_ASKED, "result"],
        [("level", "medical-detox"), ("level", "intensive-outpatient"), ("level", "outpatient")],
    ),
    "opioids: medications and opioid treatment programs": (
        {"substances": ["opioids"]},
        [*QUESTIONS_ASKED, "result"],
        [
            ("level", "opioid-treatment-program"),
            ("level", "intensive-outpatient"),
            ("level", "outpatient"),
            ("medication", "buprenorphine"),
            ("medication", "methadone"),
            ("medication", "naltrexone"),
        ],
    ),
    "stimulants only: no withdrawal question; no safe home: residential": (
        {"substances": ["stimulants"], "home": "no"},
        ["danger", "substances", "home", "work", "people", "pay", "result"],
        [("level", "residential-short-term"), ("level", "residential-long-term")],
    ),
    "not sure about home: residential or IOP": (
        {"home": "not-sure"},
        [*QUESTIONS_ASKED, "result"],
        [("level", "residential-short-term"), ("level", "intensive-outpatient")],
    ),
    "must keep working: evening IOP (telehealth offered, not ticked)": (
        {"work": "yes"},
        [*QUESTIONS_ASKED, "result"],
        [("level", "intensive-outpatient"), ("level", "outpatient")],
    ),
    "no home but must keep working: residential, and IOP": (
        {"home": "no", "work": "yes"},
        [*QUESTIONS_ASKED, "result"],
        [
            ("level", "residential-short-term"),
            ("level", "residential-long-term"),
            ("level", "intensive-outpatient"),
        ],
    ),
    "pregnant teen veteran: matching programs and ages": (
        {"people": ["pregnant", "teen", "veteran"]},
        [*QUESTIONS_ASKED, "result"],
        [
            ("level", "intensive-outpatient"),
            ("level", "outpatient"),
            ("population", "pregnant"),
            ("population", "veterans"),
            ("age", "children"),
        ],
    ),
    "everything at once": (
        {
            "danger": "yes",
            "substances": ["alcohol", "opioids", "stimulants"],
            "withdrawal": "yes",
            "work": "yes",
            "people": ["pregnant"],
            "pay": "medicaid",
        },
        ["danger", "crisis", *QUESTIONS_ASKED[1:], "result"],
        [
            ("level", "medical-detox"),
            ("level", "opioid-treatment-program"),
            ("level", "intensive-outpatient"),
            ("level", "outpatient"),
            ("medication", "buprenorphine"),
            ("medication", "methadone"),
            ("medication", "naltrexone"),
            ("payment", "medicaid"),
            ("population", "pregnant"),
        ],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_each_path_through_the_questions_ends_with_its_search(client, path):
    changes, expected_screens, expected_parameters = PATHS[path]
    seen, result = walk(client, {**CALM, **changes})
    assert seen == expected_screens
    assert sorted(search_parameters(result)) == sorted(expected_parameters)


@pytest.mark.django_db
@pytest.mark.parametrize("work, offered", [("yes", True), ("no", False)])
def test_telehealth_is_offered_to_someone_who_must_keep_working_but_never_ticked(client, work, offered):
    _, result = walk(client, {**CALM, "work": work})
    html = result.content.decode()
    assert ('name="telehealth"' in html) is offered
    assert 'name="telehealth" id="find-telehealth" checked' not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "pay, payments",
    [
        ("medicaid", ["medicaid"]),
        ("medicare", ["medicare"]),
        ("private-insurance", ["private-insurance"]),
        ("military", ["military"]),
        ("self-pay", ["self-pay"]),
        ("low-income", ["sliding-scale", "free", "payment-assistance"]),
        ("not-sure", []),
    ],
)
def test_how_they_will_pay_sets_the_payment_filter(client, pay, payments):
    _, result = walk(client, {**CALM, "pay": pay})
    assert [value for name, value in search_parameters(result) if name == "payment"] == payments


def test_every_way_to_pay_has_a_rule_and_every_rule_a_way_to_pay():
    assert set(chooser.PAYMENTS) == {value for value, _ in chooser.Question.base_fields["pay"].choices}


def test_the_suggestion_uses_only_the_search_vocabulary():
    suggestion = chooser.suggest({**CALM, **PATHS["everything at once"][0], "people": ["teen", "veteran"]})
    assert suggestion.levels[0] == LevelOfCare.MEDICAL_DETOX
    assert suggestion.medications == (Medication.BUPRENORPHINE, Medication.METHADONE, Medication.NALTREXONE)
    assert suggestion.populations == (Population.VETERANS,)
    assert suggestion.ages == (Age.CHILDREN,)
    assert suggestion.payments == (Payment.MEDICAID,)
    assert len(set(suggestion.levels)) == len(suggestion.levels)


def test_a_skipped_question_s_answer_is_ignored():
    # Someone answered the withdrawal question, went back and changed the substance to stimulants only.
    suggestion = chooser.suggest({**CALM, "substances": ["stimulants"], "withdrawal": "yes"})
    assert LevelOfCare.MEDICAL_DETOX not in suggestion.levels


@pytest.mark.django_db
def test_danger_now_shows_911_and_988_before_anything_else(client):
    response = client.post(URL, {"step": "danger", "danger": "yes", "go": "next"})
    html = response.content.decode()
    main = html[html.index("<main") :]
    assert screen_of(response) == chooser.CRISIS
    first_heading = main[main.index("<h1") : main.index("</h1>")]
    assert "Get help now" in first_heading
    for link in CRISIS_LINKS:
        assert main.index(link) < main.index("<form")
    _, result = walk(client, {**CALM, "danger": "yes"})
    main = result.content.decode()[result.content.decode().index("<main") :]
    assert main.index('href="tel:911"') < main.index("<h1")  # on the result too, above everything else


@pytest.mark.django_db
def test_without_danger_there_is_no_crisis_box_but_the_result_still_says_whom_to_call(client):
    _, result = walk(client, CALM)
    html = result.content.decode()
    assert "Get help now" not in html
    main = html[html.index("<main") : html.index("</main>")]
    assert all(link in main for link in CRISIS_LINKS)


@pytest.mark.django_db
def test_the_result_explains_each_level_links_its_guide_page_and_says_it_is_not_medical_advice(client):
    _, result = walk(client, {**CALM, **PATHS["everything at once"][0]})
    html = result.content.decode()
    for topic in [LevelOfCare.MEDICAL_DETOX, LevelOfCare.OPIOID_TREATMENT_PROGRAM, *Medication]:
        assert f'href="{reverse("centers:guide-topic", kwargs={"topic": topic.value})}"' in html
    assert "medical detox keeps the person safe" in html
    assert "This is not medical advice" in html
    assert "ASAM Criteria" in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_the_preset_search_is_the_search_a_family_would_set_by_hand(
    client, path, detox_atlanta, outpatient_decatur, methadone_macon
):
    changes, _, expected = PATHS[path]
    _, result = walk(client, {**CALM, **changes})
    form = Page(result.content.decode()).search_form
    assert form["action"] == reverse("centers:search")
    (place,) = [field for field in form["inputs"] if field.get("type") == "text"]
    assert place["name"] == "location"
    preset = [*search_parameters(result), ("location", "30303"), ("radius", "100")]
    by_hand = [*expected, ("location", "30303"), ("radius", "100")]
    listed = Facility.objects.listed()
    from_chooser = FacilityFilter(_query(preset), queryset=listed)
    assert from_chooser.is_valid(), from_chooser.errors
    assert list(from_chooser.qs) == list(FacilityFilter(_query(by_hand), queryset=listed).qs)
    # And the page the Search button opens shows the same facilities.
    page = client.get(form["action"], _query(preset))
    assert page.status_code == 200
    assert [facility.pk for facility in page.context["page"]] == [facility.pk for facility in from_chooser.qs]


def _query(pairs):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for name, value in pairs:
        query.appendlist(name, value)
    return query


@pytest.mark.django_db
def test_the_preset_search_finds_the_matching_facility(client, detox_atlanta, outpatient_decatur, methadone_macon):
    # Daily drinking, a safe home, Medicaid: medical detox (or IOP, outpatient) that takes Medicaid near Atlanta.
    _, result = walk(client, {**CALM, "withdrawal": "yes", "pay": "medicaid"})
    page = client.get("/", _query([*search_parameters(result), ("location", "30303")]))
    html = page.content.decode()
    assert "Peachtree Medical Detox" in html
    assert "Decatur Outpatient Counseling" not in html  # outpatient, but no Medicaid
    assert "Middle Georgia Methadone Clinic" not in html  # Medicaid, but 80 miles away and not a level asked for


@pytest.mark.django_db
def test_back_goes_to_the_previous_question_with_its_answer_and_keeps_the_later_ones(client):
    carried = {"danger": "no", "substances": ["alcohol", "opioids"], "withdrawal": "yes", "work": "yes"}
    response = client.post(URL, {**carried, "step": "home", "home": "no", "go": "back"})
    assert response.status_code == 200
    page = Page(response.content.decode())
    assert page.screen() == "withdrawal"
    assert page.checked("withdrawal") == ["yes"]
    assert ("home", "no") in page.carried() and ("work", "yes") in page.carried()
    # Next again: the home question, its answer (given before pressing Back) still chosen.
    response = post(client, page, go="next", withdrawal="yes")
    assert Page(response.content.decode()).checked("home") == ["no"]
    # The first question has no Back button.
    first = Page(client.get(URL).content.decode())
    assert not any(field.get("value") == "back" for field in first.chooser_form["inputs"])


@pytest.mark.django_db
def test_change_one_answer_from_the_result_and_come_straight_back(client):
    _, result = walk(client, CALM)
    page = Page(result.content.decode())
    response = post(client, page, change="home")
    home = Page(response.content.decode())
    assert home.screen() == "home"
    assert home.checked("home") == ["yes"]
    assert ("resume", "1") in home.carried()
    response = post(client, home, go="next", home="no")
    assert screen_of(response) == chooser.RESULT
    assert ("level", "residential-short-term") in search_parameters(response)


@pytest.mark.django_db
def test_changing_to_danger_from_the_result_shows_911_and_988_before_the_result(client):
    _, result = walk(client, CALM)
    response = post(client, Page(result.content.decode()), change="danger")
    response = post(client, Page(response.content.decode()), go="next", danger="yes")
    assert screen_of(response) == chooser.CRISIS
    response = post(client, Page(response.content.decode()), go="next")
    assert screen_of(response) == chooser.RESULT


@pytest.mark.django_db
def test_changing_the_substance_can_add_a_question(client):
    _, result = walk(client, {**CALM, "substances": ["stimulants"]})
    response = post(client, Page(result.content.decode()), change="substances")
    response = post(client, Page(response.content.decode()), go="next", substances=["alcohol"])
    assert Page(response.content.decode()).screen() == "withdrawal"  # not answered yet: asked, not skipped


# Bad and hostile posts: the question again with a message and a 400, never a 500.
BAD_POSTS = {
    "nothing at all": ({}, "danger", "Please answer this question."),
    "an unknown step": ({"step": "payday", "danger": "no"}, "substances", "Please answer this question."),
    "no answer": ({"step": "danger", "go": "next"}, "danger", "Please choose an answer."),
    "an unknown answer": (
        {"step": "danger", "danger": "<b>maybe</b>"},
        "danger",
        "That answer is not one of the choices.",
    ),
    "an unknown answer among good ones": (
        {"step": "substances", "danger": "no", "substances": ["alcohol", "glue"]},
        "substances",
        "That answer is not one of the choices.",
    ),
    "a tampered earlier answer": (
        {**CALM, "danger": "perhaps", "step": "home", "go": "next"},
        "danger",
        "That answer is not one of the choices.",
    ),
    "a missing earlier answer": ({"step": "pay", "pay": "medicaid", "danger": "no"}, "substances", "Please choose"),
    "a step not asked for these answers": (
        {"danger": "no", "substances": ["stimulants"], "step": "withdrawal", "withdrawal": "yes"},
        "home",
        "Please answer this question.",
    ),
    "none of these with one of these": (
        {**CALM, "step": "people", "people": ["none", "pregnant"]},
        "people",
        "on its own",
    ),
    "a change to no such question": ({**CALM, "step": "pay", "change": "secrets"}, "pay", "can't be changed"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("bad", BAD_POSTS)
def test_a_bad_post_asks_the_question_again_with_a_message(client, bad):
    data, screen, message = BAD_POSTS[bad]
    response = client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert Page(html).screen() == screen
    assert 'class="field-error"' in html and message.replace("'", "&#x27;") in html
    assert "<b>maybe" not in html and "glue" not in html and "perhaps" not in html  # never echoed
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.django_db
def test_a_tampered_later_answer_is_dropped_not_carried(client):
    response = client.post(URL, {"step": "danger", "danger": "no", "pay": "gold-bars", "home": "yes"})
    assert response.status_code == 200
    carried = Page(response.content.decode()).carried()
    assert ("home", "yes") in carried
    assert not any(name == "pay" for name, _ in carried)


@pytest.mark.django_db
def test_answers_in_the_address_are_ignored_and_other_methods_refused(client):
    response = client.get(URL, {"danger": "yes", "step": "danger"})
    assert Page(response.content.decode()).screen() == "danger"
    assert Page(response.content.decode()).carried() == [("step", "danger")]
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused():
    assert Client(enforce_csrf_checks=True).post(URL, {"step": "danger", "danger": "no"}).status_code == 403


@pytest.mark.django_db
def test_no_answer_is_written_cached_or_logged(client, caplog):
    cache.clear()
    answers = {**CALM, **PATHS["everything at once"][0]}
    with caplog.at_level(logging.DEBUG), CaptureQueriesContext(connection) as queries:
        _, result = walk(client, answers)
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE"))]
    assert writes == []
    assert "sessionid" not in client.cookies
    assert not any("opioids" in record.getMessage() or "pregnant" in record.getMessage() for record in caplog.records)
    assert getattr(cache, "_cache", {}) == {}  # the test settings' local-memory cache: nothing was put in it
    assert result["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.django_db
def test_the_chooser_in_spanish(client):
    seen, result = walk(client, {**CALM, "substances": ["opioids"]}, url="/es" + URL)
    assert seen[-1] == chooser.RESULT
    first = client.get("/es" + URL).content.decode()
    with translation.override("es"):
        question = str(chooser.Question.base_fields["danger"].label)
    assert question != "Is anyone in danger right now?", "the catalogue is not compiled: make messages-compiled"
    assert question in first
    assert f'action="/es{URL}"' in first
    html = result.content.decode()
    assert "Esto no es un consejo médico" in html
    assert 'href="/es/understanding-care/opioid-treatment-program/"' in html
    assert Page(html).search_form["action"] == "/es/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    ["/", "/understanding-care/", "/understanding-care/medical-detox/", "/understanding-care/naltrexone/"],
)
def test_the_search_form_and_guide_pages_link_to_the_chooser(client, page):
    assert f'href="{URL}"' in client.get(page).content.decode()
    assert f'href="/es{URL}"' in client.get("/es" + page).content.decode()
