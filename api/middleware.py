"""The manners of every URL under /api/ (Finder's JSON API and the HSDS API alike), whatever view answers it.

CORS is django-cors-headers (settings: CORS_URLS_REGEX) and throttling is DRF's (api/throttling.py); these two add
conditional requests (ETag, Last-Modified, 304), Cache-Control, JSON error bodies, and gzip for JSON only.
"""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

from api.conditional import last_modified

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def is_json(response) -> bool:
    # application/json, and the OpenAPI schema's application/vnd.oai.openapi+json
    return "json" in response.get("Content-Type", "").split(";")[0]


class ApiResponseMiddleware:
    """ETag (a hash of the body), Last-Modified (api/conditional.py) and 304s; errors as JSON, never an HTML page.

    Successful GETs are ``Cache-Control: public, no-cache``: anyone may keep a copy, but must ask again before
    using it (a 304 costs no body), since availability can change any minute. Errors are not kept at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request):
            return self.get_response(request)
        now = timezone.now()
        response = self.get_response(request)
        if response.status_code >= 400 and not is_json(response) and not response.streaming:
            # Django's own 404 and 500 pages (an unknown URL under /api/, a crash) are HTML: a JSON client reads JSON.
            error = JsonResponse({"detail": HTTPStatus(response.status_code).phrase}, status=response.status_code)
            for name in ("Allow", "Retry-After"):
                if response.has_header(name):
                    error[name] = response[name]
            response = error
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.streaming:
            patch_cache_control(response, no_store=True)
            return response
        if is_json(response) and not response.has_header("Last-Modified"):
            moment = last_modified(response, now)
            if moment is not None:
                response["Last-Modified"] = http_date(moment.timestamp())
        if not response.has_header("ETag"):
            set_response_etag(response)
        patch_cache_control(response, public=True, no_cache=True)
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )


class ApiGZipMiddleware(GZipMiddleware):
    """Compress JSON under /api/ only.

    Compressing a page that carries a secret (a CSRF token) next to text an attacker chose leaks the secret (BREACH),
    so HTML pages stay uncompressed; the API's JSON carries no secret.
    """

    def process_response(self, request, response):
        if not is_api(request) or not is_json(response):
            return response
        return super().process_response(request, response)
