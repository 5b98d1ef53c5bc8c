"""Every SAMHSA service code Finder knows, with the category it belongs to and its plain label.

This is the one home of SAMHSA codes and their labels: ``centers.vocabulary`` builds the search
choices on these codes and takes a label from here (``label_of``) rather than writing it again.
Codes come from SAMHSA's treatment-locator legend (the column headers of the FindTreatment.gov
export). Codes not listed here are still imported and kept (see ``category_and_label``).
"""

from django.db import models


class ServiceCategory(models.TextChoices):
    TYPE_OF_CARE = "type-of-care", "Type of care"
    SETTING = "setting", "Service setting"
    MEDICATION = "medication", "Medications"
    DETOX = "detox", "Detox for"
    PAYMENT = "payment", "Payment accepted"
    PAYMENT_ASSISTANCE = "payment-assistance", "Help with paying"
    AGE = "age", "Ages served"
    GENDER = "gender", "Gender"
    SPECIAL_PROGRAMS = "special-programs", "Programs for specific groups"
    LANGUAGE = "language", "Languages and communication"
    OPERATION = "operation", "Run by"
    ACCREDITATION = "accreditation", "Accreditation"
    LICENSE = "license", "Licensed by"
    PRIMARY_FOCUS = "primary-focus", "Primary focus"
    OTHER = "other", "Other services"


C = ServiceCategory

# Words two codes share (in different categories), written once.
SUBSTANCE_USE_TREATMENT = "Substance use treatment"
YOUNG_ADULTS = "Young adults"
INDIAN_HEALTH_FUNDS = "IHS, tribal or urban Indian health funds"

