"""Project-wide views that belong to no one app."""

from django.core.cache import cache
from django.db import DatabaseError, connection, connections
from django.http import JsonResponse


def healthz(request):
    """For load balancers and monitors: 200 when the database and the cache answer, else 503 saying which.

    A read replica (DATABASE_REPLICA_URL) is reported too, but does not make this server unhealthy: public reads
    fall back to the primary when it fails (finder/middleware.py), and every server shares the same replica, so a
    503 for it would take them all out of the load balancer at once."""
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
    if "replica" in connections.databases:
        try:
            with connections["replica"].cursor() as cursor:
                cursor.execute("SELECT 1")
            checks["replica"] = "ok"
        except DatabaseError:
            checks["replica"] = "unavailable (public reads use the primary)"
    return JsonResponse(checks, status=200 if healthy else 503, headers={"Cache-Control": "no-store"})
