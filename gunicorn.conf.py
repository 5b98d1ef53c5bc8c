"""gunicorn settings for Finder; `gunicorn finder.wsgi` reads this file from the working directory.

Environment: GUNICORN_BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers; default 2 x cores + 1).
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
# Load the app (the place index and the warm-up in finder/wsgi.py) once, before the workers
# fork, so no worker pays for it on a family's first search.
preload_app = True
timeout = 30
graceful_timeout = 30
keepalive = 5
accesslog = "-"
# Searches are private (a ZIP code, a type of care): log the path without its query string (%(U)s), never
# the request line (%(r)s) or the query (%(q)s), nor the referrer, which carries the previous page's query.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'


def pre_fork(server, worker):
    # Everything the preloaded app made (settings, URL patterns, templates, the place index) lives as long as the
    # process: keep it out of the workers' garbage collections, which then scan only what a request makes, and
    # leave its memory pages shared between the workers (copy-on-write) instead of touched by the collector.
    gc.freeze()
