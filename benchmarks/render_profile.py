"""Where a page's time goes: the search mix, the detail page, the helpline search and the empty layout.

    python benchmarks/render_profile.py --database sqlite:////work/bench/national.sqlite3
    python benchmarks/render_profile.py --database ... --templates      # exclusive ms per template
    python benchmarks/render_profile.py --database ... --profile search # cProfile of one group
    python benchmarks/render_profile.py --database ... --compare /tmp/old-checkout   # A/B, interleaved

Each request goes through Django's test client (the whole middleware stack, DEBUG off, no response
cache: every request is a cache miss). For each one it records the wall time, this thread's CPU time
(steadier than the wall clock on a busy machine; PostgreSQL's own work is not in it), the number of
SQL queries and their time, the ORM's time (fetching rows and making model instances, SQL included),
and the time in the top-level template render (context processors included) minus the ORM's time
inside it (a page's rows are fetched lazily, while the template loops over them). ``view`` is the
rest: middleware, the form, building the query.

The search mix: 30 ZIP codes (ZIP_CODES), each with one of FILTER_VARIANTS (types of care, payment,
medications, radius), page 1 and, where there is one, page 2. ``detail``: each place's nearest
facility, ``helpline``: the same mix on the helpline search, ``base``: the empty layout (base.html).

The database is never written: an SQLite file is copied to a temporary directory first, and on
PostgreSQL the helpline worker this needs is created in a transaction that is rolled back.
``--compare`` runs this same script in two processes, one on another checkout of Finder (say
``git archive main | tar -x -C /tmp/old``), and alternates rounds between them, so both see the
same machine load.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median, quantiles

HERE = Path(__file__).resolve().parent.parent

# Thirty places the national file has facilities around: big cities and a few small towns.
ZIP_CODES = (
    "60601 10001 90012 77002 85004 19107 78205 92101 75201 95113 78701 32202 43215 28202 94103 "
    "46204 98101 80202 20001 02108 37203 48226 97204 89101 38103 40202 21202 53202 87102 30303"
).split()
# Filters cycled over the places: types of care, payment, medications and radius, alone and together.
FILTER_VARIANTS = [
    [],
    [("level", "outpatient")],
    [("payment", "medicaid"), ("payment", "private-insurance")],
    [("medication", "buprenorphine")],
    [("radius", "50"), ("level", "intensive-outpatient"), ("level", "outpatient"), ("payment", "medicaid")],
    [("radius", "10")],
    [("level", "medical-detox"), ("level", "residential-short-term")],
    [("medication", "methadone"), ("payment", "medicare")],
]
GROUPS = ("search", "detail", "helpline", "base")


def setup(code: Path, database: str) -> None:
    sys.path.insert(0, str(code))
    os.chdir(code)
    os.environ["BENCH_DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()


def writable_copy(database: str, directory: str, name: str = "render_profile") -> str:
    """An SQLite URL is copied so that nothing here can write to the original; other URLs are kept."""
    prefix = "sqlite:///"
    if not database.startswith(prefix):
        return database
    copy = Path(directory) / f"{name}.sqlite3"
    shutil.copyfile(database[len(prefix) :], copy)
    return f"{prefix}{copy}"


# Instruments -----------------------------------------------------------------------------------


class Meter:
    """Per request: SQL time and count, the ORM's time (SQL and making model instances), the render's time."""

    def __init__(self):
        self.sql_s = self.orm_s = self.orm_in_render_s = self.render_s = 0.0
        self.queries = 0
        self.rendering = self.fetching = False

    def reset(self):
        self.__init__()

    def execute(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.sql_s += elapsed
            self.queries += 1
            if not self.fetching:  # a query outside a QuerySet (a COUNT, an exists()) is ORM time too
                self.orm_s += elapsed
                if self.rendering:
                    self.orm_in_render_s += elapsed


def install(meter: Meter) -> None:
    """Time the top-level render (context processors included) and QuerySet fetches (prefetches included)."""
    from django.db.models import query
    from django.template.backends import django as backend

    original_fetch = query.QuerySet._fetch_all

    def fetch_all(self):
        if meter.fetching or self._result_cache is not None:
            return original_fetch(self)
        meter.fetching = True
        started = time.perf_counter()
        try:
            return original_fetch(self)
        finally:
            elapsed = time.perf_counter() - started
            meter.fetching = False
            meter.orm_s += elapsed
            if meter.rendering:
                meter.orm_in_render_s += elapsed

    query.QuerySet._fetch_all = fetch_all

    original = backend.Template.render

    def render(self, context=None, request=None):
        if meter.rendering:
            return original(self, context, request)
        meter.rendering = True
        started = time.perf_counter()
        try:
            return original(self, context, request)
        finally:
            meter.render_s += time.perf_counter() - started
            meter.rendering = False

    backend.Template.render = render


def install_template_timer() -> dict[str, float]:
    """Exclusive seconds per template name (an include's time is its own, not its parent's)."""
    from django.template import base

    totals: dict[str, float] = {}
    stack: list[list] = []
    original = base.Template.render

    def render(self, context):
        frame = [time.perf_counter(), 0.0]
        stack.append(frame)
        try:
            return original(self, context)
        finally:
            stack.pop()
            elapsed = time.perf_counter() - frame[0]
            totals[self.name or "<string>"] = totals.get(self.name or "<string>", 0.0) + elapsed - frame[1]
            if stack:
                stack[-1][1] += elapsed

    base.Template.render = render
    return totals


# The pages -------------------------------------------------------------------------------------


def search_mix(per_page: int) -> list[str]:
    """Page 1 of each place's search, and page 2 where there is one."""
    from django.http import QueryDict
    from django.utils.http import urlencode

    from centers.filters import FacilityFilter
    from centers.models import Facility

    queries = []
    for number, zip_code in enumerate(ZIP_CODES):
        params = [("location", zip_code), *FILTER_VARIANTS[number % len(FILTER_VARIANTS)]]
        query = urlencode(params)
        queries.append(query)
        filterset = FacilityFilter(QueryDict(query), queryset=Facility.objects.listed())
        if filterset.is_valid() and filterset.qs.count() > per_page:
            queries.append(urlencode([*params, ("page", "2")]))
    return queries


