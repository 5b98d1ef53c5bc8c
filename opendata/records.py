"""THE mapping from Finder's directory to HSDS 3.1 rows, one direction: ``tables_for(facilities)``.

The data package export writes these rows as CSV; the /api/hsds/ endpoints nest the same rows into HSDS JSON
objects by their foreign keys. So the CSV and the API can never disagree. docs/hsds.md is the mapping in words.

Rows are dicts keyed by the HSDS field names of their table (``opendata.tables``), every field present. Values
are ``None`` (absent), ``str``, ``int`` or ``float``; dates and datetimes are already ISO 8601 strings (UTC,
milliseconds, "Z"), so the CSV and the JSON say exactly the same. Within a table, rows come in facility order,
and a facility's phones intake first (the export sorts each file by id; the API keeps this order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from django.db.models import QuerySet

from centers import search_flags
from centers.models import Availability, AvailabilityStatus, Facility, Service
from centers.taxonomy import ServiceCategory
from centers.vocabulary import LEVEL_OF_CARE_DESCRIPTIONS as DESCRIPTIONS
from centers.vocabulary import LevelOfCare, Operator, Source, Status
from opendata import ids, taxonomy
from opendata.models import Taxonomy, TaxonomyTerm, TermLink
from opendata.tables import tables

GENERAL_SERVICE_NAME = "Substance use treatment"
GENERAL_SERVICE_DESCRIPTION = "Treatment for substance use. Call to ask which kinds of care this facility offers."
SERVICE_STATUS = {Status.ACTIVE: "active", Status.TEMPORARILY_CLOSED: "temporarily closed", Status.CLOSED: "defunct"}
# Phones in the order a caller should try them; the description says which is which (the type is always voice).
PHONE_KINDS = [
    ("intake", "intake_phone", "Intake: the number a new patient or family should call"),
    ("main", "phone", "Main number"),
    ("hotline", "hotline", "24-hour hotline"),
]
SAMHSA_KEY_TYPE = "FindTreatment.gov row key (Finder)"
HOURS_NOTE, INTAKE_HOURS_NOTE = "Opening hours", "Intake hours: when a new patient can call or walk in"
# HSDS requires a street line; some SAMHSA listings (rural and tribal programs) have none.
NO_STREET = "(no street address)"
UNIT_NAME = "Beds or openings"
UNIT_ID = ids.unit(UNIT_NAME)
UNIT_ROW = {"id": UNIT_ID, "name": UNIT_NAME, "scheme": None, "identifier": "finder-openings", "uri": None}
NOT_COUNTED = "openings not counted"
INSURER_PLAN = "Insurance plan accepted"
LANGUAGE_NAMES = {"SP": ("Spanish", "es"), "AH": ("American Sign Language", "ase")}
# Payment codes that name who pays (published as funding too); every payment code is a cost option of each service.
FUNDING_CODES = ("MD", "MC", "SI", "MI", "ITU", "IHS", "ATR")
PAYMENT_CATEGORIES = {ServiceCategory.PAYMENT, ServiceCategory.PAYMENT_ASSISTANCE}
ELIGIBILITY_CATEGORIES = {ServiceCategory.AGE, ServiceCategory.GENDER, ServiceCategory.SPECIAL_PROGRAMS}
EXTENSION_RE = re.compile(r"^(.*?)\s+ext\.\s*(\d+)$")
# Above this many facilities, their links are read whole and filtered here rather than sent as an IN list
# (PostgreSQL takes at most 65,535 parameters).
IN_LIST_LIMIT = 5_000

# The search choices published on a location (levels are published on their service): (search bit, term id).
LOCATION_CHOICE_TERMS = [
    (search_flags.BITS[choice.kind, choice.value], choice.term_id)
    for choice in taxonomy.CHOICES
    if choice.kind != "level"
]
FACILITY_FIELDS = (
    "id", "uuid", "name", "name2", "street1", "street2", "city", "state", "zip_code", "county", "latitude",
    "longitude", "phone", "intake_phone", "hotline", "website", "description", "facility_type", "operator",
    "status", "source", "source_id", "imported_values", "updated_at", "last_verified_at", "hours", "intake_hours",
    "search_flags",
)  # fmt: skip


def tables_for(facilities: Iterable[Facility] | QuerySet, *, all_terms: bool = False) -> dict[str, list[dict]]:
    """The HSDS rows, per table name, of these facilities: a constant number of queries for any number.

    ``taxonomy`` and ``taxonomy_term`` hold the terms these rows name (with their parents), or with
    ``all_terms`` every term Finder knows (the data package). Tables without rows are left out.
    """
    if isinstance(facilities, QuerySet) and not facilities.query.is_sliced:
        # The caller's order is kept (a page of search results); unordered, by id.
        facilities = facilities.only(*FACILITY_FIELDS)
        facilities = facilities if facilities.ordered else facilities.order_by("uuid")
    facilities = list(facilities)
    builder = _Builder(facilities)
    for facility in facilities:
        builder.add(facility)
    return builder.result(all_terms=all_terms)


def published() -> QuerySet:
    """What Finder publishes: listed facilities that are not closed (the same as search shows)."""
    return Facility.objects.listed()


def format_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S") + f".{value.microsecond // 1000:03d}Z"


def default_description(facility: Facility) -> str:
    """The organization description published when the facility has none (HSDS requires one)."""
    return f"{facility.get_facility_type_display()} treatment in {facility.city}, {facility.state}."


def split_extension(number: str) -> tuple[str, int | None]:
    match = EXTENSION_RE.match(number)
    return (match[1], int(match[2])) if match else (number, None)


def _blank(value) -> str | None:
    return value if value not in ("", None) else None


class _Builder:
    """Reads what the facilities' rows need (links, insurers, availability, kept terms) once, then builds rows."""

    def __init__(self, facilities: list[Facility]):
        self.rows: dict[str, list[dict]] = {name: [] for name in tables()}
        self.term_ids: set[str] = set()
        pks = [facility.pk for facility in facilities]
        self.codes = _by_facility(Facility.services.through.objects, pks, "service_id")
        self.insurers = _by_facility(Facility.insurers.through.objects, pks, "insurer__name")
        self.availability: dict[tuple[int, str], Availability] = {
            (row.facility_id, row.level): row
            for row in _filtered(Availability.objects.only("facility_id", "level", "status", "open_slots",
                                                           "waitlist_days", "note", "updated_at"), pks)
        }  # fmt: skip
        self.kept_links = _by_facility(TermLink.objects, pks, "term_id", "level")
        self.services = {code: (category, label) for code, category, label in Service.objects.values_list(
            "code", "category", "label")}  # fmt: skip

    def add(self, facility: Facility) -> None:
        location_id = str(facility.uuid)
        organization_id = ids.organization(location_id)
        codes = sorted(self.codes.get(facility.pk, ()))
        self._organization(facility, organization_id, codes)
        self._location(facility, location_id, organization_id, codes)
        levels = facility.levels_of_care or [ids.GENERAL_SERVICE]
        common = self._service_texts(codes)
        for level in levels:
            self._service(facility, location_id, organization_id, level, codes, common)
        kept = self.kept_links.get(facility.pk, ())
        for term_id, level in kept:
            term_id = str(term_id)
            link_id, entity = location_id, "location"
            if level in levels:
                link_id, entity = ids.service(location_id, level), "service"
            self._attribute(link_id, entity, term_id)

    def _organization(self, facility: Facility, organization_id: str, codes: list[str]) -> None:
        self.rows["organization"].append({
            "id": organization_id,
            "name": facility.name,
            "alternate_name": _blank(facility.name2),
            "description": facility.description or default_description(facility),
            "email": None,
            "website": _blank(facility.website),
            "tax_status": None,
            "tax_id": None,
            "year_incorporated": None,
            "legal_status": taxonomy.english(Operator(facility.operator).label) if facility.operator else None,
            "logo": None,
            "uri": None,
            "parent_organization_id": None,
        })  # fmt: skip
        for code in codes:
            if code in FUNDING_CODES:
                self.rows["funding"].append({
                    "id": ids.funding(organization_id, code), "organization_id": organization_id,
                    "service_id": None, "source": self._label(code),
                })  # fmt: skip

    def _location(self, facility: Facility, location_id: str, organization_id: str, codes: list[str]) -> None:
        external_id, external_type = _external_identifier(facility)
        self.rows["location"].append({
            "id": location_id,
            "location_type": "physical",
            "url": None,
            "organization_id": organization_id,
            "name": facility.name,
            "alternate_name": None,
            "description": None,
            "transportation": None,
            "latitude": None if facility.latitude is None else round(facility.latitude, 7),
            "longitude": None if facility.longitude is None else round(facility.longitude, 7),
            "external_identifier": external_id,
            "external_identifier_type": external_type,
        })  # fmt: skip
        self.rows["address"].append({
            "id": ids.address(location_id),
            "location_id": location_id,
            "attention": None,
            "address_1": facility.street1 or NO_STREET,
            "address_2": _blank(facility.street2),
            "city": facility.city,
            "region": _blank(facility.county),
            "state_province": facility.state,
            "postal_code": facility.zip_code,
            "country": "US",
            "address_type": "physical",
        })  # fmt: skip
        seen = set()
        for kind, field, description in PHONE_KINDS:
            number = getattr(facility, field)
            if not number or number in seen:
                continue
            seen.add(number)
            number, extension = split_extension(number)
            self.rows["phone"].append({
                "id": ids.phone(location_id, kind), "location_id": location_id, "service_id": None,
                "organization_id": None, "contact_id": None, "service_at_location_id": None,
                "number": number, "extension": extension, "type": "voice", "description": description,
            })  # fmt: skip
        for kind, text, note in (("hours", facility.hours, HOURS_NOTE), ("intake", facility.intake_hours,
                                                                           INTAKE_HOURS_NOTE)):  # fmt: skip
            if text:
                self.rows["schedule"].append(_schedule(ids.schedule(location_id, kind), location_id, text, note))
        for code in codes:
            if self._category(code) == ServiceCategory.LANGUAGE:
                name, language_code = LANGUAGE_NAMES.get(code, (self._label(code), None))
                self.rows["language"].append({
                    "id": ids.language(location_id, code), "service_id": None, "location_id": location_id,
                    "phone_id": None, "name": name, "code": language_code, "note": f"SAMHSA service code {code}",
                })  # fmt: skip
            self._attribute(location_id, "location", ids.samhsa_term(code))
        for bit, term_id in LOCATION_CHOICE_TERMS:
            if facility.search_flags & bit:
                self._attribute(location_id, "location", term_id)

    def _service_texts(self, codes: list[str]) -> dict:
        """The service fields said in words from the facility's codes: the same for each of its services."""
        return {
            "fees_description": self._labels(codes, PAYMENT_CATEGORIES),
            "accreditations": self._labels(codes, {ServiceCategory.ACCREDITATION}),
            "eligibility_description": self._labels(codes, ELIGIBILITY_CATEGORIES),
            "licenses": self._labels(codes, {ServiceCategory.LICENSE}),
        }

    def _service(self, facility, location_id: str, organization_id: str, level: str, codes: list[str], common: dict):
        service_id = ids.service(location_id, level)
        availability = self.availability.get((facility.pk, level))
        general = level == ids.GENERAL_SERVICE
        self.rows["service"].append({
            "id": service_id,
            "organization_id": organization_id,
            "program_id": None,
            "name": GENERAL_SERVICE_NAME if general else taxonomy.english(LevelOfCare(level).label),
            "alternate_name": None,
            "description": GENERAL_SERVICE_DESCRIPTION if general else taxonomy.english(DESCRIPTIONS[level]),
            "url": _blank(facility.website),
            "email": None,
            "status": SERVICE_STATUS[facility.status],
            "interpretation_services": None,
            "application_process": None,
            "fees_description": common["fees_description"],
            "wait_time": _wait_time(availability),
            "fees": None,
            "accreditations": common["accreditations"],
            "eligibility_description": common["eligibility_description"],
            "minimum_age": None,
            "maximum_age": None,
            "assured_date": facility.last_verified_at.date().isoformat() if facility.last_verified_at else None,
            "assurer_email": None,
            "licenses": common["licenses"],
            "alert": "Temporarily closed" if facility.status == Status.TEMPORARILY_CLOSED else None,
            "last_modified": format_datetime(facility.updated_at),
        })  # fmt: skip
        self.rows["service_at_location"].append({
            "id": ids.service_at_location(service_id), "service_id": service_id, "location_id": location_id,
            "description": None,
        })  # fmt: skip
        for code in codes:
            if self._category(code) in PAYMENT_CATEGORIES:
                self.rows["cost_option"].append(_cost_option(service_id, code, self._label(code)))
        for name in sorted(self.insurers.get(facility.pk, ())):
            row = _cost_option(service_id, f"insurer:{name}", name)
            row["amount_description"] = INSURER_PLAN
            self.rows["cost_option"].append(row)
        if availability is not None:
            self.rows["service_capacity"].append(_capacity(service_id, availability))
        if not general:
            self._attribute(service_id, "service", taxonomy.LEVEL_TERM_IDS[level])
            for code in LevelOfCare(level).codes:
                if code in codes:
                    self._attribute(service_id, "service", ids.samhsa_term(code))
        elif "SA" in codes:
            self._attribute(service_id, "service", ids.samhsa_term("SA"))

    def _attribute(self, link_id: str, entity: str, term_id: str) -> None:
        self.term_ids.add(term_id)
        self.rows["attribute"].append({
            "id": ids.attribute(link_id, term_id), "link_id": link_id, "taxonomy_term_id": term_id,
            "link_type": None, "link_entity": entity, "value": None, "label": None,
        })  # fmt: skip

    def _category(self, code: str) -> str:
        return self.services[code][0]

    def _label(self, code: str) -> str:
        return self.services[code][1]

    def _labels(self, codes: list[str], categories: set[str]) -> str | None:
        labels = sorted({self._label(code) for code in codes if self._category(code) in categories})
        return "; ".join(labels) or None

    def result(self, *, all_terms: bool) -> dict[str, list[dict]]:
        if self.rows["service_capacity"]:
            self.rows["unit"].append(dict(UNIT_ROW))
        samhsa = taxonomy.samhsa_terms((code, category, label) for code, (category, label) in self.services.items())
        terms = samhsa + taxonomy.finder_terms() + [_kept_term(term) for term in TaxonomyTerm.objects.order_by("id")]
        if not all_terms:
            terms = _with_parents(terms, self.term_ids)
        self.rows["taxonomy_term"] = terms
        used_taxonomies = {term["taxonomy_id"] for term in terms}
        kept_taxonomies = [_kept_taxonomy(kept) for kept in Taxonomy.objects.order_by("id")]
        self.rows["taxonomy"] = [
            row for row in taxonomy.TAXONOMIES + kept_taxonomies if all_terms or row["id"] in used_taxonomies
        ]
        return {name: rows for name, rows in self.rows.items() if rows}


