"""HSDS JSON objects nested from the tabular rows of ``records.tables_for``, by their foreign keys.

The API never reads a facility itself: it nests the same rows the data package writes as CSV, so the two can
never disagree. Empty values (None, "") are left out of the JSON: HSDS types a field as a string or a number,
never as null.
"""

from __future__ import annotations

from collections import defaultdict


def clean(row: dict) -> dict:
    """A row as a JSON object: the fields that have a value."""
    return {name: value for name, value in row.items() if value is not None and value != ""}


class Tables:
    """The rows of ``tables_for``, indexed by any column on first use."""

    def __init__(self, tables: dict[str, list[dict]]):
        self.tables = tables
        self._indexes: dict[tuple[str, str], dict] = {}

    def rows(self, table: str) -> list[dict]:
        return self.tables.get(table, [])

    def where(self, table: str, column: str, value) -> list[dict]:
        """The rows of ``table`` whose ``column`` is ``value``, in the order tables_for gave them."""
        if value is None or value == "":
            return []
        key = (table, column)
        if key not in self._indexes:
            index = defaultdict(list)
            for row in self.rows(table):
                index[row.get(column)].append(row)
            self._indexes[key] = index
        return self._indexes[key].get(value, [])

    def one(self, table: str, value, column: str = "id") -> dict | None:
        found = self.where(table, column, value)
        return found[0] if found else None

    # Objects shared by several parents.

    def taxonomy_term(self, term_id) -> dict | None:
        term = self.one("taxonomy_term", term_id)
        if term is None:
            return None
        nested = clean(term)
        taxonomy = self.one("taxonomy", term.get("taxonomy_id"))
        if taxonomy is not None:
            nested["taxonomy_detail"] = clean(taxonomy)
        return nested

    def attributes(self, link_id) -> list[dict]:
        nested = []
        for row in self.where("attribute", "link_id", link_id):
            attribute = clean(row)
            term = self.taxonomy_term(row.get("taxonomy_term_id"))
            if term is not None:
                attribute["taxonomy_term"] = term
            nested.append(attribute)
        return nested

    def phones(self, column: str, value) -> list[dict]:
        return [
            {**clean(phone), "languages": self.languages("phone_id", phone["id"])}
            for phone in self.where("phone", column, value)
        ]

    def languages(self, column: str, value) -> list[dict]:
        return [clean(language) for language in self.where("language", column, value)]

    def capacities(self, service_id) -> list[dict]:
        nested = []
        for row in self.where("service_capacity", "service_id", service_id):
            capacity = clean(row)
            unit = self.one("unit", row.get("unit_id"))
            if unit is not None:
                capacity["unit"] = clean(unit)
            nested.append(capacity)
        return nested

    def location(self, location_id) -> dict | None:
        row = self.one("location", location_id)
        if row is None:
            return None
        return {
            **clean(row),
            "addresses": [clean(address) for address in self.where("address", "location_id", row["id"])],
            "phones": self.phones("location_id", row["id"]),
            "languages": self.languages("location_id", row["id"]),
            "schedules": [clean(schedule) for schedule in self.where("schedule", "location_id", row["id"])],
            "accessibility": [clean(item) for item in self.where("accessibility", "location_id", row["id"])],
            "contacts": [clean(contact) for contact in self.where("contact", "location_id", row["id"])],
            "attributes": self.attributes(row["id"]),
        }

    # The API's objects.

    def service_basic(self, row: dict) -> dict:
        """A service with its one-to-one fields and its organization (compiled/service_list.json)."""
        service = clean(row)
        organization = self.one("organization", row.get("organization_id"))
        if organization is not None:
            service["organization"] = clean(organization)
        return service

    def service_full(self, row: dict, with_locations: bool = True) -> dict:
        """A fully nested service (compiled/service.json)."""
        service_id = row["id"]
        service = {
            **self.service_basic(row),
            "phones": self.phones("service_id", service_id),
            "schedules": [clean(schedule) for schedule in self.where("schedule", "service_id", service_id)],
            "service_areas": [clean(area) for area in self.where("service_area", "service_id", service_id)],
            "languages": self.languages("service_id", service_id),
            "funding": [clean(funding) for funding in self.where("funding", "service_id", service_id)],
            "cost_options": [clean(option) for option in self.where("cost_option", "service_id", service_id)],
            "required_documents": [
                clean(document) for document in self.where("required_document", "service_id", service_id)
            ],
            "contacts": [clean(contact) for contact in self.where("contact", "service_id", service_id)],
            "capacities": self.capacities(service_id),
            "attributes": self.attributes(service_id),
        }
        if with_locations:
            service["service_at_locations"] = [
                self.service_at_location_full(link, with_service=False)
                for link in self.where("service_at_location", "service_id", service_id)
            ]
        return service

    def service_at_location_basic(self, row: dict) -> dict:
        """compiled/service_at_location_list.json: the link with its location and its service's own fields."""
        link = clean(row)
        location = self.one("location", row.get("location_id"))
        if location is not None:
            link["location"] = clean(location)
        service = self.one("service", row.get("service_id"))
        if service is not None:
            link["service"] = clean(service)
        return link

    def service_at_location_full(self, row: dict, with_service: bool = True) -> dict:
        """compiled/service_at_location.json: the link, its location fully nested, and its service."""
        link = {
            **clean(row),
            "phones": self.phones("service_at_location_id", row["id"]),
            "schedules": [clean(item) for item in self.where("schedule", "service_at_location_id", row["id"])],
            "service_areas": [clean(item) for item in self.where("service_area", "service_at_location_id", row["id"])],
            "contacts": [clean(item) for item in self.where("contact", "service_at_location_id", row["id"])],
            "attributes": self.attributes(row["id"]),
        }
        location = self.location(row.get("location_id"))
        if location is not None:
            link["location"] = location
        service = self.one("service", row.get("service_id"))
        if with_service and service is not None:
            link["service"] = self.service_full(service, with_locations=False)
        return link

    def organization_basic(self, row: dict) -> dict:
        """compiled/organization_list.json: the organization's own fields."""
        return clean(row)

    def organization_full(self, row: dict, full_service: bool = False) -> dict:
        """compiled/organization.json: with its services (their own fields, or fully nested), locations, phones."""
        organization_id = row["id"]
        services = self.where("service", "organization_id", organization_id)
        return {
            **clean(row),
            "services": [self.service_full(service) if full_service else clean(service) for service in services],
            "locations": [
                self.location(location["id"]) for location in self.where("location", "organization_id", organization_id)
            ],
            "phones": self.phones("organization_id", organization_id),
            "funding": [clean(funding) for funding in self.where("funding", "organization_id", organization_id)],
            "contacts": [clean(contact) for contact in self.where("contact", "organization_id", organization_id)],
            "organization_identifiers": [
                clean(item) for item in self.where("organization_identifier", "organization_id", organization_id)
            ],
            "attributes": self.attributes(organization_id),
        }
