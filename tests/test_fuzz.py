"""Property-based fuzzing: no input, from any role, gets a 5xx.

Every public GET parameter and every form (public, staff portal, helpline, admin search and list filters) is
sent values a person would type and values nobody would: huge and negative numbers, "²³", NUL bytes, other
sites' addresses, impossible dates, repeated keys. CI runs a few examples per role and surface; `make fuzz`
raises FINDER_FUZZ_EXAMPLES and prints the responses counted by status code.
"""

from __future__ import annotations

import os
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from centers.models import Availability, AvailabilityStatus, Insurer
from centers.vocabulary import Language, LevelOfCare, Medication, Payment, Population
from helpline.filters import UPDATED_WITHIN_CHOICES
from helpline.models import Referral, SearchGap
from portal.models import Invitation, ProblemReport
from portal.models.staff import Membership
from tests.conftest import make_facility

EXAMPLES = int(os.environ.get("FINDER_FUZZ_EXAMPLES", "20"))
# `make fuzz` sets this, so a run that sent fewer requests than promised fails instead of reporting success.
MIN_REQUESTS = int(os.environ.get("FINDER_FUZZ_MIN_REQUESTS", "0"))
ROLES = ["anonymous", "editor", "clerk", "helpline_worker", "supervisor", "steward"]
SURFACES = ["public", "staff", "helpline", "admin"]
STATUSES: Counter[int] = Counter()

FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis directory in the checkout
    # CI repeats the same examples (no flaky builds); `make fuzz` draws new ones each run.
    derandomize="FINDER_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values nobody should send, and that once made a 500 somewhere.
ODD_VALUES = [
    "",
    " ",
    "0",
    "-1",
    "²³",
    "١٢٣",
    "99999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "2147483648",
    "1e400",
    "nan",
    "inf",
    "0x1F",
    "3.5",
    "\x00",
    "1\x00",
    "%",
    "%00",
    "[]",
    "{}",
    "null",
    "on",
    "true",
    "a" * 2000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '=HYPERLINK("http://evil.example")',
    "𝟘𝟙𝟚",
]
ODD_PATHS = ["/", "0", "//evil.example/", "https://evil.example/", "javascript:alert(1)", "\\\\evil", "/\x00", "///"]
ODD_DATES = ["2025-01-01", "0001-01-01", "9999-12-31", "2025-02-30", "99999-01-01", "-1-01-01", "2025-1-1", "today"]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)  # no lone surrogates: not encodable
NUMBERS = st.integers(min_value=-(2**70), max_value=2**70).map(str)
ANYTHING = st.one_of(TEXT, NUMBERS, st.sampled_from(ODD_VALUES + ODD_PATHS + ODD_DATES))


def values(*valid) -> st.SearchStrategy[str]:
    """Mostly values the page offers (so the form gets past its first check), the rest anything at all."""
    offered = [str(value) for value in valid]
    return st.one_of(st.sampled_from(offered), ANYTHING) if offered else ANYTHING


