import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finder.settings")
application = get_wsgi_application()

# Read the ZIP gazetteer's place index (a few ms) as each worker starts. It matters only when the index
# file is missing or stale (a new release, a new `zipcodes`): then this process builds and writes it
# (about 1.5 s), rather than a family's first search. runserver and gunicorn import this module.
from centers import geo  # noqa: E402

geo.load_gazetteer()
