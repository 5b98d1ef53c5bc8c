from django.conf import settings


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
