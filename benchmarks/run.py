"""`make bench`: the search, its floors, the first search, the import and HTTP throughput, on the national
file (when ../shared/data has it) and on generated 20,000 and 100,000 facilities, on SQLite and PostgreSQL.

Each data set gets a fresh database; each measurement runs in its own process (benchmarks/worker.py),
through the full Django stack with DEBUG off (benchmarks/settings.py), then under gunicorn
(gunicorn.conf.py) with a load generator on the same machine (benchmarks/http_load.py). PostgreSQL
runs on DATABASE_URL if that points at a server (scratch databases are made and dropped there),
otherwise on a throwaway cluster from scripts/with-postgres; it is skipped, with a message, if
neither is available. See benchmarks/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `python benchmarks/run.py`
    sys.path.insert(0, str(ROOT))

from benchmarks import http_load  # noqa: E402
from benchmarks.databases import postgres_server_url, scratch_database  # noqa: E402
from benchmarks.report import NATIONAL, report  # noqa: E402

NATIONAL_FILE = ROOT.parent / "shared" / "data" / "findtreatment-export-nssats-2015.csv"
EXPORT_ROWS = 20_000
NOTES: list[str] = []  # skipped parts, repeated under the results


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def note(message: str) -> None:
    say(message)
    NOTES.append(message)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add = parser.add_argument
    add("--sizes", default="20000,100000", help="generated facility counts, comma-separated (default: %(default)s)")
    add("--national-file", default=str(NATIONAL_FILE), help="the real export; skipped if absent (default: %(default)s)")
    add("--no-national", action="store_true", help="generated data only")
    add("--repeats", type=int, default=10, help="timed passes over the 30 searches (default: %(default)s)")
    add("--databases", default="sqlite,postgresql", help="default: %(default)s")
    add("--import-runs", type=int, default=3, help="imports of the national file, each into a fresh database")
    add("--export-import-runs", type=int, default=1, help="imports of a generated 20,000-row export file")
    add("--first-search-runs", type=int, default=3, help="fresh processes timed for the first search")
    add("--http-seconds", type=float, default=8, help="HTTP load per kind of page; 0 skips it (default: %(default)s)")
    add("--http-workers", type=int, default=2, help="gunicorn workers (default: %(default)s, for 2 cores)")
    add("--http-connections", type=int, default=8, help="concurrent connections (default: %(default)s)")
    add("--seed", type=int, default=2015)
    add("--json", metavar="PATH", help="also write every figure (per-search times, query plans, HTTP) here")
    add("--strict", action="store_true", help="exit with status 1 if any target fails")
    add("--quick", action="store_true", help="a smoke run: national file and 500 generated, short timings")
    add("--postgres-inner", metavar="PATH", help=argparse.SUPPRESS)
    add("--export-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:  # smaller defaults; options given explicitly still win
        quick = {
            "sizes": "500", "repeats": 2, "import_runs": 1, "export_import_runs": 0, "first_search_runs": 1,
            "http_seconds": 2,
        }  # fmt: skip
        for name, value in quick.items():
            if getattr(args, name) == parser.get_default(name):
                setattr(args, name, value)
    args.size_list = [int(size) for size in args.sizes.split(",") if size.strip()]
    args.database_list = [name.strip() for name in args.databases.split(",") if name.strip()]
    return args


# Running workers ----------------------------------------------------------------------------


def worker_env(database_url: str) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "BENCH_DATABASE_URL": database_url}  # fmt: skip


def run_worker(job: str, options: list[str], *, database_url: str, workdir: Path, **extra) -> dict:
    """Run one benchmarks.worker job on ``database_url``; ``extra`` is added to its result."""
    out = workdir / f"result-{time.monotonic_ns()}.json"
    command = [sys.executable, "-m", "benchmarks.worker", job, "--out", str(out), *options]
    completed = subprocess.run(command, cwd=ROOT, env=worker_env(database_url))
    if completed.returncode != 0:
        raise SystemExit(f"benchmark worker failed ({' '.join(command[2:])}); see the error above")
    return {**json.loads(out.read_text()), **extra}


def first_search(url: str, runs: int, workdir: Path, **extra) -> list[dict]:
    """The first search in fresh processes, each loading the app as a preloaded gunicorn worker does.

    benchmarks/first_search.py measures the other case, a process with nothing preloaded (runserver, manage.py).
    """
    return [run_worker("first-search", [], database_url=url, workdir=workdir, **extra) for _ in range(runs)]


def http_phase(url: str, search: dict, args, workdir: Path, *, floors: bool, **extra) -> dict:
    expected = search["expected_status"]
    kinds = {
        "search": [("/?" + query, expected[query]) for query in search["queries"]],
        "detail": [(path, 200) for path in search["detail_paths"]],
    }
    if floors:
        kinds = {"trivial": [("/bench/trivial/", 200)], "base": [("/bench/base/", 200)], **kinds}
    say(f"{extra['vendor']} {extra['dataset']}: HTTP load against gunicorn, {args.http_seconds:.0f} s per kind")
    load = {"seconds": args.http_seconds, "workers": args.http_workers, "connections": args.http_connections}
    result = http_load.measure(url, kinds, logdir=workdir / "gunicorn", **load)
    # The same mix again with the response cache on (local memory in each worker, 60 s): after the warm-up
    # most searches are hits. Each worker fills its own copy; Redis would share one (docs/deploy.md).
    say(f"{extra['vendor']} {extra['dataset']}: the search mix again with the search cache on")
    cached = http_load.measure(
        url, {"search, cached": kinds["search"]}, logdir=workdir / "gunicorn-cached",
        env={"FINDER_SEARCH_CACHE_SECONDS": "60"}, **load,
    )  # fmt: skip
    return {"job": "http", "seconds": args.http_seconds, **result, "search, cached": cached["search, cached"], **extra}


def run_database(vendor: str, args: argparse.Namespace, export_file: Path | None, workdir: Path) -> list[dict]:
    """Every measurement on one database kind: each data set, then the import of the generated export."""
    datasets: list[tuple[str, int | None]] = []
    national = Path(args.national_file)
    if not args.no_national and national.exists():
        datasets.append((NATIONAL, None))
    datasets += [(f"{size:,} generated", size) for size in args.size_list]
    results = []
    first_done = False
    for name, size in datasets:
        label = "national" if size is None else f"generated-{size}"
        with scratch_database(vendor, workdir, label) as url:
            if size is None:
                for run in range(args.import_runs):
                    say(f"{vendor}: importing {national.name}, run {run + 1}/{args.import_runs} (fresh database)")
                    if run + 1 < args.import_runs:
                        with scratch_database(vendor, workdir, "import") as import_url:
                            results.append(
                                run_worker("import", ["--file", str(national)], database_url=import_url,
                                           workdir=workdir, dataset=NATIONAL)
                            )  # fmt: skip
                    else:  # the last import is the database the searches run on
                        results.append(
                            run_worker("import", ["--file", str(national)], database_url=url, workdir=workdir,
                                       dataset=NATIONAL)
                        )  # fmt: skip
            else:
                say(f"{vendor}: generating {size:,} facilities")
                options = ["--count", str(size), "--seed", str(args.seed)]
                results.append(run_worker("load", options, database_url=url, workdir=workdir, dataset=name))
            say(f"{vendor} {name}: 30 searches x {args.repeats} passes, in process")
            options = ["--repeats", str(args.repeats), "--dataset", name]
            search = run_worker("search", options, database_url=url, workdir=workdir, dataset=name)
            results.append(search)
            if not first_done and args.first_search_runs:
                say(f"{vendor} {name}: first search in {args.first_search_runs} fresh processes")
                extra = {"vendor": vendor, "dataset": name}
                results += first_search(url, args.first_search_runs, workdir, **extra)
            if args.http_seconds > 0:
                extra = {"vendor": vendor, "dataset": name}
                results.append(http_phase(url, search, args, workdir, floors=not first_done, **extra))
            first_done = True
    if export_file is not None:
        for run in range(args.export_import_runs):
            say(f"{vendor}: importing {export_file.name}, run {run + 1}/{args.export_import_runs} (fresh database)")
            with scratch_database(vendor, workdir, "import") as url:
                results.append(
                    run_worker("import", ["--file", str(export_file)], database_url=url, workdir=workdir,
                               dataset=f"{EXPORT_ROWS:,} generated export")
                )  # fmt: skip
    return results


def postgres_binaries() -> bool:
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"], "initdb").exists()
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def run_postgres(argv: list[str], args: argparse.Namespace, export_file: Path | None, workdir: Path) -> list[dict]:
    if postgres_server_url():
        say("postgresql: using the server at DATABASE_URL (scratch databases, dropped afterwards)")
        return run_database("postgresql", args, export_file, workdir)
    if not postgres_binaries():
        note("postgresql: SKIPPED: no PostgreSQL server binaries (apt-get install postgresql) and no DATABASE_URL")
        return []
    say("postgresql: starting a throwaway cluster (scripts/with-postgres)")
    inner = workdir / "postgres-results.json"
    passthrough = [*argv, "--databases", "postgresql", "--postgres-inner", str(inner)]
    if export_file is not None:
        passthrough += ["--export-file", str(export_file)]
    command = [str(ROOT / "scripts" / "with-postgres"), sys.executable, __file__, *passthrough]
    # One server, no streaming replica: its WAL replay would take CPU from the measurement on 2 cores.
    completed = subprocess.run(command, cwd=ROOT, env={**os.environ, "FINDER_PG_REPLICA": "0"})
    if completed.returncode == 3:
        note("postgresql: SKIPPED: scripts/with-postgres could not start a cluster (see above)")
        return []
    if completed.returncode != 0:
        raise SystemExit("postgresql benchmark failed; see the error above")
    return json.loads(inner.read_text())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.postgres_inner:  # re-run by ourselves under scripts/with-postgres
        workdir = Path(tempfile.mkdtemp(prefix="finder-bench-pg-"))
        try:
            export_file = Path(args.export_file) if args.export_file else None
            results = run_database("postgresql", args, export_file, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        Path(args.postgres_inner).write_text(json.dumps(results))
        return 0

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="finder-bench-"))
    say(f"Finder benchmark on {platform.node()}: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    if not args.no_national and not Path(args.national_file).exists():
        note(f"national file: SKIPPED: {args.national_file} is absent; targets use the smallest generated set")
    try:
        export_file = None
        if args.export_import_runs:
            export_file = workdir / f"export-{EXPORT_ROWS}.csv"
            say(f"writing a {EXPORT_ROWS:,}-row export file from centers.demo.build_facilities")
            options = ["--count", str(EXPORT_ROWS), "--seed", str(args.seed), "--file", str(export_file)]
            run_worker("export-file", options, database_url=f"sqlite:///{workdir / 'unused.sqlite3'}", workdir=workdir)
        results = []
        if "sqlite" in args.database_list:
            results += run_database("sqlite", args, export_file, workdir)
        if "postgresql" in args.database_list:
            results += run_postgres(argv, args, export_file, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    text, passed = report(results)
    load = os.getloadavg()
    print()
    print("\n".join([*NOTES, text] if NOTES else [text]))
    print(
        f"\n(total {time.monotonic() - started:.0f} s; load average at the end: "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f})"
    )
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=1))
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
