"""Searches that found nothing: counted per day, rounded place, surface, distance and type of care."""

import threading

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from helpline.models import SearchGap

SEARCH = reverse("centers:search")
HELPLINE = reverse("helpline:search")
GAPS = reverse("helpline:gaps")
# ZIP centres in one 0.1-degree cell: 30303 is at 33.7525,-84.3888 and 30313 at 33.7683,-84.3935.
SAME_CELL = ["30303", "30313"]


def gap_rows() -> list[tuple]:
    return list(
        SearchGap.objects.order_by("surface", "level_of_care", "state").values_list(
            "surface", "state", "latitude", "longitude", "radius", "level_of_care", "searches"
        )
    )


@pytest.mark.django_db
def test_a_gap_is_stored_at_a_tenth_of_a_degree_not_where_the_person_searched(client):
    response = client.get(SEARCH, {"location": "30303"})

    assert response.status_code == 200
    assert gap_rows() == [("public", "GA", 33.8, -84.4, "25", "", 1)]


@pytest.mark.django_db
def test_a_public_empty_search_is_counted_as_a_public_gap_and_a_helpline_one_as_helpline(client, helpline_worker):
    client.get(SEARCH, {"location": "30303", "level": "medical-detox"})
    client.force_login(helpline_worker)
    client.get(HELPLINE, {"location": "30303", "level": "medical-detox"})

    assert gap_rows() == [
        ("helpline", "GA", 33.8, -84.4, "25", "medical-detox", 1),
        ("public", "GA", 33.8, -84.4, "25", "medical-detox", 1),
    ]


@pytest.mark.django_db
def test_repeated_empty_searches_in_one_cell_add_to_one_row(client):
    for _ in range(5):
        for zip_code in SAME_CELL:
            assert client.get(SEARCH, {"location": zip_code, "radius": "10"}).status_code == 200

    assert gap_rows() == [("public", "GA", 33.8, -84.4, "10", "", 10)]


@pytest.mark.django_db
def test_each_type_of_care_asked_for_is_counted_once(client):
    params = {"location": "30303", "level": ["outpatient", "medical-detox", "outpatient"]}
    client.get(SEARCH, params)
    client.get(SEARCH, params)

    assert [(level, searches) for *_, level, searches in gap_rows()] == [("medical-detox", 2), ("outpatient", 2)]


@pytest.mark.django_db
def test_a_search_with_results_or_an_empty_page_records_no_gap(client, detox_atlanta):
    client.get(SEARCH, {"location": "30303"})
    client.get(SEARCH)
    client.get(SEARCH, {"location": "Nowhere, ZZ"})

    assert SearchGap.objects.count() == 0


@pytest.mark.django_db
def test_the_gaps_map_counts_searches_not_rows(client, steward):
    SearchGap.objects.create(
        surface="public", state="GA", latitude=33.8, longitude=-84.4, radius="25", level_of_care="", searches=40
    )
    SearchGap.objects.create(
        surface="helpline", state="GA", latitude=33.8, longitude=-84.4, radius="5", level_of_care="", searches=2
    )
    client.force_login(steward)

    response = client.get(GAPS)

    assert response.context["total"] == 42
    assert response.context["areas"] == [
        {"state": "Georgia", "point": "33.8, -84.4", "level": "Any type of care", "count": 42}
    ]
    assert "42 searches found nothing" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_empty_searches_count_every_search_in_one_row():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    key = {
        "searched_on": timezone.localdate(),
        "surface": "public",
        "state": "GA",
        "latitude": 33.8,
        "longitude": -84.4,
        "radius": "25",
        "level_of_care": "",
    }
    threads, rounds = 8, 10
    errors = []

    def search_many(barrier):
        try:
            for _ in range(rounds):
                barrier.wait()
                SearchGap.objects.add_one(**key)
        except Exception as error:  # noqa: BLE001 (reported below, in the main thread)
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    barrier = threading.Barrier(threads)
    workers = [threading.Thread(target=search_many, args=(barrier,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert list(SearchGap.objects.values_list("searches", flat=True)) == [threads * rounds]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_folds_existing_rows_into_counts():
    executor = MigrationExecutor(connection)
    before, after = [("helpline", "0002_helpline_groups")], [("helpline", "0003_search_gap_daily_counts")]
    executor.migrate(before)
    old_gap = executor.loader.project_state(before).apps.get_model("helpline", "SearchGap")
    row = {"surface": "public", "state": "GA", "latitude": 33.8, "longitude": -84.4, "radius": "25"}
    for level in ["medical-detox", "medical-detox", "medical-detox", ""]:
        old_gap.objects.create(**row, level_of_care=level)
    old_gap.objects.create(**{**row, "state": "TN", "latitude": 36.2}, level_of_care="")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert gap_rows() == [
        ("public", "GA", 33.8, -84.4, "25", "", 1),
        ("public", "TN", 36.2, -84.4, "25", "", 1),
        ("public", "GA", 33.8, -84.4, "25", "medical-detox", 3),
    ]
