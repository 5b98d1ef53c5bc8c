"""Project-wide views that belong to no one app."""

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse


def healthz(request):
    """For load balancers and monitors: 200 when the database and the cache answer, else 503 saying which."""
    checks = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unavailable"
    try:
        cache.set("healthz", "ok", timeout=10)
        if cache.get("healthz") != "ok":
            checks["cache"] = "unavailable"
    except Exception:  # each cache backend raises its own errors (a Redis client's ConnectionError, ...)
        checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503, headers={"Cache-Control": "no-store"})
