"""Two gunicorn servers behind one (imagined) load balancer, sharing one PostgreSQL database and one Redis.

Whatever must hold across requests holds whichever server answers: a login throttle, the problem-report rate
limit, the JSON API's rate limit, and a cached search that staff make stale through the other server. PostgreSQL
pass only; Redis is the throwaway ``redis_url`` server (tests/redis_server.py) given to both servers as CACHE_URL.
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from tests.live_servers import Browser, django_shell, facility_links, fresh_database, gunicorn, primary_url

SEED = """
from django.contrib.auth import get_user_model
from centers.models import Availability, Facility, Service
from portal.models import Membership
facility = Facility.objects.create(
    name="Two Servers Recovery", street1="100 Peachtree St", city="Atlanta", state="GA", zip_code="30303",
    latitude=33.7529, longitude=-84.3925, phone="(404) 555-0100",
)
facility.services.add(*Service.objects.filter(code__in=["OP"]))
Availability.objects.create(facility=facility, level="outpatient", status="accepting")
editor = get_user_model().objects.create_user("eddie", "eddie@example.org", {password!r})
Membership.objects.create(user=editor, facility=facility, role=Membership.Role.EDITOR)
get_user_model().objects.create_user("tina", "tina@example.org", {password!r})  # for the login throttle
print(facility.pk, facility.get_absolute_url())
"""
REPORTS_PER_HOUR = 3
API_REQUESTS_PER_MINUTE = 4


@pytest.fixture(scope="module")
def servers(redis_url):
    """Two servers (A and B) on one fresh database and one Redis, and the seeded facility's pk and page."""
    from tests.live_servers import PASSWORD

    with ExitStack() as stack:
        database = stack.enter_context(fresh_database(primary_url()))
        pk, page = django_shell(database, SEED.format(password=PASSWORD)).split()
        env = {
            "CACHE_URL": redis_url,
            "FINDER_REPORTS_PER_HOUR": str(REPORTS_PER_HOUR),
            "FINDER_API_RATE": f"{API_REQUESTS_PER_MINUTE}/min",
        }
        a = stack.enter_context(gunicorn(database, **env))
        b = stack.enter_context(gunicorn(database, **env))
        yield a, b, int(pk), page


def test_failed_logins_spread_over_both_servers_lock_the_username_on_both(servers):
    a, b, _, _ = servers
    attacker = Browser()
    for server in (a, b, a, b):
        assert attacker.log_in(server, "tina", "wrong").status == 200
    attacker.log_in(a, "tina", "wrong")  # the fifth failure, on A
    # Three failures on A, two on B: only a count both servers share reaches the limit of five on B.
    assert attacker.log_in(b, "tina").status == 429  # the right password, too late
    assert attacker.log_in(a, "tina").status == 429
    assert Browser().log_in(b, "tina").status == 429  # another browser from the same address, too


def test_problem_reports_are_counted_across_both_servers(servers):
    a, b, pk, _ = servers
    reporter = Browser()

    def report(server, note):
        reporter.get(server.url(f"/facility/{pk}/report/"))  # for the CSRF cookie
        data = {"kind": "phone", "note": note, "contact_email": "", "website": ""}
        return reporter.post(server.url(f"/facility/{pk}/report/"), data)

    assert [report(server, f"report {n}").status for n, server in enumerate((a, b, a))] == [302] * REPORTS_PER_HOUR
    for server in (b, a):
        response = report(server, "one too many")
        assert response.status == 429 and "several reports in the last hour" in response.text


def test_the_api_rate_limit_is_counted_across_both_servers(servers):
    a, b, _, _ = servers
    client = Browser()
    answers = [client.get(server.url("/api/v1/facilities/?location=30303")) for server in (a, b, a, b, a, b)]
    # Two requests on each server would pass a limit counted per server; four in all is the limit.
    assert [answer.status for answer in answers] == [200] * API_REQUESTS_PER_MINUTE + [429, 429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


def test_a_search_cached_on_one_server_is_not_stale_after_staff_change_availability_on_the_other(servers):
    a, b, pk, page = servers
    family, editor = Browser(), Browser()
    accepting = "/?location=30303&accepting=on"
    for server in (a, b, a, b):  # asked twice on each: the second answer may come from the cache
        assert page in facility_links(family.get(server.url(accepting)).text)
        assert "Not accepting new patients" not in family.get(server.url("/?location=30303")).text

    assert editor.log_in(b, "eddie").status == 302
    data = {"level": "outpatient", "status": "not-accepting"}
    assert editor.post(b.url(f"/staff/facility/{pk}/availability/"), data).status == 302

    for server in (a, b):
        assert page not in facility_links(family.get(server.url(accepting)).text)
        assert "Not accepting new patients" in family.get(server.url("/?location=30303")).text
