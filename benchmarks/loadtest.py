"""`make loadtest`: locust, headless, against gunicorn on PostgreSQL, with families, helpline and staff traffic.

Run under scripts/with-postgres (as `make loadtest` does) or with DATABASE_URL pointing at a PostgreSQL
server: a scratch database is made there, loaded with the national file when ../shared/data has it
(else 2,000 demo facilities), given demo and load-test accounts, served by gunicorn (gunicorn.conf.py,
DEBUG off), and dropped afterwards. Prints requests/s, p50/p95 per request type and the errors; exits
with status 1 on any error (any unexpected status, 5xx included, or exception in the traffic).

Environment: LOADTEST_USERS (50), LOADTEST_SECONDS (60), LOADTEST_WAIT ("0.5,2": each user's pause
between actions, in seconds), WEB_CONCURRENCY (gunicorn workers; default from gunicorn.conf.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import http_load  # noqa: E402
from benchmarks.databases import postgres_server_url, scratch_database  # noqa: E402

NATIONAL_FILE = ROOT.parent / "shared" / "data" / "findtreatment-export-nssats-2015.csv"
PASSWORD = "load-test-password-only-for-throwaway-databases"
ACCOUNTS_PER_ROLE = 20
CITY_SEARCHES = [
    "location=Chicago%2C+IL&radius=25&level=outpatient",
    "location=Houston%2C+TX&radius=25&payment=medicaid",
    "location=Denver%2C+CO&radius=50",
    "location=Atlanta%2C+GA&radius=25&medication=buprenorphine",
    "location=Seattle%2C+WA&radius=10",
]


STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:5.1f} s] {message}", file=sys.stderr, flush=True)


# Set-up (in a Django process) ----------------------------------------------------------------


def set_up(data: str, plan_path: Path, *, demo_count: int) -> None:
    """Load the data and the accounts, then write the plan the locustfile reads."""
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from benchmarks import mix
    from benchmarks.worker import vacuum_analyze
    from centers.demo import load_demo
    from centers.importers import import_samhsa_file
    from centers.models import Facility
    from portal.demo import HELPLINE_GROUPS, create_demo_accounts
    from portal.models import Membership

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if data == "national":
        import_samhsa_file(NATIONAL_FILE)
    else:
        load_demo(count=demo_count)
    vacuum_analyze()
    seconds = time.perf_counter() - started
    say(f"loaded {Facility.objects.listed().count():,} listed facilities ({data}) in {seconds:.0f} s")
    create_demo_accounts()
    User = get_user_model()
    hashed = make_password(PASSWORD)  # once: hashing is slow on purpose
    helpline_groups = list(Group.objects.filter(name__in=HELPLINE_GROUPS))
    facilities = list(Facility.objects.listed().order_by("pk").values_list("pk", flat=True)[:ACCOUNTS_PER_ROLE])
    accounts: dict[str, list] = {"helpline": [], "admissions": []}
    for number in range(1, ACCOUNTS_PER_ROLE + 1):
        worker = User.objects.create(username=f"loadtest-helpline-{number}", password=hashed)
        worker.groups.add(*helpline_groups)
        accounts["helpline"].append([worker.username, None])
        staff = User.objects.create(username=f"loadtest-admissions-{number}", password=hashed)
        facility = facilities[(number - 1) % len(facilities)]
        Membership.objects.create(user=staff, facility_id=facility, role=Membership.Role.EDITOR)
        accounts["admissions"].append([staff.username, facility])
    listed = list(Facility.objects.listed().order_by("pk").values_list("pk", flat=True))
    sample = Facility.objects.filter(pk__in=listed[:: max(1, len(listed) // 100)])
    from centers.views import GUIDE_TOPICS

    guide = sorted(GUIDE_TOPICS)  # the topics, not every template in templates/guide/ (the chooser's are there too)
    plan = {
        "password": PASSWORD,
        "accounts": accounts,
        # First pages only: families reach page 2 through its link (benchmarks/locustfile.py)
        "searches": [query for query in mix.query_strings() if "page=" not in query] + CITY_SEARCHES,
        "detail_paths": [facility.get_absolute_url() for facility in sample],
        "guide_paths": ["/understanding-care/", *(f"/understanding-care/{slug}/" for slug in guide)],
    }
    plan_path.write_text(json.dumps(plan, indent=1))


# Running locust ---------------------------------------------------------------------------------


def percentile_ms(histogram: dict[str, int], fraction: float) -> float | None:
    """A percentile from locust's response-time histogram (milliseconds, rounded as locust rounds them)."""
    times = sorted((float(ms), count) for ms, count in histogram.items())
    total = sum(count for _, count in times)
    if not total:
        return None
    seen = 0
    for ms, count in times:
        seen += count
        if seen >= fraction * total:
            return ms
    return times[-1][0]


