"""Reading an HSDS tabular data package from any publisher, checking everything before anything is written.

Every problem is reported with its file and line ("services.csv line 14: id is not a UUID"); the import writes
nothing when there is one. What is checked: the encoding (UTF-8), the CSV itself (quotes, cells per row, field
size), required columns and values, each value's type (uuid, number, date, datetime, enums), unique ids, and
that every foreign key names a row of the package.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from opendata import taxonomy
from opendata.tables import Table, tables

# Required by HSDS, but a publisher leaving them out loses nothing Finder needs.
LENIENT = {("service_capacity", "unit_id"): "read as beds or openings"}
MAX_ERRORS = 100  # a package broken everywhere says so after this many
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")  # as str(UUID) writes it


class PackageError(Exception):
    """The package cannot be imported; ``messages`` says why, each with its file and line."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


@dataclass
class Package:
    rows: dict[str, list[dict]] = field(default_factory=dict)  # table -> rows (typed values, plus "_line")
    files: dict[str, str] = field(default_factory=dict)  # table -> its file name
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, table: str, line: int | None, message: str) -> None:
        where = self.files.get(table, table) + (f" line {line}" if line else "")
        self.errors.append(f"{where}: {message}")
        if len(self.errors) >= MAX_ERRORS:
            raise PackageError([*self.errors, f"(stopped after {MAX_ERRORS} problems)"])

    def warn(self, table: str, line: int | None, message: str) -> None:
        self.warnings.append(self.files.get(table, table) + (f" line {line}" if line else "") + f": {message}")

    def table(self, name: str) -> list[dict]:
        return self.rows.get(name, [])


def read_package(directory: Path | str) -> Package:
    """Every table of the package in ``directory``, checked; raises PackageError listing every problem found."""
    directory = Path(directory)
    package = Package()
    if not directory.is_dir():
        raise PackageError([f"{directory} is not a directory"])
    package.files = _file_names(directory, package)
    for name, file_name in package.files.items():
        path = directory / file_name
        if path.exists():
            package.rows[name] = _read_table(tables()[name], path, package)
    if "location" not in package.rows:
        package.errors.append(
            f"{package.files['location']}: missing; a package without locations has nothing to import"
        )
    if not package.errors:
        _check_keys(package)
    if package.errors:
        raise PackageError(package.errors)
    return package


def _file_names(directory: Path, package: Package) -> dict[str, str]:
    """table -> file name: from the package's datapackage.json where it names one, else HSDS's usual name."""
    names = {name: table.path for name, table in tables().items()}
    descriptor = directory / "datapackage.json"
    if not descriptor.exists():
        return names
    try:
        resources = json.loads(descriptor.read_text(encoding="utf-8")).get("resources", [])
        for resource in resources:
            if resource.get("name") in names and isinstance(resource.get("path"), str):
                path = resource["path"]
                if Path(path).name != path:
                    raise PackageError([f"datapackage.json: {path!r} is not a file name in the package's folder"])
                names[resource["name"]] = path
    except (ValueError, AttributeError, TypeError) as error:
        raise PackageError([f"datapackage.json: not a data package descriptor ({error})"]) from None
    return names


