"""The read replica: public pages read it, everyone and everything else uses the primary (finder/routers.py).

The first tests check the router's and the middleware's decisions in process (both passes). The last runs
gunicorn against a real streaming replica (PostgreSQL pass: scripts/with-postgres starts one), pauses its
replay, and shows where each kind of request reads and writes.
"""

from __future__ import annotations

import json
import runpy
import urllib.parse
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.models import Session
from django.core.exceptions import MiddlewareNotUsed
from django.db import router as django_router
from django.test import RequestFactory

from centers.models import Facility
from finder.middleware import PublicReadsFromReplicaMiddleware
from finder.routers import ReplicaRouter, replica_reads
from portal.models import ProblemReport
from tests.live_servers import (
    PASSWORD,
    Browser,
    django_shell,
    facility_links,
    free_port,
    fresh_database,
    gunicorn,
    primary_url,
    replica_url,
    sql,
    wait_for_replay,
    with_database,
)

ROOT = Path(__file__).resolve().parent.parent


def settings_with(monkeypatch, **environment) -> dict:
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    for name, value in {"SECRET_KEY": "k", "EMAIL_BACKEND": "x", **environment}.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "finder" / "settings.py"))


def test_without_a_replica_there_is_one_database_and_no_router(monkeypatch):
    values = settings_with(monkeypatch)
    assert list(values["DATABASES"]) == ["default"]
    assert values.get("DATABASE_ROUTERS", []) == []


def test_a_replica_url_adds_the_replica_its_router_and_a_test_mirror(monkeypatch):
    values = settings_with(monkeypatch, DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/finder")
    replica = values["DATABASES"]["replica"]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == ("replica.internal", "reader", "finder")
    assert replica["TEST"] == {"MIRROR": "default"}  # tests never try to create a database on a read-only standby
    assert values["DATABASE_ROUTERS"] == ["finder.routers.ReplicaRouter"]


def test_reads_go_to_the_primary_outside_a_public_request():
    assert ReplicaRouter().db_for_read(Facility) == "default"  # management commands, tests, staff requests


def test_a_public_request_reads_the_directory_from_the_replica_until_it_writes():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Facility) == "replica"
        assert router.db_for_write(ProblemReport) == "default"
        assert router.db_for_read(Facility) == "default"  # it reads its own write from the primary
    assert router.db_for_read(Facility) == "default"


def test_sessions_logins_and_login_throttling_are_always_read_from_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert [router.db_for_read(model) for model in (Session, User, AccessAttempt)] == ["default"] * 3


@pytest.mark.django_db
def test_reads_inside_a_transaction_go_to_the_primary():
    # pytest-django wraps this test in a transaction, as an atomic block in a view would be.
    with replica_reads():
        assert ReplicaRouter().db_for_read(Facility) == "default"


def test_the_replica_is_never_migrated():
    assert ReplicaRouter().allow_migrate("replica", "centers") is False
    assert ReplicaRouter().allow_migrate("default", "centers") is True


def test_the_middleware_is_not_installed_without_a_replica(monkeypatch):
    monkeypatch.delitem(settings.DATABASES, "replica", raising=False)
    with pytest.raises(MiddlewareNotUsed):
        PublicReadsFromReplicaMiddleware(lambda request: None)


@pytest.mark.parametrize(
    ("method", "path", "logged_in", "expected"),
    [
        ("get", "/?location=30303", False, "replica"),
        ("head", "/?location=30303", False, "replica"),
        ("get", "/facility/12/peachtree-medical-detox/", False, "replica"),
        ("get", "/understanding-care/", False, "replica"),
        ("get", "/?location=30303", True, "default"),  # staff see their own writes at once
        ("post", "/?location=30303", False, "default"),  # an unsafe method, even on a directory page
        ("post", "/facility/12/report/", False, "default"),
        ("get", "/facility/12/report/", False, "default"),  # not the directory's page: the primary by default
        ("get", "/staff/", False, "default"),
        ("get", "/helpline/", False, "default"),
        ("get", "/admin/", False, "default"),
        ("get", "/no-such-page/", False, "default"),
    ],
)
def test_only_anonymous_safe_requests_for_directory_pages_read_the_replica(
    monkeypatch, method, path, logged_in, expected
):
    monkeypatch.setitem(settings.DATABASES, "replica", {})  # the middleware only asks whether one is configured
    monkeypatch.setattr(django_router, "routers", [ReplicaRouter()])
    middleware = PublicReadsFromReplicaMiddleware(lambda request: django_router.db_for_read(Facility))
    request = getattr(RequestFactory(), method)(path)
    request.user = User(username="stella") if logged_in else AnonymousUser()
    assert middleware(request) == expected


