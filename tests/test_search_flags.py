"""Facility.search_flags must always match the facility's services, whatever changed them."""

import pytest

from centers import search_flags
from centers.demo import load_demo
from centers.importers import import_samhsa_file
from centers.models import Facility
from centers.vocabulary import LevelOfCare
from tests.conftest import export_row, make_facility, write_export

pytestmark = pytest.mark.django_db


def assert_flags_in_step():
    for facility in Facility.objects.prefetch_related("services"):
        assert facility.search_flags == search_flags.flags_for(facility.service_codes()), facility


def test_each_choice_has_its_own_bit():
    assert len(set(search_flags.BITS.values())) == len(search_flags.BITS)
    assert search_flags.flags_for(["OIT"]) == search_flags.BITS["level", LevelOfCare.INTENSIVE_OUTPATIENT.value]
    assert search_flags.flags_for(["F17"]) == search_flags.BITS["language", "other"]
    assert search_flags.flags_for(["SP", "ZZZ"]) == search_flags.BITS["language", "spanish"]


def test_adding_removing_clearing_and_setting_services_keep_flags_in_step(detox_atlanta):
    assert_flags_in_step()
    detox_atlanta.services.add("OIT", "SP")
    assert Facility.objects.offering([LevelOfCare.INTENSIVE_OUTPATIENT]).get() == detox_atlanta
    detox_atlanta.services.remove("OIT")
    assert not Facility.objects.offering([LevelOfCare.INTENSIVE_OUTPATIENT]).exists()
    detox_atlanta.services.set(["ORT", "TELE"])
    assert list(Facility.objects.with_telehealth()) == [detox_atlanta]
    detox_atlanta.services.clear()
    assert Facility.objects.get().search_flags == 0
    assert_flags_in_step()


def test_imports_and_reimports_keep_flags_in_step(tmp_path):
    import_samhsa_file(write_export(tmp_path / "v1.csv", [export_row(op="1", md="1")]))
    assert_flags_in_step()
    facility = Facility.objects.get()
    facility.services.remove("MD")  # a local edit the re-import must keep
    import_samhsa_file(write_export(tmp_path / "v2.csv", [export_row(op="1", md="1", oit="1", bu="1")]))
    assert Facility.objects.get().service_codes() == {"OP", "OIT", "BU"}
    assert_flags_in_step()


def test_demo_data_has_flags_in_step():
    load_demo(count=60, seed=5)
    make_facility(codes=["OIT", "F17"])
    assert_flags_in_step()