def read_stats(prefix: Path, seconds: float) -> dict:
    """Locust's final figures (its JSON file) per request type and in total; failures and exceptions (CSV)."""

    def rows(suffix: str) -> list[dict]:
        path = Path(f"{prefix}_{suffix}.csv")
        if not path.exists():
            return []
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    path = Path(f"{prefix}.json")
    entries = json.loads(path.read_text()) if path.exists() else []
    requests, merged = [], {}
    for entry in entries:
        histogram = entry["response_times"]
        for ms, count in histogram.items():
            merged[ms] = merged.get(ms, 0) + count
        requests.append(
            {
                "name": entry["name"],
                "method": entry["method"],
                "count": entry["num_requests"],
                "errors": entry["num_failures"],
                "rps": entry["num_requests"] / seconds,
                "p50_ms": percentile_ms(histogram, 0.5),
                "p95_ms": percentile_ms(histogram, 0.95),
            }
        )
    count = sum(r["count"] for r in requests)
    total = {
        "name": "all requests",
        "count": count,
        "errors": sum(r["errors"] for r in requests),
        "rps": count / seconds,
        "p50_ms": percentile_ms(merged, 0.5),
        "p95_ms": percentile_ms(merged, 0.95),
    }
    return {"requests": requests, "total": total, "failures": rows("failures"), "exceptions": rows("exceptions")}


def summary_text(stats: dict, users: int, seconds: int) -> tuple[str, int]:
    lines = [f"Load test: {users} users for {seconds} s (locust, headless, on the same machine as the server)", ""]
    header = f"{'request':<32} {'count':>7} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"
    lines += [header, "-" * len(header)]
    for row in [*sorted(stats["requests"], key=lambda row: row["name"]), stats["total"]]:
        p50, p95 = (f"{row[key]:.0f}" if row[key] is not None else "-" for key in ("p50_ms", "p95_ms"))
        lines.append(f"{row['name']:<32} {row['count']:>7} {row['errors']:>6} {row['rps']:>7.1f} {p50:>7} {p95:>7}")
    errors = stats["total"]["errors"] + sum(int(row.get("Count") or 1) for row in stats["exceptions"])
    for row in stats["failures"]:
        lines.append(f"  FAILED {row['Method']} {row['Name']}: {row['Error']} ({row['Occurrences']}x)")
    for row in stats["exceptions"]:
        lines.append(f"  EXCEPTION ({row['Count']}x): {row['Message']} at {row['Traceback'].strip()[-300:]}")
    lines += ["", f"errors: {errors}"]
    return "\n".join(lines), errors


