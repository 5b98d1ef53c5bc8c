"""The search cache: identical anonymous searches come from the cache, and no write is ever hidden by it.

Transactional tests: a write bumps the search version when its transaction commits, as in production (a test
rolled back at its end never commits). A response served from the cache renders no template, so the test
client's ``response.context`` is None for it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from centers import search_cache
from centers.demo import load_demo
from centers.importers import import_samhsa_file
from centers.models import Availability, AvailabilityStatus, Facility, Insurer, SearchVersion, Service
from helpline.models import SearchGap
from tests.conftest import export_row, write_export
from tests.redis_server import free_port, redis_server
from tests.test_admin import form_data

# serialized_rollback: the flush after each test must not leave later tests without the Service rows.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
URL = reverse("centers:search")
ROOT = Path(__file__).resolve().parent.parent
IOP = {"location": "30303", "level": "intensive-outpatient"}
ACCEPTING, WAITLIST = "<strong>Accepting new patients</strong>", "<strong>Waitlist</strong>"  # on a card


def locmem(location: str = "search-cache-tests") -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": location}}


def redis(url: str) -> dict:
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


@pytest.fixture
def search_cache_on(settings):
    """The search cache on, in this process's memory."""
    settings.CACHES = locmem()
    settings.FINDER_SEARCH_CACHE_SECONDS = 60
    cache.clear()


@pytest.fixture(params=["locmem", "redis"])
def any_cache(request, settings):
    """The search cache on, in local memory and then in a real Redis."""
    settings.CACHES = locmem() if request.param == "locmem" else redis(request.getfixturevalue("redis_url"))
    settings.FINDER_SEARCH_CACHE_SECONDS = 60
    cache.clear()
    return request.param


def from_cache(response) -> bool:
    return response.context is None


def before_and_after(client, params: dict, write) -> tuple[str, str]:
    """The search's page before ``write`` (proven to be cached), and the same search right after it."""
    first = client.get(URL, params)
    again = client.get(URL, params)
    assert from_cache(again), "the second identical search was not served from the cache"
    assert again.content == first.content
    write()
    after = client.get(URL, params)
    return first.content.decode(), after.content.decode()


def staff_client(user) -> Client:
    staff = Client()
    staff.force_login(user)
    return staff


# Served from the cache, as the same page ------------------------------------------------------------------------


