"""Test settings: the real settings, with fast password hashing and plain static files."""

from finder.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FINDER_GEOCODER = ""
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
