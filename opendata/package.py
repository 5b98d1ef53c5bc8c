"""The HSDS 3.1 tabular data package: one CSV per table that has rows, and a datapackage.json describing them.

Deterministic: the same directory data gives byte-identical files (rows sorted by id, fixed number and date
formats, nothing in the files that is not derived from the data). Only what search shows is published.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from operator import itemgetter
from pathlib import Path

from opendata import records
from opendata.tables import tables

PACKAGE = {
    "profile": "tabular-data-package",
    "name": "finder-hsds",
    "title": "Finder: addiction treatment facilities (HSDS 3.1)",
    "description": (
        "Treatment facilities listed in Finder, in Open Referral's Human Services Data Specification 3.1: each "
        "facility a location with its own organization, a service per level of care, availability as service "
        "capacities. See docs/hsds.md for the mapping."
    ),
    "version": "3.1",
    "homepage": "https://docs.openreferral.org/en/latest/hsds/",
}


def csv_bytes(fields: tuple[str, ...], rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(fields)
    values = itemgetter(*fields)
    # csv writes None as an empty cell, a float as repr() does (exact and short), anything else as str().
    writer.writerows(values(row) for row in sorted(rows, key=itemgetter("id")))
    return out.getvalue().encode("utf-8")


def write_package(directory: Path | str, facilities=None) -> dict[str, int]:
    """Write the package of ``facilities`` (default: every published facility) into ``directory``; rows per table.

    CSV files of HSDS tables without rows are removed, so an earlier export in the same folder leaves nothing stale.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rows = records.tables_for(records.published() if facilities is None else facilities, all_terms=True)
    resources, counts = [], {}
    for name, table in tables().items():
        path = directory / table.path
        if not rows.get(name):
            path.unlink(missing_ok=True)
            continue
        content = csv_bytes(table.fields, rows[name])
        path.write_bytes(content)
        counts[name] = len(rows[name])
        resources.append(
            {
                **table.resource,
                "encoding": "utf-8",
                "bytes": len(content),
                "hash": f"sha256:{hashlib.sha256(content).hexdigest()}",
            }
        )
    package = {**PACKAGE, "created": _latest_change(rows), "resources": resources}
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    (directory / "datapackage.json").write_text(text, encoding="utf-8")
    return counts


def _latest_change(rows: dict[str, list[dict]]) -> str | None:
    """The package's date: the latest change of anything in it (never the time of the export)."""
    stamps = [row["last_modified"] for row in rows.get("service", []) if row["last_modified"]]
    stamps += [row["updated"] for row in rows.get("service_capacity", [])]
    return max(stamps, default=None)
