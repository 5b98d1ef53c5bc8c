"""The maps' data, where they load, the vendored files and their weight, and the optional tile layer."""

from __future__ import annotations

import gzip
import json
import re
import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from centers.models import Facility
from centers.templatetags.map_extras import marker
from tests.conftest import ATLANTA, make_facility

BASE_DIR = Path(__file__).resolve().parent.parent
STATIC = BASE_DIR / "static"
VENDOR = STATIC / "vendor"
NODE_MODULES = BASE_DIR / "node_modules"
SEARCH = reverse("centers:search")
# What a page with a map loads: the script on the page, then the two libraries map.js loads when a map is shown.
MAP_SCRIPTS = ["js/map.js", "vendor/leaflet/leaflet.js", "vendor/topojson-client/topojson-client.min.js"]
JS_BUDGET = 60 * 1024


def map_data(response, element_id: str) -> dict | None:
    html = response.content.decode()
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1)) if match else None


def loads_map_script(response) -> bool:
    return "js/map.js" in response.content.decode()


@pytest.fixture
def eleven_near_atlanta(db):
    """Eleven listings a little further from downtown each, so two pages of ten."""
    return [
        make_facility(name=f"Listing {number:02d}", at=(ATLANTA[0] + number * 0.01, ATLANTA[1]), phone="404-555-0123")
        for number in range(11)
    ]


# The results map


@pytest.mark.django_db
def test_the_results_map_has_one_marker_per_result_numbered_like_the_list(client, eleven_near_atlanta):
    response = client.get(SEARCH, {"location": "30303", "radius": "25"})

    data = map_data(response, "results-map-data")
    names = [facility.name for facility in response.context["page"]]
    assert [(item["number"], item["name"]) for item in data["markers"]] == list(enumerate(names, start=1))
    first = data["markers"][0]
    assert first["tel"] == "tel:+14045550123" and first["phone"] == "404-555-0123"
    assert first["url"] == Facility.objects.get(name=names[0]).get_absolute_url()
    assert first["distance"].endswith(" miles away")
    assert (first["lat"], first["lng"]) == (ATLANTA[0], ATLANTA[1])


@pytest.mark.django_db
def test_on_the_second_page_markers_continue_the_lists_numbers(client, eleven_near_atlanta):
    response = client.get(SEARCH, {"location": "30303", "radius": "25", "page": "2"})

    assert '<ol class="result-list" start="11">' in response.content.decode()
    assert [item["number"] for item in map_data(response, "results-map-data")["markers"]] == [11]


@pytest.mark.django_db
def test_the_results_map_draws_the_search_point_and_radius_but_no_circle_for_a_whole_state(client, detox_atlanta):
    data = map_data(client.get(SEARCH, {"location": "30303", "radius": "10"}), "results-map-data")
    assert data["origin"]["label"].startswith("30303") and data["radiusMiles"] == 10.0
    assert data["origin"]["lat"] == pytest.approx(33.75, abs=0.05)

    data = map_data(client.get(SEARCH, {"location": "30303", "radius": "state"}), "results-map-data")
    assert data["origin"] and data["radiusMiles"] is None


@pytest.mark.django_db
def test_a_search_without_a_place_has_markers_but_no_search_point(client, detox_atlanta):
    data = map_data(client.get(SEARCH, {"q": "Peachtree"}), "results-map-data")

    assert [item["name"] for item in data["markers"]] == [detox_atlanta.name]
    assert data["origin"] is None and data["radiusMiles"] is None
    assert data["markers"][0]["distance"] == ""


@pytest.mark.django_db
def test_the_map_offers_only_the_county_outlines_of_nearby_states(client, detox_atlanta):
    data = map_data(client.get(SEARCH, {"location": "30303"}), "results-map-data")

    offered = {Path(county["url"]).stem for county in data["counties"]}
    assert "13" in offered  # Georgia
    assert "06" not in offered and "02" not in offered  # not California, not Alaska
    for county in data["counties"]:
        assert (STATIC / county["url"].removeprefix("/static/")).is_file()
    assert (STATIC / data["states"].removeprefix("/static/")).is_file()


@pytest.mark.django_db
def test_a_listing_without_coordinates_gets_no_marker(detox_atlanta):
    detox_atlanta.latitude = None

    assert marker(detox_atlanta, 1) is None


@pytest.mark.django_db
def test_the_map_adds_no_query_to_the_search(client, detox_atlanta, django_assert_num_queries):
    # The same count as tests/test_search_view.py pins for a search without the map's data.
    with django_assert_num_queries(4):
        response = client.get(SEARCH, {"location": "30303", "level": "medical-detox", "payment": "medicaid"})
    assert len(map_data(response, "results-map-data")["markers"]) == 1


# Where the map loads, and where it doesn't


