"""A throwaway Redis server for the tests that need one (the shared cache, two app servers).

Debian's ``redis-server`` on 127.0.0.1, on a free port, with no persistence, in a temp dir that is removed
afterwards. Without the binary these tests skip, or fail when FINDER_REQUIRE_REDIS=1 (as in CI).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager

import pytest

REDIS_SERVER = os.environ.get("REDIS_SERVER", "/usr/bin/redis-server")


def redis_required() -> bool:
    return os.environ.get("FINDER_REQUIRE_REDIS", "") == "1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextmanager
def redis_server():
    """Yield the URL of a fresh, empty Redis server; stop it afterwards."""
    if not (shutil.which(REDIS_SERVER) or os.access(REDIS_SERVER, os.X_OK)):
        reason = f"redis-server not found at {REDIS_SERVER} (apt-get install redis-server)"
        if redis_required():
            pytest.fail(f"{reason}; FINDER_REQUIRE_REDIS=1, so this is a failure, not a skip", pytrace=False)
        pytest.skip(reason)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="finder-redis-") as directory:
        process = subprocess.Popen(
            [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
            + ["--dir", directory, "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while not _answers(port):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port}", pytrace=False)
                time.sleep(0.02)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)