def detail_paths() -> list[str]:
    """Thirty facilities' pages, the first result of each place's plain search, with a ?back= like a click's."""
    from django.http import QueryDict
    from django.utils.http import urlencode

    from centers.filters import FacilityFilter
    from centers.models import Facility

    paths = []
    for zip_code in ZIP_CODES:
        query = urlencode({"location": zip_code})
        filterset = FacilityFilter(QueryDict(query), queryset=Facility.objects.listed())
        facility = filterset.qs.first() if filterset.is_valid() else None
        if facility:
            paths.append(f"{facility.get_absolute_url()}?{urlencode({'back': query})}")
    return paths


class Pages:
    def __init__(self):
        from django.conf import settings
        from django.test import Client

        self.client = Client()
        self.urls = {
            "search": [f"/?{query}" for query in search_mix(settings.FINDER_RESULTS_PER_PAGE)],
            "detail": detail_paths(),
            "helpline": [f"/helpline/?{query}" for query in search_mix(settings.FINDER_HELPLINE_RESULTS_PER_PAGE)],
            "base": ["/bench/base/"] * 30,
        }

    def run(self, group: str, meter: Meter) -> list[dict]:
        from django.db import transaction

        if group != "helpline":
            return self._fetch(self.urls[group], meter)
        # A helpline worker must be logged in: made for this round, then rolled back.
        with transaction.atomic():
            from django.contrib.auth import get_user_model

            worker = get_user_model().objects.create_superuser(f"render-profile-{os.getpid()}", "", "-")
            self.client.force_login(worker)
            try:
                return self._fetch(self.urls[group], meter)
            finally:
                self.client.cookies.clear()
                transaction.set_rollback(True)

    def _fetch(self, urls: list[str], meter: Meter) -> list[dict]:
        from django.db import connection

        rows = []
        with connection.execute_wrapper(meter.execute):
            for url in urls:
                meter.reset()
                started, cpu_started = time.perf_counter(), time.thread_time()
                response = self.client.get(url)
                total, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
                template = meter.render_s - meter.orm_in_render_s
                rows.append(
                    {
                        "url": url,
                        "ms": total * 1000,
                        "cpu_ms": cpu * 1000,
                        "queries": meter.queries,
                        "sql_ms": meter.sql_s * 1000,
                        "orm_ms": meter.orm_s * 1000,
                        "template_ms": template * 1000,
                        "view_ms": (total - meter.orm_s - template) * 1000,
                    }
                )
        return rows


# Reporting -------------------------------------------------------------------------------------


def summary(rows: list[dict]) -> dict:
    times = sorted(row["ms"] for row in rows)
    p95 = quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else times[0]
    return {
        "n": len(rows),
        "p50": median(times),
        "p95": p95,
        "cpu": median(row["cpu_ms"] for row in rows),
        "queries": median(row["queries"] for row in rows),
        "sql": median(row["sql_ms"] for row in rows),
        "orm": median(row["orm_ms"] for row in rows),
        "template": median(row["template_ms"] for row in rows),
        "view": median(row["view_ms"] for row in rows),
    }


HEADER = (
    f"{'':22} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'queries':>8} {'SQL ms':>7} {'ORM ms':>7}"
    f" {'tmpl ms':>8} {'view ms':>8}"
)


def line(label: str, s: dict) -> str:
    return (
        f"{label:22} {s['n']:>5} {s['p50']:>8.1f} {s['p95']:>8.1f} {s['cpu']:>8.1f} {s['queries']:>8.0f} "
        f"{s['sql']:>7.1f} {s['orm']:>7.1f} {s['template']:>8.1f} {s['view']:>8.1f}"
    )


