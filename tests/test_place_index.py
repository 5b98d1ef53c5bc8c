"""The place index file: what a fresh process reads instead of building the gazetteer (1.5 s) again.

It must answer exactly as the gazetteer built from ``zipcodes`` does, and never be trusted when it
was written for other code or data, is cut short or damaged, or cannot be written at all.
"""

import logging
import math
import random
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

from centers import gazetteer_file, geo

KEY = b"k" * 64


@pytest.fixture(scope="module")
def built():
    """The slow path: the gazetteer's tables built from ``zipcodes``, as plain dicts and a ZipIndex."""
    return geo._build_gazetteer()


@pytest.fixture(scope="module")
def from_file(built, tmp_path_factory):
    """The fast path: the same tables written to a file, then read back as a new process would."""
    path = tmp_path_factory.mktemp("places") / "place-index.bin"
    gazetteer_file.write(path, KEY, gazetteer_file.pack(built, geo._KINDS))
    return gazetteer_file.load_or_build(path, KEY, _must_not_build, geo._KINDS)


def _must_not_build():
    raise AssertionError("the place index was rebuilt instead of read")


class Builds:
    """A build() that counts its calls and returns tables built once for the module."""

    def __init__(self, tables):
        self.tables, self.calls = tables, 0

    def __call__(self):
        self.calls += 1
        return self.tables


@pytest.mark.parametrize("table", ["zips", "cities", "counties", "city_states", "county_states"])
def test_every_entry_read_from_the_file_is_the_one_built_from_zipcodes(built, from_file, table):
    assert len(from_file[table]) == len(built[table])
    assert dict(from_file[table].items()) == built[table]
    assert set(from_file[table]) == set(built[table])


def test_every_zip_looks_up_the_same_from_the_file(built, from_file):
    for zip_code, expected in built["zips"].items():
        assert from_file["zips"].get(zip_code) == expected
        assert from_file["zips"].get(zip_code + "x") is None
    assert from_file["zips"].get("00000") is None and from_file["cities"].get(("ATLANTA", "ZZ")) is None


def test_the_k_d_tree_from_the_file_answers_as_the_one_built(built, from_file):
    rng = random.Random(11)
    points = [(math.degrees(math.asin(rng.uniform(-1, 1))), rng.uniform(-180, 180)) for _ in range(500)]
    centres = list(built["zips"].values())
    points += [(lat + rng.uniform(-1, 1), lng + rng.uniform(-1, 1)) for lat, lng, *_ in rng.choices(centres, k=500)]
    for latitude, longitude in points:
        for miles in (5, geo.COVERAGE_MILES, 10_000):
            assert from_file["index"].nearest(latitude, longitude, miles) == built["index"].nearest(
                latitude, longitude, miles
            )


def test_a_lookup_in_a_packed_table_bisects_rather_than_scans(from_file):
    zips = from_file["zips"]
    reads = []
    read = type(zips.keys_column).__getitem__
    with mock.patch.object(type(zips.keys_column), "__getitem__", lambda column, i: reads.append(i) or read(column, i)):
        assert zips.get("60601") is not None
    assert len(reads) <= 4 + math.ceil(math.log2(len(zips)))  # about 16 of 42,000 keys


def test_a_fresh_process_reads_the_file_and_never_the_zipcodes_data(settings, tmp_path):
    settings.FINDER_PLACE_INDEX = str(tmp_path / "place-index.bin")
    call_command("build_place_index")
    geo._gazetteer.cache_clear()
    try:
        with mock.patch("zipcodes.list_all", side_effect=AssertionError("read the zipcodes data")):
            assert geo.lookup_place("60601").label == "60601 (Chicago, IL)"
            assert geo.lookup_place("Portland").state == "OR"
            assert geo.nearest_state(geo.Point(61.2, -149.9)) == "AK"
    finally:
        geo._gazetteer.cache_clear()


def _written(path: Path, built, key=KEY) -> Path:
    gazetteer_file.write(path, key, gazetteer_file.pack(built, geo._KINDS))
    return path


