"""Loading a checked HSDS package into Finder: each location becomes (or updates) a facility (rules: docs/hsds.md).

Upsert by id: a location whose id is a facility's ``uuid`` updates that facility, any other becomes a new one
(source "hsds", source_id the location id). The package is mapped whole before anything is written, and written
in one transaction: any problem (with its file and line) means nothing is written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time

from django.db import transaction

from centers import geo, search_flags
from centers.models import Availability, AvailabilityStatus, Facility, Service
from centers.normalize import normalize_phone, normalize_url, normalize_zip
from centers.taxonomy import KNOWN_SERVICES, ServiceCategory, category_and_label
from centers.vocabulary import FacilityType, LevelOfCare, Operator, Source, Status
from opendata import ids, records, taxonomy
from opendata.models import Taxonomy, TaxonomyTerm
from opendata.reading import Package, PackageError, read_package
from opendata.writing import ImportResult, Planned, write_planned

WAIT_DAYS_RE = re.compile(r"(\d+)\s*day", re.IGNORECASE)
STATUS_BY_LABEL = {status.label: status for status in AvailabilityStatus}
LANGUAGE_CODES = {"es": "SP", "spa": "SP", "spanish": "SP", "ase": "AH", "asl": "AH", "american sign language": "AH"}
PAYMENT_BY_LABEL: dict[str, list[str]] = {}  # label -> the payment codes with it (ITU and IHS share one)
for _code, (_category, _label) in KNOWN_SERVICES.items():
    if _category in (ServiceCategory.PAYMENT, ServiceCategory.PAYMENT_ASSISTANCE):
        PAYMENT_BY_LABEL.setdefault(_label.lower(), []).append(_code)
LEVEL_BY_LABEL = {level.label.lower(): level for level in LevelOfCare}
OPERATOR_BY_LABEL = {operator.label: operator for operator in Operator}
SERVICE_STATUS = {"active": Status.ACTIVE, "temporarily closed": Status.TEMPORARILY_CLOSED}
MAX_SLOTS = 32_767  # Availability.open_slots is a small integer


def import_package(directory, *, progress: Callable[[str], None] | None = None) -> ImportResult:
    """Check and load the package in ``directory``; raises PackageError (nothing written) if anything is wrong."""
    say = progress or (lambda message: None)
    package = read_package(directory)
    say(f"  read {sum(len(rows) for rows in package.rows.values()):,} rows")
    mapper = _Mapper(package)
    planned = mapper.plan()
    if package.errors:
        raise PackageError(package.errors)
    result = ImportResult(skipped=mapper.skipped, warnings=package.warnings)
    with transaction.atomic():
        write_planned(planned, mapper.new_services(), mapper.kept_terms(), result)
    return result


class _Mapper:
    def __init__(self, package: Package):
        self.package = package
        self.skipped = 0
        self.organizations = {row["id"]: row for row in package.table("organization")}
        self.services = {row["id"]: row for row in package.table("service")}
        self.terms = {row["id"]: row for row in package.table("taxonomy_term")}
        self.services_at = _group(package.table("service_at_location"), "location_id")
        self.locations_of_org = _group(package.table("location"), "organization_id")
        self.services_of_org = _group(package.table("service"), "organization_id")
        self.addresses = _group(package.table("address"), "location_id")
        self.capacities = _group(package.table("service_capacity"), "service_id")
        self.cost_options = _group(package.table("cost_option"), "service_id")
        self.attributes = {}
        for row in package.table("attribute"):
            self.attributes.setdefault(row["link_id"], []).append(row)
        self.phones = {
            key: _group(package.table("phone"), key) for key in ("location_id", "service_id", "organization_id")
        }
        self.languages = _group(package.table("language"), "location_id")
        self.schedules = _group(package.table("schedule"), "location_id")
        self.samhsa_codes = {}  # term id -> code, for the package's terms of Finder's SAMHSA taxonomy
        for term in package.table("taxonomy_term"):
            code = taxonomy.samhsa_code_of(term["id"], term.get("code"))
            if code:
                self.samhsa_codes[term["id"]] = code
        self.known_samhsa = {ids.samhsa_term(code): code for code in KNOWN_SERVICES}

    def plan(self) -> list[Planned]:
        existing = {
            str(uuid): (pk, source) for uuid, pk, source in Facility.objects.values_list("uuid", "id", "source")
        }
        planned = []
        for location in self.package.table("location"):
            item = self._facility(location)
            if item is None:
                self.skipped += 1
                continue
            item.facility.pk, item.source = existing.get(location["id"], (None, Source.HSDS))
            planned.append(item)
        self.planned = planned
        return planned

    def new_services(self) -> list[Service]:
        """A Service for every code the package uses or names in Finder's SAMHSA taxonomy (those known are skipped)."""
        services = {}
        for item in self.planned:
            for code in item.codes:
                services[code] = Service(code, *category_and_label(code))
        for term_id, code in self.samhsa_codes.items():
            term = self.terms[term_id]
            category = taxonomy.CATEGORY_BY_TERM_ID.get(term.get("parent_id")) or category_and_label(code)[0]
            services[code] = Service(code, category, term["name"][:200])
        return list(services.values())

    def kept_terms(self) -> tuple[list[Taxonomy], list[TaxonomyTerm]]:
        """The package's taxonomies and terms that are not Finder's own, to keep and publish again."""
        own = {taxonomy.SAMHSA_TAXONOMY_ID, taxonomy.FINDER_TAXONOMY_ID}
        taxonomies = [
            Taxonomy(id=row["id"], name=row["name"], description=row["description"], uri=row.get("uri") or "",
                     version=row.get("version") or "")
            for row in self.package.table("taxonomy") if row["id"] not in own
        ]  # fmt: skip
        terms = [
            TaxonomyTerm(
                id=row["id"], code=row.get("code") or "", name=row["name"], description=row["description"],
                parent_id=row.get("parent_id"), taxonomy=row.get("taxonomy") or "", language=row.get("language") or "",
                taxonomy_id=row.get("taxonomy_id"), term_uri=row.get("term_uri") or "",
            )
            for row in self.package.table("taxonomy_term") if _is_kept(row["id"], self.samhsa_codes)
        ]  # fmt: skip
        return taxonomies, terms

    def _facility(self, location: dict) -> Planned | None:
        line = location["_line"]
        service_rows = [self.services[row["service_id"]] for row in self.services_at.get(location["id"], [])]
        organization = self.organizations.get(location.get("organization_id"))
        if organization is None and service_rows:
            organization = self.organizations.get(service_rows[0]["organization_id"])
        if not service_rows and organization and len(self.locations_of_org.get(organization["id"], [])) == 1:
            service_rows = self.services_of_org.get(organization["id"], [])
        addresses = self.addresses.get(location["id"], [])
        address = next(
            (row for row in addresses if row["address_type"] == "physical"), addresses[0] if addresses else None
        )
        if address is None:
            self.package.warn("location", line, "skipped: no address (Finder lists places people can go)")
            return None
        name = location.get("name") or (organization or {}).get("name")
        if not name:
            self.package.error("location", line, "has no name, and no organization with one")
            return None
        facility = Facility(uuid=uuid.UUID(location["id"]), source=Source.HSDS, source_id=location["id"], name=name)
        org = organization or {}
        other_name = org.get("name") if location.get("name") and org.get("name") != location.get("name") else None
        facility.name2 = org.get("alternate_name") or location.get("alternate_name") or other_name or ""
        self._address(facility, address)
        self._coordinates(facility, location, address)
        self._phones(facility, location, org, service_rows)
        self._schedules(facility, location, service_rows)
        website = org.get("website") or next((row["url"] for row in service_rows if row.get("url")), None)
        facility.website = self._website(website or location.get("url") or "", location)
        facility.operator = OPERATOR_BY_LABEL.get(org.get("legal_status") or "", "")
        facility.description = org.get("description") or ""
        for facility_type in FacilityType:
            facility.facility_type = facility_type
            if facility.description == records.default_description(facility):
                facility.description = ""
                break
        else:
            facility.facility_type = FacilityType.SUBSTANCE_USE
        statuses = {row["status"] for row in service_rows}
        facility.status = Status.CLOSED if statuses and statuses <= {"defunct", "inactive"} else Status.ACTIVE
        if "temporarily closed" in statuses:
            facility.status = Status.TEMPORARILY_CLOSED
        assured = [row["assured_date"] for row in service_rows if row.get("assured_date")]
        facility.last_verified_at = datetime.combine(max(assured), time(), tzinfo=UTC) if assured else None
        modified = [row["last_modified"] for row in service_rows if row.get("last_modified")]
        facility.updated_at = max(modified) if modified else None
        self._check_lengths(facility, line)
        codes, levels_of, term_links = self._codes(location, org, service_rows)
        if location.get("external_identifier"):
            facility.imported_values = {"external_identifier": {
                "identifier": location["external_identifier"], "type": location.get("external_identifier_type"),
            }}  # fmt: skip
        return Planned(
            facility=facility,
            source=Source.HSDS,
            codes=codes,
            insurers={row["option"] for s in service_rows for row in self.cost_options.get(s["id"], [])
                      if row.get("amount_description") == records.INSURER_PLAN and row.get("option")},
            availability=self._availability(service_rows, levels_of),
            term_links=term_links,
        )  # fmt: skip

    def _address(self, facility: Facility, address: dict) -> None:
        line = address["_line"]
        state = (address["state_province"] or "").strip()
        by_name = {name.lower(): code for code, name in geo.STATE_NAMES.items()}
        facility.state = state.upper() if state.upper() in geo.STATE_NAMES else by_name.get(state.lower(), "")
        if not facility.state:
            self.package.error("address", line, f"state_province {state!r} is not a US state or territory")
        try:
            facility.zip_code = normalize_zip(address["postal_code"] or "")
        except ValueError as error:
            self.package.error("address", line, f"postal_code: {error}")
        street = address["address_1"] or ""
        facility.street1 = "" if street == records.NO_STREET else street
        facility.street2 = address.get("address_2") or ""
        facility.city, facility.county = address["city"] or "", address.get("region") or ""

    def _coordinates(self, facility: Facility, location: dict, address: dict) -> None:
        if location.get("latitude") is not None and location.get("longitude") is not None:
            facility.latitude, facility.longitude = float(location["latitude"]), float(location["longitude"])
            return
        point = facility.address_point() if facility.zip_code and facility.state else None
        if point is None:
            self.package.error("location", location["_line"], "no latitude and longitude, and its ZIP code is unknown")
            return
        facility.latitude, facility.longitude = point.latitude, point.longitude

    def _phones(self, facility: Facility, location: dict, organization: dict, service_rows: list[dict]) -> None:
        rows = list(self.phones["location_id"].get(location["id"], []))
        for service in service_rows:
            rows += self.phones["service_id"].get(service["id"], [])
        rows += self.phones["organization_id"].get(organization.get("id"), [])
        for row in rows:
            kind = f"{row.get('type') or ''} {row.get('description') or ''}".lower()
            if any(word in kind for word in ("fax", "pager", "text")) and "voice" not in kind:
                continue
            number = row["number"] + (f" ext. {row['extension']}" if row.get("extension") is not None else "")
            number = normalize_phone(number) or number.strip()
            field_name = "intake_phone" if "intake" in kind else "hotline" if "hotline" in kind else "phone"
            if not getattr(facility, field_name):
                setattr(facility, field_name, number)

    def _schedules(self, facility: Facility, location: dict, service_rows: list[dict]) -> None:
        for row in self.schedules.get(location["id"], []):
            text = row.get("description") or _rule_text(row)
            if row.get("notes") == records.INTAKE_HOURS_NOTE:
                facility.intake_hours = facility.intake_hours or text
            elif text:
                facility.hours = facility.hours or text

    def _website(self, text: str, location: dict) -> str:
        try:
            return normalize_url(text)
        except Exception:
            self.package.warn("location", location["_line"], f"website {text!r} is not a web address; left out")
            return ""

    def _check_lengths(self, facility: Facility, line: int) -> None:
        for name in ("name", "name2", "street1", "street2", "city", "county", "phone", "intake_phone", "hotline",
                     "website"):  # fmt: skip
            limit = Facility._meta.get_field(name).max_length
            value = getattr(facility, name)
            if len(value) > limit:
                self.package.error("location", line, f"{name} is longer than {limit} characters ({len(value):,})")
        if not facility.city:
            self.package.error("location", line, "its address has no city")

    def _codes(self, location: dict, organization: dict, service_rows: list[dict]):
        """The facility's SAMHSA codes, each service's levels, and the kept terms it names (with their level)."""
        codes: set[str] = set()
        choices = []
        levels_of: dict[str, list[str]] = {}
        term_links: set[tuple[str, str | None]] = set()
        links = [(location["id"], None), (organization.get("id"), None)] + [(s["id"], s["id"]) for s in service_rows]
        for link_id, service_id in links:
            service_levels, service_codes = [], set()
            for attribute in self.attributes.get(link_id, []):
                term_id = attribute["taxonomy_term_id"]
                code = self.samhsa_codes.get(term_id) or self.known_samhsa.get(term_id)
                choice = taxonomy.CHOICE_BY_TERM_ID.get(term_id)
                if code:
                    service_codes.add(code)
                elif choice and choice.kind == "level":
                    service_levels.append(choice.value)
                elif choice:
                    choices.append(choice)
                elif term_id in self.terms and _is_kept(term_id, self.samhsa_codes):
                    term_links.add((term_id, service_id))
            codes |= service_codes
            if service_id is not None:  # a service: its levels, from its terms, its codes, else its name
                service = self.services[link_id]
                from_codes = search_flags.choices_in("level", search_flags.flags_for(service_codes))
                named = LEVEL_BY_LABEL.get((service.get("name") or "").strip().lower())
                levels_of[link_id] = list(dict.fromkeys(service_levels + from_codes + ([named] if named else [])))
                for value in levels_of[link_id]:
                    if not codes.intersection(LevelOfCare(value).codes):
                        codes.add(LevelOfCare(value).codes[0])
        for choice in choices:
            if choice.codes and not codes.intersection(choice.codes):
                codes.add(choice.codes[0])
        for row in self.languages.get(location["id"], []):
            code = LANGUAGE_CODES.get((row.get("code") or "").lower()) or LANGUAGE_CODES.get(
                (row.get("name") or "").lower()
            )
            if code:
                codes.add(code)
        for service in service_rows:
            for row in self.cost_options.get(service["id"], []):
                named = PAYMENT_BY_LABEL.get((row.get("option") or "").lower(), [])
                if named and not codes.intersection(named):
                    codes.add(named[0])
        # A kept term named by a service is published again on that service's first level, else on the location.
        resolved = {(term_id, (levels_of.get(service_id) or [""])[0]) for term_id, service_id in term_links}
        return codes, levels_of, resolved

    def _availability(self, service_rows: list[dict], levels_of: dict[str, list[str]]) -> list[Availability]:
        result = {}
        for service in service_rows:
            for level in levels_of.get(service["id"], []):
                for row in sorted(self.capacities.get(service["id"], []), key=lambda row: row["updated"]):
                    result[level] = _availability_from(row, service, level)
        return list(result.values())


