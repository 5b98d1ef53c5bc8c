"""The search vocabulary: what families pick from, the SAMHSA codes each choice means, and its search bit.

``LevelOfCare`` is the one home of the level-of-care words. Filters, badges, the importer, the demo
data and the guide pages all read it from here. The codes and their labels belong to
``centers.taxonomy``; a choice that means exactly one code takes that code's label from there.
``centers.search_flags`` turns the declarations below into the bits stored on each facility.
"""

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from centers.taxonomy import ServiceCategory, label_of


class SearchBit(NamedTuple):
    """A search choice's bit in ``Facility.search_flags`` and the SAMHSA codes that mean it.

    The bit number is stored in every facility row: never change or reuse one. A new choice takes
    the next unused number (``search_flags.next_free_bit()``); tests/test_search_flags.py keeps a snapshot.
    """

    bit: int
    codes: tuple[str, ...]


class LevelOfCare(models.TextChoices):
    MEDICAL_DETOX = "medical-detox", _("Medical detox")
    OUTPATIENT_DETOX = "outpatient-detox", _(label_of("OD"))
    HOSPITAL_INPATIENT = "hospital-inpatient", _(label_of("HI"))
    RESIDENTIAL_SHORT_TERM = "residential-short-term", _("Residential, short-term")
    RESIDENTIAL_LONG_TERM = "residential-long-term", _("Residential, long-term")
    PARTIAL_HOSPITALIZATION = "partial-hospitalization", _(label_of("PH"))
    INTENSIVE_OUTPATIENT = "intensive-outpatient", _("Intensive outpatient (IOP)")
    OUTPATIENT = "outpatient", _(label_of("OP"))
    OPIOID_TREATMENT_PROGRAM = "opioid-treatment-program", _("Opioid treatment program (methadone clinic)")

    @property
    def codes(self) -> tuple[str, ...]:
        return LEVEL_OF_CARE_SEARCH[self].codes

    @property
    def description(self) -> str:
        return str(LEVEL_OF_CARE_DESCRIPTIONS[self])  # in the active language, as plain text (joins, JSON)

    @property
    def short_label(self) -> str:
        return str(LEVEL_OF_CARE_SHORT_LABELS.get(self, self.label))


# What families call a level of care: the label of every field that asks for one.
LEVEL_OF_CARE_LABEL = ServiceCategory.TYPE_OF_CARE.label

# A new level takes the next free bit (search_flags.next_free_bit()), not 9: no stored bit may move.
LEVEL_OF_CARE_SEARCH = {
    LevelOfCare.MEDICAL_DETOX: SearchBit(0, ("HID", "RD")),
    LevelOfCare.OUTPATIENT_DETOX: SearchBit(1, ("OD",)),
    LevelOfCare.HOSPITAL_INPATIENT: SearchBit(2, ("HI", "HIT")),
    LevelOfCare.RESIDENTIAL_SHORT_TERM: SearchBit(3, ("RS",)),
    LevelOfCare.RESIDENTIAL_LONG_TERM: SearchBit(4, ("RL",)),
    LevelOfCare.PARTIAL_HOSPITALIZATION: SearchBit(5, ("ODT", "PH")),
    LevelOfCare.INTENSIVE_OUTPATIENT: SearchBit(6, ("OIT",)),
    LevelOfCare.OUTPATIENT: SearchBit(7, ("ORT", "OP")),
    # Methadone for opioid addiction may only be given in a certified program, so any methadone
    # maintenance code means the facility is one.
    LevelOfCare.OPIOID_TREATMENT_PROGRAM: SearchBit(8, ("OTP", "OTPA", "MM", "MMW")),
}

LEVEL_OF_CARE_SHORT_LABELS = {
    LevelOfCare.PARTIAL_HOSPITALIZATION: _("Day treatment (PHP)"),
    LevelOfCare.OPIOID_TREATMENT_PROGRAM: _("Methadone clinic (OTP)"),
}