def _filtered(queryset: QuerySet, pks: list[int]) -> QuerySet:
    if len(pks) > IN_LIST_LIMIT:
        wanted = set(pks)
        return [row for row in queryset.iterator(chunk_size=10_000) if row.facility_id in wanted]
    return queryset.filter(facility_id__in=pks)


def _by_facility(manager, pks: list[int], *fields: str) -> dict[int, list]:
    """{facility pk: [value, or tuple of values]} for these facilities, in one query."""
    rows = manager.values_list("facility_id", *fields)
    if len(pks) <= IN_LIST_LIMIT:
        rows, wanted = rows.filter(facility_id__in=pks), None
    else:
        wanted = set(pks)
    result: dict[int, list] = {}
    for facility_id, *values in rows.iterator(chunk_size=10_000):
        if wanted is None or facility_id in wanted:
            result.setdefault(facility_id, []).append(values[0] if len(values) == 1 else tuple(values))
    return result


def _external_identifier(facility: Facility) -> tuple[str | None, str | None]:
    if facility.source == Source.SAMHSA:
        return facility.source_id, SAMHSA_KEY_TYPE
    kept = (facility.imported_values or {}).get("external_identifier") if facility.source == "hsds" else None
    if kept:
        return kept.get("identifier"), kept.get("type")
    return None, None


