"""The HSDS 3.1 tables: file names, columns in order, and their types, from Open Referral's data package descriptor.

``hsds_tables.json`` is Open Referral's ``datapackage.json`` (HSDS 3.1, CC BY-SA 4.0) with each field's long
description and example left out. One correction: the published descriptor lists only ``service_id`` and
``unit_id`` for ``service_capacity`` and no field at all for ``unit``; their columns here are the tabular fields
of ``schema/service_capacity.json`` and ``schema/unit.json`` (same order, the two listed columns kept).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DESCRIPTOR = Path(__file__).resolve().parent / "hsds_tables.json"


@dataclass(frozen=True)
class Table:
    name: str
    path: str  # the CSV file's name in a package
    fields: tuple[str, ...]  # columns, in order
    required: frozenset[str]
    types: dict  # field -> (type, format or "")
    enums: dict  # field -> its allowed values, for fields that have a list
    resource: dict  # the descriptor's resource, as written into an exported datapackage.json

    @property
    def foreign_keys(self) -> list[tuple[str, str]]:
        """(field, referenced table) for each foreign key."""
        return [(key["fields"], key["reference"]["resource"]) for key in self.resource["schema"].get("foreignKeys", [])]


@cache
def descriptor() -> dict:
    return json.loads(DESCRIPTOR.read_text())


@cache
def tables() -> dict[str, Table]:
    """Every HSDS table by name, in the descriptor's order."""
    result = {}
    for resource in descriptor()["resources"]:
        fields = resource["schema"]["fields"]
        result[resource["name"]] = Table(
            name=resource["name"],
            path=resource["path"],
            fields=tuple(field["name"] for field in fields),
            required=frozenset(field["name"] for field in fields if field.get("constraints", {}).get("required")),
            types={field["name"]: (field["type"], field.get("format", "")) for field in fields},
            enums={
                field["name"]: field["constraints"]["enum"]
                for field in fields
                if "enum" in field.get("constraints", {})
            },
            resource=resource,
        )
    return result
