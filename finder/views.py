"""Project-wide views that belong to no one app."""

from django.core.cache import cache
from django.db import DatabaseError, connection, connections
from django.http import JsonResponse


def healthz(request):
    """For load balancers and monitors: 503 when the database does not answer, else 200; the body names each part.

    The cache and a read replica (DATABASE_REPLICA_URL) are checked and reported, but do not make this server
    unhealthy: searches are made without a dead cache, public reads fall back to the primary when the replica
    fails (finder/middleware.py), and every server shares the same Redis and replica, so a 503 for either would
    take every server out of the load balancer at once. Monitor the body for them."""
    checks = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        checks["database"] = "unavailable"
    healthy = checks["database"] == "ok"
    try:
        cache.set("healthz", "ok", timeout=10)
        cache_answers = cache.get("healthz") == "ok"
    except Exception:  # each cache backend raises its own errors (a Redis client's ConnectionError, ...)
        cache_answers = False
    if not cache_answers:
        checks["cache"] = "unavailable (searches are made without it)"
    if "replica" in connections.databases:
        try:
            with connections["replica"].cursor() as cursor:
                cursor.execute("SELECT 1")
            checks["replica"] = "ok"
        except DatabaseError:
            checks["replica"] = "unavailable (public reads use the primary)"
    return JsonResponse(checks, status=200 if healthy else 503, headers={"Cache-Control": "no-store"})
