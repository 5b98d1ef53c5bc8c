"""`make bench`: how fast is the search at 20,000 and 100,000 facilities, on SQLite and PostgreSQL?

Each measurement runs in a fresh database, in its own process (benchmarks/worker.py), through
the full Django stack (django.test.Client; DEBUG off). PostgreSQL runs on DATABASE_URL if that
points at a server (scratch databases are made and dropped there), otherwise on a throwaway
cluster from scripts/with-postgres; it is skipped, with a message, if neither is available.
See docs/performance.md for the method and the latest figures.
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
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
REAL_EXPORT = ROOT.parent / "shared" / "data" / "findtreatment-export-nssats-2015.csv"
EXPORT_ROWS = 20_000
TARGET_PAGE_P95_MS = 30.0
TARGET_GROWTH = 1.5
TARGET_FLOOR_RATIO = 3.0
TARGET_IMPORT_S = 20.0


NOTES: list[str] = []  # skipped parts, repeated under the results


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def note(message: str) -> None:
    say(message)
    NOTES.append(message)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add = parser.add_argument
    add("--sizes", default="20000,100000", help="facility counts, comma-separated (default: %(default)s)")
    add("--searches", type=int, default=200, help="searches per size (default: %(default)s)")
    add("--repeats", type=int, default=3, help="timed passes over the searches; each search's median is kept")
    add("--databases", default="sqlite,postgresql", help="default: %(default)s")
    add("--import-runs", type=int, default=3, help="imports of the 20,000-row file, each into a fresh database")
    add("--real-import-runs", type=int, default=1, help="imports of the 2015 N-SSATS file, if present")
    add("--no-import", action="store_true", help="skip the import timings")
    add("--seed", type=int, default=2015)
    add("--json", metavar="PATH", help="also write every figure (per-search times, query plans) here")
    add("--strict", action="store_true", help="exit with status 1 if any target fails")
    add("--quick", action="store_true", help="a smoke test: 2,000 and 10,000 facilities, 40 searches, 1 pass")
    parser.add_argument("--postgres-inner", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--export-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:  # smaller defaults; options given explicitly still win
        quick = {"sizes": "2000,10000", "searches": 40, "repeats": 1, "import_runs": 1, "real_import_runs": 0}
        for name, value in quick.items():
            if getattr(args, name) == parser.get_default(name):
                setattr(args, name, value)
    args.size_list = [int(size) for size in args.sizes.split(",")]
    args.database_list = [name.strip() for name in args.databases.split(",") if name.strip()]
    return args


# Running workers ----------------------------------------------------------------------------


def run_worker(job: str, options: list[str], *, database_url: str | None, workdir: Path) -> dict:
    """Run one benchmarks.worker job; ``database_url`` None means a scratch database on DATABASE_URL."""
    out = workdir / f"result-{time.monotonic_ns()}.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    env.pop("BENCH_DATABASE_URL", None)
    command = [sys.executable, "-m", "benchmarks.worker", job, "--out", str(out), *options]
    if database_url is None:
        command.append("--scratch")
    else:
        env["BENCH_DATABASE_URL"] = database_url
    completed = subprocess.run(command, cwd=ROOT, env=env)
    if completed.returncode != 0:
        raise SystemExit(f"benchmark worker failed ({' '.join(command[2:])}); see the error above")
    return json.loads(out.read_text())


def run_database(vendor: str, args: argparse.Namespace, export_file: Path, workdir: Path) -> list[dict]:
    """Every measurement on one database kind: the searches at each size, then the imports."""

    def fresh_url(label: str) -> str | None:
        if vendor == "postgresql":
            return None  # a scratch database
        path = workdir / f"{label}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"

    def cleanup():
        for path in workdir.glob("*.sqlite3*"):
            path.unlink()

    results = []
    for size in args.size_list:
        say(f"{vendor}: {size:,} facilities, {args.searches} searches x {args.repeats} passes")
        options = ["--count", str(size), "--seed", str(args.seed), "--searches", str(args.searches)]
        options += ["--repeats", str(args.repeats)]
        results.append(run_worker("search", options, database_url=fresh_url(f"search-{size}"), workdir=workdir))
        cleanup()
    if args.no_import:
        return results
    files = [(export_file, args.import_runs)]
    if REAL_EXPORT.exists() and args.real_import_runs:
        files.append((REAL_EXPORT, args.real_import_runs))
    for path, runs in files:
        for run in range(runs):
            say(f"{vendor}: importing {path.name}, run {run + 1}/{runs} (fresh database)")
            url = fresh_url("import")
            results.append(run_worker("import", ["--file", str(path)], database_url=url, workdir=workdir))
            cleanup()
    return results


def postgres_binaries() -> bool:
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"], "initdb").exists()
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def run_postgres(args: argparse.Namespace, export_file: Path, workdir: Path) -> list[dict]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        say("postgresql: using the server at DATABASE_URL (scratch databases, dropped afterwards)")
        return run_database("postgresql", args, export_file, workdir)
    if not postgres_binaries():
        note("postgresql: SKIPPED: no PostgreSQL server binaries (apt-get install postgresql) and no DATABASE_URL")
        return []
    say("postgresql: starting a throwaway cluster (scripts/with-postgres)")
    inner = workdir / "postgres-results.json"
    passthrough = [
        "--sizes", args.sizes, "--searches", str(args.searches), "--repeats", str(args.repeats),
        "--import-runs", str(args.import_runs), "--real-import-runs", str(args.real_import_runs),
        "--seed", str(args.seed), "--export-file", str(export_file), "--postgres-inner", str(inner),
    ]  # fmt: skip
    if args.no_import:
        passthrough.append("--no-import")
    command = [str(ROOT / "scripts" / "with-postgres"), sys.executable, __file__, *passthrough]
    completed = subprocess.run(command, cwd=ROOT)
    if completed.returncode == 3:
        note("postgresql: SKIPPED: scripts/with-postgres could not start a cluster (see above)")
        return []
    if completed.returncode != 0:
        raise SystemExit("postgresql benchmark failed; see the error above")
    return json.loads(inner.read_text())


# Reporting ----------------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Plain text: the first column left-aligned, the figures right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = []
    for line in [headers, ["-" * width for width in widths], *rows]:
        cells = [
            line[0].ljust(widths[0]),
            *(cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)),
        ]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def pair(values: dict, digits: int | None = None) -> str:
    if digits is None:
        return f"{ms(values['p50'])} / {ms(values['p95'])}"
    return f"{values['p50']:.{digits}f} / {values['p95']:.{digits}f}"


def context_row(r: dict) -> list[str]:
    """Where a search's time goes, and how much work it had."""
    other = r.get("cpu", {}).get("other_cores")
    return [
        r["vendor"],
        f"{r['facilities']:,}",
        pair(r["page_cpu"]),
        pair(r["sql_ms"]),
        pair(r["base"]),
        f"{r['page']['p95'] / r['base']['p95']:.1f}x",
        pair(r["in_box"], 0),
        pair(r["results"], 0),
        ",".join(map(str, r["statements_per_page"])),
        "?" if other is None else f"{other:.2f}",
        f"{r['load_s']:.0f} s",
    ]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(results: list[dict], args: argparse.Namespace) -> tuple[str, bool]:
    searches = [r for r in results if r["job"] == "search"]
    imports = [r for r in results if r["job"] == "import"]
    out = []
    if searches:
        first = searches[0]
        out.append(
            f"Search: {args.searches} searches within 25 miles of population-weighted ZIP codes, half also filtered "
            f"(level = IOP or outpatient, payment = Medicaid); per-search median of {args.repeats} passes, then "
            f"p50/p95 across searches. Times in ms, wall clock. Python {first['python']}, {first['cpus']} CPUs."
        )
        out.append("")
        rows = []
        for r in searches:
            rows.append([
                f"{r['vendor']} {r['version']}", f"{r['facilities']:,}",
                ms(r["page"]["p50"]), ms(r["page"]["p95"]), ms(r["query"]["p50"]), ms(r["query"]["p95"]),
                f"{r['trivial']['p50']:.2f}", f"{r['trivial']['p95']:.2f}",
                f"{r['page']['p95'] / r['trivial']['p95']:.0f}x",
            ])  # fmt: skip
        out.append(table(
            ["database", "facilities", "page p50", "page p95", "query p50", "query p95", "trivial p50", "trivial p95",
             "page/trivial p95"],
            rows,
        ))  # fmt: skip
        out.append("")
        out.append(
            "page = GET /?location=ZIP&radius=25[&filters] through django.test.Client; query = the view's\n"
            "FilterSet, count and first page (with its prefetch) without rendering; trivial = HttpResponse('ok')\n"
            "through the same middleware (the framework floor)."
        )
        out.append("")
        rows = [context_row(r) for r in searches]
        out.append(table(
            ["database", "facilities", "page CPU p50/p95", "SQL p50/p95", "base page p50/p95", "page/base p95",
             "rows in box p50/p95", "results p50/p95", "statements", "other load", "load time"],
            rows,
        ))  # fmt: skip
        out.append("")
        out.append(
            "page CPU = this process's CPU time per page (wall clock minus waiting; SQLite's work included,\n"
            "PostgreSQL's not); SQL = time in the database driver per page; base page = the empty base.html\n"
            "layout; rows in box = facilities inside the 25-mile bounding box; other load = cores busy with\n"
            "other processes meanwhile (other sessions, test suites)."
        )
        out.append("")

        for r in searches:
            uses = "uses" if r.get("box_uses_index") else "does NOT use"
            out.append(
                f"{r['vendor']} {r['facilities']:,}: the bounding box {uses} index facility_lat_lng "
                f"(EXPLAIN of the densest filtered search, {r['explain']['in_box']:,} rows in its box)"
            )
        out.append("")

    if imports:
        rows = []
        grouped: dict[tuple[str, str], list[dict]] = {}
        for r in imports:
            grouped.setdefault((r["vendor"], Path(r["file"]).name), []).append(r)
        for (vendor, name), runs in grouped.items():
            times = [r["import_s"] for r in runs]
            rows.append([
                vendor, name, f"{runs[0]['rows']:,}", f"{runs[0]['created']:,}", str(len(runs)),
                f"{median(times):.1f}", f"{min(times):.1f}-{max(times):.1f}",
            ])  # fmt: skip
        out.append("Import (import_samhsa_file into a fresh, migrated database; seconds)")
        out.append("")
        out.append(table(["database", "file", "rows", "created", "runs", "median s", "range s"], rows))
        out.append("")

    checks = []
    for vendor in dict.fromkeys(r["vendor"] for r in searches):
        by_size = {r["facilities"]: r for r in searches if r["vendor"] == vendor}
        small, large = min(by_size), max(by_size)
        p95 = by_size[small]["page"]["p95"]
        target = TARGET_PAGE_P95_MS
        checks.append((p95 <= target, f"{vendor}: page p95 at {small:,} = {ms(p95)} ms (target <= {target:.0f} ms)"))
        if large != small:
            growth = by_size[large]["page"]["p95"] / p95
            text = f"{vendor}: page p95 at {large:,} / at {small:,} = {growth:.2f}x (target <= {TARGET_GROWTH}x)"
            checks.append((growth <= TARGET_GROWTH, text))
        for size, r in sorted(by_size.items()):
            ratio = r["page"]["p95"] / r["trivial"]["p95"]
            text = f"{vendor}: page p95 / trivial p95 at {size:,} = {ratio:.0f}x (target <= {TARGET_FLOOR_RATIO:.0f}x)"
            checks.append((ratio <= TARGET_FLOOR_RATIO, text))
    for vendor in dict.fromkeys(r["vendor"] for r in imports):
        runs = [r["import_s"] for r in imports if r["vendor"] == vendor and Path(r["file"]).name.startswith("export-")]
        if runs:
            seconds = median(runs)
            text = f"{vendor}: import of {EXPORT_ROWS:,} rows = {seconds:.1f} s, median of {len(runs)} (target <= 20 s)"
            checks.append((seconds <= TARGET_IMPORT_S, text))
    busy = [r for r in searches if r.get("cpu", {}).get("other_cores", 0) > 0.25]
    if busy:
        names = ", ".join(f"{r['vendor']} {r['facilities']:,} ({r['cpu']['other_cores']:.2f} cores)" for r in busy)
        out.append(f"WARNING: other processes were busy during {names}: wall-clock figures there are inflated;")
        out.append("compare page CPU, or run again on an idle machine.")
        out.append("")
    if checks:
        out.append("Targets")
        out += [f"  [{verdict(ok)}] {text}" for ok, text in checks]
    return "\n".join(out), all(ok for ok, _ in checks)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.postgres_inner:  # re-run by ourselves under scripts/with-postgres
        workdir = Path(tempfile.mkdtemp(prefix="finder-bench-pg-"))
        try:
            results = run_database("postgresql", args, Path(args.export_file), workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        Path(args.postgres_inner).write_text(json.dumps(results))
        return 0

    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="finder-bench-"))
    say(f"Finder benchmark on {platform.node()}: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")
    try:
        export_file = workdir / f"export-{EXPORT_ROWS}.csv"
        if not args.no_import:
            say(f"writing a {EXPORT_ROWS:,}-row export file from centers.demo.build_facilities")
            run_worker(
                "export-file",
                ["--count", str(EXPORT_ROWS), "--seed", str(args.seed), "--file", str(export_file)],
                database_url=f"sqlite:///{workdir / 'unused.sqlite3'}",
                workdir=workdir,
            )
        results = []
        if "sqlite" in args.database_list:
            results += run_database("sqlite", args, export_file, workdir)
        if "postgresql" in args.database_list:
            results += run_postgres(args, export_file, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    text, passed = report(results, args)
    print()
    print("\n".join([*NOTES, text] if NOTES else [text]))
    print(f"\n(total {time.monotonic() - started:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "results": results}, indent=1))
    return 1 if args.strict and not passed else 0


if __name__ == "__main__":
    sys.exit(main())
