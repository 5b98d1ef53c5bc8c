"""How long the HSDS data package of the national file takes: export, import into a fresh database, export again.

    .venv/bin/python benchmarks/hsds_package.py                        # SQLite
    scripts/with-postgres .venv/bin/python benchmarks/hsds_package.py  # SQLite, then PostgreSQL

The national file is imported once (manage.py import_samhsa) into a scratch database; then, --repeats times
(3), a fresh process times opendata.package.write_package() on it, another times
opendata.loading.import_package() of that package into a fresh migrated database, and a third times the
export from there, whose files must be identical to the first. Times are inside the process (Django set up,
benchmarks.settings, DEBUG off), not its start. Prints medians and the row counts of the package.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.databases import postgres_server_url, scratch_database  # noqa: E402

NATIONAL_FILE = ROOT.parent / "shared" / "data" / "findtreatment-export-nssats-2015.csv"
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def worker(action: str, database_url: str, directory: str) -> None:
    """In a fresh process: export or import the package in ``directory`` and print the seconds as JSON."""
    os.environ["BENCH_DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    from opendata.loading import import_package
    from opendata.package import write_package

    started = time.perf_counter()
    counts = write_package(directory) if action == "export" else import_package(directory).created
    print(json.dumps({"seconds": time.perf_counter() - started, "counts": counts}))


def _run(*args: str, database_url: str) -> str:
    env = {**os.environ, "BENCH_DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    result = subprocess.run([PYTHON, *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _timed(action: str, database_url: str, directory: Path) -> dict:
    output = _run(__file__, "--worker", action, database_url, str(directory), database_url=database_url)
    return json.loads(output.strip().splitlines()[-1])


def run(vendor: str, repeats: int, workdir: Path) -> dict:
    timings = {"export": [], "import": [], "export again": []}
    with scratch_database(vendor, workdir, "national") as source:
        _run("manage.py", "migrate", "--no-input", "-v0", database_url=source)
        _run("manage.py", "import_samhsa", str(NATIONAL_FILE), database_url=source)
        for number in range(repeats):
            first, second = workdir / f"{vendor}-{number}-first", workdir / f"{vendor}-{number}-second"
            exported = _timed("export", source, first)
            timings["export"].append(exported["seconds"])
            with scratch_database(vendor, workdir, "fresh") as fresh:
                _run("manage.py", "migrate", "--no-input", "-v0", database_url=fresh)
                timings["import"].append(_timed("import", fresh, first)["seconds"])
                timings["export again"].append(_timed("export", fresh, second)["seconds"])
            names = sorted(path.name for path in first.iterdir())
            _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
            if mismatch or errors or names != sorted(path.name for path in second.iterdir()):
                raise SystemExit(f"{vendor}: the round trip changed {mismatch or errors}")
    return {"timings": timings, "counts": exported["counts"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", nargs=3, metavar=("ACTION", "DATABASE_URL", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    if not NATIONAL_FILE.exists():
        raise SystemExit(f"{NATIONAL_FILE} is not here")
    vendors = ["sqlite"] + (["postgresql"] if postgres_server_url() else [])
    print(f"load before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as workdir:
        for vendor in vendors:
            result = run(vendor, args.repeats, Path(workdir))
            figures = ", ".join(
                f"{name} {median(values):.1f} s ({' / '.join(f'{value:.1f}' for value in values)})"
                for name, values in result["timings"].items()
            )
            print(f"{vendor}: {figures}; round trip identical")
        print("rows:", ", ".join(f"{name} {count:,}" for name, count in result["counts"].items()))
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
