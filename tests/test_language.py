"""Issue 11: which language a page is in (finder/language.py), the switch on every page, and the APIs staying English.

English pages at /..., Spanish at /es/...; a Spanish browser's first visit to an English address goes to /es/...;
the switch remembers a choice in Django's language cookie.
"""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.http import urlencode

from centers.templatetags import centers_extras

pytestmark = pytest.mark.django_db

SPANISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_a_spanish_browsers_first_visit_goes_to_the_same_page_in_spanish_keeping_the_search(client):
    response = client.get("/?location=30303&level=medical-detox", **SPANISH_BROWSER)
    assert response.status_code == 302
    assert response["Location"] == "/es/?location=30303&level=medical-detox"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_a_spanish_browser_on_a_facility_page_goes_to_its_spanish_page(client, detox_atlanta):
    url = detox_atlanta.get_absolute_url()
    response = client.get(url, **SPANISH_BROWSER)
    assert response.status_code == 302 and response["Location"] == f"/es{url}"
    assert client.get(response["Location"], **SPANISH_BROWSER).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no Accept-Language: English
        ENGLISH_BROWSER,
        {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9"},  # none of ours: English
        {"HTTP_ACCEPT_LANGUAGE": "en;q=0.9,es;q=0.8"},  # English first
        {**SPANISH_BROWSER, "HTTP_USER_AGENT": "Mozilla/5.0 (compatible; Googlebot/2.1)"},  # crawlers: never
    ],
    ids=["no-header", "english", "french", "english-first", "crawler"],
)
def test_other_visitors_get_the_english_page_where_they_asked(client, headers):
    response = client.get("/", **headers)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_someone_who_chose_english_is_never_sent_back_to_spanish(client):
    client.cookies[COOKIE] = "en"
    response = client.get("/", **SPANISH_BROWSER)
    assert response.status_code == 200 and '<html lang="en">' in response.content.decode()


def test_someone_who_chose_spanish_gets_spanish_from_an_english_link(client):
    client.cookies[COOKIE] = "es"
    response = client.get("/understanding-care/", **ENGLISH_BROWSER)
    assert response.status_code == 302 and response["Location"] == "/es/understanding-care/"


def test_a_spanish_address_is_spanish_whatever_the_browser_or_cookie(client):
    client.cookies[COOKIE] = "en"
    response = client.get("/es/", **ENGLISH_BROWSER)
    assert response.status_code == 200 and '<html lang="es">' in response.content.decode()


@pytest.mark.parametrize("path", ["/api/v1/facilities/", "/healthz", "/admin/login/", "/no-such-page/"])
def test_only_pages_are_redirected(client, path):
    response = client.get(path, **SPANISH_BROWSER)
    assert not (response.status_code == 302 and response["Location"].startswith("/es/")), response["Location"]


def test_a_post_is_never_redirected_to_another_language(client):
    response = client.post(reverse("portal:login"), {"username": "x", "password": "y"}, **SPANISH_BROWSER)
    assert response.status_code != 302 or not response["Location"].startswith("/es/")


def test_the_json_api_keeps_english_labels_and_messages_for_a_spanish_browser(client, detox_atlanta):
    response = client.get("/api/v1/facilities/", {"location": "30303"}, **SPANISH_BROWSER)
    assert response.status_code == 200 and response["Content-Language"] == "en"
    levels = response.json()["results"][0]["levels_of_care"]
    assert {"value": "medical-detox", "label": "Medical detox"} in levels
    bad = client.get("/api/v1/facilities/", {"location": "99999"}, **SPANISH_BROWSER)
    assert bad.status_code == 400 and "couldn't find" in bad.content.decode()


def test_the_switch_shows_the_same_search_in_the_other_language_and_remembers_the_choice(client):
    english = client.get("/", {"location": "30303", "level": "medical-detox"}).content.decode()
    switch = "/language/?to=es&amp;next=%2F%3Flocation%3D30303%26level%3Dmedical-detox"
    assert f'<a href="{switch}" hreflang="es" lang="es" rel="alternate">Español</a>' in english
    response = client.get(switch.replace("&amp;", "&"))
    assert response.status_code == 302 and response["Location"] == "/es/?location=30303&level=medical-detox"
    assert response.cookies[COOKIE].value == "es" and response.cookies[COOKIE]["samesite"] == "Lax"
    spanish = client.get(response["Location"]).content.decode()
    back = "/language/?to=en&amp;next=%2Fes%2F%3Flocation%3D30303%26level%3Dmedical-detox"
    assert f'<a href="{back}" hreflang="en" lang="en" rel="alternate">English</a>' in spanish
    response = client.get(back.replace("&amp;", "&"))
    assert response["Location"] == "/?location=30303&level=medical-detox" and response.cookies[COOKIE].value == "en"


