"""The "Understanding care" guide: the index, one page per level of care and medication."""

from html import escape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from centers.vocabulary import LevelOfCare, Medication

TOPICS = [*LevelOfCare, *Medication]


class PageOutline(HTMLParser):
    """Collects heading levels, the h1 text and every link's href from a page."""

    def __init__(self):
        super().__init__()
        self.heading_levels = []
        self.h1_text = ""
        self.hrefs = []
        self._in_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading_levels.append(int(tag[1]))
            self._in_h1 = tag == "h1"
        elif tag == "a":
            self.hrefs.append(dict(attrs).get("href", ""))

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1_text += data


def outline(response):
    parser = PageOutline()
    parser.feed(response.content.decode())
    return parser


def topic_url(topic):
    return reverse("centers:guide-topic", kwargs={"topic": topic.value})


@pytest.mark.django_db
def test_index_lists_every_level_and_medication_with_a_link_to_its_page(client):
    response = client.get(reverse("centers:guide"))
    assert response.status_code == 200
    page = outline(response)
    assert page.h1_text.strip() == "Understanding care"
    html = response.content.decode()
    for topic in TOPICS:
        assert escape(topic.label) in html
        assert topic_url(topic) in page.hrefs


@pytest.mark.django_db
def test_index_shows_each_level_description(client):
    html = client.get(reverse("centers:guide")).content.decode()
    for level in LevelOfCare:
        assert escape(level.description) in html


class GuideForm(HTMLParser):
    """The search form on a guide page: its action and method, its inputs, and the labels of its inputs."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.labels = {}
        self._label_for = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "method": attrs.get("method"), "inputs": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["inputs"].append(attrs)
        elif tag == "label":
            self._label_for = attrs.get("for")

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_for = None

    def handle_data(self, data):
        if self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data


def guide_form(response):
    parser = GuideForm()
    parser.feed(response.content.decode())
    (form,) = parser.forms
    return form, parser.labels


def parameter_for(topic):
    return "level" if isinstance(topic, LevelOfCare) else "medication"


@pytest.mark.django_db
@pytest.mark.parametrize("topic", TOPICS, ids=[topic.value for topic in TOPICS])
def test_topic_page_has_its_label_in_the_h1_and_a_search_form_for_it(client, topic):
    response = client.get(topic_url(topic))
    assert response.status_code == 200
    page = outline(response)
    assert page.h1_text.strip() == topic.label
    form, labels = guide_form(response)
    assert (form["action"], form["method"]) == (reverse("centers:search"), "get")
    hidden = [(i["name"], i["value"]) for i in form["inputs"] if i.get("type") == "hidden"]
    assert hidden == [(parameter_for(topic), topic.value)]
    (place,) = [i for i in form["inputs"] if i.get("type") == "text"]
    assert place["name"] == "location"
    assert labels[place["id"]] == "ZIP code or city"
    assert f"Find {escape(topic.label)} near you" in response.content.decode()
    # No link straight to a search without a place: that listed the whole country, starting in Alaska.
    assert not any(href.startswith(reverse("centers:search") + "?") for href in page.hrefs)
    assert reverse("centers:guide") in page.hrefs


def submit(client, form, place):
    params = {i["name"]: i.get("value", "") for i in form["inputs"]}
    params["location"] = place
    return client.get(form["action"], params)


@pytest.mark.django_db
@pytest.mark.parametrize("topic", [LevelOfCare.MEDICAL_DETOX, Medication.BUPRENORPHINE], ids=str)
def test_guide_form_finds_that_care_near_the_place_typed(client, topic, detox_atlanta, outpatient_decatur):
    form, _ = guide_form(client.get(topic_url(topic)))
    response = submit(client, form, "Atlanta")
    assert response.status_code == 200
    html = response.content.decode()
    assert "of Atlanta, GA" in html
    assert "Peachtree Medical Detox" in html and "Decatur Outpatient Counseling" not in html
    assert response.context["filterset"].form[parameter_for(topic)].value() == [topic.value]


@pytest.mark.django_db
def test_guide_form_without_a_place_asks_for_one_and_keeps_the_type_of_care(client, detox_atlanta):
    form, _ = guide_form(client.get(topic_url(LevelOfCare.MEDICAL_DETOX)))
    response = submit(client, form, "")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a ZIP code or a city to find care near you" in html
    assert "Peachtree Medical Detox" not in html
    assert response.context["filterset"].form["level"].value() == ["medical-detox"]


@pytest.mark.django_db
@pytest.mark.parametrize("level", LevelOfCare, ids=[level.value for level in LevelOfCare])
def test_level_page_shows_the_vocabulary_description(client, level):
    response = client.get(topic_url(level))
    assert escape(level.description) in response.content.decode()


@pytest.mark.django_db
def test_unknown_topic_returns_404(client):
    response = client.get(reverse("centers:guide-topic", kwargs={"topic": "rehab-spa"}))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("centers:guide"), *map(topic_url, TOPICS)])
def test_guide_page_has_one_h1_and_no_skipped_heading_levels(client, url):
    levels = outline(client.get(url)).heading_levels
    assert levels.count(1) == 1
    assert levels[0] == 1
    for previous, current in zip(levels, levels[1:], strict=False):
        assert current <= previous + 1


@pytest.mark.django_db
@pytest.mark.parametrize("url", [reverse("centers:guide"), *map(topic_url, TOPICS)])
def test_guide_links_to_other_guide_pages_all_work(client, url):
    # Pages link to each other by hand in their prose; a renamed topic would otherwise 404 quietly.
    guide_prefix = reverse("centers:guide")
    links = {href for href in outline(client.get(url)).hrefs if href.startswith(guide_prefix)}
    for href in links:
        assert client.get(href).status_code == 200, href
