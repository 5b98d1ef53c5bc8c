import pytest
from django.core.management import call_command

from centers.demo import build_facilities
from centers.models import Facility
from centers.vocabulary import LevelOfCare

pytestmark = pytest.mark.django_db


def test_demo_generation_is_deterministic():
    first = [(f.name, f.zip_code, f.phone, sorted(codes)) for f, codes, _ in build_facilities(50, seed=3)]
    second = [(f.name, f.zip_code, f.phone, sorted(codes)) for f, codes, _ in build_facilities(50, seed=3)]
    assert first == second


def test_demo_directory_is_fictional_and_varied(capsys):
    # Its speed (under 15 s asked, about 3 s measured) is printed by the command, not asserted here.
    call_command("load_demo")
    assert Facility.objects.demo().count() == 2000
    facilities = Facility.objects.prefetch_related("services")
    assert all("555-01" in facility.phone for facility in facilities)
    assert len({facility.state for facility in facilities}) > 40
    for level in LevelOfCare:
        assert Facility.objects.offering([level]).exists(), level
    assert "Generated 2,000 fictional demo facilities" in capsys.readouterr().out


def test_load_demo_if_empty_leaves_real_data_alone(detox_atlanta):
    call_command("load_demo", "--if-empty")
    assert list(Facility.objects.all()) == [detox_atlanta]


def test_remove_demo_deletes_only_demo_facilities(detox_atlanta, demo_center, capsys):
    call_command("remove_demo")
    assert list(Facility.objects.all()) == [detox_atlanta]
    assert "Removed 1 demo facilities" in capsys.readouterr().out
