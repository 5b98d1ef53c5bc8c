"""The HSDS data package: export_hsds writes a valid package, import_hsds reads any publisher's, and the round trip
(export, import into a fresh database, export again) gives byte-identical files on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import filecmp
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command

from centers.models import Availability, Facility, Insurer
from centers.vocabulary import LevelOfCare, Source
from opendata import ids, records
from opendata.loading import import_package
from opendata.models import TaxonomyTerm, TermLink
from opendata.package import write_package
from opendata.reading import PackageError
from opendata.tables import descriptor
from tests.conftest import SHARED_DATA, make_facility
from tests.hsds_package import package_problems, read_package, shared_descriptor
from tests.live_servers import fresh_database, manage, primary_url, sql, with_database

NATIONAL = SHARED_DATA / "findtreatment-export-nssats-2015.csv"

# A small package "from another publisher": one organization with two locations and three services, a
# location without an organization, a taxonomy Finder does not know (with a parent term), a phone without a
# type, a capacity without a unit.
ORG = "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a01"
CLINIC, ANNEX, LONE = (
    "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a11",
    "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a12",
    "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a13",
)
IOP, DETOX, COUNSELING, LONE_SERVICE = (
    "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a21",
    "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a22",
    "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a23",
    "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a24",
)
TAXONOMY_211, PARENT_TERM, CHILD_TERM = (
    "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a31",
    "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a32",
    "7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c1a33",
)


def uid(n: int) -> str:
    return f"7d1f6f35-0b8c-4f43-9a4e-2d6f3f0c{n:04x}"


def foreign_package() -> dict[str, list[dict]]:
    return {
        "organizations.csv": [
            {"id": ORG, "name": "Harbor Health Partners", "description": "Community health nonprofit."},
        ],
        "locations.csv": [
            {
                "id": CLINIC,
                "location_type": "physical",
                "organization_id": ORG,
                "name": "Harbor Clinic",
                "latitude": "33.7529",
                "longitude": "-84.3925",
            },
            {"id": ANNEX, "location_type": "physical", "organization_id": ORG, "name": "Harbor Annex"},
            {
                "id": LONE,
                "location_type": "physical",
                "name": "Lone Pine Recovery House",
                "latitude": "34.0",
                "longitude": "-84.0",
            },
        ],  # fmt: skip
        "addresses.csv": [
            {
                "id": uid(1),
                "location_id": CLINIC,
                "address_1": "10 Harbor Way",
                "city": "Atlanta",
                "state_province": "GA",
                "postal_code": "30303",
                "country": "US",
                "address_type": "physical",
            },
            {
                "id": uid(2),
                "location_id": ANNEX,
                "address_1": "12 Harbor Way",
                "city": "Decatur",
                "state_province": "Georgia",
                "postal_code": "30030-1234",
                "country": "US",
                "address_type": "physical",
            },
            {
                "id": uid(3),
                "location_id": LONE,
                "address_1": "1 Pine Rd",
                "city": "Marietta",
                "state_province": "GA",
                "postal_code": "30060",
                "country": "US",
                "address_type": "physical",
            },
        ],  # fmt: skip
        "services.csv": [
            {
                "id": IOP,
                "organization_id": ORG,
                "name": "Intensive outpatient (IOP)",
                "status": "active",
                "assured_date": "2026-10-01",
                "last_modified": "2026-10-02T08:00:00Z",
                "wait_time": "",
            },
            {"id": DETOX, "organization_id": ORG, "name": "Withdrawal management", "status": "active"},
            {"id": COUNSELING, "organization_id": ORG, "name": "Family counseling", "status": "active"},
            {"id": LONE_SERVICE, "organization_id": ORG, "name": "Recovery housing", "status": "inactive"},
        ],  # fmt: skip
        "service_at_location.csv": [
            {"id": uid(11), "service_id": IOP, "location_id": CLINIC},
            {"id": uid(12), "service_id": DETOX, "location_id": CLINIC},
            {"id": uid(13), "service_id": COUNSELING, "location_id": ANNEX},
            {"id": uid(14), "service_id": LONE_SERVICE, "location_id": LONE},
        ],
        "phones.csv": [
            {
                "id": uid(21),
                "location_id": CLINIC,
                "number": "404-555-0111",
                "type": "voice",
                "description": "Intake line",
            },
            {"id": uid(22), "location_id": CLINIC, "number": "(404) 555-0112"},  # no type: the main number
            {"id": uid(23), "location_id": CLINIC, "number": "404 555 0113", "type": "fax"},
            {"id": uid(24), "service_id": COUNSELING, "number": "4045550114", "extension": "7"},
        ],  # fmt: skip
        "taxonomies.csv": [
            {"id": TAXONOMY_211, "name": "211 LA County", "description": "A local 211 taxonomy."},
        ],
        "taxonomy_terms.csv": [
            {
                "id": PARENT_TERM,
                "code": "R",
                "name": "Health care",
                "description": "Health care services.",
                "taxonomy_id": TAXONOMY_211,
                "taxonomy": "211 LA County",
            },
            {
                "id": CHILD_TERM,
                "code": "RX-8450",
                "name": "Substance use disorder counseling",
                "description": "Counseling.",
                "parent_id": PARENT_TERM,
                "taxonomy_id": TAXONOMY_211,
            },
            # Finder's own SAMHSA term for Medicaid, as another Finder package would name it.
            {"id": ids.samhsa_term("MD"), "code": "MD", "name": "Medicaid", "description": "Payment accepted."},
        ],  # fmt: skip
        "attributes.csv": [
            {"id": uid(31), "link_id": COUNSELING, "taxonomy_term_id": CHILD_TERM, "link_entity": "service"},
            {"id": uid(32), "link_id": CLINIC, "taxonomy_term_id": ids.samhsa_term("MD"), "link_entity": "location"},
            {
                "id": uid(33),
                "link_id": DETOX,
                "taxonomy_term_id": ids.finder_term("level:medical-detox"),
                "link_entity": "service",
            },
            {
                "id": uid(34),
                "link_id": CLINIC,
                "taxonomy_term_id": ids.finder_term("language:spanish"),
                "link_entity": "location",
            },
        ],  # fmt: skip
        "service_capacity.csv": [
            {"id": uid(41), "service_id": IOP, "unit_id": "", "available": "4", "updated": "2026-11-30T12:00:00Z"},
            {"id": uid(42), "service_id": DETOX, "unit_id": "", "available": "0", "updated": "2026-11-29T12:00:00Z"},
        ],
        "cost_options.csv": [
            {"id": uid(51), "service_id": IOP, "option": "Sliding fee scale (cost based on income)"},
            {"id": uid(52), "service_id": IOP, "option": "Aetna", "amount_description": records.INSURER_PLAN},
        ],
    }


def write_files(directory: Path, files: dict[str, list[dict]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        columns = list(dict.fromkeys(column for row in rows for column in row))
        with open(directory / name, "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, columns)
            writer.writeheader()
            writer.writerows(rows)
    return directory


def assert_valid(directory: Path) -> None:
    """Valid against Open Referral's descriptor (../shared/hsds), else against the copy Finder carries."""
    assert package_problems(directory, shared_descriptor() or descriptor()) == []


