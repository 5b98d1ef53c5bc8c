"""The search vocabulary: what families pick from, and the SAMHSA codes each choice means.

``LevelOfCare`` is the one home of the level-of-care words. Filters, badges, the importer, the demo
data and the guide pages all read it from here.
"""

from django.db import models


class LevelOfCare(models.TextChoices):
    MEDICAL_DETOX = "medical-detox", "Medical detox"
    OUTPATIENT_DETOX = "outpatient-detox", "Outpatient detox"
    HOSPITAL_INPATIENT = "hospital-inpatient", "Hospital inpatient"
    RESIDENTIAL_SHORT_TERM = "residential-short-term", "Residential, short-term"
    RESIDENTIAL_LONG_TERM = "residential-long-term", "Residential, long-term"
    PARTIAL_HOSPITALIZATION = "partial-hospitalization", "Partial hospitalization (day treatment)"
    INTENSIVE_OUTPATIENT = "intensive-outpatient", "Intensive outpatient (IOP)"
    OUTPATIENT = "outpatient", "Outpatient"
    OPIOID_TREATMENT_PROGRAM = "opioid-treatment-program", "Opioid treatment program (methadone clinic)"

    @property
    def codes(self) -> tuple[str, ...]:
        return LEVEL_OF_CARE_CODES[self]

    @property
    def description(self) -> str:
        return LEVEL_OF_CARE_DESCRIPTIONS[self]

    @property
    def short_label(self) -> str:
        return LEVEL_OF_CARE_SHORT_LABELS.get(self, self.label)


LEVEL_OF_CARE_CODES = {
    LevelOfCare.MEDICAL_DETOX: ("HID", "RD"),
    LevelOfCare.OUTPATIENT_DETOX: ("OD",),
    LevelOfCare.HOSPITAL_INPATIENT: ("HI", "HIT"),
    LevelOfCare.RESIDENTIAL_SHORT_TERM: ("RS",),
    LevelOfCare.RESIDENTIAL_LONG_TERM: ("RL",),
    LevelOfCare.PARTIAL_HOSPITALIZATION: ("ODT", "PH"),
    LevelOfCare.INTENSIVE_OUTPATIENT: ("OIT",),
    LevelOfCare.OUTPATIENT: ("ORT", "OP"),
    # Methadone for opioid addiction may only be given in a certified program, so any methadone
    # maintenance code means the facility is one.
    LevelOfCare.OPIOID_TREATMENT_PROGRAM: ("OTP", "OTPA", "MM", "MMW"),
}

LEVEL_OF_CARE_SHORT_LABELS = {
    LevelOfCare.PARTIAL_HOSPITALIZATION: "Day treatment (PHP)",
    LevelOfCare.OPIOID_TREATMENT_PROGRAM: "Methadone clinic (OTP)",
}

LEVEL_OF_CARE_DESCRIPTIONS = {
    LevelOfCare.MEDICAL_DETOX: (
        "Round-the-clock medical care in a hospital or residential unit while the body clears "
        "alcohol or drugs, usually 3 to 10 days. For withdrawal that could be dangerous."
    ),
    LevelOfCare.OUTPATIENT_DETOX: (
        "Withdrawal care with daily visits while living at home. For milder withdrawal with "
        "a safe, steady place to stay."
    ),
    LevelOfCare.HOSPITAL_INPATIENT: (
        "Treatment while staying in a hospital, for people who also need close medical or psychiatric care."
    ),
    LevelOfCare.RESIDENTIAL_SHORT_TERM: (
        "Living at a treatment center for up to 30 days, with counseling and support every day."
    ),
    LevelOfCare.RESIDENTIAL_LONG_TERM: (
        "Living at a treatment center for more than 30 days, often several months, to rebuild "
        "daily life with structure and support."
    ),
    LevelOfCare.PARTIAL_HOSPITALIZATION: ("Treatment most of the day, usually 5 days a week, going home at night."),
    LevelOfCare.INTENSIVE_OUTPATIENT: (
        "Group and individual sessions about 3 hours a day, 3 to 5 days a week, around work, school or family life."
    ),
    LevelOfCare.OUTPATIENT: (
        "Counseling once or twice a week while living at home. Often the next step after more intensive care."
    ),
    LevelOfCare.OPIOID_TREATMENT_PROGRAM: (
        "A licensed clinic that gives methadone (and often buprenorphine) for opioid addiction, "
        "with counseling. Most people visit daily at first."
    ),
}


class Medication(models.TextChoices):
    BUPRENORPHINE = "buprenorphine", "Buprenorphine (Suboxone and others)"
    METHADONE = "methadone", "Methadone"
    NALTREXONE = "naltrexone", "Naltrexone (Vivitrol and others)"

    @property
    def codes(self) -> tuple[str, ...]:
        return MEDICATION_CODES[self]

    @property
    def short_label(self) -> str:
        return self.label.split(" (")[0]