# code: (category, label). Labels are in plain words; a few SAMHSA labels were reworded.
KNOWN_SERVICES: dict[str, tuple[str, str]] = {
    "SA": (C.TYPE_OF_CARE, SUBSTANCE_USE_TREATMENT),
    "DT": (C.TYPE_OF_CARE, "Detox (withdrawal management)"),
    "HH": (C.TYPE_OF_CARE, "Transitional housing or halfway house"),
    "SUMH": (C.TYPE_OF_CARE, "Treatment for substance use and mental health together"),
    "CO": (C.TYPE_OF_CARE, "Care for co-occurring mental health and substance use"),
    "ISC": (C.TYPE_OF_CARE, "Interim care while waiting for treatment"),
    "TELE": (C.TYPE_OF_CARE, "Telehealth (video or phone visits)"),
    "HI": (C.SETTING, "Hospital inpatient"),
    "HID": (C.SETTING, "Hospital inpatient detox"),
    "HIT": (C.SETTING, "Hospital inpatient treatment"),
    "RES": (C.SETTING, "Residential (live-in) treatment"),
    "RD": (C.SETTING, "Residential detox"),
    "RS": (C.SETTING, "Short-term residential (30 days or less)"),
    "RL": (C.SETTING, "Long-term residential (more than 30 days)"),
    "OP": (C.SETTING, "Outpatient"),
    "OD": (C.SETTING, "Outpatient detox"),
    "ODT": (C.SETTING, "Day treatment or partial hospitalization"),
    "PH": (C.SETTING, "Partial hospitalization (day treatment)"),
    "OIT": (C.SETTING, "Intensive outpatient treatment (IOP)"),
    "ORT": (C.SETTING, "Regular outpatient treatment"),
    "OMB": (C.SETTING, "Outpatient treatment with methadone, buprenorphine or naltrexone"),
    "OTP": (C.MEDICATION, "SAMHSA-certified opioid treatment program"),
    "OTPA": (C.MEDICATION, "Opioid treatment program (all clients)"),
    "METH": (C.MEDICATION, "Methadone"),
    "MU": (C.MEDICATION, "Methadone used in treatment"),
    "MM": (C.MEDICATION, "Methadone maintenance"),
    "MMW": (C.MEDICATION, "Methadone maintenance for a set time"),
    "DM": (C.MEDICATION, "Methadone for detox"),
    "BU": (C.MEDICATION, "Buprenorphine used in treatment"),
    "BUM": (C.MEDICATION, "Buprenorphine maintenance"),
    "BMW": (C.MEDICATION, "Buprenorphine maintenance for a set time"),
    "DB": (C.MEDICATION, "Buprenorphine for detox"),
    "NU": (C.MEDICATION, "Naltrexone used in treatment"),
    "VTRL": (C.MEDICATION, "Injectable naltrexone (Vivitrol)"),
    "NXN": (C.MEDICATION, "Naltrexone (pill)"),
    "MOA": (C.MEDICATION, "Accepts clients already taking opioid medication"),
    "NMOA": (C.MEDICATION, "Does not use medication for opioid addiction"),
    "ACM": (C.MEDICATION, "Acamprosate (Campral)"),
    "DSF": (C.MEDICATION, "Disulfiram (Antabuse)"),
    "ADTX": (C.DETOX, "Alcohol"),
    "BDTX": (C.DETOX, "Benzodiazepines"),
    "CDTX": (C.DETOX, "Cocaine"),
    "MDTX": (C.DETOX, "Methamphetamine"),
    "ODTX": (C.DETOX, "Opioids"),
    "MDET": (C.DETOX, "Medication routinely used during detox"),
    "PVTP": (C.OPERATION, "Private for-profit organization"),
    "PVTN": (C.OPERATION, "Private non-profit organization"),
    "LCCG": (C.OPERATION, "Local, county or community government"),
    "STG": (C.OPERATION, "State government"),
    "TBG": (C.OPERATION, "Tribal government"),
    "DDF": (C.OPERATION, "Department of Defense"),
    "IH": (C.OPERATION, "Indian Health Service"),
    "VAMC": (C.OPERATION, "Department of Veterans Affairs"),
    "MD": (C.PAYMENT, "Medicaid"),
    "MC": (C.PAYMENT, "Medicare"),
    "PI": (C.PAYMENT, "Private health insurance"),
    "MI": (C.PAYMENT, "Military insurance (such as TRICARE)"),
    "SI": (C.PAYMENT, "State-financed health insurance other than Medicaid"),
    "SF": (C.PAYMENT, "Cash or self-payment"),
    "ITU": (C.PAYMENT, INDIAN_HEALTH_FUNDS),
    "IHS": (C.PAYMENT, INDIAN_HEALTH_FUNDS),
    "NP": (C.PAYMENT, "Free treatment (no payment accepted)"),
    "ATR": (C.PAYMENT, "Access to Recovery (ATR) voucher"),
    "SS": (C.PAYMENT_ASSISTANCE, "Sliding fee scale (cost based on income)"),
    "PA": (C.PAYMENT_ASSISTANCE, "Payment assistance (ask the facility)"),
    "ADLT": (C.AGE, "Adults"),
    "CHLD": (C.AGE, "Children and youth under 18"),
    "YAD": (C.AGE, YOUNG_ADULTS),
    "SNR": (C.AGE, "Seniors"),
    "AD": (C.SPECIAL_PROGRAMS, "Adolescents"),
    "TAY": (C.SPECIAL_PROGRAMS, YOUNG_ADULTS),
    "SE": (C.SPECIAL_PROGRAMS, "Seniors or older adults"),
    "WN": (C.SPECIAL_PROGRAMS, "Adult women"),
    "PW": (C.SPECIAL_PROGRAMS, "Pregnant or postpartum women"),
    "MN": (C.SPECIAL_PROGRAMS, "Adult men"),
    "VET": (C.SPECIAL_PROGRAMS, "Veterans"),
    "ADM": (C.SPECIAL_PROGRAMS, "Active duty military"),
    "MF": (C.SPECIAL_PROGRAMS, "Military families"),
    "GL": (C.SPECIAL_PROGRAMS, "LGBTQ+ clients"),
    "CJ": (C.SPECIAL_PROGRAMS, "People involved with the criminal justice system"),
    "TRMA": (C.SPECIAL_PROGRAMS, "People who have experienced trauma"),
    "XA": (C.SPECIAL_PROGRAMS, "People who have experienced sexual abuse"),
    "DV": (C.SPECIAL_PROGRAMS, "People who have experienced intimate partner violence"),
    "HV": (C.SPECIAL_PROGRAMS, "People with HIV or AIDS"),
    "FEM": (C.GENDER, "Women"),
    "MALE": (C.GENDER, "Men"),
    "SP": (C.LANGUAGE, "Spanish"),
    "AH": (C.LANGUAGE, "Services for deaf and hard of hearing people (including ASL)"),
    "JC": (C.ACCREDITATION, "The Joint Commission"),
    "CARF": (C.ACCREDITATION, "CARF (Commission on Accreditation of Rehabilitation Facilities)"),
    "COA": (C.ACCREDITATION, "Council on Accreditation"),
    "NCQA": (C.ACCREDITATION, "National Committee for Quality Assurance"),
    "STAG": (C.LICENSE, "State substance use treatment agency"),
    "STMH": (C.LICENSE, "State mental health department"),
    "STDH": (C.LICENSE, "State department of health"),
    "SAF": (C.PRIMARY_FOCUS, SUBSTANCE_USE_TREATMENT),
    "MHF": (C.PRIMARY_FOCUS, "Mental health treatment"),
    "MHSAF": (C.PRIMARY_FOCUS, "Mental health and substance use treatment"),
    "GHF": (C.PRIMARY_FOCUS, "General health services"),
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
