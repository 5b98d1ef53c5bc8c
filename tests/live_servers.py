"""Real servers for the tests of Finder past one server: committed PostgreSQL databases, gunicorn, an HTTP client.

pytest-django's test database lives inside a transaction nobody else can see; these tests need data that a
gunicorn process and a streaming replica see, so each makes its own database on the throwaway primary
(scripts/with-postgres), migrates it with ``manage.py migrate`` in a subprocess and drops it afterwards.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Production settings (DEBUG off) with what they refuse to start without.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "finder.settings",
    "DEBUG": "False",
    "SECRET_KEY": "live-server-tests-key-never-used-elsewhere",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "LOG_LEVEL": "WARNING",
    # No collectstatic in tests: static URLs without the manifest's hashes.
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
}
PASSWORD = "correct horse battery staple"


def _environment(**values: str) -> dict:
    """This process's environment for a server or command, without a replica unless one is given here."""
    inherited = {name: value for name, value in os.environ.items() if name != "DATABASE_REPLICA_URL"}
    return {**inherited, **SERVER_ENV, **values}


def _missing(reason: str):
    if os.environ.get("FINDER_REQUIRE_POSTGRES") == "1" and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.fail(f"{reason}; FINDER_REQUIRE_POSTGRES=1, so this is a failure, not a skip", pytrace=False)
    pytest.skip(reason)


def primary_url() -> str:
    """The throwaway primary's URL (DATABASE_URL from scripts/with-postgres); skip on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("needs PostgreSQL: run under scripts/with-postgres (the PostgreSQL pass of make test)")
    return url


def replica_url() -> str:
    """The streaming replica's URL (FINDER_TEST_REPLICA_URL from scripts/with-postgres)."""
    primary_url()
    url = os.environ.get("FINDER_TEST_REPLICA_URL", "")
    if not url:
        _missing("no streaming replica: FINDER_TEST_REPLICA_URL is not set (scripts/with-postgres starts one)")
    return url


def with_database(url: str, name: str) -> str:
    """``url`` with its database name replaced by ``name``."""
    return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()


def sql(url: str, query: str, params=()) -> list[tuple]:
    """Run one statement in autocommit on ``url`` and return its rows (none for a statement without them)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def manage(database_url: str, *args: str, **env: str) -> str:
    """Run ``manage.py ARGS`` against ``database_url`` in a fresh process; its output, or a failure showing it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_environment(DATABASE_URL=database_url, **env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args[:1])} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return result.stdout


def django_shell(database_url: str, code: str) -> str:
    """Run Python ``code`` with Django set up on ``database_url`` (``manage.py shell -c``); what it printed."""
    return manage(database_url, "shell", "-v", "0", "-c", code)


@contextmanager
def fresh_database(base_url: str, *, migrate: bool = True):
    """A new committed database on the server of ``base_url``, migrated unless told not to; dropped afterwards."""
    name = f"finder_live_{secrets.token_hex(4)}"
    sql(base_url, f'CREATE DATABASE "{name}"')
    try:
        url = with_database(base_url, name)
        if migrate:
            manage(url, "migrate", "--no-input", "-v0")
        yield url
    finally:
        sql(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_for_replay(primary: str, replica: str, timeout: float = 30) -> None:
    """Wait until the replica has replayed everything the primary had written when this was called."""
    (lsn,) = sql(primary, "SELECT pg_current_wal_lsn()::text")[0]
    deadline = time.monotonic() + timeout
    while not sql(replica, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,))[0][0]:
        if time.monotonic() > deadline:
            pytest.fail(f"the replica did not replay up to {lsn} in {timeout} s", pytrace=False)
        time.sleep(0.05)


def pg_tool(name: str) -> str:
    """A PostgreSQL client program (pg_dump, pg_restore) from the server binaries scripts/with-postgres uses."""
    bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
    bindir = Path(os.environ["PG_BINDIR"]) if os.environ.get("PG_BINDIR") else (bindirs[-1] if bindirs else None)
    if bindir is None or not (bindir / name).exists():
        _missing(f"{name} not found (apt-get install postgresql)")
    return str(bindir / name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Response:
    status: int
    text: str
    headers: dict

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is an answer to look at, not to follow


class Browser:
    """One person's HTTP client: a cookie jar shared across servers (as behind one load balancer), no redirects."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects)

    def request(self, url: str, data: dict | None = None) -> Response:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.cookie("csrftoken"), **data}).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=body), timeout=60) as response:
                return Response(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(), dict(error.headers))

    def get(self, url: str) -> Response:
        return self.request(url)

    def post(self, url: str, data: dict) -> Response:
        return self.request(url, data)

    def cookie(self, name: str) -> str:
        return next((cookie.value for cookie in self.cookies if cookie.name == name), "")

    def log_in(self, server: Server, username: str, password: str = PASSWORD) -> Response:
        self.get(server.url("/staff/login/"))  # for the CSRF cookie
        return self.post(server.url("/staff/login/"), {"username": username, "password": password})


@dataclass
class Server:
    base: str
    log: Path
    process: subprocess.Popen

    def url(self, path: str) -> str:
        return self.base + path

    def logs(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def gunicorn(database_url: str, **env: str):
    """gunicorn (gunicorn.conf.py, one worker unless WEB_CONCURRENCY says otherwise) on a free port, once
    /healthz answers; stopped afterwards. A failure inside the block shows the server's log."""
    port = free_port()
    environment = _environment(
        DATABASE_URL=database_url,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        # gunicorn 27 opens a control socket at one fixed path per user; servers side by side would share it.
        GUNICORN_CMD_ARGS="--no-control-socket",
        **env,
    )
    with tempfile.TemporaryDirectory(prefix="finder-gunicorn-") as directory:
        log = Path(directory) / "gunicorn.log"
        with log.open("w") as output:
            command = [sys.executable, "-m", "gunicorn", "finder.wsgi"]
            process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=output)
        server = Server(f"http://127.0.0.1:{port}", log, process)
        try:
            _wait_until_healthy(server)
            yield server
        except BaseException as error:
            _stop(process)
            note = f"--- gunicorn log ({server.base}) ---\n{server.logs()[-6000:]}"
            if hasattr(error, "add_note"):
                error.add_note(note)
            raise
        finally:
            _stop(process)


def _wait_until_healthy(server: Server, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(server.url("/healthz"), timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"gunicorn did not become healthy at {server.base}:\n{server.logs()[-6000:]}", pytrace=False)
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: nothing here needs a graceful one
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def facility_links(html: str) -> list[str]:
    """The facility pages a page links to, in order, once each (whatever the cards' markup)."""
    return list(dict.fromkeys(re.findall(r'href="(/facility/\d+/[^"/?]+/)[?"]', html)))