def test_a_file_written_for_other_code_or_data_is_rebuilt(built, tmp_path):
    path = _written(tmp_path / "place-index.bin", built, key=b"0" * 64)
    build = Builds(built)
    tables = gazetteer_file.load_or_build(path, KEY, build, geo._KINDS)
    assert build.calls == 1 and tables["zips"]["60601"] == built["zips"]["60601"]
    assert gazetteer_file.read(path, KEY) is not None  # rewritten with the new key
    gazetteer_file.load_or_build(path, KEY, build, geo._KINDS)
    assert build.calls == 1


def test_the_key_changes_with_the_zipcodes_version_and_the_code():
    assert gazetteer_file.file_key("3.0.0", [geo.__file__]) != gazetteer_file.file_key("3.0.1", [geo.__file__])
    assert gazetteer_file.file_key("3.0.0", [geo.__file__]) != gazetteer_file.file_key(
        "3.0.0", [gazetteer_file.__file__]
    )
    assert gazetteer_file.file_key("3.0.0", [geo.__file__]) == gazetteer_file.file_key("3.0.0", [geo.__file__])


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="cut short"),
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="one bit flipped at the end"),
        pytest.param(lambda data: data[:4000] + bytes([data[4000] ^ 0x40]) + data[4001:], id="one bit flipped inside"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"\x00" * len(data), id="zeroed"),
    ],
)
def test_a_damaged_file_is_rebuilt_not_trusted(built, tmp_path, damage):
    path = _written(tmp_path / "place-index.bin", built)
    path.write_bytes(damage(path.read_bytes()))
    build = Builds(built)
    tables = gazetteer_file.load_or_build(path, KEY, build, geo._KINDS)
    assert build.calls == 1
    assert dict(tables["zips"].items()) == built["zips"]
    assert gazetteer_file.read(path, KEY) is not None  # whole again


def test_a_whole_file_whose_tables_do_not_fit_is_rebuilt(built, tmp_path, caplog):
    path = tmp_path / "place-index.bin"
    parts = gazetteer_file.pack(built, geo._KINDS)
    parts["zips"] = parts["cities"]  # the checksum is right, the layout is not
    gazetteer_file.write(path, KEY, parts)
    build = Builds(built)
    with caplog.at_level(logging.WARNING, logger="centers.gazetteer_file"):
        tables = gazetteer_file.load_or_build(path, KEY, build, geo._KINDS)
    assert build.calls == 1 and tables["zips"]["30303"] == built["zips"]["30303"]
    assert "Rebuilding the place index" in caplog.text


def test_where_the_file_cannot_be_written_the_tables_are_used_from_memory(built, tmp_path, caplog):
    blocker = tmp_path / "read-only"
    blocker.write_text("a file where the index's folder would be")  # mkdir fails even for root
    path = blocker / "place-index.bin"
    build = Builds(built)
    with caplog.at_level(logging.WARNING, logger="centers.gazetteer_file"):
        tables = gazetteer_file.load_or_build(path, KEY, build, geo._KINDS)
    assert build.calls == 1 and dict(tables["cities"].items()) == built["cities"]
    assert "Could not write the place index" in caplog.text
    assert not list(tmp_path.glob("**/.place-index.bin.*"))  # no temporary file left behind


def test_no_file_at_all_when_the_setting_is_empty(built, settings):
    settings.FINDER_PLACE_INDEX = ""
    assert gazetteer_file.configured_path() is None
    build = Builds(built)
    gazetteer_file.load_or_build(None, KEY, build, geo._KINDS)
    gazetteer_file.load_or_build(None, KEY, build, geo._KINDS)
    assert build.calls == 2


def test_writers_racing_each_other_never_leave_a_half_written_file(built, tmp_path):
    path = tmp_path / "place-index.bin"
    parts = gazetteer_file.pack(built, geo._KINDS)
    gazetteer_file.write(path, KEY, parts)
    failures, stop = [], threading.Event()

    def write_repeatedly():
        for _ in range(8):
            gazetteer_file.write(path, KEY, parts)

    def read_repeatedly():
        while not stop.is_set():
            if gazetteer_file.read(path, KEY) is None:
                failures.append("a reader saw a missing or partial file")

    writers = [threading.Thread(target=write_repeatedly) for _ in range(2)]
    reader = threading.Thread(target=read_repeatedly)
    reader.start()
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    stop.set()
    reader.join()
    assert not failures
    assert [p.name for p in tmp_path.iterdir()] == ["place-index.bin"]  # no temporary files left
