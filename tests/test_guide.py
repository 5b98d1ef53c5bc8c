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


@pytest.mark.django_db
@pytest.mark.parametrize("topic", TOPICS, ids=[topic.value for topic in TOPICS])
def test_topic_page_has_its_label_in_the_h1_and_a_search_preset_link(client, topic):
    response = client.get(topic_url(topic))
    assert response.status_code == 200
    page = outline(response)
    assert page.h1_text.strip() == topic.label
    parameter = "level" if isinstance(topic, LevelOfCare) else "medication"
    search_preset = f"{reverse('centers:search')}?{parameter}={topic.value}"
    assert search_preset in page.hrefs
    assert f"Find {escape(topic.label)} near you" in response.content.decode()
    assert reverse("centers:guide") in page.hrefs


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