def params(spec: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[dict[str, list[str]]]:
    """Any subset of the named parameters, each sent one to three times, plus now and then one nobody expects."""
    known = st.fixed_dictionaries(
        {}, optional={name: st.lists(strategy, min_size=1, max_size=3) for name, strategy in spec.items()}
    )
    stray = st.dictionaries(
        st.sampled_from(["page", "next", "pk", "id", "o", "format", "\x00"]),
        st.lists(ANYTHING, min_size=1, max_size=2),
        max_size=1,
    )
    return st.tuples(known, stray).map(lambda pair: {**pair[1], **pair[0]})


@dataclass
class Target:
    method: str
    path: st.SearchStrategy[str]
    params: dict[str, st.SearchStrategy[str]] = field(default_factory=dict)


@dataclass
class World:
    facility_ids: list[int]
    report_id: int
    referral_id: int
    invitation_path: str
    insurer_slug: str
    insurer_id: int


@pytest.fixture
def world(db, detox_atlanta, outpatient_decatur, steward, helpline_worker, supervisor) -> World:
    """Something to find, edit, report and count for every role: facilities, a report, a referral, gaps."""
    insurer = Insurer.objects.create(name="Aetna", slug="aetna")
    detox_atlanta.insurers.add(insurer)
    Availability.objects.create(
        facility=detox_atlanta, level=LevelOfCare.MEDICAL_DETOX, status=AvailabilityStatus.ACCEPTING
    )
    report = ProblemReport.objects.create(facility=detox_atlanta, kind=ProblemReport.Kind.PHONE, note="No answer")
    referral = Referral.objects.create(
        worker=helpline_worker,
        facility=detox_atlanta,
        outcome=Referral.Outcome.REFERRED,
        follow_up_on=timezone.localdate() - timedelta(days=1),
    )
    invitation = Invitation.objects.create(
        email="new.staff@example.org", facility=outpatient_decatur, role=Membership.Role.EDITOR
    )
    SearchGap.objects.create(surface="public", state="GA", latitude=33.8, longitude=-84.4, radius="25")
    unlisted = make_facility(name="Hidden Unlisted Center", is_listed=False)
    return World(
        facility_ids=[detox_atlanta.pk, outpatient_decatur.pk, unlisted.pk],
        report_id=report.pk,
        referral_id=referral.pk,
        invitation_path=invitation.link_path(),
        insurer_slug=insurer.slug,
        insurer_id=insurer.pk,
    )


def ids(world: World) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from([str(pk) for pk in world.facility_ids]), NUMBERS, st.sampled_from(ODD_VALUES))


def path_with_id(template: str, id_values: st.SearchStrategy[str], **more) -> st.SearchStrategy[str]:
    """``template`` with ``{id}`` (and any ``more``) filled in; URL-unsafe characters are quoted by the client."""
    return st.fixed_dictionaries({"id": id_values, **more}).map(lambda parts: template.format(**parts))


def search_params(world: World) -> dict[str, st.SearchStrategy[str]]:
    return {
        "location": values("30303", "Atlanta, GA", "33.75,-84.39", "33.7,84.3", "99999", "Nowhere, ZZ"),
        "radius": values("5", "10", "25", "50", "100", "state"),
        "level": values(*LevelOfCare.values),
        "medication": values(*Medication.values),
        "payment": values(*Payment.values),
        "insurer": values(world.insurer_slug, world.insurer_id),
        "population": values(*Population.values),
        "language": values(*Language.values),
        "telehealth": values("on", "true", "false"),
        "accepting": values("on", "true", "false"),
        "sort": values("distance", "availability"),
        "q": values("Peachtree", "Detox"),
        "page": values("1", "2", "last"),
    }


def public_targets(world: World) -> list[Target]:
    facility = ids(world)
    report_form = {
        "kind": values(*ProblemReport.Kind.values),
        "note": values("The phone number is wrong"),
        "contact_email": values("family@example.org"),
        "website": values(""),
    }
    claim_form = {
        "name": values("Ada Admissions"),
        "email": values("ada@peachtree.example.org"),
        "job_title": values("Admissions"),
        "phone": values("(404) 555-0100"),
        "message": values("I run intake"),
        "website": values(""),
    }
    return [
        Target("get", st.just("/"), search_params(world)),
        Target("get", path_with_id("/facility/{id}/{slug}/", facility, slug=values("peachtree-medical-detox"))),
        Target("get", st.just("/understanding-care/")),
        Target(
            "get", st.one_of(values(*LevelOfCare.values, *Medication.values)).map(lambda t: f"/understanding-care/{t}/")
        ),
        # The JSON API: the same search, its page size, one facility, its docs page; and a method it refuses.
        Target("get", st.just("/api/v1/facilities/"), {**search_params(world), "per_page": values("1", "10", "100")}),
        Target("get", path_with_id("/api/v1/facilities/{id}/", facility)),
        Target("get", st.just("/api/docs/")),
        Target("post", st.just("/api/v1/facilities/"), search_params(world)),
        Target("get", path_with_id("/facility/{id}/report/", facility), {"sent": values("1")}),
        Target("post", path_with_id("/facility/{id}/report/", facility), report_form),
        Target("get", path_with_id("/facility/{id}/claim/", facility), {"sent": values("1")}),
        Target("post", path_with_id("/facility/{id}/claim/", facility), claim_form),
        Target("get", st.just("/staff/login/"), {"next": values("/staff/", *ODD_PATHS)}),
        Target(
            "post",
            st.just("/staff/login/"),
            {"username": values("eddie", "hana"), "password": values("wrong"), "next": values("/staff/", *ODD_PATHS)},
        ),
        Target("get", st.one_of(st.just(world.invitation_path), TEXT.map(lambda t: f"/staff/invitation/{t}/"))),
        Target(
            "post",
            st.just(world.invitation_path),
            {
                "username": values("new.staff@example.org"),
                "password1": values("a long enough passphrase"),
                "password2": values("a long enough passphrase"),
            },
        ),
    ]