def run_locust(host: str, plan: Path, *, users: int, seconds: int, workdir: Path) -> tuple[dict, int]:
    prefix = workdir / "locust"
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(max(1, users / 5)), "--run-time", f"{seconds}s",
        "--host", host, "--csv", str(prefix), "--json-file", str(prefix), "--only-summary", "--stop-timeout", "5",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "LOADTEST_PLAN": str(plan)}
    started = time.monotonic()
    cpu_before = os.times()
    completed = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    cpu_after = os.times()
    elapsed = time.monotonic() - started
    cpu = (cpu_after.children_user + cpu_after.children_system) - (
        cpu_before.children_user + cpu_before.children_system
    )
    stats = read_stats(prefix, seconds)
    stats["load_generator_cores"] = round(cpu / elapsed, 2)
    return stats, completed.returncode


def serve_and_run(url: str, data: str, args: argparse.Namespace, workdir: Path) -> tuple[dict, int]:
    """Load the database at ``url``, serve it with gunicorn and run locust against it."""
    plan = workdir / "plan.json"
    say(f"setting up the database with the {data} data and load-test accounts")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BENCH_DATABASE_URL": url}
    setup = [sys.executable, "-m", "benchmarks.loadtest", "--data", data, "--setup", str(plan)]
    subprocess.run([*setup, "--demo-count", str(args.demo_count)], cwd=ROOT, env=env, check=True)
    workers = int(os.environ.get("WEB_CONCURRENCY", "0"))
    with http_load.gunicorn(url, workers=workers, logdir=workdir) as (port, _pid):
        say(f"locust: {args.users} users for {args.seconds} s against gunicorn on port {port}")
        stats, code = run_locust(
            f"http://127.0.0.1:{port}", plan, users=args.users, seconds=args.seconds, workdir=workdir
        )
    server_errors = (workdir / "gunicorn-error.log").read_text(errors="replace")
    if "Traceback" in server_errors:
        print(server_errors[-4000:], file=sys.stderr)
        stats["server_tracebacks"] = server_errors.count("Traceback")
    return stats, code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=int(os.environ.get("LOADTEST_USERS", "50")))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOADTEST_SECONDS", "60")))
    parser.add_argument("--data", choices=["auto", "national", "demo"], default="auto")
    parser.add_argument("--json", metavar="PATH", help="also write the figures here")
    parser.add_argument("--host", help="an already running server (with --plan); no database is set up")
    parser.add_argument("--plan", help="the plan for --host (accounts, searches, pages), as set-up writes it")
    parser.add_argument("--demo-count", type=int, default=2000, help="demo facilities when there is no national file")
    parser.add_argument(
        "--database-url",
        help="an existing, empty PostgreSQL database to use (default: a scratch database on DATABASE_URL's server)",
    )
    parser.add_argument("--setup", metavar="PLAN", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    data = args.data if args.data != "auto" else ("national" if NATIONAL_FILE.exists() else "demo")
    if args.setup:
        set_up(data, Path(args.setup), demo_count=args.demo_count)
        return 0

    if not (args.host or args.database_url or postgres_server_url()):
        say("make loadtest needs PostgreSQL: scripts/with-postgres .venv/bin/python -m benchmarks.loadtest")
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="finder-loadtest-"))
    try:
        if args.host:
            plan = Path(args.plan)
            stats, code = run_locust(args.host, plan, users=args.users, seconds=args.seconds, workdir=workdir)
        elif args.database_url:
            stats, code = serve_and_run(args.database_url, data, args, workdir)
        else:
            with scratch_database("postgresql", workdir, "loadtest") as url:
                stats, code = serve_and_run(url, data, args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text, errors = summary_text(stats, args.users, args.seconds)
    errors += stats.get("server_tracebacks", 0)
    print(text)
    print(f"load generator CPU: {stats['load_generator_cores']} cores; locust exit status {code}")
    if args.json:
        figures = {"data": data, "users": args.users, "seconds": args.seconds, "errors": errors, "locust_status": code}
        Path(args.json).write_text(json.dumps({**figures, **stats}, indent=1))
    if errors or code != 0 or not stats["requests"]:
        print("LOAD TEST FAILED: errors above" if errors else f"LOAD TEST FAILED: locust exit status {code}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
