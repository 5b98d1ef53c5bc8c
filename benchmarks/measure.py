"""Measuring tools shared by the benchmark jobs: percentiles, CPU use, SQL and template time."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples: list[float]) -> dict:
    """p50/p95 in milliseconds of samples in seconds."""
    return {"p50": percentile(samples, 0.5) * 1000, "p95": percentile(samples, 0.95) * 1000}


# CPU use ---------------------------------------------------------------------------------------


def process_jiffies(pids: set[int]) -> int:
    """utime + stime of the given processes."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid, _, rest = text.partition(" (")
        rest = rest.rpartition(") ")[2]
        if int(pid) in pids:
            values = rest.split()
            total += int(values[11]) + int(values[12])
    return total


def children_of(parent: int) -> set[int]:
    """``parent`` and its direct children (gunicorn's master and workers)."""
    found = {parent}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            rest = stat.read_text().rpartition(") ")[2].split()
        except OSError:
            continue
        if int(rest[1]) == parent:
            found.add(int(stat.parent.name))
    return found


def database_server_pids() -> set[int]:
    """The PostgreSQL server at DATABASE_URL, if it is a local throwaway cluster (scripts/with-postgres)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return set()
    port = urlsplit(url).port or 5432
    for pidfile in Path("/tmp").glob("finder-pg.*/data/postmaster.pid"):
        try:
            lines = pidfile.read_text().splitlines()
        except OSError:
            continue
        if len(lines) > 3 and lines[3].strip() == str(port):
            return children_of(int(lines[0]))
    return set()


def cpu_snapshot(pids: set[int] | None = None) -> dict:
    """Jiffies: the whole machine's busy, and ours (this process, ``pids`` and our PostgreSQL server)."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    except OSError:
        return {}
    ours = process_jiffies({os.getpid(), *(pids or ()), *database_server_pids()})
    idle = fields[3] + fields[4]
    return {"time": time.monotonic(), "busy": sum(fields[:8]) - idle, "ours": ours, "cpu": time.process_time()}


def cpu_usage(before: dict, after: dict) -> dict:
    """Average cores busy during the timing: ours, this process alone, and other processes' (other sessions)."""
    if not before or not after:
        return {}
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = after["time"] - before["time"]
    busy = (after["busy"] - before["busy"]) / ticks / seconds
    ours = (after["ours"] - before["ours"]) / ticks / seconds
    return {
        "busy_cores": round(busy, 2),
        "our_cores": round(ours, 2),
        "this_process_cores": round((after["cpu"] - before["cpu"]) / seconds, 2),
        "other_cores": round(max(busy - ours, 0), 2),
    }


# SQL and templates ----------------------------------------------------------------------------


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

    def seconds(self) -> float:
        return sum(seconds for _, _, seconds in self.statements)


class RenderTimer:
    """Time spent rendering templates (outermost renders only), less the SQL run from inside them.

    Patches the Django template engine's Template.render, and Jinja2's backend too if it is in use,
    so a template that includes others is counted once.
    """

    def __init__(self, log: StatementLog):
        self.log = log
        self.depth = 0
        self.seconds = 0.0

    def wrap(self, original):
        timer = self

        def render(template, *args, **kwargs):
            if timer.depth:
                return original(template, *args, **kwargs)
            timer.depth += 1
            sql_before = timer.log.seconds()
            started = time.perf_counter()
            try:
                return original(template, *args, **kwargs)
            finally:
                timer.seconds += time.perf_counter() - started - (timer.log.seconds() - sql_before)
                timer.depth -= 1

        return render

    @contextmanager
    def installed(self):
        from django.template import base

        classes = [base.Template]
        try:
            from django.template.backends import jinja2
        except ImportError:
            pass
        else:
            classes.append(jinja2.Template)
        patches = [mock.patch.object(cls, "render", self.wrap(cls.render)) for cls in classes]
        for patch in patches:
            patch.start()
        try:
            yield self
        finally:
            for patch in reversed(patches):
                patch.stop()


def statement_kind(sql: str) -> str:
    text = " ".join(sql.split()).upper()
    if text.startswith("SELECT COUNT(*)"):
        return "count"
    if "_PREFETCH_RELATED_VAL" in text:
        return "prefetch"
    if 'FROM "CENTERS_INSURER"' in text:
        return "insurer choices"
    if 'AS "DISTANCE_MILES"' in text:
        return "results page"
    if 'FROM "CENTERS_FACILITY"' in text and text.endswith("LIMIT 1"):
        return "demo banner check"
    if text.startswith(("INSERT", "UPDATE", "DELETE")):
        return "write"
    return "other"


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
