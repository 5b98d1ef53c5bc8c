"""The Django side of `make bench`: one database, one job, in its own process.

benchmarks/run.py starts it as ``python -m benchmarks.worker JOB --out result.json ...`` with
BENCH_DATABASE_URL pointing at a database that run.py made (and drops afterwards). Progress goes
to stderr; results go to the ``--out`` JSON file. Jobs:

- ``load``: migrate, then generate ``--count`` facilities (population-weighted ZIP codes);
- ``import``: migrate, then time ``import_samhsa_file(--file)`` (the database is kept for ``search``);
- ``search``: time the 30-search mix (benchmarks/mix.py) and the two floors, in process;
- ``first-search``: a fresh process's first search, as a preloaded gunicorn worker sees it;
- ``export-file``: write a FindTreatment.gov-layout CSV of generated facilities.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from statistics import median
from unittest import mock
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
LEADING_COLUMNS = (
    "name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "county", "phone",
    "intake_prompt", "intake1", "intake2", "website", "latitude", "longitude", "type_facility",
)  # fmt: skip
DETAIL_PAGES = 60  # facilities whose detail pages the HTTP load requests


def say(message: str) -> None:
    print(f"    {message}", file=sys.stderr, flush=True)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()


def migrate() -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    return time.perf_counter() - started


def database_info() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("select sqlite_version()" if connection.vendor == "sqlite" else "show server_version")
        version = cursor.fetchone()[0].split()[0]
    return {
        "vendor": connection.vendor,
        "version": version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


def vacuum_analyze() -> None:
    """What autovacuum does soon after a bulk load (statistics, the visibility map for index-only scans)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


@contextmanager
def population_weighted_zips():
    """Make centers.demo draw ZIP codes like the population instead of uniformly."""
    from benchmarks import population
    from centers import geo

    places = population.weighted_places()
    with mock.patch.object(geo, "residential_zip_places", lambda: places):
        yield


def run_query(query_string: str) -> int:
    """What the search view asks of the database, without rendering: the count and the page's rows."""
    from django.conf import settings
    from django.core.paginator import InvalidPage, Paginator
    from django.http import QueryDict

    from centers.filters import FacilityFilter
    from centers.models import Facility

    data = QueryDict(query_string)
    filterset = FacilityFilter(data, queryset=Facility.objects.listed().for_cards())
    if not filterset.is_valid():
        raise AssertionError(f"invalid search {query_string}: {filterset.errors}")
    paginator = Paginator(filterset.qs, settings.FINDER_RESULTS_PER_PAGE)
    try:
        list(paginator.page(data.get("page") or 1).object_list)
    except InvalidPage:
        pass
    if paginator.count == 0:
        filterset.next_radius()
        filterset.fewer_filters()
    return paginator.count


# Jobs ----------------------------------------------------------------------------------------


def job_load(args) -> dict:
    from centers.demo import load_demo

    result = {"job": "load", "facilities": args.count, **database_info()}
    result["migrate_s"] = migrate()
    say(f"migrated in {result['migrate_s']:.1f} s; generating {args.count:,} facilities")
    started = time.perf_counter()
    with population_weighted_zips():
        load_demo(count=args.count, seed=args.seed)
    vacuum_analyze()
    result["load_s"] = time.perf_counter() - started
    say(f"loaded in {result['load_s']:.1f} s")
    return result


def job_import(args) -> dict:
    from centers.importers import import_samhsa_file

    result = {"job": "import", "file": args.file, **database_info()}
    result["migrate_s"] = migrate()
    started = time.perf_counter()
    outcome = import_samhsa_file(args.file)
    result["import_s"] = time.perf_counter() - started
    result.update(
        rows=outcome.rows, created=outcome.created, rejected=len(outcome.rejected), duplicates=len(outcome.duplicates)
    )
    say(f"imported {outcome.rows:,} rows ({outcome.created:,} created) in {result['import_s']:.1f} s")
    return result