def staff_targets(world: World) -> list[Target]:
    facility = ids(world)
    report = st.one_of(st.just(str(world.report_id)), NUMBERS)
    availability_form = {
        "level": values(*LevelOfCare.values),
        "status": values(*AvailabilityStatus.values),
        "confirm": values("on", "true"),
        "details": values("on", "true"),
        "open_slots": values("0", "3", "999", "1000"),
        "waitlist_days": values("0", "7", "365", "366"),
        "note": values("Call before noon"),
    }
    listing_form = {
        "intake_phone": values("(404) 555-0101"),
        "phone": values("(404) 555-0100"),
        "hotline": values(""),
        "website": values("www.example.org", "ftp://example.org"),
        "hours": values("Mon-Fri 9-5"),
        "intake_hours": values("Walk in 8-4"),
        "description": values("We help adults"),
        "insurers": values(world.insurer_id),
        "name": values("Peachtree Medical Detox"),
        "name2": values(""),
        "street1": values("100 Peachtree St"),
        "street2": values(""),
        "city": values("Atlanta"),
        "state": values("GA", "ZZ"),
        "zip_code": values("30303", "00000"),
        "services_type_of_care": values("OP", "OIT", "HID"),
        "services_medication": values("BU", "MM", "NU"),
        "services_payment": values("MD", "SF", "PI"),
        "services_language": values("SP", "N13"),
    }
    return [
        Target("get", st.just("/staff/")),
        Target("get", path_with_id("/staff/facility/{id}/", facility)),
        Target("post", path_with_id("/staff/facility/{id}/availability/", facility), availability_form),
        Target("get", path_with_id("/staff/facility/{id}/edit/", facility)),
        Target("post", path_with_id("/staff/facility/{id}/edit/", facility), listing_form),
        Target("post", path_with_id("/staff/facility/{id}/verify/", facility)),
        Target(
            "post",
            path_with_id("/staff/facility/{id}/reports/{report}/resolve/", facility, report=report),
            {"note": values("Fixed the number")},
        ),
        Target("post", st.just("/staff/logout/")),
    ]


def helpline_targets(world: World) -> list[Target]:
    facility = ids(world)
    next_path = values("/helpline/", "/helpline/shortlist/", *ODD_PATHS)
    helpline_search = {
        **search_params(world),
        "updated_within": values(*(hours for hours, _ in UPDATED_WITHIN_CHOICES)),
        "on_medication": values("on", "true"),
    }
    referral_query = {
        "facility": facility,
        "q": values("Peachtree", *world.facility_ids),
        "level": values(*LevelOfCare.values),
        "payment": values(*Payment.values),
    }
    referral_form = {
        "facility": facility,
        "level_sought": values(*LevelOfCare.values),
        "payment": values(*Payment.values),
        "outcome": values(*Referral.Outcome.values),
        "follow_up_on": values(*ODD_DATES, (timezone.localdate() + timedelta(days=3)).isoformat()),
        "note": values("Prefers mornings"),
    }
    period = {"from": values(*ODD_DATES), "to": values(*ODD_DATES)}
    referral = st.one_of(st.just(str(world.referral_id)), NUMBERS)
    return [
        Target("get", st.just("/helpline/"), helpline_search),
        Target("get", st.just("/helpline/shortlist/")),
        Target("post", st.just("/helpline/shortlist/add/"), {"facility": facility, "next": next_path}),
        Target("post", st.just("/helpline/shortlist/remove/"), {"facility": facility, "next": next_path}),
        Target(
            "post",
            st.just("/helpline/shortlist/move/"),
            {"facility": facility, "direction": values("up", "down"), "next": next_path},
        ),
        Target("post", st.just("/helpline/shortlist/clear/")),
        Target("get", st.just("/helpline/shortlist/print/")),
        Target(
            "post",
            st.just("/helpline/shortlist/email/"),
            {"email": values("caller@example.net"), "note": values("Good to talk")},
        ),
        Target(
            "post",
            path_with_id("/helpline/facility/{id}/called/", facility),
            {"outcome": values("confirmed", "phone-wrong", "not-accepting"), "next": next_path},
        ),
        Target("get", st.just("/helpline/referrals/"), {"worker": values("all", "me"), "page": values("1", "2")}),
        Target("get", st.just("/helpline/referrals/new/"), referral_query),
        Target("post", st.just("/helpline/referrals/new/"), referral_form),
        Target("get", st.just("/helpline/follow-ups/")),
        Target(
            "post",
            path_with_id("/helpline/referrals/{id}/follow-up/", referral),
            {"follow_up_outcome": values(*Referral.FollowUpOutcome.values)},
        ),
        Target("get", st.just("/helpline/reports/"), period),
        Target("get", st.just("/helpline/reports/referrals.csv"), period),
        Target("get", st.just("/helpline/gaps/"), {**period, "level": values(*LevelOfCare.values)}),
    ]


