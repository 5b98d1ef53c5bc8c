"""Contract test: schemathesis sends Finder's JSON API what its own OpenAPI description allows (and what it does not),
in process through WSGI, and checks every answer: never a server error, every status, content type, header and body
as documented (the 400s and 404s too). Finder's own description covers /api/v1/ only: the HSDS endpoints under
/api/hsds/ follow Open Referral's description (../shared/hsds/schema/openapi.local.json), and are checked against it.

A bounded number of examples per operation (FINDER_CONTRACT_EXAMPLES, 25 by default), the same examples each run.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from centers.models import Availability, Insurer
from tests.conftest import DECATUR, make_facility

EXAMPLES = int(os.environ.get("FINDER_CONTRACT_EXAMPLES", "25"))
# Not positive_data_acceptance: a well-formed place that does not exist ("Zzyzx, QQ") is a 400 by design.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def openapi_description() -> dict:
    """Finder's OpenAPI description, made by drf-spectacular in process (what /api/schema/ serves)."""
    generator = SchemaGenerator()
    return json.loads(OpenApiJsonRenderer().render(generator.get_schema(request=None, public=True)))


# Places the directory has, often enough that results with a distance come back (random text is rarely a place);
# and any text, as before. The format is this test's own: the published description says "string".
schemathesis.openapi.format(
    "finder-place", st.sampled_from(["30303", "30030", "Atlanta, GA", "33.77,-84.30"]) | st.text()
)


def with_places(description: dict) -> dict:
    for operation in description["paths"].values():
        for parameter in operation.get("get", {}).get("parameters", []):
            if parameter["name"] == "location":
                parameter["schema"]["format"] = "finder-place"
    return description


# Loaded when the module is collected, without the database (schemathesis's lazy from_fixture() does not run on
# pytest 9: it reads a node attribute pytest removed). Requests go to Django's WSGI application, in process.
finder_api = schemathesis.openapi.from_dict(with_places(openapi_description()))
finder_api.app = get_wsgi_application()


@pytest.fixture
def test_transaction_kept(db):
    """Django's WSGI handler closes "old" connections around each request, and in the test's transaction the
    connection looks old to it (not in autocommit): on PostgreSQL that ends the transaction. Django's test client
    unhooks the same signal handlers for each request; schemathesis calls the WSGI application directly."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def facilities(test_transaction_kept):
    """A few facilities near Atlanta, with the fields that have shapes of their own (phones, insurers, openings)."""
    outpatient = make_facility(
        name="Contract Outpatient",
        codes=["OP", "OIT", "MD", "SP", "BU", "TELE"],
        intake_phone="(404) 555-0101",
        hotline="(800) 555-0102",
        at=DECATUR,
    )
    outpatient.insurers.add(Insurer.objects.create(name="Aetna", slug="aetna"))
    Availability.objects.create(facility=outpatient, level="outpatient", status="accepting", open_slots=2, note="Hi")
    make_facility(name="Contract Detox", codes=["HID", "RD", "MD"])


@finder_api.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_finder_api_answers_as_its_openapi_description_says(case, facilities):
    # Uncompressed: the in-process WSGI client does not decompress (tests/test_api_manners.py covers gzip).
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)
