"""Facility.search_flags must always match the facility's services, whatever changed them."""

import ast
import random
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from centers import search_flags, taxonomy, vocabulary
from centers.checks import check_search_flags
from centers.demo import load_demo
from centers.importers import import_samhsa_file
from centers.models import Facility, Service
from centers.vocabulary import Language, LevelOfCare, SearchBit
from tests.conftest import export_row, make_facility, write_export

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent

# Every facility row stores these numbers. A change here means every stored search_flags is wrong:
# give a new choice the next free bit instead, and never renumber or reuse one.
BIT_SNAPSHOT = {
    ("level", "medical-detox"): 0,
    ("level", "outpatient-detox"): 1,
    ("level", "hospital-inpatient"): 2,
    ("level", "residential-short-term"): 3,
    ("level", "residential-long-term"): 4,
    ("level", "partial-hospitalization"): 5,
    ("level", "intensive-outpatient"): 6,
    ("level", "outpatient"): 7,
    ("level", "opioid-treatment-program"): 8,
    ("medication", "buprenorphine"): 9,
    ("medication", "methadone"): 10,
    ("medication", "naltrexone"): 11,
    ("payment", "medicaid"): 12,
    ("payment", "medicare"): 13,
    ("payment", "private-insurance"): 14,
    ("payment", "military"): 15,
    ("payment", "state-financed"): 16,
    ("payment", "ihs-tribal"): 17,
    ("payment", "self-pay"): 18,
    ("payment", "sliding-scale"): 19,
    ("payment", "free"): 20,
    ("payment", "payment-assistance"): 21,
    ("population", "women"): 24,
    ("population", "pregnant"): 25,
    ("population", "men"): 26,
    ("population", "veterans"): 28,
    ("population", "military"): 29,
    ("population", "lgbtq"): 30,
    ("population", "criminal-justice"): 31,
    ("population", "trauma"): 32,
    ("language", "spanish"): 33,
    ("language", "deaf"): 34,
    ("language", "other"): 35,
    ("telehealth", "yes"): 36,
    ("on-medication", "yes"): 37,
    ("age", "children"): 38,
    ("age", "young-adults"): 39,
    ("age", "adults"): 40,
    ("age", "seniors"): 41,
}


def assert_flags_in_step():
    for facility in Facility.objects.prefetch_related("services"):
        assert facility.search_flags == search_flags.flags_for(facility.service_codes()), facility
    assert check_search_flags(databases=["default"]) == []


def test_each_choice_has_its_own_bit():
    assert len(set(search_flags.BITS.values())) == len(search_flags.BITS)
    assert search_flags.flags_for(["OIT"]) == search_flags.BITS["level", LevelOfCare.INTENSIVE_OUTPATIENT.value]
    assert search_flags.flags_for(["F17"]) == search_flags.BITS["language", "other"]
    assert search_flags.flags_for(["SP", "ZZZ"]) == search_flags.BITS["language", "spanish"]


def test_stored_bits_match_the_snapshot():
    assert {choice: bit.bit_length() - 1 for choice, bit in search_flags.BITS.items()} == BIT_SNAPSHOT


def test_adding_a_level_of_care_or_reordering_the_declarations_moves_no_bit():
    new_level = ("level", "peer-recovery", SearchBit(search_flags.next_free_bit(), ("PEER",)))
    with_new_level_first = search_flags.bits_from([new_level, *search_flags.DECLARED])
    assert {choice: with_new_level_first[choice] for choice in search_flags.BITS} == search_flags.BITS
    assert with_new_level_first["level", "peer-recovery"] == 1 << 42
    assert search_flags.bits_from(reversed(search_flags.DECLARED)) == search_flags.BITS


def test_a_reused_or_out_of_range_bit_is_refused():
    reused = ("level", "peer-recovery", SearchBit(6, ("PEER",)))  # intensive outpatient's
    with pytest.raises(ImproperlyConfigured, match="share bit 6"):
        search_flags.bits_from([*search_flags.DECLARED, reused])
    with pytest.raises(ImproperlyConfigured, match="bits are 0 to 62"):
        search_flags.bits_from([("level", "peer-recovery", SearchBit(63, ("PEER",)))])
    with pytest.raises(ImproperlyConfigured, match="bit 22, retired"):
        search_flags.bits_from([("level", "peer-recovery", SearchBit(22, ("PEER",)))])


def test_every_code_a_search_choice_means_is_a_known_samhsa_code():
    codes = {code for _, _, declared in search_flags.DECLARED for code in declared.codes}
    assert codes <= taxonomy.KNOWN_SERVICES.keys()


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


def test_changing_services_from_the_service_side_keeps_flags_in_step(detox_atlanta, outpatient_decatur):
    iop = Service.objects.get(code="OIT")
    iop.facilities.add(detox_atlanta)
    assert set(Facility.objects.offering([LevelOfCare.INTENSIVE_OUTPATIENT])) == {detox_atlanta, outpatient_decatur}
    iop.facilities.remove(outpatient_decatur)
    assert list(Facility.objects.offering([LevelOfCare.INTENSIVE_OUTPATIENT])) == [detox_atlanta]
    iop.facilities.set([outpatient_decatur])
    assert list(Facility.objects.offering([LevelOfCare.INTENSIVE_OUTPATIENT])) == [outpatient_decatur]
    iop.facilities.clear()
    assert not Facility.objects.offering([LevelOfCare.INTENSIVE_OUTPATIENT]).exists()
    assert_flags_in_step()


