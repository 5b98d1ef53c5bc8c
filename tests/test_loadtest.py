"""`make loadtest`'s traffic (benchmarks/loadtest.py, benchmarks/locustfile.py): a short run must see no errors.

The mixed run needs PostgreSQL (gunicorn and locust in their own processes, on the test database), so it
is skipped on SQLite; the PostgreSQL pass of `make test` runs it, and so does CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_loadtest(*options: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict]:
    figures = tmp_path / "loadtest.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the load test's processes use benchmarks.settings
    command = [sys.executable, "-m", "benchmarks.loadtest", "--json", str(figures), *options]
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    return completed, json.loads(figures.read_text()) if figures.exists() else {}


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the load test runs on PostgreSQL"
)
# transaction=True: gunicorn, in other processes, must see the data; serialized_rollback=True: the flush
# afterwards empties every table, and this puts back what migrations created (services, helpline groups).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_seconds_of_mixed_traffic_have_no_errors(tmp_path):
    test_database = connection.settings_dict["NAME"]
    url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{test_database}"))
    options = ["--database-url", url, "--data", "demo", "--demo-count", "300", "--users", "20", "--seconds", "10"]
    completed, figures = run_loadtest(*options, tmp_path=tmp_path)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert figures["errors"] == 0, output
    names = {row["name"] for row in figures["requests"] if row["count"]}
    assert {"family: search", "helpline: log in", "admissions: log in"} <= names, output


class Failing(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, *args):
        pass


def test_the_load_test_fails_when_the_server_answers_500(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps(
            {
                "password": "x",
                "accounts": {"helpline": [["h", None]], "admissions": [["a", 1]]},
                "searches": ["location=60601"],
                "detail_paths": ["/facility/1/x/"],
                "guide_paths": ["/understanding-care/"],
            }
        )
    )
    host = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        completed, figures = run_loadtest("--host", host, "--plan", str(plan), "--users", "3", "--seconds", "3",
                                          tmp_path=tmp_path)  # fmt: skip
    finally:
        server.shutdown()
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert figures["errors"] > 0
    assert "LOAD TEST FAILED" in completed.stdout
