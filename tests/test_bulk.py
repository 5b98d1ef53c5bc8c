"""centers.bulk.insert: the importer's fast INSERT writes exactly the rows bulk_create() would."""

import datetime

import pytest
from django.utils import timezone

from centers import bulk
from centers.models import Facility
from centers.vocabulary import Source

pytestmark = pytest.mark.django_db

WHEN = timezone.make_aware(datetime.datetime(2024, 5, 6, 7, 8, 9, 123456), datetime.UTC)


def new_facilities(prefix: str) -> list[Facility]:
    """New facilities with every kind of value: text with quotes and tabs, floats, None, JSON, times."""
    facilities = []
    for number, (name, latitude) in enumerate([("Harbor Light", 33.7490001), ('O\'Brien "Hope" House', 0.0)]):
        facility = Facility(
            name=name,
            name2="Tab\tand back\\slash" if number else "",
            street1=f"{number} Peachtree St",
            city="Atlanta",
            state="GA",
            zip_code="30303",
            latitude=latitude,
            longitude=None if number else -84.3880001,
            search_flags=0,  # no services yet (every database test checks the flags)
            source=Source.SAMHSA,
            source_id=f"{prefix}{number}",
            uuid=Facility.stable_uuid(Source.SAMHSA, str(number)),
            imported_values={"name": name, "services": ["OP", "BU"], "quote": 'say "yes"', "n": number},
            imported_at=WHEN,
            created_at=WHEN,
            updated_at=WHEN,
        )
        facility.slug = facility.make_slug()
        facilities.append(facility)
    return facilities


def stored(prefix: str) -> list[dict]:
    rows = Facility.objects.filter(source_id__startswith=prefix).order_by("source_id").values()
    return [{**row, "id": None, "source_id": row["source_id"][len(prefix) :]} for row in rows]


def test_insert_writes_the_rows_bulk_create_writes():
    Facility.objects.bulk_create(new_facilities("bulk-create-"))
    by_bulk_create = stored("bulk-create-")
    Facility.objects.filter(source_id__startswith="bulk-create-").delete()  # their open data ids are unique
    bulk.insert(Facility, new_facilities("fast-"))
    by_insert = stored("fast-")
    assert len(by_insert) == 2
    # bulk_create stamps auto_now fields anew; insert keeps the import's one time for every row.
    for row in by_bulk_create:
        row["created_at"] = row["updated_at"] = WHEN
    assert by_insert == by_bulk_create
    assert by_insert[1]["imported_values"]["quote"] == 'say "yes"' and by_insert[1]["longitude"] is None


def test_insert_of_nothing_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        bulk.insert(Facility, [])
