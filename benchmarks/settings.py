"""Benchmark settings: production-like (DEBUG off, persistent connections), plain static files.

The database comes from BENCH_DATABASE_URL, else DATABASE_URL (as set by scripts/with-postgres).
"""

import os

import dj_database_url

# The real settings refuse to start without a key and an email backend when DEBUG is off.
os.environ.setdefault("SECRET_KEY", "benchmark-only-key-never-used-outside-the-benchmark")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from finder.settings import *  # noqa: E402, F403
from finder.settings import envint

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
ROOT_URLCONF = "benchmarks.urls"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FINDER_GEOCODER = ""
# Static files come from static/ through the finders, so no collectstatic is needed.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Off unless asked: the page figures are for a search the response cache has not seen (a cache miss), and
# make bench measures searches with the cache on separately (benchmarks/run.py, "search, cached").
FINDER_SEARCH_CACHE_SECONDS = envint("FINDER_SEARCH_CACHE_SECONDS", "0")
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
if not _url:
    raise RuntimeError("benchmarks.settings needs BENCH_DATABASE_URL or DATABASE_URL; run benchmarks/run.py")
DATABASES = {"default": dj_database_url.parse(_url, conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"))}
