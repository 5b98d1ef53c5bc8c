"""Open Referral's HSDS 3.1 JSON schemas (../shared/hsds), to validate what /api/hsds/ answers.

They live beside the project, not in a user's clone: ``hsds_schemas()`` skips the test when they are absent.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

HSDS = Path(__file__).resolve().parent.parent.parent / "shared" / "hsds"
SCHEMA_DIR = HSDS / "schema"
OPENAPI_LOCAL = SCHEMA_DIR / "openapi.local.json"


@cache
def _registry():
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    resources = []
    for path in [*SCHEMA_DIR.glob("*.json"), *SCHEMA_DIR.glob("compiled/*.json")]:
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        # Both spellings a $ref uses: "taxonomy.json" from a sibling, "compiled/service.json" from openapi.local.json.
        resources.append((str(path.relative_to(SCHEMA_DIR)), resource))
    return Registry().with_resources(resources)


class Schemas:
    """Validators for HSDS objects by schema file name ("compiled/service.json", "taxonomy.json")."""

    def errors(self, name: str, instance) -> list[str]:
        from jsonschema import Draft202012Validator

        schema = {"$ref": name}
        checker = Draft202012Validator.FORMAT_CHECKER
        validator = Draft202012Validator(schema, registry=_registry(), format_checker=checker)
        return [
            f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
            for error in validator.iter_errors(instance)
        ]

    def check(self, name: str, instance) -> None:
        errors = self.errors(name, instance)
        assert not errors, f"{name}: {errors[:10]}"

    def check_page(self, item_schema: str, page: dict) -> None:
        """A list response: HSDS's paging envelope, each item valid against ``item_schema``."""
        for field, kind in ENVELOPE.items():
            assert isinstance(page[field], kind), (field, page[field])
        for item in page["contents"]:
            self.check(item_schema, item)


ENVELOPE = {
    "total_items": int,
    "total_pages": int,
    "page_number": int,
    "size": int,
    "first_page": bool,
    "last_page": bool,
    "empty": bool,
    "contents": list,
}


def require_schemas() -> Schemas:
    """The validators; the calling test is skipped when ../shared/hsds is not here."""
    if not SCHEMA_DIR.is_dir():
        pytest.skip(f"{SCHEMA_DIR} is not present (it lives beside the project, not in a user's clone)")
    return Schemas()