def test_an_identical_anonymous_search_is_the_same_page_from_the_cache(client, any_cache, detox_atlanta):
    first = client.get(URL, {"location": "30303"})
    second = client.get(URL, {"location": "30303"})
    assert not from_cache(first) and from_cache(second)
    assert second.status_code == first.status_code == 200
    assert second.content == first.content and "Peachtree Medical Detox" in second.content.decode()
    headers = {"Content-Type", "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "Vary"}
    assert {name: second.get(name) for name in headers} == {name: first.get(name) for name in headers}
    assert not second.cookies


def test_parameter_order_duplicates_and_unknown_parameters_make_no_new_entry(client, any_cache, outpatient_decatur):
    first = client.get(f"{URL}?location=30030&level=outpatient&level=intensive-outpatient&radius=10")
    same = client.get(
        f"{URL}?utm_source=newsletter&radius=50&level=intensive-outpatient&radius=10&level=outpatient"
        "&location=30030&level=outpatient&fbclid=x"
    )
    assert not from_cache(first) and from_cache(same)
    assert same.content == first.content
    assert "utm_source" not in first.content.decode()  # the page is made from the search's own parameters


def test_a_search_with_other_values_is_another_entry(client, any_cache, outpatient_decatur):
    client.get(URL, {"location": "30030", "radius": "10"})
    assert not from_cache(client.get(URL, {"location": "30030", "radius": "25"}))


def test_each_site_address_has_its_own_entries(client, any_cache, outpatient_decatur):
    client.get(URL, {"location": "30030"})
    assert not from_cache(client.get(URL, {"location": "30030"}, HTTP_HOST="localhost"))
    assert not from_cache(client.get(URL, {"location": "30030"}, secure=True))


def test_a_400_is_cached_with_its_message_and_status(client, any_cache, db):
    first = client.get(URL, {"location": "99999"})
    second = client.get(URL, {"location": "99999"})
    assert from_cache(second)
    assert second.status_code == first.status_code == 400
    assert "couldn&#x27;t find the ZIP code 99999" in second.content.decode()


def test_logged_in_staff_never_fill_the_cache_nor_are_served_from_it(client, any_cache, steward, detox_atlanta):
    staff = staff_client(steward)
    assert not from_cache(staff.get(URL, {"location": "30303"}))
    assert not from_cache(client.get(URL, {"location": "30303"}))  # the staff member's page was not stored
    assert from_cache(client.get(URL, {"location": "30303"}))
    assert not from_cache(staff.get(URL, {"location": "30303"}))  # nor served to them


def test_each_language_has_its_own_entries(client, any_cache, detox_atlanta):
    # English at /, Spanish at /es/ (i18n_patterns): a page made in one language is never served in the other.
    assert not from_cache(client.get(URL, {"location": "30303"}))
    spanish = client.get("/es" + URL, {"location": "30303"})
    assert not from_cache(spanish) and '<html lang="es">' in spanish.content.decode()
    assert from_cache(client.get("/es" + URL, {"location": "30303"}))
    english = client.get(URL, {"location": "30303"})
    assert from_cache(english) and '<html lang="en">' in english.content.decode()


def test_every_search_that_finds_nothing_is_counted_cached_or_not(client, any_cache, detox_atlanta):
    params = {"location": "99501", "level": "medical-detox"}  # Anchorage: nothing there
    responses = [client.get(URL, params) for _ in range(3)]
    assert [from_cache(response) for response in responses] == [False, True, True]
    assert "No facilities match this search" in responses[2].content.decode()
    assert SearchGap.objects.get().searches == 3


def test_a_page_that_sets_a_cookie_is_not_stored(search_cache_on, db):
    def view(request):
        response = HttpResponse("for this visitor only")
        response.set_cookie("visitor", "1")
        return response

    cached = search_cache.cached_search(view)
    for _ in range(2):
        request = RequestFactory().get(URL, {"location": "30303"})
        request.user = AnonymousUser()
        response = cached(request)
        assert response.cookies["visitor"].value == "1"  # made afresh both times, never from the cache


def test_searches_skip_a_dead_redis_and_healthz_names_it(client, settings, detox_atlanta):
    settings.CACHES = redis(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    settings.CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 1}
    settings.FINDER_SEARCH_CACHE_SECONDS = 60
    for _ in range(2):
        response = client.get(URL, {"location": "30303"})
        assert response.status_code == 200 and "Peachtree Medical Detox" in response.content.decode()
    health = client.get("/healthz")
    assert health.status_code == 200  # this server still answers searches: the load balancer keeps it
    assert health.json() == {"database": "ok", "cache": "unavailable (searches are made without it)"}


def test_healthz_answers_200_with_a_live_redis(client, settings, redis_url):
    settings.CACHES = redis(redis_url)
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json() == {"database": "ok", "cache": "ok"}


def test_healthz_follows_a_redis_that_stops(client, settings):
    with redis_server() as url:
        settings.CACHES = redis(url)
        assert client.get("/healthz").status_code == 200
    health = client.get("/healthz")  # the same URL, its server stopped
    assert health.status_code == 200 and health.json()["cache"] == "unavailable (searches are made without it)"


# Never stale: time ------------------------------------------------------------------------------------------------


def test_availability_going_out_of_date_ends_the_entry(client, search_cache_on, settings, outpatient_decatur):
    settings.FINDER_AVAILABILITY_FRESH_HOURS = 1
    updated = timezone.now() - timedelta(hours=1) + timedelta(seconds=4)  # current for 4 more seconds
    Availability.objects.create(facility=outpatient_decatur, level="outpatient", status="accepting", updated_at=updated)
    first = client.get(URL, {"location": "30030"}).content.decode()
    assert ACCEPTING in first
    time.sleep(5)
    later = client.get(URL, {"location": "30030"})
    assert not from_cache(later)
    assert "Unknown, call to check" in later.content.decode()


@pytest.fixture
def lifetimes(monkeypatch):
    """The lifetime, in seconds, of each page stored."""
    stored = []
    real = search_cache._cache_set

    def spy(key, entry, seconds):
        stored.append(seconds)
        real(key, entry, seconds)

    monkeypatch.setattr(search_cache, "_cache_set", spy)
    return stored


def test_accepting_searches_end_when_any_accepting_answer_goes_out_of_date(
    client, search_cache_on, settings, lifetimes, detox_atlanta, methadone_macon
):
    settings.FINDER_SEARCH_CACHE_SECONDS = 3600
    # Macon is not on Atlanta's page; its answer going out of date in 10 minutes still ends "accepting" searches then.
    updated = timezone.now() - timedelta(hours=settings.FINDER_AVAILABILITY_FRESH_HOURS) + timedelta(minutes=10)
    Availability.objects.create(facility=methadone_macon, level="outpatient", status="accepting", updated_at=updated)
    client.get(URL, {"location": "30303"})
    client.get(URL, {"location": "30303", "accepting": "on"})
    client.get(URL, {"location": "30303", "sort": "availability"})
    assert lifetimes[0] == 3600
    assert 590 <= lifetimes[1] <= 600 and 590 <= lifetimes[2] <= 600


def test_a_listing_turning_unverified_ends_the_entry_it_shows_on(
    client, search_cache_on, settings, lifetimes, detox_atlanta
):
    settings.FINDER_SEARCH_CACHE_SECONDS = 3600
    verified = timezone.now() - timedelta(days=settings.FINDER_VERIFICATION_STALE_DAYS) + timedelta(minutes=5)
    Facility.objects.filter(pk=detox_atlanta.pk).update(last_verified_at=verified)
    client.get(URL, {"location": "30303"})
    assert 290 <= lifetimes[0] <= 300


# Never stale: every write path ------------------------------------------------------------------------------------


def test_a_facility_edit(client, search_cache_on, detox_atlanta):
    def write():
        detox_atlanta.name = "Peachtree Detox and Recovery"
        detox_atlanta.save()

    before, after = before_and_after(client, {"location": "30303"}, write)
    assert "Peachtree Medical Detox" in before and "Peachtree Detox and Recovery" in after


def test_unlisting_in_the_admin(client, search_cache_on, steward, detox_atlanta):
    admin = staff_client(steward)
    changelist = reverse("admin:centers_facility_changelist")

    def write():
        response = admin.post(changelist, {"action": "unlist", "_selected_action": [detox_atlanta.pk]})
        assert response.status_code == 302

    before, after = before_and_after(client, {"location": "30303"}, write)
    assert "Peachtree Medical Detox" in before and "Peachtree Medical Detox" not in after


def test_deleting_a_facility(client, search_cache_on, detox_atlanta):
    before, after = before_and_after(client, {"location": "30303"}, detox_atlanta.delete)
    assert "Peachtree Medical Detox" in before and "Peachtree Medical Detox" not in after


def test_a_service_added_to_a_facility(client, search_cache_on, detox_atlanta, outpatient_decatur):
    before, after = before_and_after(client, IOP, lambda: detox_atlanta.services.add(Service.objects.get(code="OIT")))
    assert "Peachtree Medical Detox" not in before and "Peachtree Medical Detox" in after


def test_a_facility_removed_from_a_service(client, search_cache_on, outpatient_decatur):
    service = Service.objects.get(code="OIT")
    before, after = before_and_after(client, IOP, lambda: service.facilities.remove(outpatient_decatur))
    assert "Decatur Outpatient Counseling" in before and "Decatur Outpatient Counseling" not in after


def test_a_service_deleted(client, search_cache_on, outpatient_decatur):
    before, after = before_and_after(client, IOP, Service.objects.get(code="OIT").delete)
    assert "Decatur Outpatient Counseling" in before and "Decatur Outpatient Counseling" not in after


def test_an_insurer_added_to_a_facility(client, search_cache_on, detox_atlanta):
    aetna = Insurer.objects.create(name="Aetna", slug="aetna")
    params = {"location": "30303", "insurer": "aetna"}
    before, after = before_and_after(client, params, lambda: detox_atlanta.insurers.add(aetna))
    assert "Peachtree Medical Detox" not in before and "Peachtree Medical Detox" in after


def test_a_new_insurer_in_the_list(client, search_cache_on, detox_atlanta):
    write = lambda: Insurer.objects.create(name="Kaiser Permanente", slug="kaiser")  # noqa: E731
    before, after = before_and_after(client, {"location": "30303"}, write)
    assert "Kaiser Permanente" not in before and "Kaiser Permanente" in after


def test_an_insurer_deleted(client, search_cache_on, detox_atlanta):
    aetna = Insurer.objects.create(name="Aetna", slug="aetna")
    detox_atlanta.insurers.add(aetna)
    first = client.get(URL, {"location": "30303", "insurer": "aetna"})
    assert from_cache(client.get(URL, {"location": "30303", "insurer": "aetna"}))
    aetna.delete()
    after = client.get(URL, {"location": "30303", "insurer": "aetna"})
    assert first.status_code == 200 and after.status_code == 400


def test_availability_answered_in_the_portal(client, search_cache_on, clerk, detox_atlanta):
    portal = staff_client(clerk)
    url = reverse("portal:set-availability", args=[detox_atlanta.pk])

    def write():
        assert portal.post(url, {"level": "medical-detox", "status": "accepting"}).status_code == 302

    before, after = before_and_after(client, {"location": "30303"}, write)
    assert ACCEPTING not in before and ACCEPTING in after


def test_availability_changed_and_deleted(client, search_cache_on, clerk, detox_atlanta):
    Availability.objects.answer(detox_atlanta, "medical-detox", clerk, status=AvailabilityStatus.ACCEPTING)
    write = lambda: Availability.objects.answer(detox_atlanta, "medical-detox", clerk, status="waitlist")  # noqa: E731
    before, after = before_and_after(client, {"location": "30303"}, write)
    assert ACCEPTING in before and WAITLIST in after
    cache.clear()
    before, after = before_and_after(client, {"location": "30303"}, Availability.objects.all().delete)
    assert WAITLIST in before and WAITLIST not in after


def test_verification(client, search_cache_on, editor, detox_atlanta):
    before, after = before_and_after(
        client, {"location": "30303"}, lambda: detox_atlanta.mark_verified(editor, "staff")
    )
    assert "Not yet verified" in before and "Not yet verified" not in after


def test_an_import(client, search_cache_on, tmp_path, detox_atlanta):
    path = write_export(tmp_path / "a.csv", [export_row()])
    before, after = before_and_after(client, {"location": "30303"}, lambda: import_samhsa_file(path))
    assert "Harbor Light Recovery" not in before and "Harbor Light Recovery" in after
    updated = write_export(tmp_path / "b.csv", [export_row(phone="(404)555-0199")])  # the same facility, updated
    before, after = before_and_after(client, {"location": "30303"}, lambda: import_samhsa_file(updated))
    assert "(404) 555-0199" not in before and "(404) 555-0199" in after
    assert Facility.objects.filter(name="Harbor Light Recovery").count() == 1


def test_a_revert_from_history(client, search_cache_on, steward, detox_atlanta):
    detox_atlanta.name = "Renamed Detox"
    detox_atlanta.save()
    admin = staff_client(steward)
    original = detox_atlanta.history.earliest()
    url = reverse("admin:centers_facility_simple_history", args=[detox_atlanta.pk, original.history_id])

    def write():
        assert admin.post(url, form_data(admin.get(url))).status_code == 302

    before, after = before_and_after(client, {"location": "30303"}, write)
    assert "Renamed Detox" in before and "Peachtree Medical Detox" in after


def test_loading_and_removing_demo_data(client, search_cache_on, detox_atlanta):
    banner = "Demo data: these are not real facilities."
    before, after = before_and_after(client, {"location": "30303"}, lambda: load_demo(count=5))
    assert banner not in before and banner in after
    before, after = before_and_after(client, {"location": "30303"}, lambda: call_command("remove_demo", verbosity=0))
    assert banner in before and banner not in after


def insert_link_without_signals(facility, code):
    through = Facility.services.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {through} (facility_id, service_id) VALUES (%s, %s)", [facility.pk, code])


def test_refresh_search_flags_command(client, search_cache_on, detox_atlanta):
    insert_link_without_signals(detox_atlanta, "OIT")  # search bits now out of step
    write = lambda: call_command("refresh_search_flags", stdout=open(os.devnull, "w"))  # noqa: E731, SIM115
    before, after = before_and_after(client, IOP, write)
    assert "Peachtree Medical Detox" not in before and "Peachtree Medical Detox" in after


def test_one_facility_refreshing_its_search_flags(client, search_cache_on, detox_atlanta):
    insert_link_without_signals(detox_atlanta, "OIT")
    before, after = before_and_after(client, IOP, detox_atlanta.refresh_search_flags)
    assert "Peachtree Medical Detox" not in before and "Peachtree Medical Detox" in after


def test_service_links_added_in_bulk_then_their_flags_refreshed_as_imports_do(client, search_cache_on, detox_atlanta):
    # Cards and filters read the stored search bits, so links alone change no search; the importer and the demo
    # loader refresh the bits after linking in bulk, and that refresh is what must show at once.
    def write():
        Facility.objects.add_service_links([(detox_atlanta.pk, "OIT")])
        Facility.objects.filter(pk=detox_atlanta.pk).refresh_search_flags()

    before, after = before_and_after(client, {"location": "30303"}, write)
    badge = 'class="badge badge-level"'
    assert after.count(badge) == before.count(badge) + 1  # the card's new badge: intensive outpatient


def test_migrating_bumps_the_version(db):
    before = SearchVersion.objects.current()
    call_command("migrate", verbosity=0)
    assert SearchVersion.objects.current() != before


def test_one_transaction_bumps_the_version_once(search_cache_on, detox_atlanta, outpatient_decatur):
    before = SearchVersion.objects.current()
    counter = CountVersionWrites()
    with connection.execute_wrapper(counter):
        with transaction.atomic():
            for facility in Facility.objects.all():
                facility.save()
        assert counter.writes == 1
    assert SearchVersion.objects.current() != before


class CountVersionWrites:
    def __init__(self):
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        if sql.startswith("UPDATE") and SearchVersion._meta.db_table in sql:
            self.writes += 1
        return execute(sql, params, many, context)


# Several processes, each with its own local-memory cache ----------------------------------------------------------


def test_two_gunicorn_workers_with_local_memory_caches_never_serve_a_stale_search(tmp_path):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("runs on its own SQLite file; the SQLite pass runs it")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "finder.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'workers.sqlite3'}",
        "SECRET_KEY": "search-cache-test-key",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DEBUG": "False",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "FINDER_SEARCH_CACHE_SECONDS": "600",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",  # no collectstatic here
    }
    env.pop("CACHE_URL", None)

    def manage(*args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)

    manage("migrate", "--noinput")
    create = "from tests.conftest import make_facility; make_facility(name='Peachtree Medical Detox')"
    manage("shell", "-c", create)
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "finder.wsgi"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    try:
        url = f"http://127.0.0.1:{port}{URL}?location=30303"
        deadline = time.monotonic() + 60
        while True:
            try:
                pages = [urllib.request.urlopen(url).read().decode() for _ in range(12)]  # both workers, cached
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError((tmp_path / "gunicorn.log").read_text()) from None
                time.sleep(0.25)
        assert all("Peachtree Medical Detox" in page for page in pages)
        manage("shell", "-c", "from centers.models import Facility; Facility.objects.get().delete()")  # a third process
        pages = [urllib.request.urlopen(url).read().decode() for _ in range(12)]
        assert not any("Peachtree Medical Detox" in page for page in pages)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


# CACHE_URL ---------------------------------------------------------------------------------------------------------


def settings_with(monkeypatch, **environment) -> dict:
    import runpy

    monkeypatch.setenv("SECRET_KEY", "a-real-key")
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.delenv("CACHE_URL", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "finder" / "settings.py"))


@pytest.mark.django_db(transaction=False)
def test_cache_url_unset_is_local_memory_and_redis_urls_are_redis(monkeypatch):
    assert settings_with(monkeypatch)["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    for url in ("redis://cache.internal:6379/0", "rediss://user:secret@cache.internal:6380/1"):
        caches = settings_with(monkeypatch, CACHE_URL=url)["CACHES"]
        assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
        assert caches["default"]["LOCATION"] == url


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("url", ["memcached://127.0.0.1:11211", "127.0.0.1:6379", "locmem://"])
def test_any_other_cache_url_is_refused_with_a_clear_message(monkeypatch, url):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must be a Redis URL"):
        settings_with(monkeypatch, CACHE_URL=url)
