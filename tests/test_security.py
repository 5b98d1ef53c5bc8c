"""Private pages stay private (no-store, Content-Security-Policy), email is honest, invitation tokens are hashed."""

import csv
import hashlib
import io
import re
import socket
from pathlib import Path

import pytest
from django.core import mail
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver, reverse

from finder.csv_safety import spreadsheet_safe
from finder.middleware import PrivatePagesNotStoredMiddleware
from helpline.models import Referral
from portal.models import ClaimRequest, Invitation, Membership, ProblemReport
from tests.conftest import make_facility

PRIVATE_PREFIXES = ("/staff/", "/helpline/", "/admin/")


def all_routes(patterns=None, prefix=""):
    """Every URL pattern in the project, as written ("staff/facility/<int:pk>/", "admin/(?P<url>.*)$")."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from all_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def example_path(route: str) -> str:
    """A path that the route matches: converters and regex groups filled with 1 (or an app label)."""
    path = re.sub(r"\(\?P<\w+>([a-z_|]+)\)", lambda match: match.group(1).split("|")[0], route)
    path = re.sub(r"\((?:\?P<\w+>)?[^)]*\)", "1", path)
    path = re.sub(r"<(?:\w+:)?\w+>", "1", path)
    return "/" + path.replace("^", "").replace("$", "")


PRIVATE_PATHS = sorted({example_path(route) for route in all_routes()} - {"/"})
PRIVATE_PATHS = [path for path in PRIVATE_PATHS if path.startswith(PRIVATE_PREFIXES)]


def is_not_stored(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_private_url_pattern_is_covered_by_the_examples():
    """Guards the test below: if the route walk broke, it would check nothing."""
    assert len(PRIVATE_PATHS) > 100
    assert {"/staff/", "/staff/facility/1/edit/", "/helpline/reports/referrals.csv", "/admin/auth/"} <= set(
        PRIVATE_PATHS
    )


@pytest.mark.django_db
def test_every_staff_helpline_and_admin_page_says_no_store_to_everyone(
    client, steward, editor, supervisor, detox_atlanta
):
    """Anonymous (redirects to log in) and each role (pages, 403s, 404s and 405s alike)."""
    cached = []
    for user in (None, steward, editor, supervisor):
        client.logout()
        if user is not None:
            client.force_login(user)
        for path in PRIVATE_PATHS:
            response = client.get(path)
            if not is_not_stored(response):
                who = user or "anonymous"
                cached.append(f"{path} as {who}: {response.status_code} {response.get('Cache-Control')}")
    assert not cached, "\n".join(cached)


@pytest.mark.django_db
def test_a_path_without_its_trailing_slash_is_private_too(client):
    response = client.get("/staff")
    assert response.status_code == 301
    assert is_not_stored(response)


def test_a_server_error_under_a_private_path_is_not_stored_and_public_pages_are_left_alone():
    middleware = PrivatePagesNotStoredMiddleware(lambda request: HttpResponseServerError("broken"))
    assert is_not_stored(middleware(RequestFactory().get("/helpline/reports/")))
    public = PrivatePagesNotStoredMiddleware(lambda request: HttpResponse("a family's search"))
    for path in ("/", "/facility/1/report/", "/staffing-agency/", "/understanding-care/"):
        assert not is_not_stored(public(RequestFactory().get(path))), path


@pytest.mark.django_db
def test_public_pages_may_be_cached_but_the_staff_login_may_not(client):
    assert not is_not_stored(client.get("/understanding-care/"))
    assert is_not_stored(client.get("/staff/login/"))


# Content-Security-Policy (the browser tests check that no page breaks it)


def policy_of(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/understanding-care/", "/staff/login/", "/admin/login/"])
def test_pages_carry_a_policy_without_inline_script_eval_or_framing(client, path):
    policy = policy_of(client.get(path))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]


TEMPLATE_DIRS = [Path(__file__).resolve().parent.parent / "templates"]
INLINE_CODE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|javascript:", re.IGNORECASE)


def test_no_template_has_inline_script_event_handlers_or_style_attributes():
    """The policy would block them: scripts go in static/js, styles in static/css."""
    found = [
        f"{path.relative_to(path.parents[1])}: {match.group(0).strip()}"
        for directory in TEMPLATE_DIRS
        for path in directory.rglob("*.html")
        for match in INLINE_CODE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, found


def test_the_inline_code_pattern_finds_what_it_is_for():
    for html in ("<script>alert(1)</script>", '<a onclick="x()">', '<p style="color:red">', '<a href="javascript:x">'):
        assert INLINE_CODE.search(html), html
    for html in ('<script src="/static/js/locate.js" defer></script>', '<p class="styled">', "<button data-on=1>"):
        assert not INLINE_CODE.search(html), html


# Email: never "Sent" for mail that went nowhere, never a 500 when the mail server is down

CALLER = "caller.private@example.net"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


@pytest.fixture
def console_email(settings):
    """Email "set up" with the console backend, as `make run` does: it would print messages to the log."""
    settings.EMAIL_BACKEND = CONSOLE


@pytest.fixture
def mail_server_down(settings):
    """A real SMTP backend pointed at a local port where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5


