"""Finder settings, driven by environment variables (see README, "Configuration")."""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


DEBUG = envbool("DEBUG", "False")
# Fail closed: a server without its own key must not start with one anyone can read in the repository.
# The committed development key is only for DEBUG (your own machine); tests and `make run` pass a key.
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set the SECRET_KEY environment variable (see README, Deploying). On your own machine use "
            "`make run`, or set DEBUG=True to use the development key."
        )
    SECRET_KEY = "insecure-development-key-only-for-DEBUG"
ALLOWED_HOSTS = [h for h in os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "centers",
    "api",
    "opendata",
    "portal",
    "helpline",
]

MIDDLEWARE = [
    "finder.middleware.TrustedProxyMiddleware",
    # Outside everything else, so redirects, lockouts and error pages under private paths are covered too.
    "finder.middleware.PrivatePagesNotStoredMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # JSON under /api/ only: HTML pages carry CSRF tokens, and compressing them invites BREACH.
    "api.middleware.ApiGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CORS on /api/ (CORS_URLS_REGEX), before anything that can answer (CommonMiddleware's redirects).
    "corsheaders.middleware.CorsMiddleware",
    # Below gzip, so its ETag is of the uncompressed body (gzip then weakens it); errors under /api/ as JSON.
    "api.middleware.ApiResponseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A Spanish browser's first visit to an English address goes to /es/... (finder/language.py).
    "finder.language.BrowserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication (it asks whether someone is logged in); does nothing without DATABASE_REPLICA_URL.
    "finder.middleware.PublicReadsFromReplicaMiddleware",
    "finder.middleware.AdminNulBytesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into a 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "finder.urls"
WSGI_APPLICATION = "finder.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "centers.context_processors.directory",
                "helpline.context_processors.roles",
                "finder.language.languages",
            ],
        },
    },
]

# SQLite file by default so the app runs with no server; PostgreSQL (psycopg 3) via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'finder.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
    )
}
# A PostgreSQL streaming replica for public pages' reads (finder/routers.py, docs/deploy.md). Unset: one database.
# In tests it mirrors the default database (Django's TEST MIRROR), so the suite runs unchanged with it set.
if os.getenv("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60")
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["finder.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default (`make run`: one process); CACHE_URL=redis://host:6379/0 (or rediss://) in production,
# shared by every app server. The search cache is correct either way: its version lives in the database
# (centers/search_cache.py). Short socket timeouts: a dead Redis makes /healthz say so and searches skip the cache,
# rather than hanging requests.
CACHE_URL = os.getenv("CACHE_URL", "")
if not CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "finder",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
elif urlsplit(CACHE_URL).scheme in ("redis", "rediss"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "finder",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    raise ImproperlyConfigured(
        "CACHE_URL must be a Redis URL, like redis://127.0.0.1:6379/0 or rediss://user:password@host:6379/0, "
        "or unset for a cache in each process's memory (see README, Configuration)."
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English at /..., Spanish at /es/... (finder/urls.py); the catalogue is locale/es/LC_MESSAGES/django.po.
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = os.getenv("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.getenv(
            "STATICFILES_BACKEND",
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

LOGIN_URL = "portal:login"
# The staff login sends each person where their work is (portal/landing.py: admin, helpline or portal);
# a safe ``next`` still wins. This is Django's fallback for any other login view.
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:login"

# Sessions live in the database so that removing a staff member can end all of theirs.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(12 * 60 * 60))  # a working day
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "False")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto and appends to X-Forwarded-For.
BEHIND_PROXY = envbool("BEHIND_PROXY", "False")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS only (README, Deploying). Off by default so that `make run` works over plain http.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "False")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "False")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "False")

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, so an
# injected <script>, onclick= or style= does nothing. Pages, the admin included, have no inline code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Maps are drawn over US state and county outlines served from static/vendor/, so a page with a map asks no other
# host for anything. A deployment may add a tile layer (an https URL with {z}/{x}/{y}, and {s} for subdomains):
# its host is then allowed to serve images, and only then.
FINDER_MAP_TILES_URL = os.getenv("FINDER_MAP_TILES_URL", "")
FINDER_MAP_TILES_ATTRIBUTION = os.getenv("FINDER_MAP_TILES_ATTRIBUTION", "")
if FINDER_MAP_TILES_URL:
    _tiles = urlsplit(FINDER_MAP_TILES_URL.replace("{s}", "*"))
    if _tiles.scheme != "https" or not _tiles.hostname:
        raise ImproperlyConfigured(
            "FINDER_MAP_TILES_URL must be an https URL, like https://tiles.example/{z}/{x}/{y}.png"
        )
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"https://{_tiles.netloc}")

