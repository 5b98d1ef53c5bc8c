"""How long importing the national file takes: into a fresh database, then again unchanged.

    .venv/bin/python benchmarks/import_speed.py                      # SQLite
    scripts/with-postgres .venv/bin/python benchmarks/import_speed.py  # SQLite, then PostgreSQL
    .venv/bin/python benchmarks/import_speed.py --compare /tmp/old     # old code vs this, interleaved

Each run gets a fresh, migrated database (a copy of a template made once: a file copy on SQLite,
CREATE DATABASE ... TEMPLATE on PostgreSQL, where DATABASE_URL's server is used for scratch
databases) and a fresh process (benchmarks.settings, DEBUG off), which times
centers.importers.import_samhsa_file() on the file, then on the same file again (nothing changed).
The ZIP gazetteer loads inside the first import, as it would in `manage.py import_samhsa`.
With --compare DIR, DIR is another checkout of Finder (e.g. `git worktree add /tmp/old main`) and
its runs alternate with this one's, so load on the machine hits both alike. Prints medians.
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
NATIONAL_FILE = ROOT.parent / "shared" / "data" / "findtreatment-export-nssats-2015.csv"
TARGET_SECONDS = 10.0


def worker(database_url: str, path: str) -> None:
    """In a fresh process: import the file twice and print the seconds as JSON."""
    sys.path.insert(0, os.getcwd())
    os.environ["BENCH_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    from centers.importers import import_samhsa_file
    from centers.models import Facility

    timings = {}
    for name in ("fresh", "again"):
        started = time.perf_counter()
        result = import_samhsa_file(path)
        timings[name] = time.perf_counter() - started
        timings[f"{name}_created"] = result.created
        timings[f"{name}_updated"] = result.updated
    timings["facilities"] = Facility.objects.count()
    print(json.dumps(timings))


def _run_worker(code: Path, database_url: str, path: Path) -> dict:
    output = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python"),
            str(ROOT / "benchmarks" / "import_speed.py"),
            "--worker",
            database_url,
        ],
        cwd=code,
        env={**os.environ, "BENCH_IMPORT_FILE": str(path)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _migrate(code: Path, database_url: str) -> None:
    env = {**os.environ, "BENCH_DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "migrate", "-v0"], cwd=code, env=env, check=True
    )


class SQLiteDatabases:
    name = "SQLite"

    def __init__(self, scratch: Path):
        self.scratch = scratch

    def template(self, code: Path, label: str) -> str:
        path = self.scratch / f"template-{label}.sqlite3"
        _migrate(code, f"sqlite:///{path}")
        return str(path)

    def fresh(self, template: str, run: str) -> str:
        path = self.scratch / f"{run}.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    def drop(self, url: str) -> None:
        Path(url.removeprefix("sqlite:///")).unlink()


class PostgreSQLDatabases:
    name = "PostgreSQL"

    def __init__(self, server_url: str):
        import psycopg

        self.server_url = server_url.rsplit("/", 1)[0]
        self.connection = psycopg.connect(server_url, autocommit=True)

    def template(self, code: Path, label: str) -> str:
        name = f"import_speed_template_{label}"
        self.connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        self.connection.execute(f'CREATE DATABASE "{name}"')
        _migrate(code, f"{self.server_url}/{name}")
        return name

    def fresh(self, template: str, run: str) -> str:
        self.connection.execute(f'DROP DATABASE IF EXISTS "{run}"')
        self.connection.execute(f'CREATE DATABASE "{run}" TEMPLATE "{template}"')
        return f"{self.server_url}/{run}"

    def drop(self, url: str) -> None:
        self.connection.execute(f'DROP DATABASE "{url.rsplit("/", 1)[1]}"')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, default=NATIONAL_FILE)
    parser.add_argument("--compare", type=Path, metavar="DIR", help="another checkout to time alongside this one")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--worker", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, os.environ["BENCH_IMPORT_FILE"])
        return 0
    if not args.file.exists():
        print(f"import_speed: {args.file} is not here; nothing to measure.")
        return 0
    codes = {"this": ROOT}
    if args.compare:
        codes = {"old": args.compare.resolve(), "new": ROOT}
    with tempfile.TemporaryDirectory(prefix="finder-import-speed-") as scratch:
        backends = [SQLiteDatabases(Path(scratch))]
        if os.environ.get("DATABASE_URL", "").startswith("postgres") and not args.sqlite_only:
            backends.append(PostgreSQLDatabases(os.environ["DATABASE_URL"]))
        print(f"{args.file.name}, {args.runs} runs each; load before: {os.getloadavg()[0]:.2f}")
        for backend in backends:
            templates = {label: backend.template(code, label) for label, code in codes.items()}
            timings: dict[str, list[dict]] = {label: [] for label in codes}
            for run in range(args.runs):
                for label, code in codes.items():  # interleaved
                    url = backend.fresh(templates[label], f"import_speed_{label}_{run}")
                    timings[label].append(_run_worker(code, url, args.file))
                    backend.drop(url)
            for label, runs in timings.items():
                fresh, again = median(r["fresh"] for r in runs), median(r["again"] for r in runs)
                verdict = "meets" if max(fresh, again) <= TARGET_SECONDS else "MISSES"
                print(
                    f"{backend.name:10} {label:5} fresh import {fresh:5.2f} s, re-import {again:5.2f} s "
                    f"(median of {len(runs)}; {runs[0]['fresh_created']:,} created, "
                    f"{runs[0]['again_updated']:,} updated again; {verdict} the {TARGET_SECONDS:.0f} s target)"
                )
                print(f"{'':16} runs: " + ", ".join(f"{r['fresh']:.2f}/{r['again']:.2f}" for r in runs))
            if isinstance(backend, PostgreSQLDatabases):
                for template in templates.values():
                    backend.connection.execute(f'DROP DATABASE "{template}"')
        print(f"load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
