"""Import the FindTreatment.gov (SAMHSA) CSV export.

Rules (also in README, "Importing real data"):
- The CSV carries no stable id, so a facility is recognised again by a key made from its row
  (name1, name2, street1, street2, ZIP; plus a digest of the row where several programs share
  those), never from its position: re-importing a file, in any order, updates those facilities.
- Every row is checked before anything is written. Existing facilities are read and written in one
  transaction (locked on PostgreSQL): an edit made during an import waits or is seen, never lost.
  A bad row is rejected with the line where it starts and why, never half-written, and no line is
  swallowed (a quote never closed rejects its row only). A file that cannot be read changes nothing.
- Local edits win. Each facility remembers the values of its last import. On re-import a field
  takes the file's new value only if it still holds the last imported value; a field somebody
  edited in Finder keeps the edit. Services merge the same way, code by code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import compress
from operator import itemgetter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from centers import bulk, geo, search_flags
from centers.demo import remove_demo_accounts
from centers.models import Facility, SearchVersion, Service
from centers.normalize import normalize_phone, normalize_url, normalize_zip, split_phones
from centers.vocabulary import OPERATOR_CODES, FacilityType, Source

LEADING_COLUMNS = (
    "name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "county", "phone",
    "intake_prompt", "intake1", "intake2", "website", "latitude", "longitude", "type_facility",
)  # fmt: skip
REQUIRED_COLUMNS = ("name1", "street1", "city", "state", "zip")
# Facility fields an import sets; each can be edited locally and is merged as described above.
IMPORTED_FIELDS = (
    "name", "name2", "street1", "street2", "city", "state", "zip_code", "county", "latitude",
    "longitude", "phone", "intake_phone", "website", "facility_type", "operator",
)  # fmt: skip
TRUE_VALUES = {"1", "y", "yes", "true", "x"}
FACILITY_TYPES = frozenset(FacilityType.values)
# A quoted value may hold a line break or two; a row over more lines has swallowed the rows after it.
MAX_LINES_PER_ROW = 3
BASE_KEY_LENGTH = 20


class ImportFileError(Exception):
    """The file cannot be imported at all; nothing was changed."""


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[tuple[int, str]] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    kept_local_edits: int = 0
    rekeyed: int = 0
    not_in_file: int = 0
    demo_removed: int = 0
    unknown_codes: set[str] = field(default_factory=set)


@dataclass
class ParsedRow:
    line: int
    base_key: str
    values: dict
    codes: frozenset[str]
    key: str = ""  # set by assign_keys(), which sees all rows sharing the base key

    @property
    def imported(self) -> dict:  # what Facility.imported_values holds after importing this row
        return {**self.values, "services": sorted(self.codes)}

    @property
    def digest(self) -> str:
        return content_digest(self.imported)


def facility_key(name1: str, name2: str, street1: str, street2: str, zip_code: str) -> str:
    """A stable id for a row, since the export has none: several programs share an address."""
    parts = [" ".join(part.lower().split()) for part in (name1, name2, street1, street2, zip_code)]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:BASE_KEY_LENGTH]


def content_digest(imported: dict) -> str:
    """A digest of everything one row says (its imported values and services), whatever its position."""
    return hashlib.sha1(json.dumps(imported, sort_keys=True, default=str).encode()).hexdigest()[:12]


# Reading the file ---------------------------------------------------------------------------


def read_text(path: Path, result: ImportResult) -> str:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFileError(f"cannot read {path}: {error.strerror}") from None
    if not raw.strip():
        raise ImportFileError(f"{path} is empty")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Older exports were saved as Windows-1252; decode line by line so only those lines are affected.
    lines = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("cp1252", errors="replace"))
            result.warnings.append((number, "not valid UTF-8; read as Windows-1252, check accents in this row"))
    return "\n".join(lines)


class _Lines(Iterator[str]):
    """The file's physical lines for csv.reader, with a cursor to resume from after a broken row."""

    def __init__(self, text: str):
        self.lines = list(io.StringIO(text, newline=""))
        self.position = 0  # index of the next line to hand out; also the number of lines read

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


