"""What every /api/ URL does, whichever view answers: CORS, a rate limit on the shared cache, conditional requests
(ETag, Last-Modified, 304), Cache-Control, gzip for JSON only, and errors in JSON."""

import gzip
import json
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from centers.models import Availability, SearchVersion
from tests.conftest import make_facility

pytestmark = pytest.mark.django_db
URL = reverse("api:facilities")
ORIGIN = "https://211.example.org"


@pytest.fixture
def data_changed_an_hour_ago(detox_atlanta):
    """The last write that changed the directory, an hour ago (a bump in a test's transaction never commits)."""
    SearchVersion.objects.filter(pk=1).update(changed_at=timezone.now() - timedelta(hours=1))
    return detox_atlanta


def test_any_site_may_read_the_api_from_a_browser_without_credentials(client, detox_atlanta):
    response = client.get(URL, {"location": "30303"}, HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert {"ETag", "Retry-After"} <= {name.strip() for name in response["Access-Control-Expose-Headers"].split(",")}
    asking = {"HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET", "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "if-none-match"}
    preflight = client.options(URL, HTTP_ORIGIN=ORIGIN, **asking)
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]


def test_pages_outside_the_api_are_not_opened_to_other_sites(client, detox_atlanta):
    for path in ("/", "/?location=30303", detox_atlanta.get_absolute_url(), "/staff/login/"):
        response = client.get(path, HTTP_ORIGIN=ORIGIN)
        assert "Access-Control-Allow-Origin" not in response, path


def test_the_api_sets_no_cookie_and_does_not_vary_by_visitor(client, detox_atlanta, editor):
    client.force_login(editor)
    response = client.get(URL, {"location": "30303"}, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200 and not response.cookies
    assert "cookie" not in response["Vary"].lower()


def test_too_many_requests_from_one_address_get_429_with_retry_after(client, settings, detox_atlanta):
    settings.FINDER_API_RATE = "3/min"
    cache.clear()
    for _ in range(3):
        assert client.get(URL).status_code == 200
    response = client.get(URL, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"  # a browser client can read why
    assert response["Cache-Control"] == "no-store"
    # The limit covers every /api/ URL, and counts per address: X-Forwarded-For from the client changes nothing.
    assert client.get(reverse("api:schema")).status_code == 429
    assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert client.get(URL, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_behind_our_proxy_the_limit_counts_the_address_the_proxy_saw(client, settings, detox_atlanta):
    settings.FINDER_API_RATE, settings.BEHIND_PROXY = "2/min", True
    cache.clear()
    for _ in range(2):
        assert client.get(URL, HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.9").status_code == 200
    assert client.get(URL, HTTP_X_FORWARDED_FOR="other, 203.0.113.9").status_code == 429
    assert client.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200


def test_the_rate_is_counted_in_the_shared_redis_cache(client, settings, redis_url, detox_atlanta):
    import redis

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    settings.FINDER_API_RATE = "2/min"
    cache.clear()
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    keys = redis.Redis.from_url(redis_url).keys("*throttle_api_127.0.0.1*")
    assert len(keys) == 1
    cache.clear()


def test_a_dead_cache_does_not_take_the_api_down(client, settings, detox_atlanta):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.FINDER_API_RATE = "1/min"
    assert [client.get(URL).status_code for _ in range(2)] == [200, 200]


def test_an_unchanged_response_is_a_304_by_etag_and_by_last_modified(client, data_changed_an_hour_ago):
    response = client.get(URL, {"location": "30303"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"
    etag, modified = response["ETag"], response["Last-Modified"]
    assert abs(parse_http_date(modified) - (timezone.now() - timedelta(hours=1)).timestamp()) < 2
    again = client.get(URL, {"location": "30303"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get(URL, {"location": "30303"}, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(URL, {"location": "30304"}, HTTP_IF_NONE_MATCH=etag).status_code == 200  # another search


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the version is bumped once a write commits
def test_new_availability_changes_the_etag_and_last_modified(client, data_changed_an_hour_ago, editor):
    before = client.get(URL, {"location": "30303"})
    Availability.objects.answer(data_changed_an_hour_ago, "medical-detox", editor, status="accepting")
    changed_at = SearchVersion.objects.changed_at()
    assert timezone.now() - changed_at < timedelta(seconds=5)
    time.sleep(max(0.0, 1.01 - (timezone.now() - changed_at).total_seconds()))  # Last-Modified: a second later
    after = client.get(URL, {"location": "30303"}, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after.json()["results"][0]["accepting_now"] is True
    assert after["ETag"] != before["ETag"]
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])
    assert client.get(URL, {"location": "30303"}, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200


def test_last_modified_moves_when_availability_goes_out_of_date_by_the_clock_alone(client, data_changed_an_hour_ago):
    set_at = timezone.now() - timedelta(hours=75, minutes=30)
    Availability.objects.create(facility=data_changed_an_hour_ago, level="medical-detox", status="accepting")
    Availability.objects.filter(facility=data_changed_an_hour_ago).update(updated_at=set_at)
    SearchVersion.objects.filter(pk=1).update(changed_at=timezone.now() - timedelta(days=10))
    response = client.get(URL, {"location": "30303"})
    # Out of date 3.5 hours ago (72 hours after it was set); its age (75 whole hours) last ticked 30 minutes ago.
    assert parse_http_date(response["Last-Modified"]) == int((set_at + timedelta(hours=75)).timestamp())
    detail = client.get(reverse("api:facility", kwargs={"pk": data_changed_an_hour_ago.pk}))
    assert detail["Last-Modified"] == response["Last-Modified"]


def test_last_modified_moves_when_a_listing_becomes_not_verified_recently(client, settings, data_changed_an_hour_ago):
    verified_at = timezone.now() - timedelta(days=settings.FINDER_VERIFICATION_STALE_DAYS, minutes=30)
    data_changed_an_hour_ago.last_verified_at = verified_at
    data_changed_an_hour_ago.save()
    SearchVersion.objects.filter(pk=1).update(changed_at=timezone.now() - timedelta(days=10))
    response = client.get(URL, {"location": "30303"})
    stale_at = verified_at + timedelta(days=settings.FINDER_VERIFICATION_STALE_DAYS)
    assert parse_http_date(response["Last-Modified"]) == int(stale_at.timestamp())
    assert response.json()["results"][0]["verification"]["stale"] is True


def test_no_last_modified_within_a_second_of_a_change_only_the_etag(client, detox_atlanta):
    SearchVersion.objects.filter(pk=1).update(changed_at=timezone.now())
    response = client.get(URL)
    assert response.status_code == 200 and "Last-Modified" not in response and response["ETag"]
    old = http_date((timezone.now() - timedelta(seconds=30)).timestamp())
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=old).status_code == 200


def test_json_is_compressed_and_html_pages_are_not(client, detox_atlanta):
    for _ in range(30):
        make_facility(name="Padding Recovery Center")
    response = client.get(URL, {"location": "30303"}, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert json.loads(gzip.decompress(response.content))["count"] == 31
    # The weak ETag of the compressed body still validates (the body is the same).
    again = client.get(URL, {"location": "30303"}, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT_ENCODING="gzip")
    assert schema["Content-Encoding"] == "gzip"
    for path in ("/?location=30303", "/staff/login/", reverse("api:docs")):
        assert "Content-Encoding" not in client.get(path, HTTP_ACCEPT_ENCODING="gzip"), path


def test_errors_under_the_api_are_json_and_never_stored(client, db):
    for path, status in [("/api/nothing-here/", 404), ("/api/v1/facilities/abc/", 404), (URL + "?page=9", 400)]:
        response = client.get(path)
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert response["Cache-Control"] == "no-store"
        assert response.json()
    posted = client.post(URL, {}, content_type="application/json")
    assert posted.status_code == 405 and "detail" in posted.json()


def test_last_modified_counts_a_place_the_clock_took_out_of_an_accepting_search(client, data_changed_an_hour_ago):
    set_at = timezone.now() - timedelta(hours=74)  # out of date two hours ago: no longer found "accepting now"
    Availability.objects.create(facility=data_changed_an_hour_ago, level="medical-detox", status="accepting")
    Availability.objects.filter(facility=data_changed_an_hour_ago).update(updated_at=set_at)
    make_facility(name="Somewhere Else", codes=["OP"])
    SearchVersion.objects.filter(pk=1).update(changed_at=timezone.now() - timedelta(days=10))
    response = client.get(URL, {"location": "30303", "accepting": "on"})
    assert response.json()["count"] == 0
    assert parse_http_date(response["Last-Modified"]) == int((set_at + timedelta(hours=72)).timestamp())


def test_last_modified_counts_a_listing_the_clock_moved_to_another_page(client, settings, db):
    stale_days = settings.FINDER_VERIFICATION_STALE_DAYS
    went_stale = timezone.now() - timedelta(hours=2)
    make_facility(name="A Verified Long Ago", last_verified_at=went_stale - timedelta(days=stale_days))
    make_facility(name="B Verified Lately", last_verified_at=timezone.now() - timedelta(days=3))
    SearchVersion.objects.filter(pk=1).update(changed_at=timezone.now() - timedelta(days=10))
    response = client.get(URL, {"location": "30303", "per_page": "1"})
    # Same place: the stale listing went after the fresh one two hours ago, off the first page.
    assert [facility["name"] for facility in response.json()["results"]] == ["B Verified Lately"]
    assert parse_http_date(response["Last-Modified"]) == int(went_stale.timestamp())
