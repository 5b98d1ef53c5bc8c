"""Every SAMHSA service code Finder knows, with the category it belongs to and its plain label.

This is the one home of SAMHSA codes and their labels: ``centers.vocabulary`` builds the search
choices on these codes and takes a label from here (``label_of``) rather than writing it again.
Codes come from SAMHSA's treatment-locator legend (the column headers of the FindTreatment.gov
export). Codes not listed here are still imported and kept (see ``category_and_label``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class ServiceCategory(models.TextChoices):
    TYPE_OF_CARE = "type-of-care", _("Type of care")
    SETTING = "setting", _("Service setting")
    MEDICATION = "medication", _("Medications")
    DETOX = "detox", _("Detox for")
    PAYMENT = "payment", _("Payment accepted")
    PAYMENT_ASSISTANCE = "payment-assistance", _("Help with paying")
    AGE = "age", _("Ages served")
    GENDER = "gender", _("Gender")
    SPECIAL_PROGRAMS = "special-programs", _("Programs for specific groups")
    LANGUAGE = "language", _("Languages and communication")
    OPERATION = "operation", _("Run by")
    ACCREDITATION = "accreditation", _("Accreditation")
    LICENSE = "license", _("Licensed by")
    PRIMARY_FOCUS = "primary-focus", _("Primary focus")
    OTHER = "other", _("Other services")


C = ServiceCategory

# Words two codes share (in different categories), written once.
SUBSTANCE_USE_TREATMENT = gettext_noop("Substance use treatment")
YOUNG_ADULTS = gettext_noop("Young adults")
INDIAN_HEALTH_FUNDS = gettext_noop("IHS, tribal or urban Indian health funds")

# code: (category, label). Labels are in plain words; a few SAMHSA labels were reworded. They are stored (Service.label)
# and published (HSDS) in English, so only marked here (gettext_noop): pages show them translated (centers_extras).
KNOWN_SERVICES: dict[str, tuple[str, str]] = {
    "SA": (C.TYPE_OF_CARE, SUBSTANCE_USE_TREATMENT),
    "DT": (C.TYPE_OF_CARE, gettext_noop("Detox (withdrawal management)")),
    "HH": (C.TYPE_OF_CARE, gettext_noop("Transitional housing or halfway house")),
    "SUMH": (C.TYPE_OF_CARE, gettext_noop("Treatment for substance use and mental health together")),
    "CO": (C.TYPE_OF_CARE, gettext_noop("Care for co-occurring mental health and substance use")),
    "ISC": (C.TYPE_OF_CARE, gettext_noop("Interim care while waiting for treatment")),
    "TELE": (C.TYPE_OF_CARE, gettext_noop("Telehealth (video or phone visits)")),
    "HI": (C.SETTING, gettext_noop("Hospital inpatient")),
    "HID": (C.SETTING, gettext_noop("Hospital inpatient detox")),
    "HIT": (C.SETTING, gettext_noop("Hospital inpatient treatment")),
    "RES": (C.SETTING, gettext_noop("Residential (live-in) treatment")),
    "RD": (C.SETTING, gettext_noop("Residential detox")),
    "RS": (C.SETTING, gettext_noop("Short-term residential (30 days or less)")),
    "RL": (C.SETTING, gettext_noop("Long-term residential (more than 30 days)")),
    "OP": (C.SETTING, gettext_noop("Outpatient")),
    "OD": (C.SETTING, gettext_noop("Outpatient detox")),
    "ODT": (C.SETTING, gettext_noop("Day treatment or partial hospitalization")),
    "PH": (C.SETTING, gettext_noop("Partial hospitalization (day treatment)")),
    "OIT": (C.SETTING, gettext_noop("Intensive outpatient treatment (IOP)")),
    "ORT": (C.SETTING, gettext_noop("Regular outpatient treatment")),
    "OMB": (C.SETTING, gettext_noop("Outpatient treatment with methadone, buprenorphine or naltrexone")),
    "OTP": (C.MEDICATION, gettext_noop("SAMHSA-certified opioid treatment program")),
    "OTPA": (C.MEDICATION, gettext_noop("Opioid treatment program (all clients)")),
    "METH": (C.MEDICATION, gettext_noop("Methadone")),
    "MU": (C.MEDICATION, gettext_noop("Methadone used in treatment")),
    "MM": (C.MEDICATION, gettext_noop("Methadone maintenance")),
    "MMW": (C.MEDICATION, gettext_noop("Methadone maintenance for a set time")),
    "DM": (C.MEDICATION, gettext_noop("Methadone for detox")),
    "BU": (C.MEDICATION, gettext_noop("Buprenorphine used in treatment")),
    "BUM": (C.MEDICATION, gettext_noop("Buprenorphine maintenance")),
    "BMW": (C.MEDICATION, gettext_noop("Buprenorphine maintenance for a set time")),
    "DB": (C.MEDICATION, gettext_noop("Buprenorphine for detox")),
    "NU": (C.MEDICATION, gettext_noop("Naltrexone used in treatment")),
    "VTRL": (C.MEDICATION, gettext_noop("Injectable naltrexone (Vivitrol)")),
    "NXN": (C.MEDICATION, gettext_noop("Naltrexone (pill)")),
    "MOA": (C.MEDICATION, gettext_noop("Accepts clients already taking opioid medication")),
    "NMOA": (C.MEDICATION, gettext_noop("Does not use medication for opioid addiction")),
    "ACM": (C.MEDICATION, gettext_noop("Acamprosate (Campral)")),
    "DSF": (C.MEDICATION, gettext_noop("Disulfiram (Antabuse)")),
    "ADTX": (C.DETOX, gettext_noop("Alcohol")),
    "BDTX": (C.DETOX, gettext_noop("Benzodiazepines")),
    "CDTX": (C.DETOX, gettext_noop("Cocaine")),
    "MDTX": (C.DETOX, gettext_noop("Methamphetamine")),
    "ODTX": (C.DETOX, gettext_noop("Opioids")),
    "MDET": (C.DETOX, gettext_noop("Medication routinely used during detox")),
    "PVTP": (C.OPERATION, gettext_noop("Private for-profit organization")),
    "PVTN": (C.OPERATION, gettext_noop("Private non-profit organization")),
    "LCCG": (C.OPERATION, gettext_noop("Local, county or community government")),
    "STG": (C.OPERATION, gettext_noop("State government")),
    "TBG": (C.OPERATION, gettext_noop("Tribal government")),
    "DDF": (C.OPERATION, gettext_noop("Department of Defense")),
    "IH": (C.OPERATION, gettext_noop("Indian Health Service")),
    "VAMC": (C.OPERATION, gettext_noop("Department of Veterans Affairs")),
    "MD": (C.PAYMENT, gettext_noop("Medicaid")),
    "MC": (C.PAYMENT, gettext_noop("Medicare")),
    "PI": (C.PAYMENT, gettext_noop("Private health insurance")),
    "MI": (C.PAYMENT, gettext_noop("Military insurance (such as TRICARE)")),
    "SI": (C.PAYMENT, gettext_noop("State-financed health insurance other than Medicaid")),
    "SF": (C.PAYMENT, gettext_noop("Cash or self-payment")),
    "ITU": (C.PAYMENT, INDIAN_HEALTH_FUNDS),
    "IHS": (C.PAYMENT, INDIAN_HEALTH_FUNDS),
    "NP": (C.PAYMENT, gettext_noop("Free treatment (no payment accepted)")),
    "ATR": (C.PAYMENT, gettext_noop("Access to Recovery (ATR) voucher")),
    "SS": (C.PAYMENT_ASSISTANCE, gettext_noop("Sliding fee scale (cost based on income)")),
    "PA": (C.PAYMENT_ASSISTANCE, gettext_noop("Payment assistance (ask the facility)")),
    "ADLT": (C.AGE, gettext_noop("Adults")),
    "CHLD": (C.AGE, gettext_noop("Children and youth under 18")),
    "YAD": (C.AGE, YOUNG_ADULTS),
    "SNR": (C.AGE, gettext_noop("Seniors")),
    "AD": (C.SPECIAL_PROGRAMS, gettext_noop("Adolescents")),
    "TAY": (C.SPECIAL_PROGRAMS, YOUNG_ADULTS),
    "SE": (C.SPECIAL_PROGRAMS, gettext_noop("Seniors or older adults")),
    "WN": (C.SPECIAL_PROGRAMS, gettext_noop("Adult women")),
    "PW": (C.SPECIAL_PROGRAMS, gettext_noop("Pregnant or postpartum women")),
    "MN": (C.SPECIAL_PROGRAMS, gettext_noop("Adult men")),
    "VET": (C.SPECIAL_PROGRAMS, gettext_noop("Veterans")),
    "ADM": (C.SPECIAL_PROGRAMS, gettext_noop("Active duty military")),
    "MF": (C.SPECIAL_PROGRAMS, gettext_noop("Military families")),
    "GL": (C.SPECIAL_PROGRAMS, gettext_noop("LGBTQ+ clients")),
    "CJ": (C.SPECIAL_PROGRAMS, gettext_noop("People involved with the criminal justice system")),
    "TRMA": (C.SPECIAL_PROGRAMS, gettext_noop("People who have experienced trauma")),
    "XA": (C.SPECIAL_PROGRAMS, gettext_noop("People who have experienced sexual abuse")),
    "DV": (C.SPECIAL_PROGRAMS, gettext_noop("People who have experienced intimate partner violence")),
    "HV": (C.SPECIAL_PROGRAMS, gettext_noop("People with HIV or AIDS")),
    "FEM": (C.GENDER, gettext_noop("Women")),
    "MALE": (C.GENDER, gettext_noop("Men")),
    "SP": (C.LANGUAGE, gettext_noop("Spanish")),
    "AH": (C.LANGUAGE, gettext_noop("Services for deaf and hard of hearing people (including ASL)")),
    "JC": (C.ACCREDITATION, gettext_noop("The Joint Commission")),
    "CARF": (C.ACCREDITATION, gettext_noop("CARF (Commission on Accreditation of Rehabilitation Facilities)")),
    "COA": (C.ACCREDITATION, gettext_noop("Council on Accreditation")),
    "NCQA": (C.ACCREDITATION, gettext_noop("National Committee for Quality Assurance")),
    "STAG": (C.LICENSE, gettext_noop("State substance use treatment agency")),
    "STMH": (C.LICENSE, gettext_noop("State mental health department")),
    "STDH": (C.LICENSE, gettext_noop("State department of health")),
    "SAF": (C.PRIMARY_FOCUS, SUBSTANCE_USE_TREATMENT),
    "MHF": (C.PRIMARY_FOCUS, gettext_noop("Mental health treatment")),
    "MHSAF": (C.PRIMARY_FOCUS, gettext_noop("Mental health and substance use treatment")),
    "GHF": (C.PRIMARY_FOCUS, gettext_noop("General health services")),
}


def category_and_label(code: str) -> tuple[str, str]:
    """The category and label for any code, including codes SAMHSA adds after this list."""
    code = code.upper()
    if code in KNOWN_SERVICES:
        return KNOWN_SERVICES[code]
    # Real exports code other languages as F1-F119 (spoken) and N1-N40 (Native American).
    if code[:1] in ("F", "N") and code[1:].isdigit():
        kind = "Native American language" if code[0] == "N" else "Another language"
        return C.LANGUAGE, f"{kind} (SAMHSA code {code}; call to ask which)"
    return C.OTHER, f"Service code {code}"


def label_of(code: str) -> str:
    """The plain label of a known code, for a search choice that means the same thing in the same words."""
    return KNOWN_SERVICES[code][1]
