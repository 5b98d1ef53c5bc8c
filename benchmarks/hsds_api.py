"""The HSDS read API (/api/hsds/) on the national file: p50/p95 per kind of request, through the full Django stack.

SQLite, on a copy of the imported national database (never the shared file itself):

    cp /work/bench/national.sqlite3 /tmp/national.sqlite3
    BENCH_DATABASE_URL=sqlite:////tmp/national.sqlite3 .venv/bin/python benchmarks/hsds_api.py

PostgreSQL (a scratch database on scripts/with-postgres's server, the national file imported into it first):

    scripts/with-postgres .venv/bin/python benchmarks/hsds_api.py

Every kind of request is timed with the per-version service index on (production) and off (the index made
again on every request), interleaved request by request, so a busy machine slows both alike. The pages of
/services are spread over the whole listing (page 1 to the last), as a 211 paging through everything asks them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
NATIONAL_FILE = ROOT.parent / "shared" / "data" / "findtreatment-export-nssats-2015.csv"
ZIPS = ["30303", "60601", "10001", "90012", "77002", "85004", "19103", "98101", "80202", "02108"]
TARGET_P95_MS = 30.0


def requests(client, pages: int) -> dict[str, list[tuple[str, dict]]]:
    """Each kind of request, several of it."""
    last = client.get("/api/hsds/services", {"per_page": "50"}).json()["total_pages"]
    spread = sorted({1 + (last - 1) * step // (pages - 1) for step in range(pages)})
    # One service from each page: ids from all over the listing.
    found = [
        client.get("/api/hsds/services", {"per_page": "50", "page": n}).json()["contents"][0]["id"] for n in spread
    ]
    return {
        "services?per_page=50, pages 1..last": [("/api/hsds/services", {"per_page": "50", "page": n}) for n in spread],
        "services?per_page=50&full=true": [
            ("/api/hsds/services", {"per_page": "50", "page": n, "full": "true"}) for n in spread[: pages // 2]
        ],
        "services?per_page=50&minimal=true": [
            ("/api/hsds/services", {"per_page": "50", "page": n, "minimal": "true"}) for n in spread[: pages // 2]
        ],
        "service_at_locations?postcode&proximity=16 km": [
            ("/api/hsds/service_at_locations", {"postcode": z, "proximity": "16000"}) for z in ZIPS
        ],
        "organizations?per_page=50": [("/api/hsds/organizations", {"per_page": "50", "page": n}) for n in spread],
        "services/{id}": [(f"/api/hsds/services/{service_id}", {}) for service_id in found],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=5, help="timed passes over every request")
    parser.add_argument("--pages", type=int, default=12, help="pages of each paged request, spread over the listing")
    parser.add_argument("--national-file", default=str(NATIONAL_FILE))
    args = parser.parse_args()

    scratch = nullcontext(os.environ.get("BENCH_DATABASE_URL"))
    if not os.environ.get("BENCH_DATABASE_URL"):
        from benchmarks.databases import postgres_server_url, scratch_database

        if postgres_server_url() is None:
            sys.exit(
                "Set BENCH_DATABASE_URL (a copy of the national SQLite database) or run under scripts/with-postgres"
            )
        scratch = scratch_database("postgresql", Path("/tmp"), "hsds")
    with scratch as url:
        os.environ["BENCH_DATABASE_URL"] = url
        run(args)


def run(args) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from centers.models import Facility

    call_command("migrate", verbosity=0)
    if not Facility.objects.exists():
        from centers.importers import import_samhsa_file

        started = time.perf_counter()
        import_samhsa_file(Path(args.national_file))
        print(f"imported {args.national_file} in {time.perf_counter() - started:.1f} s", flush=True)
        if connection.vendor == "postgresql":
            # As autovacuum would soon after an import: without statistics the planner misjudges the IN lists.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    # The API's rate limit stays on (counting is part of every request's cost) but high enough never to refuse.
    settings.FINDER_API_RATE = "1000000/min"
    client = Client()
    mix = requests(client, args.pages)
    for kinds in mix.values():  # warm up: the gazetteer, the index, the id map, connections
        for path, params in kinds:
            assert client.get(path, params).status_code == 200, (path, params)

    times: dict[tuple[str, bool], list[float]] = {}
    for _ in range(args.passes):
        for kind, kinds in mix.items():
            for path, params in kinds:
                for cached in (True, False):
                    settings.FINDER_HSDS_CACHE_PER_VERSION = cached
                    started = time.perf_counter()
                    response = client.get(path, params)
                    elapsed = (time.perf_counter() - started) * 1000
                    assert response.status_code == 200, (path, params, response.content[:200])
                    times.setdefault((kind, cached), []).append(elapsed)
    settings.FINDER_HSDS_CACHE_PER_VERSION = True

    print(f"HSDS API, national file ({Facility.objects.listed().count()} facilities), {connection.vendor}, "
          f"{args.passes} passes; milliseconds per request (Django test client, DEBUG off)")  # fmt: skip
    print(f"{'':48} {'index per version':>19} {'index every request':>21}")
    print(f"{'':48} {'p50':>9} {'p95':>9} {'p50':>10} {'p95':>10}")
    for kind in mix:
        cached, uncached = times[kind, True], times[kind, False]
        print(f"{kind:48} {median(cached):9.2f} {p95(cached):9.2f} {median(uncached):10.2f} {p95(uncached):10.2f}")
    paged = times["services?per_page=50, pages 1..last", True]
    verdict = "met" if p95(paged) <= TARGET_P95_MS else "MISSED"
    print(f"target: /api/hsds/services?per_page=50 p95 <= {TARGET_P95_MS:.0f} ms: {verdict} ({p95(paged):.2f} ms)")
    print(f"load average while measuring: {os.getloadavg()}")


def p95(values: list[float]) -> float:
    from benchmarks.measure import percentile

    return percentile(values, 0.95)


if __name__ == "__main__":
    main()
