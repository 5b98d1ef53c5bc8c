import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finder.settings")
application = get_wsgi_application()

# Read the ZIP gazetteer's place index (a few ms) as each worker starts. It matters only when the index
# file is missing or stale (a new release, a new `zipcodes`): then this process builds and writes it
# (about 1.5 s), rather than a family's first search. runserver and gunicorn import this module.
from centers import geo  # noqa: E402

geo.load_gazetteer()


def _warm_up() -> None:
    """Do the first-request work (URL reversing, compiling templates, the search form's markup) once, here,
    rather than on a family's first search. With gunicorn's preload this runs once, before the workers fork.

    The start page is asked for through the application itself, with a host the site accepts, as https so an
    SSL redirect does not cut it short. Its database connection is closed so no worker inherits it."""
    from io import BytesIO
    from pathlib import Path

    from django.conf import settings
    from django.db import connections
    from django.template.loader import get_template

    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "HTTP_HOST": host,
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "https",
        "wsgi.input": BytesIO(),
        "wsgi.errors": BytesIO(),
    }
    try:
        b"".join(application(environ, lambda status, headers, exc_info=None: None))
        # The result cards' and detail page's parts, which the start page does not render.
        templates = Path(settings.BASE_DIR) / "templates"
        for path in sorted(templates.glob("centers/*.html")):
            get_template(str(path.relative_to(templates)))
    finally:
        connections.close_all()


_warm_up()