@pytest.mark.django_db
def test_the_map_loads_only_on_pages_that_show_one(client, detox_atlanta):
    with_results = client.get(SEARCH, {"location": "30303"})
    assert loads_map_script(with_results)
    assert "data-results-map hidden" in with_results.content.decode()  # shown by map.js; absent without JavaScript

    assert not loads_map_script(client.get(SEARCH))
    assert not loads_map_script(client.get(SEARCH, {"location": "99501"}))  # Anchorage: no results, no map
    assert not loads_map_script(client.get(reverse("centers:guide")))
    for response in [with_results, client.get(SEARCH)]:
        # Leaflet itself is never a script tag: map.js loads it when a map is on screen.
        assert '<script src="/static/vendor/leaflet' not in response.content.decode()


@pytest.mark.django_db
def test_the_detail_page_has_a_still_map_of_the_facility(client, detox_atlanta):
    response = client.get(detox_atlanta.get_absolute_url())

    data = map_data(response, "detail-map-data")
    assert data["interactive"] is False
    assert [(item["name"], item["number"]) for item in data["markers"]] == [(detox_atlanta.name, None)]
    assert 'role="img" aria-label="Map: where Peachtree Medical Detox is, in Atlanta, GA"' in response.content.decode()
    assert loads_map_script(response)


@pytest.mark.django_db
def test_the_gaps_page_without_gaps_loads_no_map(client, steward):
    client.force_login(steward)

    response = client.get(reverse("helpline:gaps"))

    assert response.status_code == 200 and not loads_map_script(response)


# The vendored files and the weight of the map


def test_the_vendored_files_are_there_with_their_licences():
    for path in [
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "leaflet/LICENSE",
        "leaflet/images/layers.png",  # leaflet.css refers to it; collectstatic's manifest needs it
        "topojson-client/topojson-client.min.js",
        "topojson-client/LICENSE",
        "us-atlas/states-10m.json",
        "us-atlas/LICENSE",
        "us-atlas/counties/index.json",
    ]:
        assert (VENDOR / path).is_file(), path
    index = json.loads((VENDOR / "us-atlas/counties/index.json").read_text())
    assert len(index) == 56  # the states, DC and the territories, as in us-atlas
    for state in index:
        assert (VENDOR / f"us-atlas/counties/{state}.json").is_file()
    west, south, east, north = index["13"]
    assert west < ATLANTA[1] < east and south < ATLANTA[0] < north


def test_the_county_files_hold_every_county_of_us_atlas_once():
    counties = 0
    for path in (VENDOR / "us-atlas/counties").glob("[0-9][0-9].json"):
        topology = json.loads(path.read_text())
        counties += len(topology["objects"]["counties"]["geometries"])
    assert counties == 3231


@pytest.mark.skipif(not (NODE_MODULES / "leaflet").is_dir(), reason="npm packages not installed (make node_modules)")
def test_the_vendored_libraries_are_the_npm_packages_versions():
    package = json.loads((BASE_DIR / "package.json").read_text())["dependencies"]
    assert json.loads((NODE_MODULES / "leaflet/package.json").read_text())["version"] == package["leaflet"]
    original = (NODE_MODULES / "leaflet/dist/leaflet.js").read_text()
    assert (VENDOR / "leaflet/leaflet.js").read_text() == original.replace("//# sourceMappingURL=leaflet.js.map", "")
    minified = (NODE_MODULES / "topojson-client/dist/topojson-client.min.js").read_bytes()
    assert (VENDOR / "topojson-client/topojson-client.min.js").read_bytes() == minified
    atlas = (NODE_MODULES / "us-atlas/states-10m.json").read_bytes()
    assert (VENDOR / "us-atlas/states-10m.json").read_bytes() == atlas


def test_the_map_adds_at_most_60_kb_of_compressed_javascript():
    compressed = sum(len(gzip.compress((STATIC / path).read_bytes(), 9)) for path in MAP_SCRIPTS)

    assert compressed <= JS_BUDGET, f"The map's JavaScript is {compressed / 1024:.1f} KB gzipped"


# The optional tile layer


def settings_with(monkeypatch, **environment) -> dict:
    for name in ["FINDER_MAP_TILES_URL", "FINDER_MAP_TILES_ATTRIBUTION"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "a-real-key")
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_DIR / "finder" / "settings.py"))


def test_without_a_tile_layer_images_come_only_from_finder(monkeypatch):
    settings = settings_with(monkeypatch)

    assert settings["FINDER_MAP_TILES_URL"] == ""
    assert settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'"]


def test_a_tile_layer_adds_its_host_to_the_image_sources(monkeypatch):
    settings = settings_with(monkeypatch, FINDER_MAP_TILES_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png")

    assert settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", "https://*.tiles.example.org"]
    assert settings["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["script-src"] == ["'self'"]


def test_a_tile_layer_must_be_https(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="FINDER_MAP_TILES_URL"):
        settings_with(monkeypatch, FINDER_MAP_TILES_URL="http://tiles.example.org/{z}/{x}/{y}.png")


@pytest.mark.django_db
def test_a_tile_layer_reaches_the_map(client, detox_atlanta, settings):
    settings.FINDER_MAP_TILES_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.FINDER_MAP_TILES_ATTRIBUTION = "© Example tiles"

    response = client.get(SEARCH, {"location": "30303"})

    data = map_data(response, "results-map-data")
    assert (data["tiles"], data["tilesAttribution"]) == (settings.FINDER_MAP_TILES_URL, "© Example tiles")
