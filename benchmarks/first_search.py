"""How long a fresh process takes to answer its first search, without anything loaded ahead of it.

    .venv/bin/python benchmarks/first_search.py                   # this checkout
    .venv/bin/python benchmarks/first_search.py --compare /tmp/old  # another checkout too, interleaved

Each run is a new Python process (benchmarks.settings, DEBUG off) on a copy of the national
database (/work/bench/national.sqlite3, or --database), which sets Django up, then times its first
``Client().get("/?location=60601")``: (a) that request alone, and (b) from the moment the process
was started (exec) to the end of that response. Nothing is preloaded: the ZIP gazetteer loads
inside the request, as in runserver, manage.py, a test, or a gunicorn worker without preload.
(c) In other fresh processes, the place data alone: ``geo.load_gazetteer()`` right after setup.
One untimed run per checkout first, so that the place index file exists (as after `make run` or
`manage.py build_place_index`) and the files are in the OS cache for both. With --compare DIR
(another checkout of Finder, e.g. `git worktree add /tmp/old main`), runs alternate between DIR and
this checkout, so load on the machine hits both alike. Prints medians; the target is 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
NATIONAL_DATABASE = Path("/work/bench/national.sqlite3")
TARGET_MS = 100.0


def child(url: str) -> None:
    """In the fresh process: set Django up, time the first request (or only the place data), print JSON."""
    sys.path.insert(0, os.getcwd())
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    if url == "places":
        from centers import geo

        started = time.perf_counter()
        geo.load_gazetteer()
        print(json.dumps({"places_ms": (time.perf_counter() - started) * 1000}))
        return
    from django.test import Client

    client = Client()
    started = time.perf_counter()
    response = client.get(url)
    finished = time.monotonic()
    request_ms = (time.perf_counter() - started) * 1000
    print(json.dumps({"status": response.status_code, "request_ms": request_ms, "finished": finished}))


def _run(code: Path, database: Path, url: str) -> dict:
    env = {**os.environ, "BENCH_DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DATABASE_URL", None)
    command = [str(ROOT / ".venv" / "bin" / "python"), str(Path(__file__).resolve()), "--child", url]
    started = time.monotonic()  # CLOCK_MONOTONIC is one clock for every process on the machine
    output = subprocess.run(command, cwd=code, env=env, check=True, capture_output=True, text=True).stdout
    measured = json.loads(output.strip().splitlines()[-1])
    if url == "places":
        return measured
    if measured["status"] != 200:
        raise SystemExit(f"{url} answered {measured['status']} in {code}")
    return {"request_ms": measured["request_ms"], "exec_ms": (measured["finished"] - started) * 1000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--database", type=Path, default=NATIONAL_DATABASE)
    parser.add_argument("--url", default="/?location=60601")
    parser.add_argument("--compare", type=Path, metavar="DIR", help="another checkout to time alongside this one")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    if not args.database.exists():
        print(f"first_search: {args.database} is not here; nothing to measure.")
        return 0
    codes = {"old": args.compare.resolve(), "new": ROOT} if args.compare else {"this": ROOT}
    with tempfile.TemporaryDirectory(prefix="finder-first-search-") as scratch:
        database = Path(scratch) / "national.sqlite3"
        shutil.copyfile(args.database, database)  # the original is read-only; SQLite may write beside it
        print(f"{args.url} on {args.database.name}, {args.runs} fresh processes each; load {os.getloadavg()[0]:.2f}")
        for code in codes.values():
            _run(code, database, args.url)  # untimed: builds a missing place index, warms the OS cache
        timings: dict[str, list[dict]] = {label: [] for label in codes}
        for _ in range(args.runs):
            for label, code in codes.items():
                timings[label].append({**_run(code, database, args.url), **_run(code, database, "places")})
        for label, runs in timings.items():
            request, to_response = median(r["request_ms"] for r in runs), median(r["exec_ms"] for r in runs)
            places = median(r["places_ms"] for r in runs)
            verdict = "meets" if request <= TARGET_MS else "MISSES"
            print(
                f"{label:5} first request {request:7.1f} ms (min {min(r['request_ms'] for r in runs):.1f}), "
                f"exec to response {to_response:7.1f} ms, place data alone {places:6.1f} ms "
                f"(medians; {verdict} the {TARGET_MS:.0f} ms target)"
            )
        print(f"load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