def messages_on(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def shortlist_and_email(client, facility):
    assert client.post(reverse("helpline:shortlist-add"), {"facility": facility.pk}).status_code == 302
    return client.post(reverse("helpline:shortlist-email"), {"email": CALLER, "note": "Hello"})


@pytest.mark.django_db
def test_with_the_console_backend_the_helpline_email_is_not_sent_and_the_page_says_so(
    client, helpline_worker, detox_atlanta, console_email, capsys, caplog
):
    client.force_login(helpline_worker)
    response = shortlist_and_email(client, detox_atlanta)
    html = response.content.decode()
    assert response.status_code == 503
    assert "this server is not set up to send email" in html and "Sent." not in html
    printed = capsys.readouterr()
    assert CALLER not in printed.out + printed.err + caplog.text  # the caller's address is in no log


@pytest.mark.django_db
def test_when_the_mail_server_is_down_the_helpline_email_is_503_and_not_sent(
    client, helpline_worker, detox_atlanta, mail_server_down, caplog
):
    client.force_login(helpline_worker)
    response = shortlist_and_email(client, detox_atlanta)
    assert response.status_code == 503
    assert "couldn&#x27;t be sent just now" in response.content.decode()
    assert "Could not send an email (ConnectionRefusedError)" in caplog.text and CALLER not in caplog.text


@pytest.mark.django_db
def test_an_invitation_that_could_not_be_emailed_shows_the_link_to_pass_on_instead(
    client, steward, detox_atlanta, console_email, capsys
):
    client.force_login(steward)
    response = client.post(
        reverse("admin:portal_invitation_add"),
        {"email": "new@peachtree.example.org", "facility": detox_atlanta.pk, "role": "availability"},
        follow=True,
    )
    [message] = [message for message in messages_on(response) if "emailed" in message]
    assert message.startswith("The invitation was not emailed: email is not set up on this server.")
    token = re.search(r"/staff/invitation/([^/]+)/", message).group(1)
    assert token not in capsys.readouterr().out  # the link was not printed to the server log either
    client.logout()
    assert client.get(f"/staff/invitation/{token}/").status_code == 200


@pytest.mark.django_db
def test_approving_claims_when_the_mail_server_is_down_gives_the_steward_each_link(
    client, steward, outpatient_decatur, mail_server_down
):
    claim = ClaimRequest.objects.create(
        facility=outpatient_decatur, name="Dana", email="dana@decatur.example.org", job_title="Director", phone="1"
    )
    client.force_login(steward)
    url = reverse("admin:portal_claimrequest_changelist")
    response = client.post(url, {"action": "approve_selected", "_selected_action": [claim.pk]}, follow=True)
    assert response.status_code == 200
    [message] = messages_on(response)
    assert "approved, but the invitations were not emailed" in message and "dana@decatur.example.org: http" in message
    assert "invitations sent" not in message
    assert Invitation.objects.filter(email=claim.email).count() == 1


@pytest.mark.django_db
def test_rejecting_a_claim_when_the_mail_server_is_down_still_rejects_and_says_who_was_not_told(
    client, steward, outpatient_decatur, mail_server_down
):
    claim = ClaimRequest.objects.create(
        facility=outpatient_decatur, name="Dana", email="dana@decatur.example.org", job_title="Director", phone="1"
    )
    client.force_login(steward)
    url = reverse("admin:portal_claimrequest_changelist")
    response = client.post(url, {"action": "reject_selected", "_selected_action": [claim.pk]}, follow=True)
    assert response.status_code == 200
    assert messages_on(response) == ["1 claim request rejected. 1 of the people who asked could not be told by email."]
    claim.refresh_from_db()
    assert claim.status == ClaimRequest.Status.REJECTED


@pytest.mark.django_db
@pytest.mark.parametrize("email_trouble", ["console_email", "mail_server_down"])
def test_resolving_a_report_whose_email_went_nowhere_does_not_claim_the_reporter_was_told(
    client, editor, detox_atlanta, email_trouble, request
):
    request.getfixturevalue(email_trouble)
    report = ProblemReport.objects.create(
        facility=detox_atlanta, kind=ProblemReport.Kind.PHONE, contact_email="fam@example.org"
    )
    client.force_login(editor)
    url = reverse("portal:resolve-report", args=[detox_atlanta.pk, report.pk])
    response = client.post(url, {"note": "Fixed the number."}, follow=True)
    assert response.status_code == 200
    [message] = messages_on(response)
    assert "could not be sent" in message and "We emailed" not in message
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.RESOLVED and report.reporter_notified_at is None


# Invitation tokens: the database keeps only a hash


def invite_through_the_admin(client, facility) -> str:
    """A steward adds an invitation; returns the token from the link emailed to the invited person."""
    response = client.post(
        reverse("admin:portal_invitation_add"),
        {"email": "nina@peachtree.example.org", "facility": facility.pk, "role": "editor"},
    )
    assert response.status_code == 302
    return re.search(r"http://testserver/staff/invitation/([^/\s]+)/", mail.outbox[-1].body).group(1)


@pytest.mark.django_db
def test_the_database_keeps_only_a_hash_of_the_invitation_token(client, steward, detox_atlanta):
    client.force_login(steward)
    token = invite_through_the_admin(client, detox_atlanta)
    stored = Invitation.objects.values().get()
    assert not [name for name, value in stored.items() if token in str(value)], "The token is stored in clear"
    assert hashlib.sha256(token.encode()).hexdigest() in stored.values()


@pytest.mark.django_db
def test_the_emailed_link_accepts_the_invitation_and_what_is_stored_does_not(client, steward, detox_atlanta):
    client.force_login(steward)
    token = invite_through_the_admin(client, detox_atlanta)
    stored = [value for value in Invitation.objects.values().get().values() if isinstance(value, str)]
    client.logout()
    for value in stored:  # someone with a copy of the table tries each stored text as a link
        assert client.get(f"/staff/invitation/{value}/").status_code == 404, value

    password = "a long new passphrase"
    response = client.post(
        f"/staff/invitation/{token}/", {"username": "nina", "password1": password, "password2": password}
    )
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    membership = Membership.objects.get(user__username="nina")
    assert (membership.facility, membership.role) == (detox_atlanta, Membership.Role.EDITOR)
    assert client.get(f"/staff/invitation/{token}/").status_code == 410  # used up


def test_a_stored_invitation_cannot_rebuild_its_link(db, detox_atlanta):
    Invitation.objects.create(email="nina@peachtree.example.org", facility=detox_atlanta)
    with pytest.raises(ValueError, match="only known when it is created"):
        Invitation.objects.get().link_path()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_hashes_existing_tokens_so_links_already_sent_keep_working(client):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    migration = ("centers", "0007_hash_invitation_tokens")
    executor = MigrationExecutor(connection)
    [before] = executor.loader.graph.node_map[migration].parents
    executor.migrate([before.key])
    old_apps = executor.loader.project_state([before.key]).apps
    OldFacility = old_apps.get_model("centers", "Facility")
    OldInvitation = old_apps.get_model("centers", "Invitation")
    facility = OldFacility.objects.create(name="Old Place", street1="1 Main St", city="Atlanta", state="GA")
    tokens = ["token-emailed-last-week", "another-outstanding-token"]
    for number, token in enumerate(tokens):
        OldInvitation.objects.create(email=f"person{number}@example.org", facility=facility, token=token)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    for token in tokens:
        assert Invitation.objects.with_token(token).exists()
        assert client.get(f"/staff/invitation/{token}/").status_code == 200
    assert not Invitation.objects.filter(token_hash__in=tokens).exists()


# One spreadsheet-formula guard for every CSV

SOURCE_DIRS = ["centers", "helpline", "finder"]
CSV_WRITER = re.compile(r"csv\.(?:writer|DictWriter)\(")


def test_every_csv_download_is_written_through_the_one_formula_guard():
    root = Path(__file__).resolve().parent.parent
    writers = [
        str(path.relative_to(root))
        for directory in SOURCE_DIRS
        for path in (root / directory).rglob("*.py")
        if "migrations" not in path.parts and CSV_WRITER.search(path.read_text(encoding="utf-8"))
    ]
    assert writers == ["finder/csv_safety.py"], f"Write CSV with finder.csv_safety.SpreadsheetSafeWriter: {writers}"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Fulton, GA", "Fulton, GA"),
        ("", ""),
        (-5, -5),  # a number is a number
        (None, None),
    ],
)
def test_the_guard_quotes_only_cells_a_spreadsheet_would_run(value, written):
    assert spreadsheet_safe(value) == written


@pytest.mark.django_db
def test_the_helpline_report_and_the_stewards_export_guard_the_same_way(client, supervisor, helpline_worker, steward):
    Referral.objects.create(
        worker=helpline_worker, facility_name="x", state="GA", county="\t=HYPERLINK(1)", outcome="facility-full"
    )
    client.force_login(supervisor)
    report = list(csv.reader(io.StringIO(client.get(reverse("helpline:reports-csv")).content.decode())))
    assert ["Facility full, by county", "'\t=HYPERLINK(1), GA", "1"] in report

    facility = make_facility(name="\t=HYPERLINK(1)", name2="@cmd")
    client.force_login(steward)
    response = client.post(
        reverse("admin:centers_facility_changelist"),
        {"action": "export_csv", "_selected_action": [facility.pk]},
    )
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (row["name"], row["second name"]) == ("'\t=HYPERLINK(1)", "'@cmd")