def _schedule(schedule_id: str, location_id: str, text: str, note: str) -> dict:
    row = dict.fromkeys(tables()["schedule"].fields)
    row.update(id=schedule_id, location_id=location_id, description=text, notes=note)
    return row


def _cost_option(service_id: str, what: str, option: str) -> dict:
    free = what == "NP"
    return {
        "id": ids.cost_option(service_id, what), "service_id": service_id, "valid_from": None, "valid_to": None,
        "option": option, "currency": "USD" if free else None, "amount": 0 if free else None,
        "amount_description": None,
    }  # fmt: skip


def _wait_time(availability: Availability | None) -> str | None:
    if availability is None or availability.status != AvailabilityStatus.WAITLIST or not availability.waitlist_days:
        return None
    return f"About {availability.waitlist_days} days"


def _capacity(service_id: str, availability: Availability) -> dict:
    """Openings for one level of care: the number staff gave, 0 when not accepting or on a waitlist (docs/hsds.md)."""
    status = AvailabilityStatus(availability.status)
    description = taxonomy.english(status.label)
    available = 0
    if status == AvailabilityStatus.ACCEPTING:
        if availability.open_slots is None:
            available, description = 1, f"{description} ({NOT_COUNTED})"
        else:
            available = availability.open_slots
    if availability.note:
        description = f"{description}. Note: {availability.note}"
    return {
        "id": ids.service_capacity(service_id), "service_id": service_id, "unit_id": UNIT_ID,
        "available": available, "maximum": None, "description": description,
        "updated": format_datetime(availability.updated_at),
    }  # fmt: skip


def _with_parents(terms: list[dict], wanted: set[str]) -> list[dict]:
    by_id = {term["id"]: term for term in terms}
    keep = set()
    for term_id in wanted:
        while term_id in by_id and term_id not in keep:
            keep.add(term_id)
            term_id = by_id[term_id]["parent_id"]
    return [term for term in terms if term["id"] in keep]


def _kept_term(term: TaxonomyTerm) -> dict:
    return {
        "id": str(term.id), "code": _blank(term.code), "name": term.name, "description": term.description,
        "parent_id": str(term.parent_id) if term.parent_id else None, "taxonomy": _blank(term.taxonomy),
        "language": _blank(term.language), "taxonomy_id": str(term.taxonomy_id) if term.taxonomy_id else None,
        "term_uri": _blank(term.term_uri),
    }  # fmt: skip


def _kept_taxonomy(kept: Taxonomy) -> dict:
    return {
        "id": str(kept.id), "name": kept.name, "description": kept.description, "uri": _blank(kept.uri),
        "version": _blank(kept.version),
    }  # fmt: skip