@pytest.mark.parametrize("page", ["/", "/understanding-care/", "/staff/login/", "/no-such-page/"])
def test_every_page_has_the_switch_its_language_and_hreflang_links(client, page):
    for prefix, language, other in (("", "en", "es"), ("/es", "es", "en")):
        html = client.get(prefix + page).content.decode()
        assert f'<html lang="{language}">' in html
        assert f'hreflang="{other}" lang="{other}" rel="alternate">' in html  # the switch
        assert f'<link rel="alternate" hreflang="en" href="http://testserver{page}">' in html
        assert f'<link rel="alternate" hreflang="es" href="http://testserver/es{page}">' in html


def test_the_switch_on_a_facility_page_keeps_only_the_search_it_came_from(client, detox_atlanta):
    url = detox_atlanta.get_absolute_url()
    html = client.get(url, {"back": "location=30303&evil=1", "utm_source": "x"}).content.decode()
    switch = reverse("switch-language") + "?" + urlencode({"to": "es", "next": f"{url}?back=location%3D30303"})
    assert f'<a href="{escape(switch)}"' in html
    assert "utm_source" not in html and "evil" not in html


@pytest.mark.parametrize(
    "query, status, location",
    [
        ({"to": "fr", "next": "/"}, 400, None),
        ({"next": "/"}, 400, None),
        ({"to": "es", "next": "https://evil.example/"}, 302, "/es/"),
        ({"to": "es", "next": "//evil.example/"}, 302, "/es/"),
        ({"to": "es"}, 302, "/es/"),
        ({"to": "en", "next": "/es"}, 302, "/"),
    ],
)
def test_the_switch_refuses_unknown_languages_and_never_leaves_the_site(client, query, status, location):
    response = client.get("/language/", query)
    assert response.status_code == status
    if location:
        assert response["Location"] == location
    else:
        assert "choose one of en, es" in response.content.decode()


def test_redirects_inside_the_site_keep_the_language(client, detox_atlanta, steward):
    url = detox_atlanta.get_absolute_url()
    response = client.get(f"/es/facility/{detox_atlanta.pk}/old-name/")
    assert response.status_code == 301 and response["Location"] == f"/es{url}"
    response = client.get("/es/staff/")
    assert response.status_code == 302 and response["Location"].startswith("/es/staff/login/?next=/es/staff/")


def test_spanish_staff_and_helpline_pages_are_not_stored_either(client):
    for path in ("/staff/", "/es/staff/", "/helpline/", "/es/helpline/"):
        assert "no-store" in client.get(path).get("Cache-Control", ""), path


def test_search_choices_are_in_the_pages_language_and_their_memoized_markup_is_per_language(client):
    centers_extras.FIELD_MARKUP.clear()
    for _ in range(2):  # the second time from FIELD_MARKUP
        assert "Medical detox" in client.get("/").content.decode()
        spanish = client.get("/es/").content.decode()
        assert "Desintoxicación médica" in spanish and "Medical detox" not in spanish
    assert centers_extras.FIELD_MARKUP


def test_dates_on_cards_are_in_the_pages_language():
    moment = datetime(2026, 3, 4, 17, tzinfo=UTC)
    with translation.override("en"):
        assert centers_extras.calendar_date(moment) == "Mar 4, 2026"
    with translation.override("es"):
        assert centers_extras.calendar_date(moment) == "4 de marzo de 2026"


def test_hsds_publishes_the_vocabulary_in_english_whatever_the_active_language():
    from centers.vocabulary import LevelOfCare
    from opendata import taxonomy

    with translation.override("es"):
        assert str(LevelOfCare.MEDICAL_DETOX.label) == "Desintoxicación médica"  # pages: Spanish
        assert taxonomy.english(LevelOfCare.MEDICAL_DETOX.label) == "Medical detox"  # HSDS: English
        labels = {choice.value: choice.label for choice in taxonomy.CHOICES}
    assert labels["medical-detox"] == "Medical detox" and all(type(label) is str for label in labels.values())