def read_records(text: str, result: ImportResult) -> Iterator[tuple[int, list[str] | None]]:
    """(line where it starts, cells) for the header and each row; cells is None for a rejected row.

    A row over several lines with the wrong number of cells, or over too many, opened a quote it
    never closed: it is rejected, and reading resumes on the line after its first.
    """
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True)  # strict: a quote open at the end of the file is an error
    columns: int | None = None  # the header's number of cells, once it is read
    while True:
        start = lines.position
        try:
            cells, problem = next(reader), ""
        except StopIteration:
            return
        except csv.Error as error:
            cells, problem = None, f"unreadable CSV: {error}"
        spans = lines.position - start
        if "end of data" in problem or (
            spans > 1 and (problem or spans > MAX_LINES_PER_ROW or len(cells) != (columns or len(cells)))
        ):
            problem = f"a quote opened on this line is never closed (the row ran on to line {lines.position})"
        elif spans > 1:
            result.warnings.append((start + 1, f"a quoted value runs over lines {start + 1}-{lines.position}"))
        if columns is None:
            if problem:
                raise ImportFileError(f"the header row cannot be read: {problem}")
            columns = len(cells)
        elif problem:
            result.rejected.append((start + 1, problem))
            # The lines after the broken row's first line are rows of their own: read them again.
            lines.position = start + 1
            reader = csv.reader(lines, strict=True)
        yield start + 1, None if problem else cells


def parse_rows(text: str, result: ImportResult) -> Iterable[ParsedRow]:
    records = read_records(text, result)
    try:
        _, cells = next(records)
    except StopIteration:
        raise ImportFileError("the file has no header row") from None
    header = [column.strip().lower() for column in cells]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ImportFileError(
            f"this is not a FindTreatment.gov export: missing column(s) {', '.join(missing)} "
            f"(found {', '.join(header[:8]) or 'none'}{'...' if len(header) > 8 else ''})"
        )
    code_columns = [
        (index, column.upper()) for index, column in enumerate(header) if column and column not in LEADING_COLUMNS
    ]
    # Only the leading columns become facility fields. The ~135 code columns are picked out together and
    # tested for "yes" once per distinct cell value ("0", "1", " Y "), not by stripping every cell of every row.
    leading = [(index, column) for index, column in enumerate(header) if column in LEADING_COLUMNS]
    code_cells, code_names = _picker([index for index, _ in code_columns]), [code for _, code in code_columns]
    says_yes: dict[str, bool] = {}
    for line, cells in records:
        if cells is None:  # rejected by read_records, with its reason
            result.rows += 1
            continue
        if not any(cell.strip() for cell in cells):
            continue
        result.rows += 1
        if len(cells) != len(header):
            result.rejected.append((line, f"has {len(cells)} values but the header has {len(header)} columns"))
            continue
        row = {column: cells[index] for index, column in leading}
        try:
            values = row_values(row, line, result)
        except ValueError as error:
            result.rejected.append((line, str(error)))
            continue
        flags = code_cells(cells)
        for cell in set(flags).difference(says_yes):
            says_yes[cell] = cell.strip().lower() in TRUE_VALUES
        codes = frozenset(compress(code_names, map(says_yes.__getitem__, flags)))
        values["operator"] = next((op for code, op in OPERATOR_CODES.items() if code in codes), "")
        base_key = facility_key(
            values["name"], values["name2"], values["street1"], values["street2"], values["zip_code"]
        )
        yield ParsedRow(line=line, base_key=base_key, values=values, codes=codes)


