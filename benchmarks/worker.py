"""The Django side of `make bench`: one database, one job, in its own process.

benchmarks/run.py starts it as ``python -m benchmarks.worker JOB --out result.json ...`` with
BENCH_DATABASE_URL (or, with ``--scratch``, DATABASE_URL of a server on which it makes and drops
its own database). Progress goes to stderr; results go to the ``--out`` JSON file.
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
import uuid
from contextlib import contextmanager
from pathlib import Path
from statistics import median
from unittest import mock
from urllib.parse import parse_qs, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
FILTERS = [("level", "intensive-outpatient"), ("level", "outpatient"), ("payment", "medicaid")]
LEADING_COLUMNS = (
    "name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "county", "phone",
    "intake_prompt", "intake1", "intake2", "website", "latitude", "longitude", "type_facility",
)  # fmt: skip


def say(message: str) -> None:
    print(f"    {message}", file=sys.stderr, flush=True)


# Database set-up -----------------------------------------------------------------------------


def make_scratch_database() -> str:
    """Create an empty database next to DATABASE_URL's and return its URL (PostgreSQL only)."""
    import psycopg

    server_url = os.environ["DATABASE_URL"]
    name = f"finder_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_scratch_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        version = cursor.fetchone()[0].split()[0]
    return {
        "vendor": connection.vendor,
        "version": version,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
    }


@contextmanager
def population_weighted_zips():
    """Make centers.demo draw ZIP codes like the population instead of uniformly."""
    from benchmarks import population
    from centers import geo

    places = population.weighted_places()
    with mock.patch.object(geo, "residential_zip_places", lambda: places):
        yield


# Measuring ------------------------------------------------------------------------------------


def cpu_snapshot() -> dict:
    """Jiffies: the whole machine's busy and total, and ours (this process and any PostgreSQL server)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return {}
    ours = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid, _, rest = text.partition(" (")
        comm, _, rest = rest.rpartition(") ")
        if int(pid) == os.getpid() or comm == "postgres":
            values = rest.split()
            ours += int(values[11]) + int(values[12])  # utime, stime
    idle = fields[3] + fields[4]
    return {"time": time.monotonic(), "total": sum(fields[:8]), "busy": sum(fields[:8]) - idle, "ours": ours}


def cpu_usage(before: dict, after: dict) -> dict:
    """Average cores busy during the timing, ours and other processes' (other sessions, tests...)."""
    if not before or not after:
        return {}
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = after["time"] - before["time"]
    busy = (after["busy"] - before["busy"]) / ticks / seconds
    ours = (after["ours"] - before["ours"]) / ticks / seconds
    return {"busy_cores": round(busy, 2), "our_cores": round(ours, 2), "other_cores": round(max(busy - ours, 0), 2)}


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples: list[float]) -> dict:
    """p50/p95 in milliseconds of per-item medians."""
    return {"p50": percentile(samples, 0.5) * 1000, "p95": percentile(samples, 0.95) * 1000}


class StatementLog:
    """An execute_wrapper that keeps each statement's SQL, parameters and time."""

    def __init__(self):
        self.statements: list[tuple[str, tuple, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, time.perf_counter() - started))


def statement_kind(sql: str) -> str:
    text = " ".join(sql.split()).upper()
    if text.startswith("SELECT COUNT(*)"):
        return "count"
    if "_PREFETCH_RELATED_VAL" in text:
        return "prefetch services"
    if 'FROM "CENTERS_INSURER"' in text:
        return "insurer choices"
    if 'AS "DISTANCE_MILES"' in text:
        return "results page"
    if 'AS "A" FROM "CENTERS_FACILITY"' in text and text.endswith("LIMIT 1"):
        return "demo banner check"
    return "other"


def run_query(query_string: str) -> int:
    """What the search view asks of the database, without rendering: the page slice and the count."""
    from django.conf import settings
    from django.core.paginator import Paginator
    from django.http import QueryDict

    from centers.filters import FacilityFilter
    from centers.models import Facility

    filterset = FacilityFilter(QueryDict(query_string), queryset=Facility.objects.listed().for_cards())
    if not filterset.is_valid():
        raise AssertionError(f"invalid search {query_string}: {filterset.errors}")
    paginator = Paginator(filterset.qs, settings.FINDER_RESULTS_PER_PAGE)
    page = paginator.page(1)
    list(page.object_list)
    if paginator.count == 0:
        filterset.next_radius()
        filterset.fewer_filters()
    return paginator.count


def explain(statements: list[tuple[str, tuple, float]]) -> list[dict]:
    from django.db import connection

    plans = []
    for sql, params, seconds in statements:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            rows = cursor.fetchall()
        if connection.vendor == "sqlite":
            plan = "\n".join(f"{row[0]:>3} {row[1]:>3} {row[3]}" for row in rows)
        else:
            plan = "\n".join(row[0] for row in rows)
        params_text = [str(value) for value in params or ()]
        plans.append(
            {"kind": statement_kind(sql), "ms": seconds * 1000, "sql": sql, "params": params_text, "plan": plan}
        )
    return plans


def search_queries(count: int, seed: int) -> list[str]:
    """``count`` searches within 25 miles of populated ZIP codes; every other one also filtered."""
    from django.utils.http import urlencode

    from benchmarks import population

    queries = []
    for number, place in enumerate(population.search_places(count, seed)):
        params = [("location", place.zip_code), ("radius", "25")]
        if number % 2:
            params += FILTERS
        queries.append(urlencode(params))
    return queries


# Jobs ----------------------------------------------------------------------------------------


