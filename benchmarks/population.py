"""ZIP codes weighted like the US population, from data that ships with Finder (no download).

``zipcodes`` has no population, and picking ZIP codes uniformly (as ``centers.demo`` does)
over-weights the countryside: a rural ZIP has a few hundred people, a city ZIP tens of thousands.
Two offline facts fix most of that:

1. Each state's share: the 2020 Census resident population (table below; public domain).
2. Within a state, the telephone area code. Area codes are split or overlaid when they run out of
   numbers, so each serves roughly the same number of lines; a ZIP code's weight is
   1 / (standard ZIP codes sharing its area code). A city ZIP, one of few in its area code,
   weighs far more than a rural one.

docs/performance.md compares the result with the real 2015 N-SSATS directory.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from functools import cache

from centers import geo

# 2020 Census resident population (states, DC, Puerto Rico; island areas from the 2020 Island Areas census).
STATE_POPULATION = {
    "CA": 39538223, "TX": 29145505, "FL": 21538187, "NY": 20201249, "PA": 13002700, "IL": 12812508,
    "OH": 11799448, "GA": 10711908, "NC": 10439388, "MI": 10077331, "NJ": 9288994, "VA": 8631393,
    "WA": 7705281, "AZ": 7151502, "MA": 7029917, "TN": 6910840, "IN": 6785528, "MD": 6177224,
    "MO": 6154913, "WI": 5893718, "CO": 5773714, "MN": 5706494, "SC": 5118425, "AL": 5024279,
    "LA": 4657757, "KY": 4505836, "OR": 4237256, "OK": 3959353, "CT": 3605944, "UT": 3271616,
    "IA": 3190369, "NV": 3104614, "AR": 3011524, "MS": 2961279, "KS": 2937880, "NM": 2117522,
    "NE": 1961504, "ID": 1839106, "WV": 1793716, "HI": 1455271, "NH": 1377529, "ME": 1362359,
    "RI": 1097379, "MT": 1084225, "DE": 989948, "SD": 886667, "ND": 779094, "AK": 733391,
    "DC": 689545, "VT": 643077, "WY": 576851, "PR": 3285874, "GU": 153836, "VI": 87146,
    "AS": 49710, "MP": 47329,
}  # fmt: skip

SLOTS = 1_000_000  # resolution of the weighted list: one slot is 330 people


def zip_weights() -> dict[str, float]:
    """Estimated residents per standard ZIP code (state population split by area code)."""
    places = [p for p in geo.residential_zip_places() if p.state in STATE_POPULATION]
    per_area_code = Counter(p.area_code for p in places)
    by_state: dict[str, list[geo.ZipPlace]] = defaultdict(list)
    for place in places:
        by_state[place.state].append(place)
    weights = {}
    for state, state_places in by_state.items():
        raw = {p.zip_code: 1 / per_area_code[p.area_code] for p in state_places}
        total = sum(raw.values())
        for zip_code, value in raw.items():
            weights[zip_code] = STATE_POPULATION[state] * value / total
    return weights


@cache
def weighted_places() -> list[geo.ZipPlace]:
    """ZIP places repeated in proportion to their residents, so ``random.choice`` draws like the population."""
    weights = zip_weights()
    places = [p for p in geo.residential_zip_places() if p.zip_code in weights]
    total = sum(weights.values())
    # Largest remainder, so the list has exactly SLOTS entries and no ZIP is rounded away unfairly.
    exact = [(weights[p.zip_code] * SLOTS / total, p) for p in places]
    counts = [int(share) for share, _ in exact]
    short = SLOTS - sum(counts)
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i][0] - counts[i], reverse=True)
    for i in by_remainder[:short]:
        counts[i] += 1
    return [place for (_, place), count in zip(exact, counts, strict=True) for _ in range(count)]


def search_places(count: int, seed: int) -> list[geo.ZipPlace]:
    """Where ``count`` people search from: populated ZIP codes, drawn like the population."""
    return random.Random(seed).choices(weighted_places(), k=count)


def compare_with_directory(path: str, origins: int = 300, facilities: int = 20_000) -> str:
    """Facilities inside a search's 25-mile box: a real directory (scaled) vs uniform and weighted ZIPs."""
    import csv
    import math

    def buckets(points):
        grid = defaultdict(list)
        for point in points:
            grid[math.floor(point[0]), math.floor(point[1])].append(point)
        return grid

    def in_box(grid, origin):
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(origin, 25)
        return sum(
            weight
            for row in range(math.floor(min_lat), math.floor(max_lat) + 1)
            for col in range(math.floor(min_lng), math.floor(max_lng) + 1)
            for latitude, longitude, weight in grid.get((row, col), ())
            if min_lat <= latitude <= max_lat and min_lng <= longitude <= max_lng
        )

    def p50_p95(grid, searches):
        counts = sorted(in_box(grid, origin) for origin in searches)
        return f"p50 {counts[len(counts) // 2]:.0f}, p95 {counts[int(len(counts) * 0.95)]:.0f}"

    real = []
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        for row in csv.DictReader(handle):
            try:
                real.append((float(row["latitude"]), float(row["longitude"])))
            except ValueError:
                continue
    places = [p for p in geo.residential_zip_places() if p.state in STATE_POPULATION]
    schemes = {"uniform ZIPs (centers.demo)": {p.zip_code: 1.0 for p in places}, "population-weighted": zip_weights()}
    searches = [geo.Point(p.latitude, p.longitude) for p in random.Random(1).choices(weighted_places(), k=origins)]

    lines = [
        f"Facilities inside the 25-mile box of {origins} population-weighted searches, at {facilities:,} facilities:"
    ]
    real_grid = buckets([(lat, lng, facilities / len(real)) for lat, lng in real])
    lines.append(f"  real directory ({len(real):,} rows, scaled): {p50_p95(real_grid, searches)}")
    for name, scheme in schemes.items():
        total = sum(scheme.values())
        grid = buckets([(p.latitude, p.longitude, facilities * scheme[p.zip_code] / total) for p in places])
        lines.append(f"  {name}: {p50_p95(grid, searches)}")
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(compare_with_directory(sys.argv[1]))