def _read_table(table: Table, path: Path, package: Package) -> list[dict]:
    name = table.name
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        package.error(name, line, f"not UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8")
        return []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[dict] = []
    header: list[str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problem = str(error)
            if "end of data" in problem:
                problem = "a quote opened here is never closed"
            package.error(name, start, f"unreadable CSV: {problem}")
            return []
        if header is None:
            header = [cell.strip() for cell in cells]
            if not _header_ok(table, header, package):
                return []
            columns = [
                (index, column, table.types[column] == ("string", "") and column not in table.enums)
                for index, column in enumerate(header)
                if column in table.types
            ]
            continue
        if not any(cells):
            continue
        if len(cells) != len(header):
            package.error(name, start, f"has {len(cells)} values but the header has {len(header)} columns")
            continue
        row = dict.fromkeys(table.fields)
        row["_line"] = start
        for index, column, plain in columns:
            text = cells[index].strip()
            if text and plain:  # most cells: text without a type to check
                row[column] = text
            else:
                row[column] = _value(table, column, text, start, package)
        rows.append(row)
    if header is None:
        package.error(name, None, "empty: no header row")
    return rows


def _header_ok(table: Table, header: list[str], package: Package) -> bool:
    duplicates = sorted({column for column in header if header.count(column) > 1})
    if duplicates:
        package.error(table.name, 1, f"column(s) {', '.join(duplicates)} appear more than once")
        return False
    missing = [column for column in table.fields if column in table.required and column not in header]
    if missing:
        package.error(table.name, 1, f"missing required column(s) {', '.join(missing)}")
        return False
    unknown = [column for column in header if column not in table.types]
    if unknown:
        package.warn(table.name, 1, f"column(s) {', '.join(unknown)} are not HSDS fields; ignored")
    return True


def _value(table: Table, column: str, text: str, line: int, package: Package):
    """The typed value of one cell (None if empty), or None after reporting why it is not valid."""
    if text == "":
        if (table.name, column) in LENIENT:
            package.warn(table.name, line, f"{column} is empty: {LENIENT[table.name, column]}")
        elif column in table.required:
            package.error(table.name, line, f"{column} is required")
        return None
    kind, fmt = table.types[column]
    try:
        if fmt == "uuid":
            return text if UUID_RE.match(text) else str(uuid.UUID(text))
        if kind == "number":
            number = float(text)
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError
            return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
        if kind == "date":
            return date.fromisoformat(text)
        if kind == "datetime":
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    except ValueError:
        article = {"uuid": "a UUID", "number": "a number", "date": "a date (YYYY-MM-DD)"}
        what = article.get(fmt) or article.get(kind) or "a date and time (ISO 8601)"
        shown = text if len(text) <= 60 else text[:57] + "..."
        package.error(table.name, line, f"{column} {shown!r} is not {what}")
        return None
    enum = table.enums.get(column)
    if enum and text not in enum:
        package.error(table.name, line, f"{column} {text!r} is not one of {', '.join(enum)}")
        return None
    return text


def _check_keys(package: Package) -> None:
    """Unique ids, coordinates on the globe, and foreign keys that name rows of the package."""
    ids: dict[str, dict[str, int]] = {}
    for name, rows in package.rows.items():
        seen = ids.setdefault(name, {})
        for row in rows:
            row_id = row.get("id")
            if row_id is None:
                continue
            if row_id in seen:
                package.error(name, row["_line"], f"id {row_id} is also on line {seen[row_id]}")
            seen.setdefault(row_id, row["_line"])
    for row in package.table("location"):
        for column, limit in (("latitude", 90), ("longitude", 180)):
            value = row.get(column)
            if value is not None and not -limit <= value <= limit:
                package.error("location", row["_line"], f"{column} {value} is not between -{limit} and {limit}")
    finder_terms = set(taxonomy.CHOICE_BY_TERM_ID) | set(taxonomy.CATEGORY_BY_TERM_ID) | taxonomy.FILTER_TERM_IDS
    for name, rows in package.rows.items():
        for column, target in tables()[name].foreign_keys:
            known = ids.get(target, {})
            for row in rows:
                value = row.get(column)
                if value is None or value in known:
                    continue
                if target == "taxonomy_term" and (value in finder_terms or value in taxonomy.SAMHSA_TERM_IDS):
                    continue
                if target == "taxonomy" and value in (taxonomy.SAMHSA_TAXONOMY_ID, taxonomy.FINDER_TAXONOMY_ID):
                    continue
                where = package.files[target] if target in package.files else target
                package.error(name, row["_line"], f"{column} {value} is not the id of a row in {where}")
    entities = {"service": "service", "location": "location", "organization": "organization"}
    for row in package.table("attribute"):
        target = entities.get((row.get("link_entity") or "").strip())
        if target and row.get("link_id") not in ids.get(target, {}):
            package.error(
                "attribute",
                row["_line"],
                f"link_id {row.get('link_id')} is not the id of a row in {package.files[target]}",
            )
