from django.conf import settings
from django.core.exceptions import BadRequest, MiddlewareNotUsed
from django.db import DatabaseError
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers

from finder.language import page_path
from finder.routers import REPLICA, reading_from_replica, replica_is_resting, replica_reads, rest_replica


class TrustedProxyMiddleware:
    """Behind our own proxy, take the client address from the entry that proxy appended.

    Rate limits (problem reports) and login throttling (django-axes) key on REMOTE_ADDR; without
    this every visitor would share the proxy's address. Only the last X-Forwarded-For entry is
    trusted, because a client can send any earlier ones.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.BEHIND_PROXY:
            forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded:
                request.META["REMOTE_ADDR"] = forwarded.split(",")[-1].strip()
        return self.get_response(request)


class PrivatePagesNotStoredMiddleware:
    """Send ``Cache-Control: no-store`` on every staff, helpline and admin response.

    Those pages show callers' referrals, staff's listings and invitation links; a shared computer's
    browser cache or a caching proxy must not keep a copy. Matched by path, not by view, so redirects,
    404s, lockouts and error pages under these paths are covered too.
    """

    PREFIXES = ("/staff/", "/helpline/", "/admin/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # "/staff" (before the slash is appended) counts too; "/staffing/" would not; nor does /es/ (Spanish pages).
        if (page_path(request.path_info).rstrip("/") + "/").startswith(self.PREFIXES):
            add_never_cache_headers(response)
        return response


class AdminNulBytesMiddleware:
    """Refuse (400) an admin request whose query carries a NUL byte.

    The admin's list filters pass query values straight into queries (``state__exact``, ``path_info__in``, in
    our admins and in the ones apps bring), and PostgreSQL refuses a NUL byte in text: without this, a 500.
    Pages with forms need no such guard: Django's form fields already reject NUL bytes with a message.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(reverse("admin:index")) and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("A query with a NUL character can't be searched.")
        return self.get_response(request)


class PublicReadsFromReplicaMiddleware:
    """Let a public page's reads go to the read replica (finder/routers.py); every other request uses the primary.

    Public means: GET or HEAD, a page of the directory (``centers``: search, detail, guide), and nobody logged
    in, since staff must see their own writes at once. Not installed unless ``DATABASE_REPLICA_URL`` is set.
    """

    PUBLIC_APPS = ("centers",)

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        if replica_is_resting() or not self.is_public(request):
            return self.get_response(request)
        with replica_reads():
            response = self.get_response(request)
        if getattr(request, "_finder_replica_failed", False):
            # The replica did not answer (down, or a connection lost): answer from the primary instead of a 500,
            # and leave the replica alone for a while. /healthz reports it, so someone repairs it.
            rest_replica()
            return self.get_response(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError) and reading_from_replica():
            request._finder_replica_failed = True
        return None

    def is_public(self, request) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        try:
            app_name = resolve(request.path_info).app_name
        except Resolver404:
            return False
        # Last, as it may read the session (from the primary: the router keeps sessions there).
        return app_name in self.PUBLIC_APPS and not request.user.is_authenticated
