"""Real HTTP load: gunicorn (gunicorn.conf.py) on a benchmark database, and a small load generator.

The load generator runs on the same machine as the server (there is only one), in this process:
``connections`` threads, each sending one request at a time over its own connection (gunicorn's
sync workers close the connection after each response, so every request opens a new one). Its
own CPU use is reported, since it competes with the server for the cores.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.measure import children_of, cpu_snapshot, cpu_usage, percentile

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 30) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@contextmanager
def gunicorn(database_url: str, *, workers: int, logdir: Path, settings: str = "benchmarks.settings", env=None):
    """gunicorn with gunicorn.conf.py (preload, timeouts, access log) on ``database_url``; yields (port, pid)."""
    port = free_port()
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": settings,
        "BENCH_DATABASE_URL": database_url,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        **(env or {}),
    }
    if workers:
        environment["WEB_CONCURRENCY"] = str(workers)
    logdir.mkdir(parents=True, exist_ok=True)
    access, errors = logdir / "gunicorn-access.log", logdir / "gunicorn-error.log"
    command = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "finder.wsgi"]
    with open(access, "wb") as out, open(errors, "wb") as err:
        server = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=out, stderr=err)
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{errors.read_text()[-3000:]}")
            try:
                if get(port, "/healthz", timeout=5) in (200, 404, 503):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 90 s:\n{errors.read_text()[-3000:]}")
            time.sleep(0.2)
        yield port, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def hammer(port: int, paths: list[tuple[str, int]], *, seconds: float, connections: int, server_pid: int) -> dict:
    """GET the (path, expected status) pairs round-robin for ``seconds`` over ``connections`` threads."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def client(offset: int) -> None:
        mine, failures = [], []
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        index = offset
        while not stop.is_set():
            path, expected = paths[index % len(paths)]
            index += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                failures.append(f"{path}: {type(error).__name__}: {error}")
                connection.close()
                continue
            if status != expected:
                failures.append(f"{path}: HTTP {status}, expected {expected}")
            mine.append(time.perf_counter() - started)
            if response.will_close:
                connection.close()
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failures)

    threads = [threading.Thread(target=client, args=(n * len(paths) // connections,)) for n in range(connections)]
    server = children_of(server_pid)
    before = cpu_snapshot(server)
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cpu = cpu_usage(before, cpu_snapshot(server))
    done = len(latencies)
    return {
        "requests": done,
        "errors": len(errors),
        "error_samples": errors[:5],
        "seconds": round(elapsed, 2),
        "rps": done / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000 if latencies else None,
        "p95_ms": percentile(latencies, 0.95) * 1000 if latencies else None,
        "p99_ms": percentile(latencies, 0.99) * 1000 if latencies else None,
        "load_generator_cores": cpu.get("this_process_cores"),
        "server_cores": round(cpu["our_cores"] - cpu["this_process_cores"], 2) if cpu else None,
        "other_cores": cpu.get("other_cores"),
    }


def measure(database_url: str, kinds: dict[str, list[tuple[str, int]]], *, seconds: float, workers: int,
            connections: int, logdir: Path, env: dict | None = None) -> dict:  # fmt: skip
    """Throughput of each kind of page under load, one kind at a time, after a short warm-up."""
    results = {"workers": workers, "connections": connections}
    with gunicorn(database_url, workers=workers, logdir=logdir, env=env) as (port, pid):
        for kind, paths in kinds.items():
            hammer(port, paths, seconds=min(2.0, seconds / 2), connections=connections, server_pid=pid)  # warm-up
            results[kind] = hammer(port, paths, seconds=seconds, connections=connections, server_pid=pid)
            r = results[kind]
            print(
                f"    HTTP {kind}: {r['rps']:.0f} req/s, p50 {r['p50_ms'] or 0:.1f} ms, p95 {r['p95_ms'] or 0:.1f} ms, "
                f"{r['errors']} errors (load generator {r['load_generator_cores']} cores, server "
                f"{r['server_cores']}, other {r['other_cores']})",
                file=sys.stderr,
                flush=True,
            )
    return results
