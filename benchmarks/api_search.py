"""The JSON search API: p50/p95 of /api/v1/facilities/ over the page benchmark's 30-ZIP mix (benchmarks/mix.py),
through the full Django stack (DEBUG off): uncached, and answered from its cache (api/cache.py, local memory);
interleaved search by search with the same search on the search page (uncached), so a busy machine slows all alike.

    cp /work/bench/national.sqlite3 /tmp/national.sqlite3   # never write to the shared copy
    BENCH_DATABASE_URL=sqlite:////tmp/national.sqlite3 .venv/bin/python benchmarks/api_search.py
    scripts/with-postgres .venv/bin/python benchmarks/api_search.py \
        --import ../shared/data/findtreatment-export-nssats-2015.csv

Migrates the database first; --import loads the file if the database has no facilities (a fresh PostgreSQL).
The rate limit stays on (its counting is part of every request's cost), each request from its own address so
none is refused. Responses are uncompressed, as the target is the server's time to answer.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

from benchmarks.measure import percentile  # noqa: E402
from benchmarks.mix import query_strings  # noqa: E402

TARGET_P95_MS = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=10, help="timed passes over the 30 searches")
    parser.add_argument("--import", dest="import_file", help="import this SAMHSA export into an empty database first")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from centers.models import Facility

    call_command("migrate", verbosity=0)
    if args.import_file and not Facility.objects.exists():
        started = time.perf_counter()
        call_command("import_samhsa", args.import_file, verbosity=0)
        print(f"imported {args.import_file} in {time.perf_counter() - started:.0f} s")
    settings.FINDER_API_RATE = "1000000/min"
    client = Client()
    queries = query_strings()
    surfaces = {"JSON API": "/api/v1/facilities/?", "search page": "/?"}
    requests = 0

    def get(url: str):
        nonlocal requests
        requests += 1
        address = f"10.{requests // 65536 % 256}.{requests // 256 % 256}.{requests % 256}"
        return client.get(url, REMOTE_ADDR=address)

    found = []
    for query in queries:  # warm up: the gazetteer, templates, connections; and check every search answers
        for label, prefix in surfaces.items():
            response = get(prefix + query)
            assert response.status_code == 200, (label, query, response.status_code, response.content[:300])
        found.append(get(surfaces["JSON API"] + query).json()["count"])
    times: dict[str, list[float]] = {}

    def timed(label: str, url: str) -> None:
        started = time.perf_counter()
        response = get(url)
        times.setdefault(label, []).append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200

    load_before = os.getloadavg()
    for _ in range(args.passes):
        for query in queries:
            settings.FINDER_SEARCH_CACHE_SECONDS = 0
            timed("JSON API", surfaces["JSON API"] + query)
            timed("search page", surfaces["search page"] + query)
            settings.FINDER_SEARCH_CACHE_SECONDS = 60
            cache.clear()
            timed("JSON API, miss", surfaces["JSON API"] + query)  # includes storing the entry
            timed("JSON API, hit", surfaces["JSON API"] + query)
    vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"{Facility.objects.count()} facilities, {vendor}; {len(queries)} searches x {args.passes} passes")
    print(f"results per search: median {sorted(found)[len(found) // 2]}, max {max(found)}, {found.count(0)} find none")
    print(f"{'milliseconds':16} {'p50':>7} {'p95':>7} {'max':>7}")
    for label, values in times.items():
        print(f"{label:16} {percentile(values, 0.5):7.2f} {percentile(values, 0.95):7.2f} {max(values):7.2f}")
    for label in ("JSON API", "JSON API, hit"):
        p95 = percentile(times[label], 0.95)
        verdict = "met" if p95 <= TARGET_P95_MS else "MISSED"
        print(f"target: {label} p95 <= {TARGET_P95_MS:.0f} ms: {verdict} ({p95:.2f} ms)")
    print(f"load average before and after: {load_before} {os.getloadavg()}")


if __name__ == "__main__":
    main()
