"""Identical JSON API searches served from the cache (api/cache.py): never stale after a write, never past the
moment the clock changes what they show, and with the Last-Modified they were made with.

Transactional tests: a write bumps the search version when its transaction commits, as in production.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api import cache as api_cache
from centers.models import Availability
from tests.conftest import make_facility

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
URL = reverse("api:facilities")


@pytest.fixture
def cache_on(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-cache"}}
    settings.FINDER_SEARCH_CACHE_SECONDS = 60


def test_the_same_search_asked_again_is_answered_from_the_cache(client, cache_on, django_assert_num_queries):
    make_facility(name="Cached Recovery", codes=["OP"])
    make_facility(name="Cached Counseling", codes=["OP"])
    first = client.get(URL, {"location": "30303", "level": "outpatient", "per_page": "1", "utm_source": "x"})
    assert (
        first.json()["next"] == "http://testserver/api/v1/facilities/?level=outpatient&location=30303&per_page=1&page=2"
    )
    # Asked another way (other order, no tracking tag): only the search version's token and its time are read.
    with django_assert_num_queries(2):
        again = client.get(URL + "?per_page=1&level=outpatient&location=30303")
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]


def test_a_write_makes_the_cached_search_unreachable_at_once(client, cache_on, editor, detox_atlanta):
    assert client.get(URL, {"location": "30303"}).json()["results"][0]["availability"] == []
    Availability.objects.answer(detox_atlanta, "medical-detox", editor, status="accepting", details={"open_slots": 4})
    result = client.get(URL, {"location": "30303"}).json()["results"][0]
    assert result["availability"][0]["open_slots"] == 4 and result["accepting_now"] is True


def test_an_entry_ends_before_the_clock_changes_what_it_shows(client, cache_on, detox_atlanta, settings):
    Availability.objects.create(facility=detox_atlanta, level="medical-detox", status="accepting")
    set_at = timezone.now() - timedelta(minutes=59, seconds=30)  # its age ticks to 1 hour in 30 seconds
    Availability.objects.filter(facility=detox_atlanta).update(updated_at=set_at)
    client.get(URL, {"location": "30303"})
    key = next(key for key in _keys() if "api-search" in key)
    expires = _expiry(key)
    assert 0 < expires - timezone.now().timestamp() <= 31


def test_cache_lifetime_is_the_setting_or_until_the_next_moment(settings):
    settings.FINDER_SEARCH_CACHE_SECONDS = 60
    now = timezone.now()
    assert api_cache.lifetime([now - timedelta(hours=1)], now) == 60
    assert api_cache.lifetime([now + timedelta(seconds=20), now + timedelta(hours=2)], now) == 20


def _keys():
    from django.core.cache.backends.locmem import _caches

    return list(_caches["api-cache"].keys())


def _expiry(key):
    from django.core.cache.backends.locmem import _expire_info

    return _expire_info["api-cache"][key]