def job_search(args) -> dict:
    from django.db import connection
    from django.test import Client

    from centers import geo
    from centers.demo import load_demo
    from centers.models import Facility

    result = {"job": "search", "facilities": args.count, **database_info()}
    result["migrate_s"] = migrate()
    say(f"migrated in {result['migrate_s']:.1f} s; generating {args.count:,} facilities")
    started = time.perf_counter()
    with population_weighted_zips():
        load_demo(count=args.count, seed=args.seed)
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load: statistics, and the visibility map that
        # index-only scans need.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    result["load_s"] = time.perf_counter() - started
    say(f"loaded in {result['load_s']:.1f} s")

    queries = search_queries(args.searches, args.seed + 1)
    client = Client()

    def page(query: str) -> None:
        response = client.get("/?" + query)
        if response.status_code != 200:
            raise AssertionError(f"/?{query} answered {response.status_code}")

    def trivial(_query: str) -> None:
        client.get("/bench/trivial/")

    def base(_query: str) -> None:
        client.get("/bench/base/")

    say("warming up")
    for query in queries[:20]:
        page(query)
        run_query(query)
        trivial(query)
        base(query)

    measured = {"page": page, "query": run_query, "trivial": trivial, "base": base}
    before = cpu_snapshot()
    # Wall clock is the figure; this process's CPU time is kept too, since on a shared machine
    # the wall clock also counts waiting for a core.
    times: dict[str, list[list[float]]] = {kind: [[] for _ in queries] for kind in [*measured, "page_cpu", "query_cpu"]}
    for repeat in range(args.repeats):
        for kind, function in measured.items():
            gc.collect()
            for index, query in enumerate(queries):
                cpu_started = time.thread_time()
                started = time.perf_counter()
                function(query)
                times[kind][index].append(time.perf_counter() - started)
                if f"{kind}_cpu" in times:
                    times[f"{kind}_cpu"][index].append(time.thread_time() - cpu_started)
        say(f"pass {repeat + 1}/{args.repeats} done")
    result["cpu"] = cpu_usage(before, cpu_snapshot())
    per_search = {kind: [median(samples) for samples in lists] for kind, lists in times.items()}
    for kind in times:
        result[kind] = summary(per_search[kind])
        result[kind]["per_search_ms"] = [round(value * 1000, 3) for value in per_search[kind]]
    result["queries"] = queries

    # Diagnostics, untimed above: SQL statements per page, their time, the rows in the box and the circle.
    diagnostics = []
    by_kind: dict[str, list[float]] = {}
    for query in queries:
        log = StatementLog()
        with connection.execute_wrapper(log):
            page(query)
        results = run_query(query)
        origin = geo.lookup_place(parse_qs(query)["location"][0])
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(origin, 25)
        in_box = (
            Facility.objects.listed()
            .filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng))
            .count()
        )
        for sql, _, seconds in log.statements:
            by_kind.setdefault(statement_kind(sql), []).append(seconds)
        diagnostics.append(
            {
                "statements": len(log.statements),
                "sql_ms": round(sum(s for _, _, s in log.statements) * 1000, 3),
                "results": results,
                "in_box": in_box,
            }
        )
    result["diagnostics"] = diagnostics
    result["sql_ms"] = summary([d["sql_ms"] / 1000 for d in diagnostics])
    result["statement_ms"] = {kind: {**summary(values), "n": len(values)} for kind, values in by_kind.items()}
    result["statements_per_page"] = sorted({d["statements"] for d in diagnostics})
    result["results"] = {
        "p50": percentile([d["results"] for d in diagnostics], 0.5),
        "p95": percentile([d["results"] for d in diagnostics], 0.95),
    }
    result["in_box"] = {
        "p50": percentile([d["in_box"] for d in diagnostics], 0.5),
        "p95": percentile([d["in_box"] for d in diagnostics], 0.95),
    }

    # Query plans of the densest filtered search (the slowest SQL), as the view runs it.
    densest = max(range(len(queries)), key=lambda i: (FILTERS[0][0] in queries[i], diagnostics[i]["in_box"]))
    log = StatementLog()
    with connection.execute_wrapper(log):
        run_query(queries[densest])
    plans = explain(log.statements)
    result["explain"] = {"query": queries[densest], "in_box": diagnostics[densest]["in_box"], "plans": plans}
    result["box_uses_index"] = all(
        "facility_lat_lng" in p["plan"] for p in plans if p["kind"] in ("count", "results page")
    )
    return result


def job_import(args) -> dict:
    from centers.importers import import_samhsa_file

    result = {"job": "import", "file": args.file, **database_info()}
    result["migrate_s"] = migrate()
    started = time.perf_counter()
    outcome = import_samhsa_file(args.file)
    result["import_s"] = time.perf_counter() - started
    result.update(
        rows=outcome.rows,
        created=outcome.created,
        rejected=len(outcome.rejected),
        duplicates=len(outcome.duplicates),
    )
    say(f"imported {outcome.rows:,} rows ({outcome.created:,} created) in {result['import_s']:.1f} s")
    return result


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("job", choices=["search", "import", "export-file"])
    parser.add_argument("--out", required=True, help="where to write the JSON result")
    parser.add_argument("--scratch", action="store_true", help="make (and drop) a database on DATABASE_URL's server")
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--searches", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--file")
    args = parser.parse_args(argv)

    scratch_url = None
    if args.scratch:
        scratch_url = make_scratch_database()
        os.environ["BENCH_DATABASE_URL"] = scratch_url
    try:
        setup_django()
        job = {"search": job_search, "import": job_import, "export-file": job_export_file}[args.job]
        result = job(args)
    finally:
        if scratch_url:
            drop_scratch_database(scratch_url)
    Path(args.out).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