def assert_same_files(first: Path, second: Path) -> None:
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(path.name for path in second.iterdir())
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert (mismatch, errors) == ([], [])


# A package from another publisher -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_package_from_another_publisher_becomes_facilities_finder_shows(tmp_path):
    Insurer.objects.create(name="Aetna", slug="aetna")
    result = import_package(write_files(tmp_path / "in", foreign_package()))
    assert (result.created, result.updated, result.skipped) == (3, 0, 0)

    clinic = Facility.objects.get(uuid=CLINIC)
    assert (clinic.source, clinic.source_id) == (Source.HSDS, CLINIC)
    assert (clinic.name, clinic.name2) == ("Harbor Clinic", "Harbor Health Partners")
    assert (clinic.street1, clinic.city, clinic.state, clinic.zip_code) == ("10 Harbor Way", "Atlanta", "GA", "30303")
    assert clinic.description == "Community health nonprofit."
    assert (clinic.intake_phone, clinic.phone) == ("(404) 555-0111", "(404) 555-0112")  # the fax is not a phone
    assert set(clinic.levels_of_care) == {LevelOfCare.INTENSIVE_OUTPATIENT, LevelOfCare.MEDICAL_DETOX}
    assert {"MD", "SS", "SP", "OIT"} <= clinic.service_codes()
    assert list(clinic.insurers.values_list("name", flat=True)) == ["Aetna"]
    assert clinic.last_verified_at.date().isoformat() == "2026-10-01"
    availability = {row.level: row for row in clinic.availability.all()}
    assert (availability["intensive-outpatient"].status, availability["intensive-outpatient"].open_slots) == (
        "accepting",
        4,
    )
    assert availability["medical-detox"].status == "not-accepting"

    annex = Facility.objects.get(uuid=ANNEX)
    assert (annex.state, annex.zip_code) == ("GA", "30030")
    assert (annex.latitude, annex.longitude) != (None, None)  # placed at its ZIP code's centre, offline
    assert annex.phone == "(404) 555-0114 ext. 7"
    assert annex.levels_of_care == []  # "Family counseling" is no level Finder knows
    kept = TermLink.objects.get(facility=annex)
    assert (str(kept.term_id), kept.level) == (CHILD_TERM, "")
    assert str(TaxonomyTerm.objects.get(pk=CHILD_TERM).parent_id) == PARENT_TERM

    lone = Facility.objects.get(uuid=LONE)
    assert lone.name == "Lone Pine Recovery House"
    assert lone.status == "closed"  # its only service is inactive: imported, not listed in search

    out = tmp_path / "out"
    write_package(out)
    assert_valid(out)
    exported = read_package(out)
    assert {row["id"] for row in exported["taxonomy_term"]} >= {PARENT_TERM, CHILD_TERM}
    assert TAXONOMY_211 in {row["id"] for row in exported["taxonomy"]}
    links = {(row["link_id"], row["taxonomy_term_id"]) for row in exported["attribute"]}
    assert (ANNEX, CHILD_TERM) in links


