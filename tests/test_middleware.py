from django.test import RequestFactory, override_settings

from finder.middleware import TrustedProxyMiddleware


def remote_addr_seen(**headers):
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]

    TrustedProxyMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **headers))
    return seen["addr"]


def test_without_a_proxy_the_socket_address_is_used():
    with override_settings(BEHIND_PROXY=False):
        assert remote_addr_seen(HTTP_X_FORWARDED_FOR="1.2.3.4") == "10.0.0.1"


def test_behind_a_proxy_only_the_entry_it_appended_is_trusted():
    with override_settings(BEHIND_PROXY=True):
        assert remote_addr_seen(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9") == "203.0.113.9"
        assert remote_addr_seen() == "10.0.0.1"
