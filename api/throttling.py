"""One rate limit for every /api/ URL, per client address, counted in the shared cache (CACHES["default"]).

With CACHE_URL=redis://... every app server counts in the same Redis, so a client cannot multiply its rate by
the number of servers. The address is REMOTE_ADDR, which finder.middleware.TrustedProxyMiddleware sets from our
own proxy's entry (settings: REST_FRAMEWORK["NUM_PROXIES"] = 0, so a client's X-Forwarded-For is never trusted).
"""

from __future__ import annotations

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        return settings.FINDER_API_RATE or None  # "" turns the limit off

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view):
        # The rate is read per request, so a test (or an operator's override) changes it at once.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:  # each cache backend raises its own errors (a Redis client's ConnectionError, ...)
            # A dead cache must not take the API down: answer without counting (/healthz reports the cache).
            logger.warning("API rate limit not counted: the cache is unavailable", exc_info=True)
            return True
