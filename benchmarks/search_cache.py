"""The search cache: a 30-ZIP mix of searches with filters, uncached, and from the cache (local memory, Redis).

    cp /work/bench/national.sqlite3 /tmp/national.sqlite3   # never write to the shared copy
    BENCH_DATABASE_URL=sqlite:////tmp/national.sqlite3 .venv/bin/python benchmarks/search_cache.py

Migrates the copy (the search version's table), then times every search through the full Django stack
(django.test.Client, DEBUG off, as an anonymous visitor) in five ways, interleaved search by search so a busy
machine slows them all alike: uncached; a miss and a hit in local memory; a miss and a hit in Redis (a throwaway
redis-server on loopback). A miss is timed right after the cache is emptied, so it includes storing the page.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from statistics import median, quantiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

ZIPS = [
    "60601", "10001", "90012", "77002", "85004", "19103", "78205", "92101", "75201", "95113",
    "78701", "32202", "43215", "76102", "28202", "46204", "98101", "80202", "20001", "02108",
    "37203", "48226", "73102", "97204", "89101", "38103", "40202", "21202", "53202", "87102",
]  # fmt: skip


def searches() -> list[dict]:
    from centers.vocabulary import LevelOfCare, Medication, Payment

    extras = [{}, {"level": LevelOfCare.OUTPATIENT}, {"payment": list(Payment)[0]}, {"medication": list(Medication)[0]}]
    extras += [{"level": LevelOfCare.INTENSIVE_OUTPATIENT, "radius": "50"}, {"accepting": "on"}]
    return [{"location": zip_code, **extras[number % len(extras)]} for number, zip_code in enumerate(ZIPS)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=5, help="timed passes over the 30 searches")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client

    from centers import search_cache
    from tests.redis_server import redis_server

    call_command("migrate", verbosity=0)
    with redis_server() as redis_url:
        settings.CACHES["redis"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
        stores = {"local memory": caches["default"], "Redis": caches["redis"]}
        client = Client()
        mix = searches()
        empty = set()  # searches that find nothing: each one, cached or not, still records a search gap (a write)
        for number, params in enumerate(mix):  # warm up: the gazetteer, templates, connections
            response = client.get("/", params)
            assert response.status_code == 200, params
            if b"No facilities match this search" in response.content:
                empty.add(number)
        times: dict[str, list[float]] = {}
        found: dict[str, list[float]] = {}

        def timed(label: str, number: int) -> None:
            started = time.perf_counter()
            response = client.get("/", mix[number])
            elapsed = (time.perf_counter() - started) * 1000
            times.setdefault(label, []).append(elapsed)
            if number not in empty:
                found.setdefault(label, []).append(elapsed)
            assert response.status_code == 200

        for _ in range(args.passes):
            for number in range(len(mix)):
                settings.FINDER_SEARCH_CACHE_SECONDS = 0
                timed("uncached", number)
                settings.FINDER_SEARCH_CACHE_SECONDS = 60
                for name, store in stores.items():
                    search_cache.cache = store  # this benchmark only: both stores in one process
                    store.clear()
                    timed(f"{name}, miss", number)
                    timed(f"{name}, hit", number)
    print(f"{len(mix)} searches x {args.passes} passes, national file, SQLite; milliseconds per request")
    print(f"{len(empty)} of the searches find nothing; the right-hand columns leave them out")
    print(f"{'':22} {'p50':>7} {'p95':>7}   {'p50':>7} {'p95':>7}")
    for label, values in times.items():
        print(
            f"{label:22} {median(values):7.2f} {quantiles(values, n=20)[-1]:7.2f}   "
            f"{median(found[label]):7.2f} {quantiles(found[label], n=20)[-1]:7.2f}"
        )
    print(f"load average while measuring: {os.getloadavg()}")


if __name__ == "__main__":
    main()
