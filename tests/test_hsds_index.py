"""Paging HSDS services without reading earlier pages (opendata.service_index), and its per-version cache."""

from __future__ import annotations

import random
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from centers import search_flags
from centers.vocabulary import LevelOfCare
from opendata import ids
from opendata.service_index import GENERAL, IdMap, ServiceIndex, service_levels
from tests.conftest import make_facility

LEVELS = [level.value for level in LevelOfCare]


def test_a_facility_has_its_levels_in_order_or_one_general_service():
    flags = search_flags.mask("level", [LevelOfCare.OUTPATIENT, LevelOfCare.MEDICAL_DETOX])
    flags |= search_flags.mask("telehealth", ["yes"])  # not a level: no service of its own
    assert service_levels(flags) == ["medical-detox", "outpatient"]
    assert service_levels(0) == [GENERAL]
    assert service_levels(search_flags.mask("telehealth", ["yes"])) == [GENERAL]


def test_every_page_of_every_size_is_the_slice_of_all_services():
    chooser = random.Random(10)
    rows = [(pk, chooser.sample(LEVELS, chooser.randint(0, 4))) for pk in range(1, 60)]
    index = ServiceIndex(rows)
    flat = [(pk, level) for pk, levels in rows for level in levels]
    assert index.total == len(flat)

    for size in (1, 2, 3, 7, 50, len(flat), 1000):
        for number in range(1, len(flat) // size + 3):
            page = [(part.pk, level) for part in index.page(number, size) for level in part.levels]
            assert page == flat[(number - 1) * size : number * size], (size, number)
    assert index.page(10**18, 1000) == []


def test_a_new_id_map_reuses_the_ids_of_unchanged_facilities():
    unchanged, changed, gone = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    outpatient = search_flags.mask("level", [LevelOfCare.OUTPATIENT])
    detox = search_flags.mask("level", [LevelOfCare.MEDICAL_DETOX])
    before = IdMap([(1, unchanged, outpatient), (2, changed, outpatient), (3, gone, outpatient)])

    after = IdMap([(1, unchanged, outpatient), (2, changed, outpatient | detox), (4, uuid.uuid4(), 0)], before)

    assert after.facilities[1] is before.facilities[1]
    assert after.services[ids.service(str(changed), "medical-detox")] == (2, "medical-detox")
    assert after.services[ids.service(str(changed), "outpatient")] == (2, "outpatient")
    assert ids.service(str(gone), "outpatient") not in after.services
    assert ids.organization(str(gone)) not in after.organizations
    link = ids.service_at_location(ids.service(str(unchanged), "outpatient"))
    assert after.links[link] == (1, "outpatient")


@pytest.fixture
def cached(settings):
    settings.FINDER_HSDS_CACHE_PER_VERSION = True


# transaction=True: the version is bumped only when a write commits; serialized_rollback=True: the flush
# afterwards must give the next tests back the services and search version the migrations made.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_cached_index_and_ids_follow_every_committed_write(client, cached):
    first = make_facility(name="First Place", codes=["OP"])

    def services():
        return client.get("/api/hsds/services", {"per_page": "100"}).json()

    assert [service["name"] for service in services()["contents"]] == ["Outpatient"]
    with CaptureQueriesContext(connection) as again:
        services()
    # From the cache: the version, then the page's facilities and rows; never a pass over every facility.
    assert not any('"search_flags" FROM' in query["sql"] and "IN (" not in query["sql"] for query in again)

    second = make_facility(name="Second Place", codes=["HID", "OIT"])
    assert services()["total_items"] == 3
    detox_id = ids.service(str(second.uuid), "medical-detox")
    assert client.get(f"/api/hsds/services/{detox_id}").status_code == 200

    first.services.add("RL")  # a level more: its services and their ids change
    long_term_id = ids.service(str(first.uuid), "residential-long-term")
    assert client.get(f"/api/hsds/services/{long_term_id}").status_code == 200
    assert services()["total_items"] == 4

    second.is_listed = False
    second.save()
    assert client.get(f"/api/hsds/services/{detox_id}").status_code == 404
    assert services()["total_items"] == 2