# The real thing: gunicorn, a primary and a streaming replica whose replay is paused.

NEW_FACILITY = """
from centers.models import Facility, Service
facility = Facility.objects.create(
    name={name!r}, street1="100 Peachtree St", city="Atlanta", state="GA", zip_code="30303",
    latitude=33.7529, longitude=-84.3925, phone="(404) 555-0100",
)
facility.services.add(*Service.objects.filter(code__in=["OP"]))
print(facility.get_absolute_url())
"""
STEWARD = f"""
from django.contrib.auth import get_user_model
get_user_model().objects.create_user("stella", "stella@example.org", {PASSWORD!r}, is_staff=True, is_superuser=True)
"""


def report_form(browser, server, facility_url: str, note: str):
    report_url = facility_url.rsplit("/", 2)[0] + "/report/"
    browser.get(server.url(report_url))  # for the CSRF cookie
    return browser.post(server.url(report_url), {"kind": "phone", "note": note, "contact_email": "", "website": ""})


def test_anonymous_searches_read_the_replica_staff_and_writes_use_the_primary():
    primary, replica = primary_url(), replica_url()
    with fresh_database(primary) as database:
        name = database.rsplit("/", 1)[1]
        before = django_shell(database, STEWARD + NEW_FACILITY.format(name="Peachtree Before The Pause")).strip()
        wait_for_replay(primary, replica)
        replica_database = with_database(replica, name)
        with gunicorn(database, DATABASE_REPLICA_URL=replica_database) as server:
            family, steward = Browser(), Browser()
            assert steward.log_in(server, "stella").status == 302
            search = server.url("/?location=30303")
            assert before in facility_links(family.get(search).text)

            sql(replica, "SELECT pg_wal_replay_pause()")
            try:
                during = django_shell(database, NEW_FACILITY.format(name="Written While Paused")).strip()

                # A family reads the replica, which has not replayed the new facility yet.
                page = family.get(search)
                assert page.status == 200 and before in facility_links(page.text)
                assert during not in facility_links(page.text)
                assert family.get(server.url(during)).status == 404
                # A logged-in steward reads the primary: the new facility at once.
                assert during in facility_links(steward.get(search).text)
                assert steward.get(server.url(during)).status == 200
                # An anonymous POST reads and writes the primary: it can report a facility the replica lacks.
                response = report_form(family, server, during, "Reported while the replica is paused")
                assert response.status == 302, response.text[:2000]
                reports = "SELECT count(*) FROM centers_problemreport WHERE note = %s"
                note = ("Reported while the replica is paused",)
                assert sql(database, reports, note) == [(1,)]
                assert sql(replica_database, reports, note) == [(0,)]
            finally:
                sql(replica, "SELECT pg_wal_replay_resume()")

            wait_for_replay(primary, replica)
            assert during in facility_links(family.get(search).text)
            assert family.get(server.url(during)).status == 200


def test_when_the_replica_is_down_families_are_answered_from_the_primary_and_healthz_says_so():
    primary = primary_url()
    with fresh_database(primary) as database:
        facility = django_shell(database, NEW_FACILITY.format(name="Peachtree While The Replica Is Down")).strip()
        # A replica address where nothing listens: as if the standby had crashed.
        dead_replica = urllib.parse.urlsplit(database)._replace(netloc=f"finder@127.0.0.1:{free_port()}").geturl()
        with gunicorn(database, DATABASE_REPLICA_URL=dead_replica) as server:
            family = Browser()
            for _ in range(2):  # the first finds the replica down; the second goes straight to the primary
                page = family.get(server.url("/?location=30303"))
                assert page.status == 200 and facility in facility_links(page.text)
            assert family.get(server.url(facility)).status == 200
            health = family.get(server.url("/healthz"))
            assert health.status == 200
            assert json.loads(health.text) == {
                "database": "ok",
                "cache": "ok",
                "replica": "unavailable (public reads use the primary)",
            }
