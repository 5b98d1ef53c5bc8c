"""`make bench-places`: does a search from a lat,lng cost about what a ZIP search does?

Times full Django requests (django.test.Client, DEBUG off, benchmarks.settings) on a fresh
database holding the real national file from ../shared/data when it is present (else, or with
--data demo, the app's own demo data): a lat,lng outside the United States
(issue 7: it used to take 17-33 s), a ZIP search, and lat,lng searches inside the US. The
gazetteer is loaded first, as finder/wsgi.py does when a worker starts; its load time is reported.
The target is that the lat,lng outside the US costs no more than 2x the ZIP search.

SQLite in a temporary file by default; set BENCH_DATABASE_URL to use another database (the
benchmark migrates it and replaces its demo facilities). On a throwaway PostgreSQL cluster:
    scripts/with-postgres sh -c 'BENCH_DATABASE_URL=$DATABASE_URL .venv/bin/python benchmarks/place_lookup.py'
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
ZIP_SEARCH = "/?location=30303&radius=100"
SEARCHES = {
    "lat,lng outside the US": "/?location=33.7,84.3&radius=100",
    "ZIP search": ZIP_SEARCH,
    "lat,lng in Atlanta": "/?location=33.75,-84.39&radius=100",
    "lat,lng in Nevada, no results": "/?location=40.0,-117.0&radius=5",
    "lat,lng on Adak (AK), whole state": "/?location=51.88,-176.66&radius=state",
}
TARGET_RATIO = 2.0
NATIONAL_FILE = ROOT.parent / "shared" / "data" / "findtreatment-export-nssats-2015.csv"


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["BENCH_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()


def time_requests(client, repeats: int) -> dict[str, list[float]]:
    """Milliseconds per request, each search in turn (interleaved, so load on the machine hits all alike)."""
    times: dict[str, list[float]] = {name: [] for name in SEARCHES}
    for _ in range(repeats):
        for name, url in SEARCHES.items():
            started = time.perf_counter()
            response = client.get(url)
            times[name].append((time.perf_counter() - started) * 1000)
            if response.status_code >= 500:
                raise SystemExit(f"{url} answered {response.status_code}")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--data",
        choices=["national", "demo"],
        default="national" if NATIONAL_FILE.exists() else "demo",
        help="the real national file from ../shared/data (the default when present) or generated demo data",
    )
    parser.add_argument("--facilities", type=int, default=2000, help="demo facilities (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=30, help="timed requests per search (default: %(default)s)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as directory:
        setup_django(os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{directory}/bench.sqlite3")
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from centers import demo, geo

        started = time.perf_counter()
        geo.load_gazetteer()
        load_seconds = time.perf_counter() - started
        call_command("migrate", verbosity=0)
        if args.data == "national":
            from centers.importers import import_samhsa_file

            facilities = import_samhsa_file(NATIONAL_FILE).created
            described = f"the national file ({facilities:,} facilities)"
        else:
            demo.load_demo(args.facilities)
            described = f"{args.facilities} demo facilities"

        client = Client()
        statuses = {name: client.get(url).status_code for name, url in SEARCHES.items()}  # warm up
        times = time_requests(client, args.repeats)
        connection.close()

    medians = {name: median(values) for name, values in times.items()}
    zip_median = medians["ZIP search"]
    print(f"Gazetteer and index loaded in {load_seconds:.2f} s (once per process, at start-up).")
    print(f"{connection.vendor}, {described}, median of {args.repeats} requests each:")
    for name, url in SEARCHES.items():
        ratio = medians[name] / zip_median
        print(f"  {name:36} {medians[name]:8.1f} ms  {ratio:5.2f}x ZIP  (status {statuses[name]})  {url}")
    ratio = medians["lat,lng outside the US"] / zip_median
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"lat,lng outside the US costs {ratio:.2f}x a ZIP search: {verdict} the target of {TARGET_RATIO:.0f}x.")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