def machine_load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


# Modes -------------------------------------------------------------------------------------------


def measure(args, groups: list[str]) -> None:
    """One checkout: warm up, then ``--rounds`` rounds over every group; print the table."""
    meter = Meter()
    install(meter)
    template_totals = install_template_timer() if args.templates else None
    pages = Pages()
    for group in groups:
        pages.run(group, meter)  # warm-up: imports, the gazetteer, compiled templates
    freeze(args)
    if template_totals is not None:
        template_totals.clear()
    rows: dict[str, list[dict]] = {group: [] for group in groups}
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    for _ in range(args.rounds):
        for group in groups:
            if profiler and group == args.profile:
                profiler.enable()
            rows[group] += pages.run(group, meter)
            if profiler:
                profiler.disable()
    print(f"{args.database}, {args.rounds} rounds; {machine_load()}")
    print(HEADER)
    for group in groups:
        print(line(group, summary(rows[group])))
    if template_totals:
        requests = sum(len(rows[group]) for group in groups)
        print(f"\nexclusive template time, ms per request (all groups, {requests} requests):")
        for name, seconds in sorted(template_totals.items(), key=lambda item: -item[1])[:25]:
            print(f"  {seconds * 1000 / requests:7.3f}  {name}")
    if profiler:
        import pstats

        print(f"\ncProfile of '{args.profile}' (cumulative, top 40):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def freeze(args) -> None:
    """--freeze: what gunicorn.conf.py could do after preloading: the warmed-up objects leave the garbage collector's
    generations, so its collections during a request no longer walk them."""
    if args.freeze:
        gc.collect()
        gc.freeze()


def serve(args, groups: list[str]) -> None:
    """--serve: a child of --compare. Warm up, say ready, then run one group per line read from stdin."""
    meter = Meter()
    install(meter)
    pages = Pages()
    for group in groups:
        pages.run(group, meter)
    freeze(args)
    print(json.dumps({"ready": True}), flush=True)
    for request in sys.stdin:
        group = request.strip()
        print(json.dumps(pages.run(group, meter)), flush=True)


def compare(args, groups: list[str]) -> None:
    """Two processes (the other checkout, this one), rounds alternating between them, old first then new first."""
    sides = {"old": Path(args.compare).resolve(), "new": Path(args.code).resolve()}
    children = {}
    for name, code in sides.items():
        database = writable_copy(args.database, args.directory, name)  # one each: SQLite allows one writer
        command = [sys.executable, __file__, "--serve", "--code", str(code), "--database", database]
        command += ["--groups", ",".join(groups)] + (["--freeze"] if args.freeze else [])
        children[name] = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    for child in children.values():
        json.loads(child.stdout.readline())
    rows = {(name, group): [] for name in sides for group in groups}
    for number in range(args.rounds):
        order = ["old", "new"] if number % 2 == 0 else ["new", "old"]
        for group in groups:
            for name in order:
                children[name].stdin.write(group + "\n")
                children[name].stdin.flush()
                rows[name, group] += json.loads(children[name].stdout.readline())
    for child in children.values():
        child.stdin.close()
        child.wait()
    print(f"{args.database}, {args.rounds} rounds interleaved; old = {sides['old']}, new = {sides['new']}")
    print(machine_load())
    print(HEADER)
    for group in groups:
        for name in sides:
            print(line(f"{group} ({name})", summary(rows[name, group])))
    if args.json:
        Path(args.json).write_text(json.dumps({f"{k[0]}:{k[1]}": v for k, v in rows.items()}, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="a database URL, e.g. sqlite:////work/bench/national.sqlite3")
    parser.add_argument("--rounds", type=int, default=5, help="passes over each group's URLs (default 5)")
    parser.add_argument("--groups", default=",".join(GROUPS), help=f"some of {','.join(GROUPS)}")
    parser.add_argument("--templates", action="store_true", help="also print exclusive time per template")
    parser.add_argument("--profile", choices=GROUPS, help="also print a cProfile of one group")
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() after the warm-up (see freeze())")
    parser.add_argument("--compare", metavar="CHECKOUT", help="A/B against another checkout of Finder")
    parser.add_argument("--json", help="with --compare: write every request's figures here")
    parser.add_argument("--code", default=str(HERE), help=argparse.SUPPRESS)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    groups = [group for group in args.groups.split(",") if group]
    if unknown := set(groups) - set(GROUPS):
        parser.error(f"unknown groups: {', '.join(sorted(unknown))}")
    if args.compare:
        with tempfile.TemporaryDirectory() as args.directory:
            compare(args, groups)
        return
    if args.serve:
        setup(Path(args.code), args.database)
        serve(args, groups)
        return
    with tempfile.TemporaryDirectory() as directory:
        args.database = writable_copy(args.database, directory)
        setup(Path(args.code), args.database)
        measure(args, groups)


if __name__ == "__main__":
    main()
