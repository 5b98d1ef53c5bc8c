"""A k-d tree over points on the sphere: the nearest ZIP centre to any point, with bounded work.

Pure arithmetic, no data: centers/geo.py builds it once per process from the ZIP gazetteer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class NearestZip:
    """The ZIP centre nearest a point: its state, how far it is, and how many centres were examined."""

    state: str
    miles: float
    examined: int


def _unit_vector(latitude: float, longitude: float) -> tuple[float, float, float]:
    latitude, longitude = math.radians(latitude), math.radians(longitude)
    return (
        math.cos(latitude) * math.cos(longitude),
        math.cos(latitude) * math.sin(longitude),
        math.sin(latitude),
    )


def _chord_for_miles(miles: float) -> float:
    return 2 * math.sin(min(miles / EARTH_RADIUS_MILES, math.pi) / 2)


class ZipIndex:
    """A k-d tree over ZIP centres as points on the unit sphere, built once per process.

    Straight-line (chord) distance between unit vectors orders points exactly as distance along the
    sphere does, and needs no special case at the antimeridian or the poles. A search never looks
    farther than ``within_miles``: it examines about 20 of the 38,000 distinct centres, and at most a
    few hundred (just off the densest coasts; see tests/test_geo.py).
    """

    LEAF_SIZE = 16

    def __init__(self, centres: list[tuple[float, float, str]]):
        vectors = [_unit_vector(latitude, longitude) for latitude, longitude, _ in centres]
        self.coordinates = [[vector[axis] for vector in vectors] for axis in range(3)]
        self.states = [state for _, _, state in centres]
        self.root = self._build(list(range(len(centres))))

    def _build(self, indexes: list[int]):
        """A leaf is a list of indexes; a branch is (axis, split value, lower half, upper half)."""
        if len(indexes) <= self.LEAF_SIZE:
            return indexes
        # Split across the widest extent, so that cells stay compact rather than long slivers.
        axis = max(range(3), key=lambda axis: self._extent(indexes, axis))
        indexes.sort(key=self.coordinates[axis].__getitem__)
        middle = len(indexes) // 2
        split = self.coordinates[axis][indexes[middle]]
        return (axis, split, self._build(indexes[:middle]), self._build(indexes[middle:]))

    def _extent(self, indexes: list[int], axis: int) -> float:
        values = [self.coordinates[axis][index] for index in indexes]
        return max(values) - min(values)

    def nearest(self, latitude: float, longitude: float, within_miles: float) -> NearestZip | None:
        """The nearest centre no farther than ``within_miles``, or None."""
        query = _unit_vector(latitude, longitude)
        xs, ys, zs = self.coordinates
        qx, qy, qz = query
        best_index, best_distance, examined = -1, _chord_for_miles(within_miles) ** 2, 0
        # Each entry: a node, and how far off the query is from the node's cell along each axis, so the
        # squared sum of those is a lower bound on the distance to any centre in it (Arya and Mount).
        stack = [(self.root, 0.0, (0.0, 0.0, 0.0))]
        while stack:
            node, bound, offsets = stack.pop()
            if bound > best_distance:
                continue  # every centre in this node is farther than the best one found so far
            if isinstance(node, list):
                examined += len(node)
                for index in node:
                    distance = (qx - xs[index]) ** 2 + (qy - ys[index]) ** 2 + (qz - zs[index]) ** 2
                    if distance <= best_distance:
                        best_index, best_distance = index, distance
                continue
            axis, split, lower, upper = node
            gap = query[axis] - split
            near, far = (lower, upper) if gap < 0 else (upper, lower)
            far_offsets = (*offsets[:axis], gap, *offsets[axis + 1 :])
            stack.append((far, bound - offsets[axis] ** 2 + gap * gap, far_offsets))
            stack.append((near, bound, offsets))  # searched first
        if best_index < 0:
            return None
        miles = 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(best_distance) / 2))
        return NearestZip(self.states[best_index], miles, examined)