def job_search(args) -> dict:
    from django.conf import settings
    from django.test import Client

    from benchmarks import mix
    from benchmarks.measure import cpu_snapshot, cpu_usage, summary
    from benchmarks.search_diagnostics import breakdown, diagnose
    from centers.models import Facility

    vacuum_analyze()
    facilities = Facility.objects.listed().count()
    result = {"job": "search", "dataset": args.dataset, "facilities": facilities, **database_info()}
    queries = mix.query_strings()
    client = Client()
    expected: dict[str, int] = {}

    def page(query: str) -> None:
        status = client.get("/?" + query).status_code
        if status != expected.setdefault(query, status):
            raise AssertionError(f"/?{query} answered {status}, earlier {expected[query]}")

    def trivial(_query: str) -> None:
        client.get("/bench/trivial/")

    def base(_query: str) -> None:
        client.get("/bench/base/")

    say(f"{facilities:,} listed facilities; warming up")
    for query in queries:
        page(query)
        results = run_query(query)
        # 200, or 400 for a page 2 of a search with a single page (too few results in a small data set)
        first_page = parse_qs(query).get("page", ["1"])[0] == "1"
        allowed = {200} if first_page or results > settings.FINDER_RESULTS_PER_PAGE else {400}
        if expected[query] not in allowed:
            raise AssertionError(f"/?{query} answered {expected[query]} with {results} results")
        trivial(query)
        base(query)

    measured = {"page": page, "query": run_query, "base": base, "trivial": trivial}
    times: dict[str, list[list[float]]] = {kind: [[] for _ in queries] for kind in [*measured, "page_cpu"]}
    before = cpu_snapshot()
    # Interleaved: each search's page, query and floors run back to back, so a burst of load from
    # other processes hits them alike. Wall clock is the figure; this thread's CPU time is kept too.
    for _ in range(args.repeats):
        gc.collect()
        for index, query in enumerate(queries):
            for kind, function in measured.items():
                cpu_started = time.thread_time()
                started = time.perf_counter()
                function(query)
                times[kind][index].append(time.perf_counter() - started)
                if kind == "page":
                    times["page_cpu"][index].append(time.thread_time() - cpu_started)
    result["cpu"] = cpu_usage(before, cpu_snapshot())
    say(f"{args.repeats} passes timed (other load {result['cpu'].get('other_cores', '?')} cores)")
    per_search = {kind: [median(samples) for samples in lists] for kind, lists in times.items()}
    for kind in times:
        result[kind] = summary(per_search[kind])
        result[kind]["per_search_ms"] = [round(value * 1000, 3) for value in per_search[kind]]
        result[kind]["all_ms"] = summary([value for lists in times[kind] for value in lists])
    result["queries"] = queries
    result["expected_status"] = expected
    result.update(breakdown(client, queries, passes=max(1, min(3, args.repeats))))
    result.update(diagnose(queries, run_query))
    listed = list(Facility.objects.listed().order_by("pk").values_list("pk", flat=True))
    step = max(1, len(listed) // DETAIL_PAGES)
    result["detail_paths"] = [
        facility.get_absolute_url() for facility in Facility.objects.filter(pk__in=listed[::step][:DETAIL_PAGES])
    ]
    return result


def job_first_search(args) -> dict:
    """As a gunicorn worker with preload_app sees it: the WSGI app (gazetteer, warm-up) loaded, then searches
    through that same application object, as gunicorn calls it (not the test client, which builds its own)."""
    from io import BytesIO

    started = time.perf_counter()
    from finder.wsgi import application  # django.setup(), the gazetteer and the warm-up, as preload does

    ready = time.perf_counter()
    from benchmarks import mix

    def get(query: str) -> str:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": BytesIO(),
            "wsgi.errors": sys.stderr,
        }  # fmt: skip
        statuses = []
        b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        return statuses[0]

    queries = mix.query_strings()
    timings = []
    # The first and a different second search: the response cache must not serve either.
    for query in [queries[0], queries[3], queries[5]]:
        request_started = time.perf_counter()
        status = get(query)
        timings.append(time.perf_counter() - request_started)
        if not status.startswith("200"):
            raise AssertionError(f"/?{query} answered {status}")
    return {
        "job": "first-search",
        "app_load_ms": (ready - started) * 1000,
        "first_ms": timings[0] * 1000,
        "second_ms": timings[1] * 1000,
        "third_ms": timings[2] * 1000,
    }


def job_export_file(args) -> dict:
    """A FindTreatment.gov-layout CSV of ``count`` generated facilities (no database needed)."""
    from centers.demo import build_facilities

    with population_weighted_zips():
        built = build_facilities(args.count, seed=args.seed)
    codes = sorted({code for _, facility_codes, _ in built for code in facility_codes})
    with open(args.file, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*LEADING_COLUMNS, *(code.lower() for code in codes)])
        for facility, facility_codes, _ in built:
            writer.writerow(
                [
                    facility.name, facility.name2, facility.street1, facility.street2, facility.city,
                    facility.state, facility.zip_code, "", facility.county, facility.phone,
                    "Intake" if facility.intake_phone else "", facility.intake_phone, "", facility.website,
                    facility.latitude, facility.longitude, facility.facility_type,
                    *("1" if code in facility_codes else "0" for code in codes),
                ]
            )  # fmt: skip
    return {"job": "export-file", "file": args.file, "rows": len(built), "columns": len(LEADING_COLUMNS) + len(codes)}


JOBS = {
    "load": job_load,
    "import": job_import,
    "search": job_search,
    "first-search": job_first_search,
    "export-file": job_export_file,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("job", choices=list(JOBS))
    parser.add_argument("--out", required=True, help="where to write the JSON result")
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--dataset", default="")
    parser.add_argument("--file")
    args = parser.parse_args(argv)
    if args.job == "first-search":  # finder.wsgi sets Django up itself, as gunicorn does
        sys.path.insert(0, str(ROOT))
        os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    else:
        setup_django()
    result = JOBS[args.job](args)
    Path(args.out).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
