"""A generated, fictional directory so Finder is useful on first start with nothing downloaded.

Facilities sit at real ZIP code centers (ZIP codes are densest where people live, so the spread
roughly follows the population). Phone numbers use the 555-01xx range reserved for fiction.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from centers import geo, search_flags
from centers.models import Availability, AvailabilityStatus, Facility, Insurer, SearchVersion, Service
from centers.vocabulary import (
    OPERATOR_CODES,
    FacilityType,
    LevelOfCare,
    Source,
)

# For demo data only: printed by `make run` and listed in README. remove_demo deletes them.
DEMO_ACCOUNTS = {
    "steward": ("demo-steward-pass", "Data steward: the full Django admin at /admin/"),
    "admissions": ("demo-admissions-pass", "Admissions staff (editor) at one demo facility: /staff/"),
    "helpline": ("demo-helpline-pass", "Helpline worker and supervisor: /helpline/"),
}
DEMO_ADMISSIONS_NEAR = "30303"  # downtown Atlanta

MILITARY_INSURER = "TRICARE"  # every facility taking military insurance names it
INSURERS = [
    "Aetna", "Ambetter", "Anthem Blue Cross", "Blue Cross Blue Shield", "Cigna", "Humana",
    "Kaiser Permanente", "Magellan Health", "Molina Healthcare", "Optum", "Oscar Health",
    MILITARY_INSURER, "UnitedHealthcare", "WellCare", "Highmark", "CareSource",
]  # fmt: skip

NAME_FIRST = [
    "New", "Bright", "Clear", "Harbor", "Cedar", "River", "Summit", "Willow", "Lakeside", "Open",
    "Second", "True", "Hope", "Pathway", "Valley", "Oak", "Compass", "Beacon", "Turning", "Fresh",
]  # fmt: skip
NAME_SECOND = [
    "Start", "Horizons", "Point", "Ridge", "Bridge", "Road", "Light", "Springs", "Haven", "Way",
    "Roots", "Path", "Dawn", "Harbor", "Grove", "Crossing", "Meadows", "House", "Step", "Journey",
]  # fmt: skip
NAME_KIND = [
    "Recovery Center", "Treatment Services", "Behavioral Health", "Counseling Center",
    "Addiction Services", "Wellness Center", "Recovery Clinic", "Health Center",
]  # fmt: skip
STREETS = ["Main St", "Oak Ave", "Maple Dr", "Park Blvd", "Church St", "Elm St", "Washington Ave", "Lake Rd", "Hill St"]

# (probability, codes): each facility draws every line independently.
LEVEL_MIX = [
    (0.72, LevelOfCare.OUTPATIENT.codes[:1]),
    (0.45, LevelOfCare.INTENSIVE_OUTPATIENT.codes),
    (0.12, LevelOfCare.PARTIAL_HOSPITALIZATION.codes[:1]),
    (0.13, LevelOfCare.RESIDENTIAL_SHORT_TERM.codes + ("RES",)),
    (0.11, LevelOfCare.RESIDENTIAL_LONG_TERM.codes + ("RES",)),
    (0.12, LevelOfCare.MEDICAL_DETOX.codes[1:] + ("DT",)),
    (0.04, ("HI", "HIT", "HID", "DT")),
    (0.10, LevelOfCare.OUTPATIENT_DETOX.codes + ("DT",)),
    (0.09, ("OTP", "MM", "METH", "DM", "BU")),
]
SERVICE_MIX = [
    (0.30, ("BU", "BUM")), (0.35, ("NU", "VTRL")), (0.10, ("NXN",)), (0.35, ("MOA",)),
    (0.62, ("MD",)), (0.35, ("MC",)), (0.66, ("PI",)), (0.25, ("MI",)), (0.25, ("SI",)),
    (0.85, ("SF",)), (0.40, ("SS",)), (0.07, ("NP",)), (0.30, ("PA",)), (0.05, ("ITU",)),
    (0.95, ("ADLT",)), (0.15, ("AD", "CHLD")), (0.20, ("TAY",)), (0.35, ("WN",)), (0.15, ("PW",)),
    (0.30, ("MN",)), (0.20, ("SE",)), (0.25, ("VET",)), (0.08, ("ADM", "MF")), (0.25, ("GL",)),
    (0.40, ("CJ",)), (0.40, ("TRMA",)), (0.40, ("SP",)), (0.15, ("AH",)), (0.10, ("F17",)),
    (0.45, ("TELE",)), (0.35, ("CO", "SUMH")), (0.35, ("JC",)), (0.25, ("CARF",)), (0.80, ("STAG",)),
]  # fmt: skip


def _phone(rng: random.Random, area_code: str) -> str:
    return f"({area_code}) 555-01{rng.randrange(100):02d}"


def build_facilities(count: int, seed: int = 2015) -> list[tuple[Facility, set[str], list[str]]]:
    """Unsaved demo facilities with their service codes and insurer names; deterministic for a seed."""
    rng = random.Random(seed)
    places = geo.residential_zip_places()
    now = timezone.now().replace(microsecond=0)
    operators = list(OPERATOR_CODES)
    built = []
    for number in range(count):
        place = rng.choice(places)
        codes = {"SA", "SAF", rng.choices(operators, weights=[1, 1, 1, 2, 3, 6, 18, 20])[0]}
        while not codes.intersection({"OP", "OIT", "ODT", "RS", "RL", "RD", "HI", "OD", "OTP"}):
            for probability, level_codes in LEVEL_MIX:
                if rng.random() < probability:
                    codes.update(level_codes)
        for probability, service_codes in SERVICE_MIX:
            if rng.random() < probability:
                codes.update(service_codes)
        if codes & {"OIT", "ORT", "OD", "ODT"}:
            codes.add("OP")
        name = f"{rng.choice(NAME_FIRST)} {rng.choice(NAME_SECOND)} {rng.choice(NAME_KIND)}"
        insurers = rng.sample(INSURERS, rng.randrange(0, 7)) if "PI" in codes else []
        if "MI" in codes:
            insurers.append(MILITARY_INSURER)
        verified_days = rng.random() * 240
        facility = Facility(
            name=name,
            name2=rng.choice(["", "", "", f"{place.city.title()} Clinic", "Adult Program", "Women's Program"]),
            street1=f"{rng.randrange(10, 9900)} {rng.choice(STREETS)}",
            city=place.city.title(),
            state=place.state,
            zip_code=place.zip_code,
            county=place.county,
            # A little spread so facilities in one ZIP don't stack on one point.
            latitude=round(place.latitude + rng.uniform(-0.02, 0.02), 6),
            longitude=round(place.longitude + rng.uniform(-0.02, 0.02), 6),
            phone=_phone(rng, place.area_code),
            intake_phone=_phone(rng, place.area_code) if rng.random() < 0.6 else "",
            hotline=_phone(rng, place.area_code) if rng.random() < 0.15 else "",
            website=f"https://{slugify(name)}.example.org" if rng.random() < 0.8 else "",
            description=(
                "Fictional facility generated for the Finder demo. It is not a real place; do not call this number."
            ),
            facility_type=FacilityType.BOTH if "CO" in codes else FacilityType.SUBSTANCE_USE,
            operator=next(op for code, op in OPERATOR_CODES.items() if code in codes),
            source=Source.DEMO,
            source_id=f"demo-{seed}-{number}",
            uuid=Facility.stable_uuid(Source.DEMO, f"demo-{seed}-{number}"),
            last_verified_at=now - timedelta(days=verified_days) if verified_days < 200 else None,
        )
        facility.slug = facility.make_slug()
        facility.search_flags = search_flags.flags_for(codes)
        built.append((facility, codes, insurers))
    return built


@transaction.atomic
def load_demo(count: int = 2000, seed: int = 2015) -> int:
    """Replace the demo facilities with a freshly generated set; returns how many were created."""
    built = build_facilities(count, seed)
    Facility.objects.demo().delete()
    all_codes = {code for _, codes, _ in built for code in codes}
    Service.create_missing(all_codes)
    Insurer.objects.bulk_create([Insurer(name=name, slug=slugify(name)) for name in INSURERS], ignore_conflicts=True)
    insurer_ids = dict(Insurer.objects.values_list("name", "id"))
    facilities = Facility.objects.bulk_create([facility for facility, _, _ in built], batch_size=1000)
    insurer_links = Facility.insurers.through
    Facility.objects.add_service_links(
        (facility.id, code) for facility, (_, codes, _) in zip(facilities, built, strict=True) for code in sorted(codes)
    )
    insurer_links.objects.bulk_create(
        [
            insurer_links(facility_id=facility.id, insurer_id=insurer_ids[name])
            for facility, (_, _, names) in zip(facilities, built, strict=True)
            for name in sorted(set(names))
        ],
        batch_size=5000,
    )
    Availability.objects.bulk_create(build_availability(facilities, built, random.Random(seed + 1)), batch_size=2000)
    SearchVersion.objects.bump()  # bulk writes send no signals
    return len(facilities)


def build_availability(facilities, built, rng: random.Random) -> list[Availability]:
    """Openings for about half the demo facilities, some of them too old to trust (to show how that looks)."""
    now = timezone.now()
    statuses = (
        [AvailabilityStatus.ACCEPTING] * 5 + [AvailabilityStatus.WAITLIST] * 3 + [AvailabilityStatus.NOT_ACCEPTING] * 2
    )
    rows = []
    for facility, (_, codes, _) in zip(facilities, built, strict=True):
        if rng.random() > 0.5:
            continue
        for level in LevelOfCare:
            if not codes.intersection(level.codes):
                continue
            status = rng.choice(statuses)
            rows.append(
                Availability(
                    facility_id=facility.id,
                    level=level,
                    status=status,
                    open_slots=rng.randrange(1, 12) if status == AvailabilityStatus.ACCEPTING else None,
                    waitlist_days=rng.randrange(2, 30) if status == AvailabilityStatus.WAITLIST else None,
                    updated_at=now - timedelta(hours=rng.choice([1, 2, 5, 9, 20, 30, 50, 100, 200])),
                )
            )
    return rows


def remove_demo_accounts() -> int:
    from django.contrib.auth import get_user_model

    deleted, _ = get_user_model().objects.filter(username__in=DEMO_ACCOUNTS).delete()
    return deleted
