import re
from datetime import UTC, datetime

import pytest
from django.template.loader import get_template
from django.urls import reverse

from centers import search_flags
from centers.models import Facility, Insurer
from centers.templatetags import centers_extras
from tests.conftest import ATLANTA, make_facility

pytestmark = pytest.mark.django_db
URL = reverse("centers:search")


def names(response):
    """Facility names on the result cards, in order."""
    headings = re.findall(r"<h3 [^>]*><a [^>]*>(.*?)</a>", response.content.decode(), re.S)
    return [heading.strip() for heading in headings]


def test_empty_search_page_shows_the_form_and_crisis_lines(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_location">ZIP code or city</label>' in html
    assert "988" in html and "1-800-662-4357" in html and "911" in html
    assert "result-list" not in html


def test_search_by_zip_orders_nearest_first(client, detox_atlanta, outpatient_decatur):
    response = client.get(URL, {"location": "30030"})  # Decatur
    assert response.status_code == 200
    assert names(response) == ["Decatur Outpatient Counseling", "Peachtree Medical Detox"]
    assert "2 facilities within 25 miles of 30030 (Decatur, GA)" in response.content.decode()


def test_result_card_shows_distance_phone_badges_payment_and_verification(client, detox_atlanta):
    html = client.get(URL, {"location": "30303"}).content.decode()
    assert "miles away" in html
    assert 'href="tel:+14045550100"' in html
    assert "Medical detox" in html and "Buprenorphine" in html
    assert "Payment:</span> Medicaid, Private health insurance" in html
    assert "Not yet verified" in html


def test_level_filter_from_the_query_string(client, detox_atlanta, outpatient_decatur):
    response = client.get(URL, {"location": "30303", "level": "intensive-outpatient"})
    assert names(response) == ["Decatur Outpatient Counseling"]


def test_unlisted_and_closed_facilities_never_appear(client, detox_atlanta, unlisted_center, closed_center):
    assert names(client.get(URL, {"location": "30303"})) == ["Peachtree Medical Detox"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"location": "99999"}, "couldn&#x27;t find the ZIP code 99999"),
        ({"location": "30303", "radius": "abc"}, "Select a valid choice"),
        ({"location": "999,-84"}, "off the map"),
        ({"location": "x" * 5000}, "at most 200 characters"),
        ({"location": "30303", "level": "nonsense"}, "nonsense is not one of the available choices"),
        ({"location": "30303", "insurer": "nope"}, "Select a valid choice"),
        ({"location": "30303", "page": "99999"}, "There is no page 99999"),
        ({"location": "30303", "page": "abc"}, "There is no page abc"),
        ({"location": "1600 Pennsylvania Ave"}, "Street addresses can&#x27;t be looked up"),
    ],
)
def test_bad_input_returns_400_with_a_message(client, detox_atlanta, params, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_invalid_field_is_marked_for_screen_readers(client, db):
    html = client.get(URL, {"location": "99999"}).content.decode()
    assert 'aria-invalid="true"' in html
    assert 'id="id_location_error"' in html


def test_zero_results_suggest_the_next_radius(client, methadone_macon):
    response = client.get(URL, {"location": "30303", "radius": "50"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No facilities match this search" in html
    assert "within 100 miles" in html and "radius=100" in html
    assert "1-800-662-4357" in html


def test_pagination_keeps_the_search(client, settings, db):
    settings.FINDER_RESULTS_PER_PAGE = 2
    for number in range(5):
        make_facility(name=f"Center {number}", at=(ATLANTA[0] + number * 0.01, ATLANTA[1]))
    response = client.get(URL, {"location": "30303", "level": "", "page": "2"})
    assert response.status_code == 200
    assert names(response) == ["Center 2", "Center 3"]
    assert "page=3" in response.content.decode() and "location=30303" in response.content.decode()


def test_query_count_does_not_grow_with_results(client, django_assert_num_queries, settings, db):
    for number in range(3):
        make_facility(name=f"Small {number}", codes=["OIT", "MD", "BU"])
    params = {"location": "30303", "level": "intensive-outpatient", "payment": "medicaid"}
    # Demo banner, insurers (the form), the page with its count, availability: cards read care and payment from
    # the search bits.
    with django_assert_num_queries(4):
        assert client.get(URL, params).status_code == 200
    for number in range(20):
        make_facility(name=f"More {number}", codes=["OIT", "MD", "BU", "SP", "PI"])
    with django_assert_num_queries(4):
        response = client.get(URL, params)
    assert len(names(response)) == settings.FINDER_RESULTS_PER_PAGE == 10


def test_demo_banner_shows_only_while_demo_facilities_are_listed(client, detox_atlanta, demo_center):
    assert "Demo data: these are not real facilities" in client.get(URL).content.decode()
    demo_center.delete()
    assert "Demo data" not in client.get(URL).content.decode()


def test_blank_form_preselects_the_default_radius(client, db):
    html = client.get(URL).content.decode()
    assert '<option value="25" selected>25 miles</option>' in html


def test_checkbox_groups_keep_their_choices_and_labels(client, db):
    html = client.get(URL, {"location": "30303", "level": ["intensive-outpatient", "outpatient"]}).content.decode()
    assert (
        '<label for="id_level_6"><input type="checkbox" name="level" value="intensive-outpatient" '
        'id="id_level_6" checked> Intensive outpatient (IOP)</label>'
    ) in html
    assert 'value="medical-detox" id="id_level_0">' in html  # not chosen, so not checked


# Issue 8: results first, crisis numbers near the top, zero results that help, the age filter, small things.

SAVANNAH = (32.08, -81.09)  # about 215 miles from downtown Atlanta


def test_crisis_numbers_are_one_line_under_the_header_on_every_public_page(client, detox_atlanta):
    for path in (URL, detox_atlanta.get_absolute_url(), reverse("centers:guide")):
        html = client.get(path).content.decode()
        bar = html[html.index('class="crisis-bar"') : html.index("</aside>", html.index('class="crisis-bar"'))]
        assert html.index('class="crisis-bar"') < html.index("<main")  # above the page, not only in the footer
        for link in ('href="tel:988"', 'href="sms:988"', 'href="tel:911"', 'href="tel:+18006624357"'):
            assert link in bar, (path, link)
        assert "SAMHSA helpline" in bar


def test_the_form_is_open_before_a_search_and_folds_into_refine_after_one(client, detox_atlanta):
    assert '<details class="refine" open>' in client.get(URL).content.decode()
    html = client.get(URL, {"location": "30303"}).content.decode()
    assert '<details class="refine">' in html and "Refine search" in html
    assert html.index('class="refine"') < html.index('id="results-heading"')  # the folded form, then results
    # With a wrong place the form stays open so the error shows next to the field.
    assert '<details class="refine" open>' in client.get(URL, {"location": "99999"}).content.decode()


def test_results_heading_takes_focus_and_the_focus_script_loads_only_with_results(client, detox_atlanta):
    html = client.get(URL, {"location": "30303"}).content.decode()
    assert '<h2 id="results-heading" tabindex="-1">' in html
    assert "js/search.js" in html
    assert "js/search.js" not in client.get(URL).content.decode()


def test_the_results_area_leaves_a_slot_for_the_map(client, detox_atlanta):
    from django.template.loader import get_template

    source = get_template("centers/facility_search.html").template.source
    body = source[source.index('<div class="results-body">') :]
    assert body.index('class="result-list"') < body.index('{% include "centers/_results_map.html" %}')
    assert 'class="results-body"' in client.get(URL, {"location": "30303"}).content.decode()


def test_each_active_filter_is_a_chip_linking_to_the_search_without_it(client, detox_atlanta, outpatient_decatur):
    response = client.get(URL, {"location": "30303", "level": ["medical-detox", "outpatient"], "accepting": "on"})
    chips = re.findall(
        r'<a class="chip" href="\?([^"]*)"><span class="visually-hidden">Remove </span>([^<]*)<',
        response.content.decode(),
    )
    by_label = {label: query.replace("&amp;", "&") for query, label in chips}
    assert set(by_label) == {"Medical detox", "Outpatient", "Accepting new patients now"}
    assert "level=outpatient" in by_label["Medical detox"] and "level=medical-detox" not in by_label["Medical detox"]
    assert "accepting" not in by_label["Accepting new patients now"]
    assert names(client.get(URL + "?" + by_label["Accepting new patients now"])) == [
        "Peachtree Medical Detox",
        "Decatur Outpatient Counseling",
    ]


def test_zero_results_suggest_the_smallest_radius_that_finds_something(client, db):
    make_facility(name="Savannah Recovery", city="Savannah", zip_code="31401", at=SAVANNAH)
    html = client.get(URL, {"location": "30303", "radius": "10"}).content.decode()
    assert "No facilities match this search" in html
    assert "Search within 250 miles</a>: <strong>1</strong> facility with the same choices" in html
    assert "radius=250" in html
    assert "radius=25&" not in html and ">0<" not in html  # never a radius that also has none
    assert 'href="tel:+18006624357"' in html


def test_zero_results_suggest_the_filter_whose_removal_finds_the_most(client, detox_atlanta, outpatient_decatur):
    make_facility(name="Grady Detox", codes=["HID", "MD"])
    html = client.get(URL, {"location": "30303", "level": "medical-detox", "payment": "self-pay"}).content.decode()
    match = re.search(
        r'<a href="\?([^"]*)">Search without “How you will pay: Cash or self-pay”</a>: <strong>2</strong>', html
    )
    assert match, html[html.index("no-results") :]
    assert names(client.get(URL + "?" + match.group(1).replace("&amp;", "&"))) == [
        "Grady Detox",
        "Peachtree Medical Detox",
    ]


def test_zero_results_cost_one_count_per_radius_and_per_filter(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    params = {"location": "30303", "radius": "50", "level": "medical-detox", "payment": "self-pay"}
    with CaptureQueriesContext(connection) as captured:
        assert "No facilities match this search" in client.get(URL, params).content.decode()
    counts = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT COUNT")]
    # The page's own count, one per wider radius tried (100 and 250 miles, the state), one per filter (two).
    assert len(counts) == 1 + 3 + 2, counts


def test_sort_note_says_how_the_results_are_ordered(client, detox_atlanta):
    assert "Nearest first. Showing 1–1." in client.get(URL, {"location": "30303"}).content.decode()
    html = client.get(URL, {"location": "30303", "sort": "availability"}).content.decode()
    assert "Accepting new patients first, then nearest. Showing 1–1." in html
    assert "Nearest first" not in html.replace('"distance">Nearest first', "")  # only as the other sort option


def test_availability_set_a_moment_ago_reads_just_now(client, outpatient_decatur):
    from centers.models import Availability, AvailabilityStatus

    Availability.objects.create(
        facility=outpatient_decatur, level="intensive-outpatient", status=AvailabilityStatus.ACCEPTING
    )
    html = client.get(URL, {"location": "30030"}).content.decode()
    assert "updated just now" in html and "0 minutes" not in html


def test_help_text_follows_its_checkbox_and_describes_it(client, db):
    html = client.get(URL).content.decode()
    box = html.index('id="id_accepting"')
    assert 'aria-describedby="id_accepting_helptext"' in html[html.rindex("<input", 0, box) : box]
    assert box < html.index('<label for="id_accepting">') < html.index('id="id_accepting_helptext"')
    assert (
        '<fieldset class="field field-group" aria-describedby="id_level_helptext"><legend>Type of care</legend>' in html
    )


def test_age_filter_and_250_miles_are_on_the_search_form(client, db):
    html = client.get(URL).content.decode()
    assert '<option value="250">250 miles</option>' in html
    assert "<legend>Age</legend>" in html and 'value="children"' in html and "Children and teens" in html


def test_age_filter_from_the_query_string(client, detox_atlanta):
    make_facility(name="Teen Path", codes=["OP", "AD"])
    make_facility(name="Silver Years", codes=["OP", "SNR"])
    assert names(client.get(URL, {"location": "30303", "age": "children"})) == ["Teen Path"]
    assert names(client.get(URL, {"location": "30303", "age": "seniors"})) == ["Silver Years"]


def test_helpline_search_has_the_age_filter_250_miles_and_the_side_by_side_layout(
    client, helpline_worker, detox_atlanta
):
    client.force_login(helpline_worker)
    html = client.get(
        reverse("helpline:search"), {"location": "30303", "radius": "250", "age": "adults"}
    ).content.decode()
    assert '<option value="250" selected>250 miles</option>' in html
    assert 'name="age" value="adults"' in html and "checked" in html[html.index('value="adults"') :][:80]
    form = html.index('class="search-form helpline-search"')
    assert html.index('class="search-layout"') < form < html.index('id="results-heading"')


# Issue 9: the search form's choice fields are rendered once per process, language and ticked choices.

FORM_SEQUENCE = [
    {},
    {"location": "30303", "level": ["outpatient", "medical-detox"], "accepting": "on"},
    {"location": "30303", "radius": "50", "sort": "availability", "payment": "medicaid", "q": "north"},
    {"location": "30303", "radius": "7", "level": "outpatient"},  # an error on the radius
    {"location": "30303"},
    {"location": "30303", "telehealth": "true", "language": "spanish", "level": "bogus"},  # an error on the level
    {"location": "30303", "level": "outpatient", "accepting": "on"},
    {},
]


def test_search_form_markup_is_the_same_as_rendering_each_field_afresh(client, db):
    """Each request's fields, checked against centers/_field.html rendered for that request, after other searches."""
    for params in FORM_SEQUENCE:
        response = client.get(URL, params)
        html = response.content.decode()
        for field in response.context["filterset"].form:
            assert get_template("centers/_field.html").render({"field": field}) in html, (params, field.name)


def test_ticked_choices_and_errors_do_not_carry_over_to_the_next_search(client, db):
    ticked = client.get(URL, {"location": "30303", "level": "outpatient", "radius": "7"}).content.decode()
    assert 'value="outpatient" id="id_level_7" checked' in ticked
    assert '<select name="radius" aria-invalid="true"' in ticked
    plain = client.get(URL, {"location": "30303"}).content.decode()
    assert 'value="outpatient" id="id_level_7">' in plain
    assert '<select name="radius" aria-describedby="id_radius_helptext" id="id_radius">' in plain
    assert '<option value="25" selected>25 miles</option>' in plain


def test_an_error_is_never_shown_to_the_next_search(client, db):
    # An error message can quote what someone typed: a field with one is never kept.
    client.get(URL, {"location": "30303", "level": "first-visitor"})
    html = client.get(URL, {"location": "30303", "level": "second-visitor"}).content.decode()
    assert "second-visitor" in html and "first-visitor" not in html


def test_the_insurer_list_is_read_from_the_database_on_every_search(client, django_assert_num_queries, db):
    make_facility()
    Insurer.objects.create(name="Aetna", slug="aetna")
    html = client.get(URL, {"location": "30303", "insurer": "aetna"}).content.decode()
    assert '<option value="aetna" selected>Aetna</option>' in html
    assert "Cigna" not in client.get(URL, {"location": "30303"}).content.decode()
    Insurer.objects.create(name="Cigna", slug="cigna")
    with django_assert_num_queries(4):  # the same as any search: one query for the list
        html = client.get(URL, {"location": "30303"}).content.decode()
    assert '<option value="aetna">Aetna</option>' in html and '<option value="cigna">Cigna</option>' in html


def test_reused_form_markup_is_kept_per_language(client, db):
    centers_extras.FIELD_MARKUP.clear()
    client.get(URL, {"location": "30303"})
    client.get("/es" + URL, {"location": "30303"})  # the same page in Spanish
    assert {key[0] for key in centers_extras.FIELD_MARKUP} == {"en", "es"}


def test_reused_form_markup_never_grows_past_its_limit(client, db, monkeypatch):
    monkeypatch.setattr(centers_extras, "FIELD_MARKUP_LIMIT", 12)
    centers_extras.FIELD_MARKUP.clear()
    for level in ["outpatient", "medical-detox", "residential-long-term", "hospital-inpatient"]:
        for payment in ["medicaid", "medicare", "free"]:
            client.get(URL, {"location": "30303", "level": level, "payment": payment})
            assert len(centers_extras.FIELD_MARKUP) <= 12
    html = client.get(URL, {"location": "30303", "payment": "free"}).content.decode()
    assert 'value="free" id="id_payment_8" checked' in html


def test_typed_text_is_never_kept(client, db):
    centers_extras.FIELD_MARKUP.clear()
    client.get(URL, {"location": "30303", "q": "private words"})
    kept = " ".join(str(key) + markup for key, markup in centers_extras.FIELD_MARKUP.items())
    assert "30303" not in kept and "private words" not in kept


# Issue 9: result cards without a services query.


def test_cards_show_care_and_payment_from_the_search_bits_the_filters_test(client, detox_atlanta):
    # Bits that disagree with the services (outpatient and Medicare only): the card says what the filter finds.
    Facility.objects.filter(pk=detox_atlanta.pk).update(
        search_flags=search_flags.mask("level", ["outpatient"]) | search_flags.mask("payment", ["medicare"])
    )
    html = client.get(URL, {"location": "30303", "level": "outpatient"}).content.decode()
    assert names_of(html) == ["Peachtree Medical Detox"]
    assert '<li class="badge badge-level">Outpatient</li>' in html
    assert "Medical detox</li>" not in html and "badge-medication" not in html
    assert "Payment:</span> Medicare</p>" in html
    Facility.objects.refresh_search_flags()  # in step again for the check every database test ends with


def test_card_dates_are_the_day_in_the_site_time_zone(client, detox_atlanta, outpatient_decatur):
    # 02:30 UTC on March 5 is still March 4 in New York (TIME_ZONE).
    Facility.objects.filter(pk=detox_atlanta.pk).update(imported_at=datetime(2026, 3, 5, 2, 30, tzinfo=UTC))
    Facility.objects.filter(pk=outpatient_decatur.pk).update(
        imported_at=datetime(2026, 1, 2, 12, 0, tzinfo=UTC),
        last_verified_at=datetime(2026, 2, 10, 4, 0, tzinfo=UTC),
        last_verified_source="steward",
    )
    html = client.get(URL, {"location": "30303"}).content.decode()
    assert "Imported from SAMHSA on Mar 4, 2026, not yet verified" in html
    assert "Verified by the Finder team on Feb 9, 2026" in html


def names_of(html):
    return [name.strip() for name in re.findall(r"<h3 [^>]*><a [^>]*>(.*?)</a>", html, re.S)]


def test_a_page_and_the_number_of_all_results_come_from_one_query_and_agree_with_a_count(client, db):
    for number in range(23):
        make_facility(name=f"Place {number:02}", codes=["OIT"])
    params = {"location": "30303", "level": "intensive-outpatient"}
    for page, shown in [(1, 10), (2, 10), (3, 3)]:
        response = client.get(URL, {**params, "page": page})
        assert response.status_code == 200 and len(names(response)) == shown
        assert response.context["page"].paginator.count == 23
        assert "23 facilities" in response.content.decode()
    # Past the last page the page query finds nothing; the count is then asked for on its own, for the message.
    for page in ("4", "1000000", "99999999999999999999999"):
        response = client.get(URL, {**params, "page": page})
        assert response.status_code == 400
        assert f"There is no page {page[:20]} of these results; they have 3 pages." in response.content.decode()
