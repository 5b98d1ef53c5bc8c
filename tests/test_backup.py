"""Backups: a ``pg_dump -Fc`` restored with ``pg_restore`` into a fresh database answers the same searches.

This is the restore procedure docs/deploy.md describes, run for real (PostgreSQL pass only).
"""

from __future__ import annotations

import subprocess

from tests.live_servers import (
    Browser,
    django_shell,
    facility_links,
    fresh_database,
    gunicorn,
    manage,
    pg_tool,
    primary_url,
    sql,
)

SEARCHES = ["/?location=60601", "/?location=30303&level=outpatient", "/?location=60601&page=2"]
TABLES = ["centers_facility", "centers_facility_services", "centers_facility_insurers", "centers_availability"]
NEW_FACILITY = """
from centers.models import Facility
facility = Facility.objects.create(name="Added After The Restore", street1="1 Main St", city="Atlanta", state="GA",
                                   zip_code="30303", latitude=33.7529, longitude=-84.3925)
print(facility.pk)
"""


def answers(server) -> dict[str, list[str]]:
    family = Browser()
    return {path: facility_links(family.get(server.url(path)).text) for path in SEARCHES}


def counts(database: str) -> list[tuple]:
    return [sql(database, f"SELECT count(*) FROM {table}")[0] for table in TABLES]


def test_a_custom_format_dump_restored_into_a_fresh_database_answers_the_same_searches(tmp_path):
    primary = primary_url()
    dump = tmp_path / "finder.dump"
    with fresh_database(primary) as original, fresh_database(primary, migrate=False) as restored:
        manage(original, "load_demo")  # about 2,000 facilities with services, insurers and availability
        subprocess.run([pg_tool("pg_dump"), "-Fc", "--no-owner", "-f", dump, "-d", original], check=True)
        subprocess.run([pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "-d", restored, dump], check=True)

        assert counts(restored) == counts(original)
        with gunicorn(original) as before, gunicorn(restored) as after:
            expected = answers(before)
            assert all(expected.values()), expected  # every search finds something: the comparison means something
            assert answers(after) == expected
        # The restored sequences continue after the restored rows: new writes work.
        (max_pk,) = sql(restored, "SELECT max(id) FROM centers_facility")[0]
        assert int(django_shell(restored, NEW_FACILITY)) > max_pk