LEVEL_OF_CARE_DESCRIPTIONS = {
    LevelOfCare.MEDICAL_DETOX: _(
        "Round-the-clock medical care in a hospital or residential unit while the body clears "
        "alcohol or drugs, usually 3 to 10 days. For withdrawal that could be dangerous."
    ),
    LevelOfCare.OUTPATIENT_DETOX: _(
        "Withdrawal care with daily visits while living at home. For milder withdrawal with "
        "a safe, steady place to stay."
    ),
    LevelOfCare.HOSPITAL_INPATIENT: _(
        "Treatment while staying in a hospital, for people who also need close medical or psychiatric care."
    ),
    LevelOfCare.RESIDENTIAL_SHORT_TERM: _(
        "Living at a treatment center for up to 30 days, with counseling and support every day."
    ),
    LevelOfCare.RESIDENTIAL_LONG_TERM: _(
        "Living at a treatment center for more than 30 days, often several months, to rebuild "
        "daily life with structure and support."
    ),
    LevelOfCare.PARTIAL_HOSPITALIZATION: _("Treatment most of the day, usually 5 days a week, going home at night."),
    LevelOfCare.INTENSIVE_OUTPATIENT: _(
        "Group and individual sessions about 3 hours a day, 3 to 5 days a week, around work, school or family life."
    ),
    LevelOfCare.OUTPATIENT: _(
        "Counseling once or twice a week while living at home. Often the next step after more intensive care."
    ),
    LevelOfCare.OPIOID_TREATMENT_PROGRAM: _(
        "A licensed clinic that gives methadone (and often buprenorphine) for opioid addiction, "
        "with counseling. Most people visit daily at first."
    ),
}


class Medication(models.TextChoices):
    BUPRENORPHINE = "buprenorphine", _("Buprenorphine (Suboxone and others)")
    METHADONE = "methadone", _(label_of("METH"))
    NALTREXONE = "naltrexone", _("Naltrexone (Vivitrol and others)")

    @property
    def codes(self) -> tuple[str, ...]:
        return MEDICATION_SEARCH[self].codes

    @property
    def short_label(self) -> str:
        return self.label.split(" (")[0]


MEDICATION_SEARCH = {
    Medication.BUPRENORPHINE: SearchBit(9, ("BU", "BUM", "BMW", "DB")),
    Medication.METHADONE: SearchBit(10, ("METH", "MU", "MM", "MMW", "DM")),
    Medication.NALTREXONE: SearchBit(11, ("NU", "VTRL", "NXN")),
}


class Payment(models.TextChoices):
    MEDICAID = "medicaid", _(label_of("MD"))
    MEDICARE = "medicare", _(label_of("MC"))
    PRIVATE_INSURANCE = "private-insurance", _(label_of("PI"))
    MILITARY = "military", _("Military insurance (TRICARE)")
    STATE_FINANCED = "state-financed", _("State-financed insurance")
    IHS_TRIBAL = "ihs-tribal", _(label_of("ITU"))
    SELF_PAY = "self-pay", _("Cash or self-pay")
    SLIDING_SCALE = "sliding-scale", _("Sliding fee scale (based on income)")
    FREE = "free", _("Free treatment")
    PAYMENT_ASSISTANCE = "payment-assistance", _("Payment assistance")

    @property
    def codes(self) -> tuple[str, ...]:
        return PAYMENT_SEARCH[self].codes


PAYMENT_SEARCH = {
    Payment.MEDICAID: SearchBit(12, ("MD",)),
    Payment.MEDICARE: SearchBit(13, ("MC",)),
    Payment.PRIVATE_INSURANCE: SearchBit(14, ("PI",)),
    Payment.MILITARY: SearchBit(15, ("MI",)),
    Payment.STATE_FINANCED: SearchBit(16, ("SI",)),
    Payment.IHS_TRIBAL: SearchBit(17, ("ITU", "IHS")),
    Payment.SELF_PAY: SearchBit(18, ("SF",)),
    Payment.SLIDING_SCALE: SearchBit(19, ("SS",)),
    Payment.FREE: SearchBit(20, ("NP",)),
    Payment.PAYMENT_ASSISTANCE: SearchBit(21, ("PA",)),
}


class Population(models.TextChoices):
    """Programs for particular people. Ages are the Age filter's, not these."""

    ADULT_WOMEN = "women", _(label_of("FEM"))  # the gender code's word
    PREGNANT = "pregnant", _(label_of("PW"))
    ADULT_MEN = "men", _(label_of("MALE"))  # the gender code's word
    VETERANS = "veterans", _(label_of("VET"))
    MILITARY = "military", _("Active duty military and families")
    LGBTQ = "lgbtq", _("LGBTQ+ people")
    CRIMINAL_JUSTICE = "criminal-justice", _("People involved with the courts")
    TRAUMA = "trauma", _(label_of("TRMA"))

    @property
    def codes(self) -> tuple[str, ...]:
        return POPULATION_SEARCH[self].codes


