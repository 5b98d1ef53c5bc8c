"""A small validator for HSDS tabular rows and data packages, against Open Referral's datapackage.json.

Checks what a Table Schema says: the columns (names and order), required fields, each field's type and format
(uuid, date, datetime, number, uri, email), enums, unique fields and the foreign keys between tables.
"""

from __future__ import annotations

import csv
import json
import re
import uuid
from datetime import date, datetime
from pathlib import Path

SHARED_HSDS = Path(__file__).resolve().parent.parent.parent / "shared" / "hsds"
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
URI_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def shared_descriptor() -> dict | None:
    path = SHARED_HSDS / "datapackage.json"
    return json.loads(path.read_text()) if path.exists() else None


def resources(descriptor: dict) -> dict[str, dict]:
    return {resource["name"]: resource for resource in descriptor["resources"]}


def value_problem(value: str, field: dict) -> str | None:
    """Why a CSV cell (a string; "" is empty) breaks its field's type, format or enum, or None."""
    if value == "":
        return "is required" if field.get("constraints", {}).get("required") else None
    kind, fmt = field.get("type", "string"), field.get("format", "default")
    try:
        if kind == "number":
            float(value)
            if value.strip() != value or value.lower() in ("nan", "inf", "-inf", "infinity"):
                raise ValueError
        elif kind == "integer":
            int(value)
        elif kind == "date":
            date.fromisoformat(value)
            if len(value) != 10:
                raise ValueError
        elif kind == "datetime":
            if not DATETIME_RE.match(value):
                raise ValueError
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif kind == "time":
            datetime.strptime(value, "%H:%M:%S")
        elif fmt == "uuid":
            if not UUID_RE.match(value) and str(uuid.UUID(value)) != value.lower():
                raise ValueError
        elif fmt == "uri" and not URI_RE.match(value):
            raise ValueError
        elif fmt == "email" and not EMAIL_RE.match(value):
            raise ValueError
    except ValueError:
        return f"{value!r} is not a valid {kind if kind != 'string' else fmt}"
    enum = field.get("constraints", {}).get("enum")
    if enum and value not in enum:
        return f"{value!r} is not one of {enum}"
    return None


def cell(value) -> str:
    """A row value as the CSV export writes it."""
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def table_problems(name: str, header: list[str], rows: list[list[str]], resource: dict) -> list[str]:
    """Problems of one table's header and rows (strings, as in the CSV) against its descriptor resource."""
    fields = resource["schema"]["fields"]
    names = [field["name"] for field in fields]
    problems = []
    if header != names:
        # The published descriptor lists only some of service_capacity's and unit's columns: those, in order.
        listed = [column for column in header if column in names]
        if listed != names:
            return [f"{name}: columns {header} are not {names}"]
    by_name = {field["name"]: field for field in fields}
    # Optional text without a format or list of values: any value is valid.
    plain = {
        field["name"]
        for field in fields
        if field.get("type", "string") == "string"
        and field.get("format", "default") == "default"
        and not field.get("constraints", {}).get("enum")
        and not field.get("constraints", {}).get("unique")
    }
    unique: dict[str, set[str]] = {
        field["name"]: set() for field in fields if field.get("constraints", {}).get("unique")
    }
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            problems.append(f"{name} line {number}: {len(row)} cells for {len(header)} columns")
            continue
        for column, value in zip(header, row, strict=True):
            if column not in by_name or (column in plain and value):
                continue
            problem = value_problem(value, by_name[column])
            if problem:
                problems.append(f"{name} line {number}: {column} {problem}")
            if column in unique and value:
                if value in unique[column]:
                    problems.append(f"{name} line {number}: {column} {value!r} is not unique")
                unique[column].add(value)
    return problems


def rows_problems(tables: dict[str, list[dict]], descriptor: dict) -> list[str]:
    """Problems of ``tables_for()`` output: each table's rows as CSV cells, and the foreign keys between tables."""
    problems = []
    by_name = resources(descriptor)
    for name, rows in tables.items():
        if name not in by_name:
            problems.append(f"{name} is not an HSDS table")
            continue
        header = list(rows[0]) if rows else []
        for row in rows:
            if list(row) != header:
                problems.append(f"{name}: a row has keys {list(row)}, another {header}")
        problems += table_problems(
            name, header, [[cell(row[column]) for column in header] for row in rows], by_name[name]
        )
    return problems + foreign_key_problems(tables, descriptor)


def foreign_key_problems(tables: dict[str, list[dict]], descriptor: dict) -> list[str]:
    problems = []
    ids = {name: {str(row["id"]) for row in rows if "id" in row} for name, rows in tables.items()}
    for name, rows in tables.items():
        for key in resources(descriptor)[name]["schema"].get("foreignKeys", []):
            column, target = key["fields"], key["reference"]["resource"]
            for row in rows:
                value = row.get(column)
                if value not in (None, "") and str(value) not in ids.get(target, set()):
                    problems.append(f"{name} {row.get('id')}: {column} {value} is not a {target} id")
    return problems


def read_package(directory: Path) -> dict[str, list[dict]]:
    """The CSV files of an exported package, per table name (rows as dicts of strings)."""
    descriptor = json.loads((directory / "datapackage.json").read_text())
    tables = {}
    for resource in descriptor["resources"]:
        with open(directory / resource["path"], newline="", encoding="utf-8") as file:
            tables[resource["name"]] = list(csv.DictReader(file))
    return tables


def package_problems(directory: Path, descriptor: dict) -> list[str]:
    """Problems of an exported package directory: its datapackage.json, each CSV, and the foreign keys."""
    own = json.loads((directory / "datapackage.json").read_text())
    problems = []
    by_name = resources(descriptor)
    for resource in own["resources"]:
        name = resource["name"]
        if name not in by_name or resource["path"] != by_name[name]["path"]:
            problems.append(f"resource {name} ({resource['path']}) is not an HSDS table file")
            continue
        with open(directory / resource["path"], newline="", encoding="utf-8") as file:
            header, *rows = list(csv.reader(file))
        if header != [field["name"] for field in resource["schema"]["fields"]]:
            problems.append(f"{name}: the CSV header differs from datapackage.json")
        problems += table_problems(name, header, rows, by_name[name])
    return problems + foreign_key_problems(read_package(directory), descriptor)
