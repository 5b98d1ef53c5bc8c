"""Serving: the per-page demo question, the health check, and gunicorn's settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from centers.models import Facility

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_the_demo_banner_question_is_answered_from_an_index():
    query = Facility.objects.demo().filter(is_listed=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # an empty test table: ask whether an index *can* answer
    plan = query.explain()
    assert "facility_source_listed" in plan, plan


@pytest.mark.django_db
def test_healthz_says_the_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_healthz_names_a_cache_that_keeps_nothing_but_stays_200_since_searches_work_without_it(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "unavailable (searches are made without it)"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_with_its_config_and_logs_no_query_strings(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "finder.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serving.sqlite3'}",
        "SECRET_KEY": "serving-test-key",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DEBUG": "False",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "finder.wsgi"], cwd=ROOT, env=env, stdout=output, stderr=output
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?zip=30303&care=detox") as response:
                        assert response.status == 200
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise AssertionError(log.read_text()) from None
                    time.sleep(0.25)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log.read_text()
    assert '"GET /healthz" 200' in text, text
    assert "30303" not in text and "detox" not in text