POPULATION_SEARCH = {
    # Bits 22, 23 and 27 were teens, young adults and seniors, now the Age filter's (38 to 41): retired.
    Population.ADULT_WOMEN: SearchBit(24, ("WN",)),
    Population.PREGNANT: SearchBit(25, ("PW",)),
    Population.ADULT_MEN: SearchBit(26, ("MN",)),
    Population.VETERANS: SearchBit(28, ("VET",)),
    Population.MILITARY: SearchBit(29, ("ADM", "MF")),
    Population.LGBTQ: SearchBit(30, ("GL",)),
    Population.CRIMINAL_JUSTICE: SearchBit(31, ("CJ",)),
    Population.TRAUMA: SearchBit(32, ("TRMA", "XA", "DV")),
}


class Language(models.TextChoices):
    SPANISH = "spanish", _(label_of("SP"))
    DEAF = "deaf", _("Deaf and hard of hearing (ASL)")
    OTHER = "other", _("Another language (call to ask which)")


LANGUAGE_SEARCH = {
    Language.SPANISH: SearchBit(33, ("SP",)),
    Language.DEAF: SearchBit(34, ("AH",)),
    # Any language code but those above: SAMHSA's F and N codes (see search_flags.other_languages).
    Language.OTHER: SearchBit(35, ()),
}
# Yes/no filters.
TELEHEALTH_SEARCH = SearchBit(36, ("TELE",))
ON_MEDICATION_SEARCH = SearchBit(37, ("MOA",))  # already taking methadone or buprenorphine: can keep taking it


class Age(models.TextChoices):
    CHILDREN = "children", _("Children and teens")
    YOUNG_ADULTS = "young-adults", _(label_of("YAD"))
    ADULTS = "adults", _(label_of("ADLT"))
    SENIORS = "seniors", _(label_of("SNR"))


# SAMHSA's "Age" codes, plus the special-program codes that mean the same ages (an adolescent program
# treats teens; TAY is "transition-age youth", the young adults YAD names).
AGE_SEARCH = {
    Age.CHILDREN: SearchBit(38, ("CHLD", "AD")),
    Age.YOUNG_ADULTS: SearchBit(39, ("YAD", "TAY")),
    Age.ADULTS: SearchBit(40, ("ADLT",)),
    Age.SENIORS: SearchBit(41, ("SNR", "SE")),
}


class FacilityType(models.TextChoices):
    SUBSTANCE_USE = "SA", _("Substance use")
    MENTAL_HEALTH = "MH", _("Mental health")
    BOTH = "BOTH", _("Substance use and mental health")


class Operator(models.TextChoices):
    PRIVATE_FOR_PROFIT = "private-for-profit", _("Private for-profit")
    NON_PROFIT = "non-profit", _("Private non-profit")
    LOCAL_GOVERNMENT = "local-government", _(label_of("LCCG"))
    STATE_GOVERNMENT = "state-government", _(label_of("STG"))
    TRIBAL_GOVERNMENT = "tribal-government", _(label_of("TBG"))
    VETERANS_AFFAIRS = "veterans-affairs", _(label_of("VAMC"))
    INDIAN_HEALTH_SERVICE = "indian-health-service", _(label_of("IH"))
    DEFENSE = "defense", _(label_of("DDF"))


# In priority order: a VA clinic is also "federal"; the most specific code wins.
OPERATOR_CODES = {
    "VAMC": Operator.VETERANS_AFFAIRS,
    "IH": Operator.INDIAN_HEALTH_SERVICE,
    "DDF": Operator.DEFENSE,
    "TBG": Operator.TRIBAL_GOVERNMENT,
    "STG": Operator.STATE_GOVERNMENT,
    "LCCG": Operator.LOCAL_GOVERNMENT,
    "PVTN": Operator.NON_PROFIT,
    "PVTP": Operator.PRIVATE_FOR_PROFIT,
}


class Status(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("facility status", "Open")
    TEMPORARILY_CLOSED = "temporarily-closed", _("Temporarily closed")
    CLOSED = "closed", _("Closed")


class Source(models.TextChoices):
    SAMHSA = "samhsa", _("SAMHSA directory import")
    DEMO = "demo", _("Demo data (fictional)")
    FINDER = "finder", _("Added in Finder")
    HSDS = "hsds", _("Imported from an HSDS package")


class VerifiedBy(models.TextChoices):
    FACILITY_STAFF = "facility-staff", _("facility staff")
    STEWARD = "steward", _("the Finder team")
    HELPLINE = "helpline", _("a helpline worker")