# The public APIs under /api/ (README, "API"): Finder's JSON search API and the HSDS open data API.
# Any website may read them from a browser; nobody is logged in through them (no cookies, no credentials).
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-encoding", "if-none-match", "if-modified-since", "user-agent"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
# Requests per client address to every /api/ URL, counted in the shared cache (CACHE_URL): "120/min" is two a
# second, ample for a helpline's system polling a few searches; bulk copies should use the HSDS data package.
# A number and s, min, hour or day; "" for no limit.
FINDER_API_RATE = os.getenv("FINDER_API_RATE", "120/min")
if FINDER_API_RATE and not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", FINDER_API_RATE):
    raise ImproperlyConfigured('FINDER_API_RATE must be a number of requests per s, min, hour or day, like "120/min".')
REST_FRAMEWORK = {
    # Public and read-only: no sessions or cookies are read, so responses never vary by visitor.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    # The client address is REMOTE_ADDR, set by TrustedProxyMiddleware; a client's own X-Forwarded-For is ignored.
    "NUM_PROXIES": 0,
    # ?format= is not ours to take: JSON is the only format.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Finder API",
    "DESCRIPTION": "Search Finder's directory of addiction treatment facilities: the search page's search, in JSON. "
    "Open data in Open Referral's HSDS 3.1 is under /api/hsds/ (described by Open Referral's own OpenAPI).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["api.schema.only_finder_endpoints"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.empty_means_not_given"],
}

# Login throttling (django-axes): after 5 failures for a username from one address, wait 30 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "30"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Production names its email backend. The console backend would print callers' addresses and
# invitation links into the server log; chosen explicitly it is allowed, and pages say nothing was sent.
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "")
if not EMAIL_BACKEND:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set the EMAIL_BACKEND environment variable, e.g. django.core.mail.backends.smtp.EmailBackend "
            "(see README, Configuration). With DEBUG=True the console backend is the default."
        )
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Finder <noreply@finder.example>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
}

# Finder
# A street-address geocoder is off by default: a family's search should not leave this server.
# The ZIP gazetteer's prebuilt index (centers/gazetteer_file.py), rebuilt when missing or stale; "" keeps it in
# memory only. `manage.py build_place_index` writes it ahead of time, e.g. when building a read-only image.
FINDER_PLACE_INDEX = os.getenv("FINDER_PLACE_INDEX", str(BASE_DIR / "var" / "place-index.bin"))
# Set FINDER_GEOCODER to a geopy geocoder name (e.g. "nominatim") to send street addresses to it.
FINDER_GEOCODER = os.getenv("FINDER_GEOCODER", "")
FINDER_GEOCODER_USER_AGENT = os.getenv("FINDER_GEOCODER_USER_AGENT", "finder-treatment-search")
FINDER_GEOCODER_OPTIONS = {}  # extra keyword arguments for the geopy geocoder (e.g. api_key)
if os.getenv("FINDER_GEOCODER_API_KEY"):
    FINDER_GEOCODER_OPTIONS["api_key"] = os.getenv("FINDER_GEOCODER_API_KEY")
# Ten cards is a screenful or two on a phone, and the page stays fast on a slow connection;
# helpline workers scan more at once on a desk screen.
FINDER_RESULTS_PER_PAGE = envint("FINDER_RESULTS_PER_PAGE", "10")
FINDER_HELPLINE_RESULTS_PER_PAGE = envint("FINDER_HELPLINE_RESULTS_PER_PAGE", "20")
# Availability older than this shows as "unknown, call to check".
FINDER_AVAILABILITY_FRESH_HOURS = envint("FINDER_AVAILABILITY_FRESH_HOURS", "72")
# Listings not verified for this long are marked and ranked after fresher ones at equal distance.
FINDER_VERIFICATION_STALE_DAYS = envint("FINDER_VERIFICATION_STALE_DAYS", "180")
# Identical anonymous searches are served from the cache for up to this many seconds (0: never). Any write that can
# change what a search shows makes earlier entries unreachable at once (centers/search_cache.py).
FINDER_SEARCH_CACHE_SECONDS = envint("FINDER_SEARCH_CACHE_SECONDS", "60")
# Problem reports accepted per sender address per hour.
FINDER_REPORTS_PER_HOUR = envint("FINDER_REPORTS_PER_HOUR", "5")
# Referral notes are deleted this many days after they were written (manage.py purge_referral_notes).
FINDER_REFERRAL_NOTE_RETENTION_DAYS = envint("FINDER_REFERRAL_NOTE_RETENTION_DAYS", "90")
