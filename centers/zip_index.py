"""A k-d tree over points on the sphere: the nearest ZIP centre to any point, with bounded work.

Pure arithmetic, no data: centers/geo.py builds it from the ZIP gazetteer, once, and keeps it in a file.
"""

from __future__ import annotations

import math
from array import array
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
    """A k-d tree over ZIP centres as points on the unit sphere, built once and kept in a file (see geo.py).

    Straight-line (chord) distance between unit vectors orders points exactly as distance along the
    sphere does, and needs no special case at the antimeridian or the poles. A search never looks
    farther than ``within_miles``: it examines about 20 of the 38,000 distinct centres, and at most a
    few hundred (just off the densest coasts; see tests/test_geo.py).

    The tree is a few flat arrays rather than nested objects, so that it is written to a file and read
    back (``parts()``, ``from_parts()``) in about a millisecond. Nodes are numbered in preorder; a
    branch has a split axis (0-2), a split value and its two children's numbers; a leaf has axis -1
    and the range of ``order`` that lists its centres.
    """

    LEAF_SIZE = 16

    def __init__(self, centres: list[tuple[float, float, str]]):
        vectors = [_unit_vector(latitude, longitude) for latitude, longitude, _ in centres]
        self.coordinates = [array("d", [vector[axis] for vector in vectors]) for axis in range(3)]
        self.states = [state for _, _, state in centres]
        self.axes, self.splits = array("b"), array("d")
        self.lows, self.highs, self.order = array("i"), array("i"), array("i")
        self._build(list(range(len(centres))))

    def _build(self, indexes: list[int]) -> int:
        """Add the node for ``indexes`` and those below it; returns its number."""
        node = len(self.axes)
        if len(indexes) <= self.LEAF_SIZE:
            self.axes.append(-1)
            self.splits.append(0.0)
            self.lows.append(len(self.order))
            self.order.extend(indexes)
            self.highs.append(len(self.order))
            return node
        # Split across the widest extent, so that cells stay compact rather than long slivers.
        axis = max(range(3), key=lambda axis: self._extent(indexes, axis))
        indexes.sort(key=self.coordinates[axis].__getitem__)
        middle = len(indexes) // 2
        self.axes.append(axis)
        self.splits.append(self.coordinates[axis][indexes[middle]])
        self.lows.append(-1)
        self.highs.append(-1)
        self.lows[node] = self._build(indexes[:middle])
        self.highs[node] = self._build(indexes[middle:])
        return node

    def _extent(self, indexes: list[int], axis: int) -> float:
        values = [self.coordinates[axis][index] for index in indexes]
        return max(values) - min(values)

    def parts(self) -> dict[str, bytes | str]:
        """The index as a few bytes and strings (native byte order), for ``from_parts()``."""
        arrays = {"x": self.coordinates[0], "y": self.coordinates[1], "z": self.coordinates[2]}
        arrays.update(axes=self.axes, splits=self.splits, lows=self.lows, highs=self.highs, order=self.order)
        return {**{name: values.tobytes() for name, values in arrays.items()}, "states": "\n".join(self.states)}

    @classmethod
    def from_parts(cls, parts: dict[str, bytes | str]) -> ZipIndex:
        index = cls.__new__(cls)
        index.coordinates = [array("d", parts[name]) for name in "xyz"]
        index.states = parts["states"].split("\n")
        index.axes, index.splits = array("b", parts["axes"]), array("d", parts["splits"])
        index.lows, index.highs, index.order = (array("i", parts[name]) for name in ("lows", "highs", "order"))
        if not len(index.states) == len(index.order) == len(index.coordinates[0]) or not len(index.axes):
            raise ValueError("the parts of a ZipIndex do not fit together")
        return index

    def nearest(self, latitude: float, longitude: float, within_miles: float) -> NearestZip | None:
        """The nearest centre no farther than ``within_miles``, or None."""
        query = _unit_vector(latitude, longitude)
        xs, ys, zs = self.coordinates
        axes, splits, lows, highs, order = self.axes, self.splits, self.lows, self.highs, self.order
        qx, qy, qz = query
        best_index, best_distance, examined = -1, _chord_for_miles(within_miles) ** 2, 0
        # Each entry: a node, and how far off the query is from the node's cell along each axis, so the
        # squared sum of those is a lower bound on the distance to any centre in it (Arya and Mount).
        stack = [(0, 0.0, (0.0, 0.0, 0.0))]
        while stack:
            node, bound, offsets = stack.pop()
            if bound > best_distance:
                continue  # every centre in this node is farther than the best one found so far
            axis = axes[node]
            if axis < 0:
                examined += highs[node] - lows[node]
                for index in order[lows[node] : highs[node]]:
                    distance = (qx - xs[index]) ** 2 + (qy - ys[index]) ** 2 + (qz - zs[index]) ** 2
                    if distance <= best_distance:
                        best_index, best_distance = index, distance
                continue
            gap = query[axis] - splits[node]
            near, far = (lows[node], highs[node]) if gap < 0 else (highs[node], lows[node])
            far_offsets = (*offsets[:axis], gap, *offsets[axis + 1 :])
            stack.append((far, bound - offsets[axis] ** 2 + gap * gap, far_offsets))
            stack.append((near, bound, offsets))  # searched first
        if best_index < 0:
            return None
        miles = 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(best_distance) / 2))
        return NearestZip(self.states[best_index], miles, examined)
