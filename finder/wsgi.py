import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finder.settings")
application = get_wsgi_application()

# Load the ZIP gazetteer and its index (about 1.5 s) as each worker starts, not during a family's
# first search. runserver and gunicorn both import this module; manage.py commands and tests do not.
from centers import geo  # noqa: E402

geo.load_gazetteer()