def test_deleting_the_iop_service_takes_its_facility_out_of_the_iop_filter(outpatient_decatur, detox_atlanta):
    assert list(Facility.objects.offering([LevelOfCare.INTENSIVE_OUTPATIENT])) == [outpatient_decatur]
    Service.objects.get(code="OIT").delete()
    assert not Facility.objects.offering([LevelOfCare.INTENSIVE_OUTPATIENT]).exists()
    Service.objects.filter(code__in=["MD", "SP"]).delete()  # a bulk delete too
    assert not Facility.objects.paying_with(["medicaid"]).exists()
    assert not Facility.objects.speaking([Language.SPANISH]).exists()
    assert_flags_in_step()


def test_saving_a_facility_read_before_its_services_changed_keeps_the_new_bits(detox_atlanta):
    read_earlier = Facility.objects.get(pk=detox_atlanta.pk)
    Facility.objects.get(pk=detox_atlanta.pk).services.add("OIT")  # say, a steward approving a change
    read_earlier.description = "Now with an evening program."
    read_earlier.save()  # writes the whole row it read, bits included
    assert list(Facility.objects.offering([LevelOfCare.INTENSIVE_OUTPATIENT])) == [detox_atlanta]
    assert_flags_in_step()


def test_cards_show_exactly_the_choices_the_filters_find(db):
    # A language service a steward added by hand, which the taxonomy doesn't know.
    Service.objects.create(code="ZUL", category="language", label="Zulu")
    Service.create_missing(["F17", "N3"])
    choices = [*LevelOfCare, *vocabulary.Medication, *vocabulary.Payment, *vocabulary.Population]
    codes = sorted({code for choice in choices for code in choice.codes})
    codes += ["SP", "AH", "MOA", "TELE", "F17", "N3", "ZUL", "ADLT", "JC"]
    rng = random.Random(7)
    for number in range(40):
        make_facility(name=f"Place {number}", codes=rng.sample(codes, rng.randrange(0, 12)))
    make_facility(name="Only Zulu", codes=["ZUL"])
    facilities = list(Facility.objects.prefetch_related("services"))
    card = {  # filter: (its choices, what a card shows for it)
        "level": (LevelOfCare, lambda f: f.levels_of_care),
        "medication": (vocabulary.Medication, lambda f: f.medications),
        "payment": (vocabulary.Payment, lambda f: f.payments),
        "population": (vocabulary.Population, lambda f: f.populations),
        "language": (Language, lambda f: f.languages),
        "on-medication": (["yes"], lambda f: ["yes"] if f.takes_patients_on_medication else []),
    }
    for kind, (choices, shown) in card.items():
        for choice in choices:
            found = set(Facility.objects.with_search_flags(search_flags.mask(kind, [choice])))
            assert found == {f for f in facilities if choice in shown(f)}, (kind, choice)
    assert any(Language.OTHER in f.languages for f in facilities)


def test_refresh_search_flags_recomputes_them_and_says_how_many_changed(detox_atlanta, outpatient_decatur):
    make_facility(name="No Services")
    Facility.objects.update(search_flags=0)  # a bulk write that forgot them
    out = StringIO()
    call_command("refresh_search_flags", stdout=out)
    assert "2 of 3 facilities had search flags out of step" in out.getvalue()
    assert list(Facility.objects.offering([LevelOfCare.MEDICAL_DETOX])) == [detox_atlanta]
    assert_flags_in_step()
    call_command("refresh_search_flags", stdout=out)
    assert "0 of 3 facilities" in out.getvalue()


def test_the_system_check_fails_when_stored_flags_disagree_with_services(detox_atlanta, outpatient_decatur):
    call_command("check", "--database", "default")  # in step: no error
    Facility.objects.filter(pk=outpatient_decatur.pk).update(search_flags=0)
    with pytest.raises(SystemCheckError, match=r"centers.E001.*1 facilities .*Decatur Outpatient Counseling"):
        call_command("check", "--database", "default")
    Facility.objects.refresh_search_flags()
    call_command("check", "--database", "default")


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


def all_labels() -> set[str]:
    """The words of every SAMHSA code, service category and search choice."""
    labels = {label for _, label in taxonomy.KNOWN_SERVICES.values()} | set(taxonomy.ServiceCategory.labels)
    for choices in (vocabulary.LevelOfCare, vocabulary.Medication, vocabulary.Payment, vocabulary.Population):
        labels |= set(choices.labels)
    return labels | set(vocabulary.Language.labels) | set(vocabulary.Operator.labels)


def test_no_label_is_written_twice_in_the_code():
    labels = all_labels()
    written: dict[str, list[str]] = {}
    for path in sorted(path for app in ("centers", "helpline", "finder") for path in (ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in labels:
                written.setdefault(node.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert {label: places for label, places in written.items() if len(places) > 1} == {}


def test_changes_from_the_service_side_are_in_each_facilitys_history(detox_atlanta):
    Service.objects.get(code="OIT").facilities.add(detox_atlanta)
    latest = detox_atlanta.history.latest()
    assert "OIT" in {link.service_id for link in latest.services.all()}
    assert latest.history_change_reason == "Service OIT added to this facility"
