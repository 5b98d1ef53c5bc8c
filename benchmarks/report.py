"""The text report of `make bench`: tables per database and data set, and the issue's targets."""

from __future__ import annotations

from pathlib import Path
from statistics import median

TARGET_SEARCH_P95_MS = 20.0
TARGET_GROWTH = 1.5
TARGET_BASE_MS = 1.5
TARGET_SEARCHES_PER_S = 150.0
TARGET_CACHED_SEARCHES_PER_S = 300.0
TARGET_FIRST_SEARCH_MS = 100.0
TARGET_IMPORT_S = 10.0
NATIONAL = "national"


def ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def pair(values: dict) -> str:
    return f"{ms(values['p50'])} / {ms(values['p95'])}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Plain text: the first two columns left-aligned, the figures right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headers, *rows, strict=True)]
    lines = []
    for line in [headers, ["-" * width for width in widths], *rows]:
        cells = [
            cell.ljust(w) if n < 2 else cell.rjust(w) for n, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        lines.append("  ".join(cells))
    return "\n".join(lines)


def by_kind(results: list[dict], job: str) -> list[dict]:
    return [r for r in results if r["job"] == job]


def search_tables(searches: list[dict]) -> list[str]:
    out = [
        "In process (django.test.Client, DEBUG off): the 30-search mix (benchmarks/mix.py); each search's median",
        "over the passes, then p50 / p95 across the 30 searches. Milliseconds, wall clock.",
        "",
    ]
    rows = []
    for r in searches:
        rows.append([
            f"{r['vendor']} {r['version']}", r["dataset"], f"{r['facilities']:,}", pair(r["page"]), pair(r["query"]),
            pair(r["base"]), pair(r["trivial"]), pair(r["page_cpu"]), f"{r['cpu'].get('other_cores', '?')}",
        ])  # fmt: skip
    out.append(table(
        ["database", "data", "facilities", "search page", "query only", "base page", "trivial", "page CPU",
         "other load"],
        rows,
    ))  # fmt: skip
    out += [
        "",
        "Where a search page's time goes (medians of 3 instrumented passes; p50 / p95 across searches, ms):",
        "",
    ]
    rows = []
    for r in searches:
        parts = r["breakdown"]
        statements = sorted(r["statements_per_page"])
        rows.append([
            r["vendor"], r["dataset"], pair(parts["total"]), pair(parts["sql"]), pair(parts["render"]),
            pair(parts["other"]), f"{parts['render']['share']:.0%}", f"{statements[0]}-{statements[-1]}",
            f"{r['results']['p50']:.0f} / {r['results']['p95']:.0f}",
            f"{r['in_box']['p50']:.0f} / {r['in_box']['p95']:.0f}",
        ])  # fmt: skip
    out.append(table(
        ["database", "data", "page", "SQL", "templates", "rest", "templates share", "queries", "results",
         "rows in box"],
        rows,
    ))  # fmt: skip
    out += [
        "",
        "query only = the view's FilterSet, count and page of rows without rendering; base page = the empty",
        "base.html layout; trivial = HttpResponse('ok') through the middleware; page CPU = this process's CPU",
        "per page (SQLite's work included, PostgreSQL's not); templates = time inside template rendering less",
        "the SQL run from it; rest = middleware, view and forms; other load = cores used by other processes.",
        "",
    ]
    for r in searches:
        uses = "uses" if r.get("box_uses_index") else "does NOT use"
        explained = r["explain"]
        out.append(
            f"{r['vendor']} {r['dataset']}: the bounding box {uses} index facility_lat_lng (EXPLAIN of the densest "
            f"filtered search, {explained['in_box']:,} rows in its box)"
        )
    return out


def http_table(http: list[dict]) -> list[str]:
    rows = []
    for h in http:
        for kind in ("trivial", "base", "search", "search, cached", "detail"):
            r = h.get(kind)
            if not r:
                continue
            rows.append([
                h["vendor"], h["dataset"], kind, f"{r['rps']:.0f}", ms(r["p50_ms"]), ms(r["p95_ms"]),
                str(r["errors"]), f"{r['load_generator_cores']}", f"{r['server_cores']}", f"{r['other_cores']}",
            ])  # fmt: skip
    if not rows:
        return []
    first = http[0]
    return [
        f"HTTP: gunicorn (gunicorn.conf.py, {first['workers']} sync workers) and the load generator on the same",
        f"machine ({first['connections']} connections, {first['seconds']:.0f} s per kind after a warm-up); cores =",
        "average CPU cores used by the load generator, the server (gunicorn and its PostgreSQL), other processes.",
        "",
        table(["database", "data", "page", "req/s", "p50 ms", "p95 ms", "errors", "load gen", "server", "other"], rows),
    ]


def checks(results: list[dict]) -> list[tuple[bool | None, str]]:
    searches, http = by_kind(results, "search"), by_kind(results, "http")
    firsts, imports = by_kind(results, "first-search"), by_kind(results, "import")
    found = []
    for vendor in dict.fromkeys(r["vendor"] for r in results if "vendor" in r):
        mine = {r["dataset"]: r for r in searches if r["vendor"] == vendor}
        reference = NATIONAL if NATIONAL in mine else next(iter(mine), None)
        if reference:
            label = "national file" if reference == NATIONAL else f"{reference} (no national file)"
            p95 = mine[reference]["page"]["p95"]
            found.append((p95 <= TARGET_SEARCH_P95_MS, f"{vendor}: search p95, {label} = {ms(p95)} ms (target <= 20)"))
            largest = max(mine, key=lambda name: mine[name]["facilities"])
            if largest != reference:
                growth = mine[largest]["page"]["p95"] / p95
                text = f"{vendor}: search p95 at {largest} / {label} = {growth:.2f}x (target <= {TARGET_GROWTH}x)"
                found.append((growth <= TARGET_GROWTH, text))
            base = mine[reference]["base"]["p95"]
            found.append((base <= TARGET_BASE_MS, f"{vendor}: base page p95 = {ms(base)} ms (target <= 1.5)"))
        loads = {h["dataset"]: h for h in http if h["vendor"] == vendor}
        if reference in loads and "search" in loads[reference]:
            r = loads[reference]["search"]
            ok = r["rps"] >= TARGET_SEARCHES_PER_S and r["errors"] == 0
            text = (
                f"{vendor}: mixed searches under gunicorn = {r['rps']:.0f}/s, {r['errors']} errors (target >= 150/s, 0)"
            )
            found.append((ok, text))
        if reference in loads and "search, cached" in loads[reference]:
            r = loads[reference]["search, cached"]
            ok = r["rps"] >= TARGET_CACHED_SEARCHES_PER_S and r["errors"] == 0
            text = f"{vendor}: the same, search cache on = {r['rps']:.0f}/s, {r['errors']} errors (aim >= 300/s)"
            found.append((ok, text))
        mine_first = [r for r in firsts if r["vendor"] == vendor]
        if mine_first:
            first = median(r["first_ms"] for r in mine_first)
            text = f"{vendor}: first search after start = {ms(first)} ms, median of {len(mine_first)} (target <= 100)"
            found.append((first <= TARGET_FIRST_SEARCH_MS, text))
        runs = [r["import_s"] for r in imports if r["vendor"] == vendor and r.get("dataset") == NATIONAL]
        if runs:
            seconds = median(runs)
            text = f"{vendor}: import of the national file = {seconds:.1f} s, median of {len(runs)} (target <= 10)"
            found.append((seconds <= TARGET_IMPORT_S, text))
    found.append((None, "make loadtest (50 users, 60 s, 0 errors, p95 reported): not part of make bench"))
    return found


def report(results: list[dict]) -> tuple[str, bool]:
    searches = by_kind(results, "search")
    out = []
    if searches:
        out += search_tables(searches)
        out.append("")
    vendors = dict.fromkeys(r["vendor"] for r in searches)
    for vendor in vendors:
        mine = {r["dataset"]: r for r in searches if r["vendor"] == vendor}
        if NATIONAL in mine:
            national = mine[NATIONAL]
            for name, r in mine.items():
                if name != NATIONAL:
                    out.append(
                        f"{vendor}: {name} / national: search p50 {r['page']['p50'] / national['page']['p50']:.2f}x, "
                        f"p95 {r['page']['p95'] / national['page']['p95']:.2f}x"
                    )
    out.append("")
    out += http_table(by_kind(results, "http"))
    firsts = by_kind(results, "first-search")
    if firsts:
        rows = []
        for vendor in dict.fromkeys(r["vendor"] for r in firsts):
            mine = [r for r in firsts if r["vendor"] == vendor]
            rows.append([
                vendor, mine[0]["dataset"], str(len(mine)), ms(median(r["app_load_ms"] for r in mine)),
                ms(median(r["first_ms"] for r in mine)), ms(median(r["second_ms"] for r in mine)),
                ms(median(r["third_ms"] for r in mine)),
            ])  # fmt: skip
        out += [
            "",
            "First search in a fresh process (finder.wsgi loaded first, as gunicorn's preload does; ms, medians):",
        ]
        columns = ["database", "data", "processes", "app load", "1st search", "2nd search", "3rd search"]
        out += ["", table(columns, rows)]
    imports = by_kind(results, "import")
    if imports:
        grouped: dict[tuple[str, str], list[dict]] = {}
        for r in imports:
            grouped.setdefault((r["vendor"], Path(r["file"]).name), []).append(r)
        rows = []
        for (vendor, name), runs in grouped.items():
            times = [r["import_s"] for r in runs]
            rows.append([
                vendor, name, f"{runs[0]['rows']:,}", f"{runs[0]['created']:,}", str(len(runs)),
                f"{median(times):.1f}", f"{min(times):.1f}-{max(times):.1f}",
            ])  # fmt: skip
        out += ["", "Import (import_samhsa_file into a fresh, migrated database; seconds):", ""]
        out.append(table(["database", "file", "rows", "created", "runs", "median", "range"], rows))
    busy = [r for r in searches if r.get("cpu", {}).get("other_cores", 0) > 0.25]
    if busy:
        names = ", ".join(f"{r['vendor']} {r['dataset']} ({r['cpu']['other_cores']:.2f} cores)" for r in busy)
        out += ["", f"WARNING: other processes were busy during {names}: wall-clock figures there are inflated."]
    verdicts = checks(results)
    out += ["", "Targets (issue 9)"]
    out += [f"  [{'----' if ok is None else 'PASS' if ok else 'FAIL'}] {text}" for ok, text in verdicts]
    return "\n".join(out), all(ok is not False for ok, _ in verdicts)
