"""Test settings: the real settings, with fast password hashing and plain static files."""

import os

# The real settings refuse to start without these when DEBUG is off (as it is here, like production).
# Tests of that refusal (tests/test_settings.py) run the settings in a clean environment.
os.environ.setdefault("SECRET_KEY", "tests-only-key-never-used-outside-the-test-suite")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from finder.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FINDER_GEOCODER = ""
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Serve static files straight from static/ (no collectstatic) for live-server browser tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = None
# Off here; tests/test_search_cache.py turns it on. Most tests never commit (each runs in a transaction rolled back
# at its end), so the version bumps that follow a commit never happen, and one test's page would be served to the next.
FINDER_SEARCH_CACHE_SECONDS = 0
# The suite runs on one database even where DATABASE_REPLICA_URL is set: a mirror of the test database would
# prove nothing about a replica. tests/test_replica.py starts gunicorn against a real streaming replica instead.
DATABASES.pop("replica", None)  # noqa: F405
DATABASE_ROUTERS = []
# Off for the same reason as the search cache: the HSDS API's per-version index would outlive a rolled-back test.
# tests/test_hsds_api.py turns it on where commits happen.
FINDER_HSDS_CACHE_PER_VERSION = False
# High enough that no test trips it by accident; tests/test_api_manners.py lowers it to prove the 429.
FINDER_API_RATE = "10000/min"
