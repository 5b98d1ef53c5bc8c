"""Where a search page's time goes (SQL, templates, the rest) and how much work each search has.

Untimed by the headline figures: these passes run after them, with the SQL and template
instrumentation of benchmarks/measure.py switched on.
"""

from __future__ import annotations

import time
from statistics import median
from urllib.parse import parse_qs

from benchmarks.measure import RenderTimer, StatementLog, explain, percentile, statement_kind, summary

FILTER_NAMES = ("level", "payment", "medication")


def breakdown(client, queries: list[str], *, passes: int) -> dict:
    """Per page: statements, SQL time, template time (less SQL run from templates) and the rest."""
    from django.db import connection

    parts: dict[str, list[list[float]]] = {kind: [[] for _ in queries] for kind in ("total", "sql", "render")}
    statements: list[int] = [0] * len(queries)
    by_kind: dict[str, list[float]] = {}
    for _ in range(passes):
        for index, query in enumerate(queries):
            log = StatementLog()
            timer = RenderTimer(log)
            with connection.execute_wrapper(log), timer.installed():
                started = time.perf_counter()
                client.get("/?" + query)
                total = time.perf_counter() - started
            parts["total"][index].append(total)
            parts["sql"][index].append(log.seconds())
            parts["render"][index].append(timer.seconds)
            statements[index] = len(log.statements)
            for sql, _, seconds in log.statements:
                by_kind.setdefault(statement_kind(sql), []).append(seconds)
    medians = {kind: [median(values) for values in lists] for kind, lists in parts.items()}
    medians["other"] = [t - s - r for t, s, r in zip(medians["total"], medians["sql"], medians["render"], strict=True)]
    total_time = sum(medians["total"])
    return {
        "breakdown": {
            kind: {**summary(values), "share": sum(values) / total_time, "per_search_ms": [v * 1000 for v in values]}
            for kind, values in medians.items()
        },
        "statements_per_page": statements,
        "statement_ms": {kind: {**summary(values), "n": len(values)} for kind, values in by_kind.items()},
    }


def diagnose(queries: list[str], run_query) -> dict:
    """Results and rows in the bounding box per search; the plan of the densest filtered one."""
    from django.db import connection
    from django.db.models import Q

    from centers import geo
    from centers.models import Facility

    results, in_box = [], []
    for query in queries:
        params = parse_qs(query)
        results.append(run_query(query))
        origin = geo.lookup_place(params["location"][0])
        radius = params["radius"][0]
        if radius == "state":
            in_box.append(None)
            continue
        box = geo.bounding_box(origin, int(radius))
        longitudes = Q()
        for low, high in box.longitude_ranges():
            longitudes |= Q(longitude__range=(low, high))
        in_box.append(Facility.objects.listed().filter(longitudes, latitude__range=(box.min_lat, box.max_lat)).count())
    boxed = [n for n in in_box if n is not None]
    densest = max(
        (i for i, n in enumerate(in_box) if n is not None),
        key=lambda i: (any(f"{name}=" in queries[i] for name in FILTER_NAMES), in_box[i]),
    )
    log = StatementLog()
    with connection.execute_wrapper(log):
        run_query(queries[densest])
    plans = explain(log.statements)
    return {
        "results": {"p50": percentile(results, 0.5), "p95": percentile(results, 0.95), "per_search": results},
        "in_box": {"p50": percentile(boxed, 0.5), "p95": percentile(boxed, 0.95), "per_search": in_box},
        "explain": {"query": queries[densest], "in_box": in_box[densest], "plans": plans},
        "box_uses_index": all("facility_lat_lng" in p["plan"] for p in plans if p["kind"] in ("count", "results page")),
    }
