"""Reports for supervisors, the map of searches that found nothing, the charts, and the stewards' admin."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from helpline.charts import bar_chart
from helpline.models import Referral, SearchGap
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

REPORTS = reverse("helpline:reports")
CSV = reverse("helpline:reports-csv")
GAPS = reverse("helpline:gaps")
SVG = "{http://www.w3.org/2000/svg}"
# Three weeks of March 2025, Monday the 3rd to Sunday the 23rd.
MARCH = "from=2025-03-03&to=2025-03-23"


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def make_referral(worker, at, outcome, level="", state="GA", county="Fulton") -> Referral:
    return Referral.objects.create(
        worker=worker,
        facility_name="Somewhere",
        state=state,
        county=county,
        level_sought=level,
        outcome=outcome,
        created_at=at,
    )


@pytest.fixture
def march_referrals(helpline_worker, other_helpline_worker):
    """Six referrals in the three weeks, and two just outside them (local time, America/New_York)."""
    hana, henry = helpline_worker, other_helpline_worker
    make_referral(hana, local(date(2025, 3, 3)), "referred", "medical-detox")
    make_referral(henry, local(date(2025, 3, 5)), "facility-full", "medical-detox")
    make_referral(hana, local(date(2025, 3, 10)), "facility-full", "medical-detox", county="DeKalb")
    make_referral(hana, local(date(2025, 3, 12)), "facility-full", "outpatient")
    # Sunday night in Atlanta is already Monday in UTC: it still belongs to the week of March 10.
    make_referral(henry, local(date(2025, 3, 16), 23, 30), "warm-handoff", "outpatient", "TN", "Davidson")
    make_referral(hana, local(date(2025, 3, 23), 23, 30), "caller-declined", "", "TN", "Davidson")
    # Outside the period
    make_referral(hana, local(date(2025, 3, 2), 23, 30), "facility-full", "medical-detox")
    make_referral(hana, local(date(2025, 3, 24), 0, 30), "facility-full", "medical-detox")


EXPECTED = {
    "Referrals by week": {"2025-03-03": 2, "2025-03-10": 3, "2025-03-17": 1},
    "Referrals by outcome": {"Facility full": 3, "Caller declined": 1, "Referred": 1, "Warm hand-off": 1},
    "Referrals by type of care sought": {"Medical detox": 3, "Outpatient": 2, "Not recorded": 1},
    "Referrals by state": {"Georgia": 4, "Tennessee": 2},
    "Facility full, by type of care sought": {"Medical detox": 2, "Outpatient": 1},
    "Facility full, by state": {"Georgia": 3},
    "Facility full, by county": {"Fulton, GA": 2, "DeKalb, GA": 1},
}


def page_numbers(response) -> dict[str, dict[str, int]]:
    return {table.title: {row.key: row.count for row in table.rows} for table in response.context["tables"]}


def csv_numbers(response) -> dict[str, dict[str, int]]:
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["table", "key", "count"]
    numbers = {}
    for table, key, count in rows[1:]:
        numbers.setdefault(table, {})[key] = int(count)
    return numbers


# Who may see them


@pytest.mark.parametrize("url", [REPORTS, CSV, GAPS])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


@pytest.mark.parametrize("who", ["helpline_worker", "editor", "plain"])
def test_workers_and_other_users_cannot_see_reports_or_gaps(client, request, who):
    user = make_user("pat") if who == "plain" else request.getfixturevalue(who)
    client.force_login(user)

    for url in [REPORTS, CSV, GAPS]:
        assert client.get(url).status_code == 403, url


def test_supervisors_see_reports_and_gaps(client, supervisor):
    client.force_login(supervisor)

    for url in [REPORTS, CSV, GAPS]:
        assert client.get(url).status_code == 200, url


def test_stewards_see_gaps_but_only_supervisors_and_superusers_see_reports(client, steward):
    staff_only = make_user("stan", is_staff=True)
    client.force_login(staff_only)
    assert client.get(GAPS).status_code == 200
    assert client.get(REPORTS).status_code == 403

    client.force_login(steward)  # a superuser
    assert client.get(REPORTS).status_code == 200


# The numbers


def test_the_report_counts_match_the_logged_referrals(client, supervisor, march_referrals):
    client.force_login(supervisor)

    response = client.get(f"{REPORTS}?{MARCH}")

    assert response.status_code == 200
    assert page_numbers(response) == EXPECTED


def test_the_report_tables_are_in_the_page_under_each_chart(client, supervisor, march_referrals):
    client.force_login(supervisor)

    html = client.get(f"{REPORTS}?{MARCH}").content.decode()

    outcome_section = html[html.index('id="by-outcome-heading"') : html.index('id="by-level-heading"')]
    assert outcome_section.index("<svg") < outcome_section.index('<table class="data-table"')
    assert '<th scope="row">Facility full</th><td>3</td>' in outcome_section
    assert '<th scope="row">Total</th><td>6</td>' in outcome_section
    assert '<th scope="row">Week of Mar 10, 2025</th><td>3</td>' in html
    assert '<th scope="row">Fulton, GA</th><td>2</td>' in html
    assert f'href="{CSV}?from=2025-03-03&amp;to=2025-03-23"' in html


def test_the_csv_has_the_same_numbers_as_the_page(client, supervisor, march_referrals):
    client.force_login(supervisor)

    response = client.get(f"{CSV}?{MARCH}")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="finder-referrals-')
    assert csv_numbers(response) == EXPECTED


def test_without_a_period_the_weeks_are_the_last_twelve_and_the_rest_is_everything(client, supervisor, helpline_worker):
    make_referral(helpline_worker, timezone.now(), "referred", "outpatient")
    make_referral(helpline_worker, timezone.now() - timedelta(weeks=20), "facility-full", "outpatient")
    client.force_login(supervisor)

    numbers = page_numbers(client.get(REPORTS))

    weeks = numbers["Referrals by week"]
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    assert len(weeks) == 12
    assert list(weeks)[-1] == this_monday.isoformat()
    assert weeks[this_monday.isoformat()] == 1
    assert sum(weeks.values()) == 1
    assert numbers["Referrals by outcome"] == {"Facility full": 1, "Referred": 1}


def test_a_period_only_counts_referrals_inside_it(client, supervisor, march_referrals):
    client.force_login(supervisor)

    numbers = page_numbers(client.get(f"{REPORTS}?from=2025-03-10&to=2025-03-16"))

    assert numbers["Referrals by week"] == {"2025-03-10": 3}
    assert numbers["Referrals by state"] == {"Georgia": 2, "Tennessee": 1}


@pytest.mark.parametrize(
    "query, message",
    [
        ("from=yesterday", "Please enter a date like 2025-03-31."),
        ("from=2025-03-23&to=2025-03-03", "The end date must be on or after the start date."),
    ],
)
def test_bad_dates_are_refused(client, supervisor, query, message):
    client.force_login(supervisor)

    page = client.get(f"{REPORTS}?{query}")
    download = client.get(f"{CSV}?{query}")

    assert page.status_code == 400
    assert message in page.content.decode()
    assert download.status_code == 400
    assert message in download.content.decode()


def test_the_csv_never_starts_a_cell_with_a_formula(client, supervisor, helpline_worker):
    make_referral(helpline_worker, timezone.now(), "facility-full", county="=HYPERLINK(1)")
    client.force_login(supervisor)

    numbers = csv_numbers(client.get(CSV))

    assert numbers["Facility full, by county"] == {"'=HYPERLINK(1), GA": 1}


def test_the_reports_page_makes_one_query_per_table(client, supervisor, march_referrals, django_assert_num_queries):
    client.force_login(supervisor)

    # Session, user, two group checks (access and navigation), then one query per table.
    with django_assert_num_queries(12):
        client.get(f"{REPORTS}?{MARCH}")


# Charts


def parse(svg) -> ElementTree.Element:
    return ElementTree.fromstring(str(svg))


def test_a_bar_chart_is_valid_accessible_svg():
    svg = parse(bar_chart([("Facility full", 3), ("Referred & <more>", 1)], "Referrals by outcome"))

    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").get("id") == svg.get("aria-labelledby")
    assert svg.find(f"{SVG}title").text == "Referrals by outcome"
    assert svg.find(f"{SVG}desc").get("id") == svg.get("aria-describedby")
    assert "The largest is Facility full with 3." in svg.find(f"{SVG}desc").text
    bars = svg.findall(f"{SVG}g")
    assert len(bars) == 2
    assert [[text.text for text in bar.findall(f"{SVG}text")] for bar in bars] == [
        ["Facility full", "3"],
        ["Referred & <more>", "1"],
    ]
    widths = [float(bar.find(f"{SVG}rect").get("width")) for bar in bars]
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.5)


def test_a_bar_chart_shortens_long_labels_but_keeps_them_in_the_tooltip():
    label = "A county with a remarkably long name indeed, GA"

    bar = parse(bar_chart([(label, 2)], "Long")).find(f"{SVG}g")

    assert bar.find(f"{SVG}title").text == f"{label}: 2"
    assert bar.find(f"{SVG}text").text.endswith("…")


def test_a_bar_chart_with_no_rows_says_so():
    svg = parse(bar_chart([], "Nothing"))

    assert svg.find(f"{SVG}desc").text == "No data for this period."
    assert svg.find(f"{SVG}text").text == "Nothing to show for this period."


def test_charts_on_the_reports_page_parse_as_svg(client, supervisor, march_referrals):
    client.force_login(supervisor)

    html = client.get(f"{REPORTS}?{MARCH}").content.decode()

    charts = re.findall(r"<svg.*?</svg>", html, flags=re.DOTALL)
    assert len(charts) == 7
    for chart in charts:
        assert parse(chart).get("role") == "img"


# Searches that found nothing


def make_gap(**overrides) -> SearchGap:
    values = {"surface": "public", "state": "GA", "latitude": 33.8, "longitude": -84.4, "radius": "25", **overrides}
    return SearchGap.objects.create(**values)


@pytest.fixture
def gaps():
    make_gap(level_of_care="medical-detox", searches=3)
    make_gap(level_of_care="")
    make_gap(state="TN", latitude=36.2, longitude=-86.8, level_of_care="outpatient", surface="helpline")
    make_gap(state="AK", latitude=61.2, longitude=-149.9, level_of_care="medical-detox")
    make_gap(level_of_care="medical-detox", searched_on=date(2020, 1, 1))


def test_stewards_see_the_recorded_gaps(client, steward, gaps):
    client.force_login(steward)

    response = client.get(GAPS)

    assert response.status_code == 200
    assert response.context["total"] == 7
    assert response.context["areas"][0] == {
        "state": "Georgia",
        "point": "33.8, -84.4",
        "level": "Medical detox",
        "count": 4,
    }
    html = response.content.decode()
    assert "<td>Georgia</td><td>33.8, -84.4</td><td>Medical detox</td><td>4</td>" in html
    assert "<td>Georgia</td><td>33.8, -84.4</td><td>Any type of care</td><td>1</td>" in html
    assert "Outside the lower 48 states (move the map to see them): Alaska 1." in html
    # The map's data: one circle per rounded place, Alaska included, counting searches (not rows).
    data = json.loads(re.search(r'<script id="gaps-map-data" type="application/json">(.*?)</script>', html).group(1))
    assert [(gap["label"], gap["count"]) for gap in data["gaps"]] == [
        ("Georgia near 33.8, -84.4", 5),
        ("Alaska near 61.2, -149.9", 1),
        ("Tennessee near 36.2, -86.8", 1),
    ]


def test_gaps_filter_by_date_and_type_of_care(client, steward, gaps):
    client.force_login(steward)
    today = timezone.localdate().isoformat()

    response = client.get(f"{GAPS}?from={today}&to={today}&level=medical-detox")

    assert response.context["total"] == 4
    assert [(area["state"], area["count"]) for area in response.context["areas"]] == [("Georgia", 3), ("Alaska", 1)]


def test_bad_gap_filters_are_refused(client, steward):
    client.force_login(steward)

    assert client.get(f"{GAPS}?from=soon").status_code == 400
    assert client.get(f"{GAPS}?level=spa-weekend").status_code == 400


# The stewards' admin


def test_stewards_read_referrals_in_the_admin_but_cannot_edit_them(client, steward, helpline_worker):
    referral = make_referral(helpline_worker, timezone.now(), "facility-full", "medical-detox")
    client.force_login(steward)

    changelist = client.get(reverse("admin:helpline_referral_changelist") + "?outcome__exact=facility-full")
    change = client.get(reverse("admin:helpline_referral_change", args=[referral.pk]))

    assert changelist.status_code == 200
    assert "Somewhere" in changelist.content.decode()
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:helpline_referral_add")).status_code == 403
    assert client.get(reverse("admin:helpline_referral_delete", args=[referral.pk])).status_code == 403


def test_stewards_can_delete_notes_from_the_admin(client, steward, helpline_worker):
    referral = make_referral(helpline_worker, timezone.now(), "referred")
    referral.note = "Prefers mornings"
    referral.save()
    client.force_login(steward)

    response = client.post(
        reverse("admin:helpline_referral_changelist"),
        {"action": "delete_notes", "_selected_action": [referral.pk]},
        follow=True,
    )

    assert "Deleted the notes of 1 referral." in response.content.decode()
    referral.refresh_from_db()
    assert referral.note == ""
    assert referral.note_purged_at is not None
    assert referral.outcome == "referred"


def test_stewards_read_search_gaps_in_the_admin(client, steward, gaps):
    client.force_login(steward)

    response = client.get(reverse("admin:helpline_searchgap_changelist"))

    assert response.status_code == 200
    assert "5 search gaps" in response.content.decode()  # one row counts the 3 searches for detox
    assert client.get(reverse("admin:helpline_searchgap_add")).status_code == 403