@pytest.mark.django_db
def test_importing_the_same_package_again_updates_the_same_facilities(tmp_path):
    package = write_files(tmp_path, foreign_package())
    import_package(package)
    clinic = Facility.objects.get(uuid=CLINIC)
    clinic.name = "Renamed Locally"
    clinic.save()
    result = import_package(package)
    assert (result.created, result.updated) == (0, 3)
    assert Facility.objects.count() == 3
    assert Facility.objects.get(pk=clinic.pk).name == "Harbor Clinic"


@pytest.mark.django_db
def test_the_imported_version_is_kept_in_history_before_the_first_edit(tmp_path):
    import_package(write_files(tmp_path, foreign_package()))
    clinic = Facility.objects.get(uuid=CLINIC)
    clinic.name = "Harbor Clinic Downtown"
    clinic.save()
    versions = list(clinic.history.order_by("history_date").values_list("name", "history_change_reason"))
    assert versions == [("Harbor Clinic", "As imported"), ("Harbor Clinic Downtown", None)]


@pytest.mark.django_db
def test_newer_availability_said_in_finder_is_not_overwritten_by_an_older_package(tmp_path):
    package = write_files(tmp_path, foreign_package())
    import_package(package)
    clinic = Facility.objects.get(uuid=CLINIC)
    Availability.objects.answer(clinic, LevelOfCare.INTENSIVE_OUTPATIENT, None, status="waitlist")
    import_package(package)
    assert clinic.availability.get(level=LevelOfCare.INTENSIVE_OUTPATIENT).status == "waitlist"