def _is_kept(term_id: str, samhsa_codes: dict) -> bool:
    """Whether a term is another publisher's (kept and published again), not one of Finder's (derived from code)."""
    own = (
        term_id in samhsa_codes
        or term_id in taxonomy.CHOICE_BY_TERM_ID
        or term_id in taxonomy.CATEGORY_BY_TERM_ID
        or term_id in taxonomy.FILTER_TERM_IDS
        or term_id in taxonomy.SAMHSA_TERM_IDS
    )
    return not own


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        if row.get(key) is not None:
            groups.setdefault(row[key], []).append(row)
    return groups


def _rule_text(row: dict) -> str:
    days = row.get("byday") or (row.get("freq") or "").lower()
    hours = "-".join(str(row[name]) for name in ("opens_at", "closes_at") if row.get(name))
    return " ".join(part for part in (days, hours) if part)


def _availability_from(row: dict, service: dict, level: str) -> Availability:
    description = row.get("description") or ""
    label, _, rest = description.partition(". Note: ")
    status = STATUS_BY_LABEL.get(label.removesuffix(f" ({records.NOT_COUNTED})"))
    available = row.get("available") or 0
    if status is None:
        status = AvailabilityStatus.ACCEPTING if available > 0 else AvailabilityStatus.NOT_ACCEPTING
        rest = ""
    counted = status == AvailabilityStatus.ACCEPTING and records.NOT_COUNTED not in label
    waited = WAIT_DAYS_RE.search(service.get("wait_time") or "") if status == AvailabilityStatus.WAITLIST else None
    return Availability(
        level=level,
        status=status,
        open_slots=min(int(available), MAX_SLOTS) if counted else None,
        waitlist_days=min(int(waited[1]), MAX_SLOTS) if waited else None,
        note=rest[:200],
        updated_at=row["updated"],
    )