def filter_parameters(model_admin) -> list[str]:
    """The query parameters a changelist's filters and date drill-down read."""
    names = []
    for item in model_admin.list_filter:
        if isinstance(item, str):
            names += [f"{item}__exact", f"{item}__isnull", f"{item}__id__exact", f"{item}__in"]
        elif isinstance(item, tuple | list):
            names += [f"{item[0]}__exact", f"{item[0]}__isnull"]
        else:
            names.append(item.parameter_name)
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return names


def admin_targets(world: World) -> list[Target]:
    targets = [Target("get", st.just("/admin/centers/facility/staleness/"))]
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        changelist = {
            "q": values("Peachtree", "GA"),
            "o": values("1", "-1", "1.2", "99"),
            "p": values("1", "2"),
            "all": values(""),
            "e": values("1"),
            **{name: values("GA", "yes", "no", "1", "0", "open", "stale") for name in filter_parameters(model_admin)},
        }
        targets.append(Target("get", st.just(base), changelist))
        object_id = st.one_of(ids(world), TEXT)
        targets.append(
            Target(
                "get",
                path_with_id(base + "{id}/{view}/", object_id, view=st.sampled_from(["change", "history", "delete"])),
            )
        )
    return targets


TARGETS = {"public": public_targets, "staff": staff_targets, "helpline": helpline_targets, "admin": admin_targets}


def send(client: Client, method: str, path: str, data: dict[str, list[str]]):
    response = getattr(client, method)(path, data)
    STATUSES[response.status_code] += 1
    if response.status_code >= 500:
        error = "".join(traceback.format_exception(*response.exc_info)) if response.exc_info else ""
        pytest.fail(f"{method.upper()} {path} {data!r} answered {response.status_code}\n{error}")
    return response


@pytest.fixture(scope="module", autouse=True)
def _report_status_counts(pytestconfig):
    yield
    total = sum(STATUSES.values())
    counts = ", ".join(f"{status}: {count}" for status, count in sorted(STATUSES.items()))
    # Past pytest's output capture, so the counts show without -s (which would also show every 404 logged).
    with pytestconfig.pluginmanager.getplugin("capturemanager").global_and_fixture_disabled():
        print(f"\nFuzz: {total} requests; responses by status: {counts}")
    assert total >= MIN_REQUESTS, f"the fuzz sent {total} requests, fewer than the {MIN_REQUESTS} asked for"


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("role", ROLES)
def test_no_input_from_any_role_gets_a_server_error(request, world, role, surface):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    targets = TARGETS[surface](world)

    @FUZZ_SETTINGS
    @given(data=st.data())
    def one_request(data):
        target = data.draw(st.sampled_from(targets), label="target")
        path = data.draw(target.path, label="path")
        sent = data.draw(params(target.params), label="params")
        send(client, target.method, path, sent)

    one_request()