MEDICATION_CODES = {
    Medication.BUPRENORPHINE: ("BU", "BUM", "BMW", "DB"),
    Medication.METHADONE: ("METH", "MU", "MM", "MMW", "DM"),
    Medication.NALTREXONE: ("NU", "VTRL", "NXN"),
}


class Payment(models.TextChoices):
    MEDICAID = "medicaid", "Medicaid"
    MEDICARE = "medicare", "Medicare"
    PRIVATE_INSURANCE = "private-insurance", "Private health insurance"
    MILITARY = "military", "Military insurance (TRICARE)"
    STATE_FINANCED = "state-financed", "State-financed insurance"
    IHS_TRIBAL = "ihs-tribal", "IHS, tribal or urban Indian health funds"
    SELF_PAY = "self-pay", "Cash or self-pay"
    SLIDING_SCALE = "sliding-scale", "Sliding fee scale (based on income)"
    FREE = "free", "Free treatment"
    PAYMENT_ASSISTANCE = "payment-assistance", "Payment assistance"

    @property
    def codes(self) -> tuple[str, ...]:
        return PAYMENT_CODES[self]


PAYMENT_CODES = {
    Payment.MEDICAID: ("MD",),
    Payment.MEDICARE: ("MC",),
    Payment.PRIVATE_INSURANCE: ("PI",),
    Payment.MILITARY: ("MI",),
    Payment.STATE_FINANCED: ("SI",),
    Payment.IHS_TRIBAL: ("ITU", "IHS"),
    Payment.SELF_PAY: ("SF",),
    Payment.SLIDING_SCALE: ("SS",),
    Payment.FREE: ("NP",),
    Payment.PAYMENT_ASSISTANCE: ("PA",),
}


class Population(models.TextChoices):
    ADOLESCENTS = "adolescents", "Teens (adolescents)"
    YOUNG_ADULTS = "young-adults", "Young adults"
    ADULT_WOMEN = "women", "Women"
    PREGNANT = "pregnant", "Pregnant or postpartum women"
    ADULT_MEN = "men", "Men"
    SENIORS = "seniors", "Seniors"
    VETERANS = "veterans", "Veterans"
    MILITARY = "military", "Active duty military and families"
    LGBTQ = "lgbtq", "LGBTQ+ people"
    CRIMINAL_JUSTICE = "criminal-justice", "People involved with the courts"
    TRAUMA = "trauma", "People who have experienced trauma"

    @property
    def codes(self) -> tuple[str, ...]:
        return POPULATION_CODES[self]


POPULATION_CODES = {
    Population.ADOLESCENTS: ("AD", "CHLD"),
    Population.YOUNG_ADULTS: ("TAY", "YAD"),
    Population.ADULT_WOMEN: ("WN",),
    Population.PREGNANT: ("PW",),
    Population.ADULT_MEN: ("MN",),
    Population.SENIORS: ("SE", "SNR"),
    Population.VETERANS: ("VET",),
    Population.MILITARY: ("ADM", "MF"),
    Population.LGBTQ: ("GL",),
    Population.CRIMINAL_JUSTICE: ("CJ",),
    Population.TRAUMA: ("TRMA", "XA", "DV"),
}


class Language(models.TextChoices):
    SPANISH = "spanish", "Spanish"
    DEAF = "deaf", "Deaf and hard of hearing (ASL)"
    OTHER = "other", "Another language (call to ask which)"


LANGUAGE_CODES = {Language.SPANISH: ("SP",), Language.DEAF: ("AH",)}
TELEHEALTH_CODES = ("TELE",)


class FacilityType(models.TextChoices):
    SUBSTANCE_USE = "SA", "Substance use"
    MENTAL_HEALTH = "MH", "Mental health"
    BOTH = "BOTH", "Substance use and mental health"


class Operator(models.TextChoices):
    PRIVATE_FOR_PROFIT = "private-for-profit", "Private for-profit"
    NON_PROFIT = "non-profit", "Private non-profit"
    LOCAL_GOVERNMENT = "local-government", "Local, county or community government"
    STATE_GOVERNMENT = "state-government", "State government"
    TRIBAL_GOVERNMENT = "tribal-government", "Tribal government"
    VETERANS_AFFAIRS = "veterans-affairs", "Department of Veterans Affairs"
    INDIAN_HEALTH_SERVICE = "indian-health-service", "Indian Health Service"
    DEFENSE = "defense", "Department of Defense"


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
    ACTIVE = "active", "Open"
    TEMPORARILY_CLOSED = "temporarily-closed", "Temporarily closed"
    CLOSED = "closed", "Closed"


class Source(models.TextChoices):
    SAMHSA = "samhsa", "SAMHSA directory import"
    DEMO = "demo", "Demo data (fictional)"
    FINDER = "finder", "Added in Finder"


class VerifiedBy(models.TextChoices):
    FACILITY_STAFF = "facility-staff", "facility staff"
    STEWARD = "steward", "the Finder team"
    HELPLINE = "helpline", "a helpline worker"