def _picker(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A function from a row's cells to those at ``indexes``, as a tuple."""
    if len(indexes) == 1:  # itemgetter would return the cell itself, not a tuple of one
        return lambda cells: (cells[indexes[0]],)
    return itemgetter(*indexes) if indexes else (lambda cells: ())


@cache
def _max_lengths() -> dict[str, int]:
    """The longest value each imported text field holds."""
    fields = (Facility._meta.get_field(name) for name in IMPORTED_FIELDS)
    return {field.name: field.max_length for field in fields if getattr(field, "max_length", None)}


def row_values(row: dict[str, str], line: int, result: ImportResult) -> dict:
    """The facility fields of one row; raises ValueError with the reason to reject it."""
    text = {column: " ".join((value or "").split()) for column, value in row.items()}
    if not text["name1"]:
        raise ValueError("name1 (the facility name) is empty")
    if not text["city"]:
        raise ValueError("city is empty")
    state = text["state"].upper()
    if state not in geo.STATE_NAMES:
        raise ValueError(f"unknown state {text['state']!r}")
    zip_code = normalize_zip(text["zip"])

    latitude = longitude = None
    try:
        latitude, longitude = float(text.get("latitude", "")), float(text.get("longitude", ""))
        point = geo.Point(latitude, longitude)
        if not point.is_valid or (latitude == 0 and longitude == 0):
            raise ValueError
    except ValueError:
        point = geo.zip_point(zip_code)
        if point is None:
            raise ValueError(
                f"no usable coordinates ({text.get('latitude')!r}, {text.get('longitude')!r}) "
                f"and ZIP {zip_code} is unknown"
            ) from None
        if text.get("latitude") or text.get("longitude"):
            result.warnings.append((line, f"coordinates unusable; placed at the center of ZIP {zip_code}"))
        latitude, longitude = point.latitude, point.longitude

    phone, intake_phone = split_phones(text.get("phone", ""))
    if text.get("phone") and not phone and not intake_phone:
        result.warnings.append((line, f"phone {text['phone']!r} is not a 10-digit number; left blank"))
    intake_phone = normalize_phone(text.get("intake1", "")) or normalize_phone(text.get("intake2", "")) or intake_phone
    try:
        website = normalize_url(text.get("website", ""))
    except ValidationError:
        result.warnings.append((line, f"website {text['website']!r} is not a valid address; left blank"))
        website = ""
    facility_type = text.get("type_facility", "").upper()
    if facility_type not in FACILITY_TYPES:
        facility_type = FacilityType.SUBSTANCE_USE

    values = {
        "name": text["name1"],
        "name2": text.get("name2", ""),
        "street1": text["street1"],
        "street2": text.get("street2", ""),
        "city": text["city"],
        "state": state,
        "zip_code": zip_code,
        "county": text.get("county", ""),
        "latitude": round(latitude, 7),
        "longitude": round(longitude, 7),
        "phone": phone,
        "intake_phone": intake_phone,
        "website": website,
        "facility_type": facility_type,
    }
    for name, max_length in _max_lengths().items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > max_length:
            raise ValueError(f"{name} is longer than {max_length} characters")
    return values


# Writing ------------------------------------------------------------------------------------


def import_samhsa_file(
    path: Path | str, *, remove_demo: bool = True, progress: Callable[[str], None] | None = None
) -> ImportResult:
    """Import one export file; see the module docstring for the rules."""
    result = ImportResult()
    say = progress or (lambda message: None)
    parsed = assign_keys(parse_rows(read_text(Path(path), result), result), result)
    say(f"  read {result.rows:,} rows")
    with transaction.atomic():
        # Read inside the transaction that writes, rows locked (on PostgreSQL), so an edit made
        # while the file is compared either is seen here or waits for the import to finish.
        existing = {
            f["source_id"]: f
            for f in Facility.objects.filter(source=Source.SAMHSA)
            .select_for_update()
            .order_by("pk")
            .values("id", "source_id", "imported_values", *IMPORTED_FIELDS)
        }
        renamed = match_earlier_keys(parsed, existing)
        result.rekeyed = len(renamed)
        # Every link, filtered here rather than joined in SQL: right after a bulk import (no statistics
        # yet) PostgreSQL may plan that join as a nested loop over every pair.
        imported_ids = {facility["id"] for facility in existing.values()}
        current_codes: dict[int, set[str]] = {}
        links = Facility.services.through.objects.values_list("facility_id", "service_id")
        for facility_id, code in links.iterator(chunk_size=10_000):
            if facility_id in imported_ids:
                current_codes.setdefault(facility_id, set()).add(code)
        plan = compare(parsed, existing, current_codes, result)
        all_codes = {code for row in parsed.values() for code in row.codes}
        result.unknown_codes = all_codes - set(Service.objects.values_list("code", flat=True))
        say(f"  {result.created:,} to create, {result.updated:,} to update; writing")
        Service.create_missing(result.unknown_codes)
        if remove_demo:
            result.demo_removed = Facility.objects.demo().count()
            Facility.objects.demo().delete()
            remove_demo_accounts()
        Facility.objects.bulk_update(
            [Facility(id=existing[key]["id"], source_id=key) for key in renamed], ["source_id"], batch_size=500
        )
        bulk.insert(Facility, [facility for facility, _ in plan.to_create])
        if plan.to_create:  # their ids, by their key: (source, source_id) is unique
            ids = dict(Facility.objects.filter(source=Source.SAMHSA).values_list("source_id", "id"))
            for facility, codes in plan.to_create:
                plan.codes_to_add += [(ids[facility.source_id], code) for code in codes]
        Facility.objects.bulk_update(
            plan.to_update,
            [*IMPORTED_FIELDS, "slug", "search_flags", "imported_values", "imported_at", "updated_at"],
            batch_size=200,
        )
        Facility.objects.add_service_links(plan.codes_to_add)
        for code in {code for _, code in plan.codes_to_remove}:
            facility_ids = [facility_id for facility_id, removed in plan.codes_to_remove if removed == code]
            Facility.services.through.objects.filter(service_id=code, facility_id__in=facility_ids).delete()
        SearchVersion.objects.bump()  # the writes above are bulk writes: no signals
    result.warnings.sort(key=lambda warning: warning[0])
    return result


def assign_keys(rows: Iterable[ParsedRow], result: ImportResult) -> dict[str, ParsedRow]:
    """The rows by key, exact duplicates skipped. A key depends only on its row, never on row order.

    A row alone at its name and address is keyed by those; several programs there add their digest.
    """
    by_content: dict[tuple[str, str], ParsedRow] = {}
    for row in rows:
        twin = by_content.setdefault((row.base_key, row.digest), row)
        if twin is not row:
            result.duplicates.append((row.line, f"exact duplicate of line {twin.line}; skipped"))
    groups: dict[str, list[ParsedRow]] = {}
    for row in by_content.values():
        groups.setdefault(row.base_key, []).append(row)
    parsed: dict[str, ParsedRow] = {}
    for base_key, group in groups.items():
        first = min(row.line for row in group)
        for row in group:
            row.key = base_key if len(group) == 1 else f"{base_key}-{row.digest}"
            parsed[row.key] = row
            if row.line != first:
                result.warnings.append((row.line, f"same name and address as line {first}; kept as a separate listing"))
    return parsed


def match_earlier_keys(parsed: dict[str, ParsedRow], existing: dict[str, dict]) -> dict[str, str]:
    """Re-key facilities at a shared address imported under another key; returns {new key: old key}.

    Old keys were row positions ("<base>-2"), and a program joining or leaving an address changes
    its neighbours' keys. A row takes the unclaimed facility with its base key whose last import had
    the same content, else the only row left takes the only facility left. Updates `existing`.
    """
    unclaimed: dict[str, list[str]] = {}
    for source_id in sorted(existing.keys() - parsed.keys(), key=lambda source_id: existing[source_id]["id"]):
        unclaimed.setdefault(source_id[:BASE_KEY_LENGTH], []).append(source_id)
    unmatched: dict[str, list[ParsedRow]] = {}
    for key, row in parsed.items():
        if key not in existing and row.base_key in unclaimed:
            unmatched.setdefault(row.base_key, []).append(row)
    renamed: dict[str, str] = {}
    for base_key, rows in unmatched.items():
        candidates = unclaimed[base_key]
        left = []
        for row in rows:
            same = next((c for c in candidates if content_digest(existing[c]["imported_values"]) == row.digest), None)
            if same is None:
                left.append(row)
            else:
                candidates.remove(same)
                renamed[row.key] = same
        if len(left) == 1 and len(candidates) == 1:
            renamed[left[0].key] = candidates[0]
    for key, old_key in renamed.items():
        existing[key] = existing.pop(old_key)
    return renamed


@dataclass
class Plan:
    to_create: list[tuple[Facility, frozenset[str]]] = field(default_factory=list)
    to_update: list[Facility] = field(default_factory=list)
    codes_to_add: list[tuple[int, str]] = field(default_factory=list)
    codes_to_remove: list[tuple[int, str]] = field(default_factory=list)


def compare(
    parsed: dict[str, ParsedRow], existing: dict[str, dict], current_codes: dict[int, set[str]], result: ImportResult
) -> Plan:
    """What to write: new facilities, and source changes merged with local edits (module docstring)."""
    now = timezone.now()
    plan = Plan()
    for key, row in parsed.items():
        imported = row.imported
        if key not in existing:
            facility = Facility(
                source=Source.SAMHSA,
                source_id=key,
                uuid=Facility.stable_uuid(Source.SAMHSA, key),
                imported_values=imported,
                imported_at=now,
                **row.values,
            )
            facility.slug = facility.make_slug()
            facility.search_flags = search_flags.flags_for(row.codes)
            facility.created_at = facility.updated_at = now
            plan.to_create.append((facility, row.codes))
            continue
        old = existing[key]
        previous = old["imported_values"] or {}
        changes = {}
        for name, new_value in row.values.items():
            edited_locally = name in previous and old[name] != previous[name]
            if edited_locally:
                if new_value != previous[name]:
                    result.kept_local_edits += 1
            elif old[name] != new_value:
                changes[name] = new_value
        have = current_codes.get(old["id"], set())
        before = set(previous.get("services", have))
        added = (row.codes - before) - have
        removed = (before - row.codes) & have
        plan.codes_to_add += [(old["id"], code) for code in added]
        plan.codes_to_remove += [(old["id"], code) for code in removed]
        if changes or added or removed or previous != imported:
            facility = Facility(id=old["id"], **{name: old[name] for name in IMPORTED_FIELDS})
            for name, value in changes.items():
                setattr(facility, name, value)
            facility.follow_address(stored=old, located=geo.Point(row.values["latitude"], row.values["longitude"]))
            facility.slug = facility.make_slug()
            facility.search_flags = search_flags.flags_for((have | added) - removed)
            facility.imported_values, facility.imported_at, facility.updated_at = imported, now, now
            plan.to_update.append(facility)
            result.updated += 1
        else:
            result.unchanged += 1
    result.created = len(plan.to_create)
    result.not_in_file = len(existing.keys() - parsed.keys())
    return plan
