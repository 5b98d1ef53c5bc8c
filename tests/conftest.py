"""The cast: a few facilities around Atlanta, and a helper to make more."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from centers.importers import LEADING_COLUMNS
from centers.models import Facility, Service
from centers.vocabulary import Source, Status

SHARED_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

# Downtown Atlanta (ZIP 30303) and Decatur (ZIP 30030), about 6 miles apart.
ATLANTA = (33.7529, -84.3925)
DECATUR = (33.7748, -84.2963)
MACON = (32.8407, -83.6324)  # about 80 miles from Atlanta


def make_facility(codes=(), insurers=(), **overrides) -> Facility:
    latitude, longitude = overrides.pop("at", ATLANTA)
    values = {
        "name": "Test Recovery Center",
        "street1": "100 Peachtree St",
        "city": "Atlanta",
        "state": "GA",
        "zip_code": "30303",
        "latitude": latitude,
        "longitude": longitude,
        "phone": "(404) 555-0100",
        **overrides,
    }
    facility = Facility.objects.create(**values)
    if codes:
        facility.services.add(*Service.objects.filter(code__in=codes))
    if insurers:
        facility.insurers.add(*insurers)
    return facility


@pytest.fixture
def detox_atlanta(db):
    return make_facility(name="Peachtree Medical Detox", codes=["HID", "RD", "MD", "PI", "BU"], at=ATLANTA)


@pytest.fixture
def outpatient_decatur(db):
    return make_facility(
        name="Decatur Outpatient Counseling",
        city="Decatur",
        zip_code="30030",
        codes=["OIT", "ORT", "OP", "SF", "SS", "SP", "TELE", "WN", "NU", "VTRL"],
        at=DECATUR,
    )


@pytest.fixture
def methadone_macon(db):
    return make_facility(
        name="Middle Georgia Methadone Clinic", city="Macon", zip_code="31201", codes=["OTP", "MM", "MD"], at=MACON
    )


@pytest.fixture
def unlisted_center(db):
    return make_facility(name="Hidden Unlisted Center", codes=["OIT"], is_listed=False)


@pytest.fixture
def closed_center(db):
    return make_facility(name="Closed Old Clinic", codes=["OIT"], status=Status.CLOSED)


@pytest.fixture
def demo_center(db):
    return make_facility(name="Fictional Demo Place", codes=["OP"], source=Source.DEMO, source_id="demo-1")


def write_export(path: Path, rows: list[dict], codes=("op", "oit", "md", "bu")) -> Path:
    """Write a CSV in the FindTreatment.gov export layout; missing cells are blank (codes 0)."""
    header = [*LEADING_COLUMNS, *codes]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "0" if column in codes else "") for column in header})
    return path


def export_row(**overrides) -> dict:
    return {
        "name1": "Harbor Light Recovery",
        "name2": "",
        "street1": "12 Main Street",
        "city": "Atlanta",
        "state": "GA",
        "zip": "30303",
        "phone": "(404)555-0123",
        "website": "www.harborlight.example.org",
        "latitude": "33.7529",
        "longitude": "-84.3925",
        "type_facility": "SA",
        "op": "1",
        "md": "1",
        **overrides,
    }


@pytest.fixture
def shared_export():
    path = SHARED_DATA / "findtreatment-export-nssats-2015.csv"
    if not path.exists():
        pytest.skip(f"{path} is not present (it lives beside the project, not in a user's clone)")
    return path


def pytest_report_header(config):
    url = os.environ.get("DATABASE_URL", "")
    return f"database: {'PostgreSQL' if url.startswith('postgres') else 'SQLite'}"


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Each test starts in English: a request to a Spanish page leaves Spanish active in the thread (LocaleMiddleware
    activates a language and never deactivates it), and the next test's reverse() would then give /es/... URLs."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True, scope="session")
def _spanish_catalogue_compiled():
    """Spanish pages need the compiled catalogue: `make test` compiles it, and so does a bare pytest run, here.

    Written only when missing or older than django.po, through a temporary file (other runs may read it).
    Without GNU gettext nothing is compiled, and the tests of Spanish pages fail, saying they are English.
    """
    import shutil
    import subprocess

    from django.utils.translation import trans_real

    po = Path(__file__).resolve().parent.parent / "locale" / "es" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    if shutil.which("msgfmt") and (not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime):
        partial = mo.with_name(f"django.mo.{os.getpid()}")
        subprocess.run(["msgfmt", "--check-format", "-o", str(partial), str(po)], check=True)
        partial.replace(mo)
        trans_real._translations.clear()  # catalogues read before this one existed


@pytest.fixture(autouse=True, scope="session")
def _postgres_when_required(django_db_setup, django_db_blocker):
    """In CI (FINDER_REQUIRE_POSTGRES=1) a run given DATABASE_URL must really be on PostgreSQL."""
    if os.environ.get("FINDER_REQUIRE_POSTGRES") == "1" and os.environ.get("DATABASE_URL"):
        from django.db import connection

        assert connection.vendor == "postgresql", f"expected PostgreSQL, got {connection.vendor}"


@pytest.fixture(autouse=True, scope="session")
def _serialized_contents_survive_new_connections(django_db_setup, django_db_blocker):
    """Keep the database contents serialized at setup (the services, groups and search version the migrations
    made) where every later connection object finds them.

    Django keeps them on the connection object, and ``serialized_rollback`` restores them from there. Playwright's
    sync API runs the browser tests' code on greenlets, and Django's connections are context-local, so after a
    browser test the main thread may get a fresh connection object without them: the next transactional test
    then silently starts with no services at all. On the connection's class they outlive any one object."""
    from django.db import connections

    for alias in connections:
        contents = connections[alias].__dict__.get("_test_serialized_contents")
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def search_flags_stay_in_step(request):
    """Every test that writes facilities ends with the centers.E001 system check passing: no write path may
    leave stored search flags out of step with services. (Transactional tests are left out: their data
    is flushed, not rolled back, and other threads may still be writing.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction"))
    if transactional or (marker is None and "db" not in request.fixturenames):
        yield
        return
    request.getfixturevalue("db")  # so this check runs before the test's transaction is rolled back
    yield
    from centers.checks import check_search_flags

    assert [error.msg for error in check_search_flags(databases=["default"])] == []


# People. Passwords are all PASSWORD; log in with client.force_login(user) unless testing login.
PASSWORD = "correct horse battery staple"


def make_user(username, **extra):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD, **extra)


@pytest.fixture
def steward(db):
    """A data steward: Django staff with the full admin."""
    return make_user("stella", is_staff=True, is_superuser=True)


@pytest.fixture
def editor(detox_atlanta):
    """Admissions staff at Peachtree Medical Detox who may edit the listing."""
    from portal.models import Membership

    user = make_user("eddie")
    Membership.objects.create(user=user, facility=detox_atlanta, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def clerk(detox_atlanta):
    """Admissions staff at Peachtree Medical Detox who may only update availability."""
    from portal.models import Membership

    user = make_user("clara")
    Membership.objects.create(user=user, facility=detox_atlanta, role=Membership.Role.AVAILABILITY)
    return user


@pytest.fixture
def other_editor(outpatient_decatur):
    """An editor at a different facility (Decatur): must never change Peachtree's listing."""
    from portal.models import Membership

    user = make_user("oscar")
    Membership.objects.create(user=user, facility=outpatient_decatur, role=Membership.Role.EDITOR)
    return user


@pytest.fixture
def helpline_worker(db):
    """Hana answers helpline calls."""
    from django.contrib.auth.models import Group

    user = make_user("hana")
    user.groups.add(Group.objects.get(name="Helpline workers"))
    return user


@pytest.fixture
def other_helpline_worker(db):
    from django.contrib.auth.models import Group

    user = make_user("henry")
    user.groups.add(Group.objects.get(name="Helpline workers"))
    return user


@pytest.fixture
def supervisor(db):
    """Sam supervises the helpline: sees everyone's follow-ups and the reports."""
    from django.contrib.auth.models import Group

    user = make_user("sam")
    user.groups.add(Group.objects.get(name="Helpline supervisors"))
    return user


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test module: Playwright's sync API allows one instance at a time."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS, skip_or_fail

    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM}; install it with `apt-get install chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("The playwright package is not installed (make venv)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def redis_url():
    """The URL of a throwaway Redis server, shared by the session's tests (tests/redis_server.py)."""
    from tests.redis_server import redis_server

    with redis_server() as url:
        yield url