# Hostile packages: each names its file and line, and nothing is written ----------------------------------


def _with(files: dict, file_name: str, index: int, **changes) -> dict:
    files[file_name][index].update(changes)
    return files


HOSTILE = {
    "bad uuid": (
        lambda f: _with(f, "services.csv", 1, id="not-a-uuid"),
        "services.csv line 3: id 'not-a-uuid' is not a UUID",
    ),
    "duplicate id": (lambda f: _with(f, "services.csv", 2, id=IOP), f"services.csv line 4: id {IOP} is also on line 2"),
    "lat 999": (
        lambda f: _with(f, "locations.csv", 0, latitude="999"),
        "locations.csv line 2: latitude 999 is not between",
    ),
    "dangling key": (
        lambda f: _with(f, "service_at_location.csv", 3, service_id=uid(999)),
        f"service_at_location.csv line 5: service_id {uid(999)} is not the id of a row in services.csv",
    ),
    "bad enum": (
        lambda f: _with(f, "services.csv", 0, status="open"),
        "services.csv line 2: status 'open' is not one of",
    ),
    "bad date": (lambda f: _with(f, "services.csv", 0, assured_date="last week"), "services.csv line 2: assured_date"),
    "unknown state": (
        lambda f: _with(f, "addresses.csv", 0, state_province="Ontario"),
        "addresses.csv line 2: state_province 'Ontario' is not a US state",
    ),
    "name too long": (
        lambda f: _with(f, "locations.csv", 2, name="x" * 300),
        "locations.csv line 4: name is longer than 200",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_package_is_refused_with_file_and_line_and_nothing_written(tmp_path, case):
    make_facility(name="Already Here")
    spoil, message = HOSTILE[case]
    package = write_files(tmp_path, spoil(foreign_package()))
    with pytest.raises(PackageError) as raised:
        import_package(package)
    assert any(line.startswith(message) for line in raised.value.messages), raised.value.messages
    assert list(Facility.objects.values_list("name", flat=True)) == ["Already Here"]
    assert not TaxonomyTerm.objects.exists()


def _spoil_file(directory: Path, name: str, spoil) -> None:
    path = directory / name
    path.write_bytes(spoil(path.read_bytes()))


FILE_SPOILERS = {
    "missing required column": (
        "services.csv",
        lambda raw: raw.replace(b"id,organization_id,name,status", b"identifier,organization_id,name,status", 1),
        "services.csv line 1: missing required column(s) id",
    ),
    "not UTF-8": (
        "organizations.csv",
        lambda raw: raw.replace(b"Community", "Communit\xe9".encode("latin-1")),
        "organizations.csv line 2: not UTF-8 (byte 0xe9)",
    ),
    "broken quoting": (
        "services.csv",
        lambda raw: raw.replace(b"Family counseling", b'"Family "counseling'),
        "services.csv line 4: unreadable CSV",
    ),
    "quote never closed": (
        "services.csv",
        lambda raw: raw.replace(b"Family counseling", b'"Family counseling'),
        "services.csv line 4: unreadable CSV: a quote opened here is never closed",
    ),
    "huge field": (
        "organizations.csv",
        lambda raw: raw.replace(b"Community", b"x" * 200_000),
        "organizations.csv line 2: unreadable CSV: field larger than field limit",
    ),
    "wrong number of cells": (
        "addresses.csv",
        lambda raw: raw.replace(b"1 Pine Rd", b"1 Pine Rd,extra", 1),
        "addresses.csv line 4: has 9 values but the header has 8 columns",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", FILE_SPOILERS)
def test_a_broken_file_is_refused_with_file_and_line_and_nothing_written(tmp_path, case):
    name, spoil, message = FILE_SPOILERS[case]
    package = write_files(tmp_path, foreign_package())
    _spoil_file(package, name, spoil)
    with pytest.raises(PackageError) as raised:
        import_package(package)
    assert any(line.startswith(message) for line in raised.value.messages), raised.value.messages
    assert not Facility.objects.exists()


@pytest.mark.django_db
def test_the_import_command_lists_the_problems_and_exits_without_a_traceback(tmp_path, capsys):
    package = write_files(tmp_path, _with(foreign_package(), "services.csv", 1, id="not-a-uuid"))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_hsds", str(package))
    assert "services.csv line 3: id 'not-a-uuid' is not a UUID" in capsys.readouterr().err
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_hsds", str(tmp_path / "nowhere"))
    assert "nowhere is not a directory" in capsys.readouterr().err
    assert not Facility.objects.exists()


# Export, and the round trip ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_publishes_only_what_search_shows_and_is_deterministic(tmp_path, detox_atlanta, unlisted_center,
                                                                        closed_center):  # fmt: skip
    counts = write_package(tmp_path / "a")
    assert counts["location"] == 1
    write_package(tmp_path / "b")
    assert_same_files(tmp_path / "a", tmp_path / "b")
    assert_valid(tmp_path / "a")
    locations = read_package(tmp_path / "a")["location"]
    assert [row["id"] for row in locations] == [str(detox_atlanta.uuid)]


@pytest.mark.django_db
def test_export_into_an_earlier_export_leaves_no_stale_table(tmp_path, detox_atlanta):
    Availability.objects.create(facility=detox_atlanta, level=LevelOfCare.MEDICAL_DETOX, status="accepting")
    write_package(tmp_path)
    assert (tmp_path / "service_capacity.csv").exists()
    Availability.objects.all().delete()
    write_package(tmp_path)
    assert not (tmp_path / "service_capacity.csv").exists()


def round_trip(first_url: str, second_url: str, tmp_path: Path, *load: str) -> None:
    manage(first_url, *load)
    manage(first_url, "export_hsds", str(tmp_path / "first"))
    manage(second_url, "import_hsds", str(tmp_path / "first"))
    manage(second_url, "export_hsds", str(tmp_path / "second"))
    assert_valid(tmp_path / "first")
    assert_same_files(tmp_path / "first", tmp_path / "second")


@contextmanager
def two_fresh_databases(backend: str, tmp_path: Path):
    """Two empty migrated databases; the second a copy of the first (one migrate, not two)."""
    if backend == "sqlite":
        first = tmp_path / "one.sqlite3"
        manage(f"sqlite:///{first}", "migrate", "--no-input", "-v0")
        shutil.copyfile(first, tmp_path / "two.sqlite3")
        yield f"sqlite:///{first}", f"sqlite:///{tmp_path / 'two.sqlite3'}"
        return
    primary = primary_url()
    with fresh_database(primary) as first:
        name = f"{urlsplit(first).path.lstrip('/')}_copy"
        sql(primary, f'CREATE DATABASE "{name}" TEMPLATE "{urlsplit(first).path.lstrip("/")}"')
        try:
            yield first, with_database(primary, name)
        finally:
            sql(primary, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_round_trip_of_demo_data_is_identical(tmp_path, backend):
    with two_fresh_databases(backend, tmp_path) as (first, second):
        round_trip(first, second, tmp_path, "load_demo", "--count", "300")
    assert (tmp_path / "first" / "service_capacity.csv").exists()  # availability travelled too


@pytest.mark.skipif(not NATIONAL.exists(), reason="the national file is not here (../shared/data)")
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_round_trip_of_the_national_file_is_identical(tmp_path, backend):
    if backend == "sqlite" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the SQLite pass runs this")
    started = time.monotonic()
    with two_fresh_databases(backend, tmp_path) as (first, second):
        round_trip(first, second, tmp_path, "import_samhsa", str(NATIONAL))
    print(f"national round trip on {backend}: {time.monotonic() - started:.0f} s")
