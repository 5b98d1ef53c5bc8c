"""The "Understanding care" guide in Spanish: every page under /es/understanding-care/ is in Spanish.

The words around the guide's text (topic labels and descriptions, the place field's label and help) come from
the vocabulary and the search form, which are translated with them; this module checks the guide's own prose.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from centers.filters import FacilityFilter
from centers.vocabulary import LevelOfCare, Medication

TOPICS = [*LevelOfCare, *Medication]

# Words that only the Spanish text of each page has (one per page, from its own paragraphs).
DISTINCTIVE = {
    "index": "No necesita saber las palabras correctas para llamar",
    LevelOfCare.MEDICAL_DETOX: "puede causar convulsiones, confusión y alucinaciones",
    LevelOfCare.OUTPATIENT_DETOX: "En la desintoxicación ambulatoria, la persona vive en su casa",
    LevelOfCare.HOSPITAL_INPATIENT: "atención médica o psiquiátrica de cerca",
    LevelOfCare.RESIDENTIAL_SHORT_TERM: "nuevas formas de sobrellevar las cosas",
    LevelOfCare.RESIDENTIAL_LONG_TERM: "comunidades terapéuticas",
    LevelOfCare.PARTIAL_HOSPITALIZATION: "o tratamiento de día",
    LevelOfCare.INTENSIVE_OUTPATIENT: "los detonantes",
    LevelOfCare.OUTPATIENT: "se reúne con un consejero",
    LevelOfCare.OPIOID_TREATMENT_PROGRAM: "no es «cambiar una droga por otra»",
    Medication.BUPRENORPHINE: "se disuelve debajo de la lengua",
    Medication.METHADONE: "dosis para llevar a casa",
    Medication.NALTREXONE: "una inyección en el glúteo",
}
# The headings every topic page has.
TOPIC_HEADINGS = ["Qué es", "Para quién es", "Cuánto dura", "Qué pasa cuando usted llama"]


@pytest.fixture(autouse=True)
def _english_after():
    """A request to /es/ leaves Spanish active in this thread (LocaleMiddleware never deactivates): reset it, so
    the next module's reverse() gives English URLs (wip/i18n's conftest does the same for every test)."""
    yield
    translation.activate("en")


class PageText(HTMLParser):
    """The page's lang, title, meta description, and the text of each block (p, li, h1-h3) inside <main>."""

    BLOCKS = {"p", "li", "h1", "h2", "h3"}

    def __init__(self):
        super().__init__()
        self.lang = None
        self.title = ""
        self.description = ""
        self.blocks = []
        self.hrefs = []
        self.form_actions = []
        self._in_main = self._in_title = False
        self._open = []  # the blocks being read (a <p> inside an <li> is its own block)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content", "")
        elif tag == "main":
            self._in_main = True
        elif self._in_main and tag == "a":
            self.hrefs.append(attrs.get("href", ""))
        elif self._in_main and tag == "form":
            self.form_actions.append(attrs.get("action", ""))
        if self._in_main and tag in self.BLOCKS:
            self._open.append([tag, ""])

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "main":
            self._in_main = False
        if self._open and tag == self._open[-1][0]:
            _, text = self._open.pop()
            self.blocks.append(" ".join(text.split()))

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        for block in self._open:
            block[1] += data


def read(client, url) -> PageText:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = PageText()
    parser.feed(response.content.decode())
    return parser


def page_url(topic, language):
    with translation.override(language):
        if topic == "index":
            return reverse("centers:guide")
        return reverse("centers:guide-topic", kwargs={"topic": topic.value})


def words_from_elsewhere() -> set[str]:
    """The English text a guide page shows that is not the guide's own: the vocabulary and the place field."""
    with translation.override("en"):
        place = FacilityFilter.base_filters["location"]
        texts = {str(place.label), str(place.extra["help_text"])}
        for topic in TOPICS:
            texts.add(str(topic.label))
            if isinstance(topic, LevelOfCare):
                texts.add(str(topic.description))
                texts.add(f"{topic.label}{topic.description}")  # the index's list: a link, then the description
    return {" ".join(text.split()) for text in texts}


@pytest.mark.django_db
@pytest.mark.parametrize("topic", ["index", *TOPICS], ids=lambda topic: str(topic))
def test_spanish_guide_page_is_in_spanish_with_no_english_paragraph_left(client, topic):
    english = read(client, page_url(topic, "en"))
    spanish = read(client, page_url(topic, "es"))
    assert page_url(topic, "es").startswith("/es/")
    assert spanish.lang == "es"
    text = "\n".join(spanish.blocks)
    assert DISTINCTIVE[topic] in text
    if topic != "index":
        headings = [block for block in spanish.blocks if block in TOPIC_HEADINGS]
        assert headings == TOPIC_HEADINGS
        assert "entender el tratamiento" in spanish.title
    else:
        assert spanish.title.startswith("Entender el tratamiento")
    elsewhere = words_from_elsewhere()
    own = [block for block in english.blocks if block and block not in elsewhere]
    assert len(own) >= 10  # the English page really has prose to compare
    left = [block for block in own if block in spanish.blocks]
    assert not left, f"English left on {page_url(topic, 'es')}: {left}"
    assert english.description and spanish.description != english.description


@pytest.mark.django_db
@pytest.mark.parametrize("topic", ["index", *TOPICS], ids=lambda topic: str(topic))
def test_spanish_guide_page_links_and_searches_stay_in_spanish(client, topic):
    # Links inside translated paragraphs are placeholders filled with the URL in the page's language.
    spanish = read(client, page_url(topic, "es"))
    internal = [href for href in spanish.hrefs if href.startswith("/")]
    assert internal
    assert all(href.startswith("/es/") for href in internal), internal
    assert all(action.startswith("/es/") for action in spanish.form_actions), spanish.form_actions
    for href in {href for href in internal if href.startswith("/es/understanding-care/")}:
        assert client.get(href).status_code == 200, href


@pytest.mark.django_db
def test_spanish_topic_page_search_finds_that_care_in_spanish(client, detox_atlanta, outpatient_decatur):
    action = read(client, page_url(LevelOfCare.MEDICAL_DETOX, "es")).form_actions[0]
    response = client.get(action, {"level": LevelOfCare.MEDICAL_DETOX.value, "location": "Atlanta"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="es"' in html
    assert "Peachtree Medical Detox" in html and "Decatur Outpatient Counseling" not in html
