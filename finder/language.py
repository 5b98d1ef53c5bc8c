"""Which language a page is in: its address first (/es/... is Spanish), then the visitor's own choice, then the browser.

English pages are at /..., Spanish ones at /es/... (finder/urls.py: i18n_patterns without a prefix for English).
Django's LocaleMiddleware serves an unprefixed address in English whatever the browser asks, so a Spanish
browser's first visit is redirected here to the same page under /es/. The visible switch on every page (base.html)
goes through ``switch_language``, which remembers the choice in Django's language cookie: someone who switched
to English is never sent back to Spanish, and someone who chose Spanish gets Spanish from an English link.
Addresses outside the pages (/api/, /admin/, /healthz, static files) are never redirected.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import get_urlconf, is_valid_path, reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import (
    get_language,
    get_language_from_path,
    get_supported_language_variant,
    gettext,
)
from django.utils.translation.trans_real import parse_accept_lang_header

# Crawlers index each language at its own address (the hreflang links); they are never redirected.
BOTS = re.compile(r"bot|crawl|spider|slurp|preview", re.IGNORECASE)
NOT_PAGES = ("/api/", "/admin/", "/healthz", "/language/")


def page_path(path: str) -> str:
    """The address without its language prefix: /es/facility/1/x/ -> /facility/1/x/; /es -> /."""
    language = get_language_from_path(path)
    if language and language != settings.LANGUAGE_CODE:
        return path[len(language) + 1 :] or "/"
    return path


def path_in(language: str, path: str) -> str:
    """The same page's address in ``language``."""
    path = page_path(path)
    return path if language == settings.LANGUAGE_CODE else f"/{language}{path}"


def browser_language(request) -> str | None:
    """The first of our languages the browser's Accept-Language asks for, or None (no header, none of ours)."""
    for accepted, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if accepted == "*":
            return None
        try:
            return get_supported_language_variant(accepted)
        except LookupError:
            continue
    return None


class BrowserLanguageMiddleware:
    """Send a first visit to an English address to the Spanish page when the browser (or an earlier choice) asks.

    Only GET and HEAD of pages; never a crawler. After LocaleMiddleware, which has already set the language: Spanish
    under /es/, English for every other address (with i18n_patterns and no English prefix it never follows
    Accept-Language, so /api/ and /admin/ answer in English too).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = self.redirect_to(request)
        if target is not None:
            response = HttpResponseRedirect(target)
        else:
            response = self.get_response(request)
        path = request.path_info
        if request.method in ("GET", "HEAD") and not get_language_from_path(path) and not path.startswith(NOT_PAGES):
            # The answer at an English address depends on both (a cache must not give it to everyone).
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def redirect_to(self, request) -> str | None:
        path = request.path_info
        if request.method not in ("GET", "HEAD") or get_language_from_path(path) or path.startswith(NOT_PAGES):
            return None
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in dict(settings.LANGUAGES):
            language = chosen
        elif BOTS.search(request.headers.get("User-Agent", "")):
            return None
        else:
            language = browser_language(request)
        if language in (None, settings.LANGUAGE_CODE):
            return None
        with translation.override(language):  # i18n_patterns match the active language's prefix
            page = is_valid_path(path_in(language, path), getattr(request, "urlconf", None) or get_urlconf())
        if not page:
            return None  # not a page (a static file, a 404): nothing to send them to
        script_prefix = request.path[: len(request.path) - len(path)]
        query = request.META.get("QUERY_STRING", "")
        return script_prefix + path_in(language, path) + (f"?{query}" if query else "")


def switch_language(request):
    """GET /language/?to=es&next=/?location=30301: remember the choice, then show the same page in that language."""
    language = request.GET.get("to", "")
    if language not in dict(settings.LANGUAGES):
        choices = ", ".join(code for code, _name in settings.LANGUAGES)
        return HttpResponseBadRequest(
            gettext("Unknown language %(language)r: choose one of %(choices)s.")
            % {"language": language[:20], "choices": choices},
            content_type="text/plain; charset=utf-8",
        )
    after = request.GET.get("next", "/")
    if not after.startswith("/") or not url_has_allowed_host_and_scheme(
        after, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        after = "/"
    path, _, query = after.partition("?")
    response = HttpResponseRedirect(path_in(language, path) + (f"?{query}" if query else ""))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 60 * 60,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )
    return response


def languages(request):
    """Context for base.html: the page in the other language (the switch) and in each language (hreflang links).

    The switch keeps the query (the current search), as the view cleaned it: the search cache's normalised
    parameters, or what a view put in ``request.language_switch_query`` (the detail page's cleaned ?back=).
    The hreflang links are the pages themselves, without a query.
    """
    current = get_language()
    query = getattr(request, "language_switch_query", None)
    if query is None:
        query = request.GET.urlencode()
    here = request.path_info + (f"?{query}" if query else "")
    alternates, switches = [], []
    for code, name in settings.LANGUAGES:  # each named in its own language ("Español"), as settings.py names it
        alternates.append({"code": code, "url": request.build_absolute_uri(path_in(code, request.path_info))})
        if code != current:
            url = f"{reverse('switch-language')}?{urlencode({'to': code, 'next': here})}"
            switches.append({"code": code, "name": name, "url": url})
    return {"language_alternates": alternates, "language_switches": switches}
