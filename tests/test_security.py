"""Headers and habits that keep private pages private: no-store, Content-Security-Policy."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse, HttpResponseServerError
from django.test import RequestFactory
from django.urls import URLResolver, get_resolver

from centers.middleware import PrivatePagesNotStoredMiddleware

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
